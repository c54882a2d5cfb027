"""The registry: shipped file complete and valid, bad files named precisely, selection, host lookup, CLI."""
import csv
import json
import os
from pathlib import Path

import pytest

from corpus.cli import main
from corpus.sources.registry import (PROVINCES, RegistryError, check_registry, host_index, load_sources, select_sources,
                             source_for_url)

SHARED_SOURCES = Path(os.environ.get("PROVNEWS_SHARED") or Path(__file__).resolve().parents[1].parent / "shared") \
    / "sources"
REAL_URLS = Path(__file__).parent / "data" / "real_urls.tsv"
# outlets.tsv rows the registry leaves out on purpose, with the reason.
LEFT_OUT = {"baohaiphongplus.vn": "ownership not established: not known to be a provincial outlet"}
# outlets.tsv kinds the registry changes: district sites are not the provincial portal / Party site.
KIND_CHANGED = {"huyendienbien.gov.vn": "other", "huyenuyphucu.vn": "other"}


@pytest.fixture(scope="module")
def sources():
    return load_sources()


def test_shipped_registry_is_valid_and_covers_every_province(sources):
    assert check_registry() == []
    assert {"baolongan", "baodongthap", "baovinhphuc"} <= {s.key for s in sources}
    with_newspaper = {s.province for s in sources if s.kind == "newspaper"}
    assert with_newspaper == set(PROVINCES) and len(PROVINCES) == 63
    for s in sources:
        assert s.province_after_2025 == PROVINCES[s.province]
        assert s.verified == bool(s.evidence_url), s.key  # verified means a page was seen on the outlet
        assert source_for_url(s.homepage, host_index(sources)) is s, s.key


def test_registry_matches_outlets_tsv(sources):
    path = SHARED_SOURCES / "outlets.tsv"
    if not path.exists():
        pytest.skip(f"{path} not found (set PROVNEWS_SHARED to the folder holding sources/)")
    index = host_index(sources)
    rows = list(csv.DictReader(path.open(encoding="utf-8"), delimiter="\t"))
    evidence = {}  # source key -> has any of its rows a page seen on the outlet?
    for row in rows:
        source = source_for_url(row["evidence_url"] or f"https://{row['domain']}/", index)
        if row["domain"] in LEFT_OUT:
            assert source is None, row["domain"]
            continue
        assert source is not None, f"{row['domain']} has no source"
        assert (source.province, source.province_after_2025) == (row["province_before_2025"],
                                                                   row["province_after_2025"])
        assert source.kind == KIND_CHANGED.get(row["domain"], row["kind"]), row["domain"]
        evidence[source.key] = evidence.get(source.key, False) or bool(row["evidence_url"])
    # Every source comes from a row, verified as seen, or from a page of tests/data/real_urls.tsv.
    real = {row["url"] for row in csv.DictReader(REAL_URLS.open(encoding="utf-8"), delimiter="\t")}
    assert evidence == {s.key: s.verified for s in sources if s.key in evidence}
    assert [s.key for s in sources if s.key not in evidence and s.evidence_url not in real] == []


BASE = 'key="x"\nname="X"\nprovince="Long An"\nhomepage="https://x.vn/"\n'


@pytest.mark.parametrize("body, expected", [
    ('key="x"\nname="X"\nprovince="Long An"\n', "source 'x': field 'homepage' is missing"),
    (BASE + 'article_pattern="(["\n', "source 'x': field 'article_pattern' has a bad regex"),
    (BASE + 'deny=["a)"]\n', "source 'x': field 'deny' has a bad regex"),
    (BASE + "[[source]]\n" + BASE, "source 'x': field 'key' is a duplicate"),
    (BASE.replace("Long An", "Atlantis"), "field 'province' is not a known pre-2025 province"),
    (BASE + 'province_after_2025="Đồng Tháp"\n', "field 'province_after_2025' should be 'Tây Ninh'"),
    (BASE + 'kind="blog"\n', "source 'x': field 'kind' must be one of newspaper, portal"),
    (BASE + 'hosts=["not a host"]\n', "source 'x': field 'hosts' has a bad host 'not a host'"),
    (BASE + 'hosts="m.x.vn"\n', "source 'x': field 'hosts' must be a list of strings"),
    (BASE + 'sitemaps=["/sitemap.xml"]\n', "source 'x': field 'sitemaps' is not an http(s) URL"),
    (BASE + 'verified="no"\n', "source 'x': field 'verified' must be true or false"),
    (BASE + 'subdomains="yes"\n', "source 'x': field 'subdomains' must be true or false"),
    (BASE + 'case_insensitive=1\n', "source 'x': field 'case_insensitive' must be true or false"),
    (BASE + 'colour="red"\n', "source 'x': field 'colour' is unknown"),
    (BASE + '[[source]]\nkey="y"\nname="Y"\nprovince="Long An"\nhomepage="https://www.x.vn/a"\nhosts=["x.vn"]\n',
     "source 'y': host 'x.vn' already belongs to source 'x'"),
    ('[source]\nkey="x"\n', "no [[source]] tables"),
    ("[[source]\n", "not valid TOML"),
])
def test_bad_registry_names_source_and_field(tmp_path, body, expected):
    path = tmp_path / "bad.toml"
    path.write_text(body if body.startswith("[") else "[[source]]\n" + body, encoding="utf-8")
    with pytest.raises(RegistryError) as err:
        load_sources(path)
    assert expected in str(err.value) and "\n" not in str(err.value)


def test_check_lists_every_problem_once(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[[source]]\n" + BASE + 'kind="blog"\n[[source]]\nkey="Y"\nname="Y"\n', encoding="utf-8")
    problems = check_registry(path)
    assert len(problems) == 4, problems  # kind; Y: key charset, province missing, homepage missing
    assert all(p.startswith("bad.toml: source ") for p in problems)


def test_four_required_fields_are_enough(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text("[[source]]\n" + BASE, encoding="utf-8")
    (source,) = load_sources(path)
    assert (source.kind, source.province_after_2025, source.verified) == ("newspaper", "Tây Ninh", True)
    assert source.owns("https://www.x.vn/a") and source.owns("http://m.x.vn/amp/b") and source.owns("https://x.vn/")
    assert not source.owns("https://y.vn/") and not source.owns("https://x.vn:8080/") and not source.owns("https://xx.vn/")


def test_post_2025_province_selects_every_merged_province(sources):
    chosen = select_sources(sources, province="Tây Ninh")
    assert {s.province for s in chosen} == {"Long An", "Tây Ninh"}
    assert {"baolongan", "baotayninh"} <= {s.key for s in chosen}
    assert [s.key for s in select_sources(sources, province="Long An")] == ["longan-dcs", "baolongan",
                                                                            "vannghelongan"]
    assert select_sources(sources, province="tay ninh") == chosen  # case and accents are optional
    newspapers = select_sources(sources, province="Tây Ninh,Cà Mau", kind="newspaper")
    assert {s.key for s in newspapers} == {"baolongan", "baotayninh", "baocamau", "baobaclieu"}
    assert select_sources(sources, keys="baolongan,baocamau", province="Tây Ninh") == [
        s for s in sources if s.key == "baolongan"]


@pytest.mark.parametrize("kwargs, message", [
    ({"keys": "nope"}, "--sources: unknown source key 'nope'"),
    ({"province": "Tay Nin"}, "--province: unknown province 'Tay Nin' (did you mean 'Tây Ninh'?)"),
    ({"kind": "blog"}, "--kind: unknown kind 'blog'"),
])
def test_selection_errors_are_one_line(sources, kwargs, message):
    with pytest.raises(RegistryError) as err:
        select_sources(sources, **kwargs)
    assert str(err.value).startswith(message)


@pytest.mark.parametrize("url, key", [
    ("https://baolongan.vn/x-a1.html", "baolongan"),
    ("http://m.baolongan.vn/x", "baolongan"),             # m./www./amp. are the same site
    ("https://amp.baonghean.vn/x-97331.html", "baonghean"),
    ("https://baocamau.com.vn/x-a1.html", "baocamau"),     # alternate domain in hosts
    ("https://baothuathienhue.vn/a/b/c-71524.html", "huengaynay"),  # old domain of a renamed paper
    ("https://daibieunhandan.dienbien.gov.vn:443/Article/1/x.html", "dienbien-gov"),  # subsite and port
    ("https://travinh.baovinhlong.vn/x", "baovinhlong-travinh"),  # the most specific host wins
    ("https://baovinhlong.vn/x", "baovinhlong"),
    ("https://dcs-portal.coquan.net/quangngai/x/y.html", "quangngai-dcs"),  # path prefix of a shared host
    ("https://dcs-portal.coquan.net/thanhhoa/x/y.html", None),
    ("https://example.com/", None),
])
def test_source_for_url(sources, url, key):
    source = source_for_url(url, host_index(sources))
    assert (source.key if source else None) == key


def test_cli_lists_filters_and_prints_json(capsys):
    assert main(["sources", "--province", "Tây Ninh", "--kind", "newspaper"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["key", "province", "kind", "homepage", "verified"]
    assert [line.split()[0] for line in lines[1:-1]] == ["baotayninh", "baolongan"]
    assert lines[-1] == "2 sources"
    assert main(["sources", "--json", "--kind", "party", "--province", "Nghệ An"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)
    assert entry["key"] == "nghean-dcs" and entry["province_after_2025"] == "Nghệ An"
    assert set(entry) >= {"hosts", "sitemaps", "feeds", "article_pattern", "verified", "evidence_url", "note"}


def test_cli_check(tmp_path, capsys):
    assert main(["sources", "--check"]) == 0
    assert capsys.readouterr().out.startswith("ok: 125 sources in ")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[source]]\n" + BASE + 'kind="blog"\nhosts=["a b"]\n', encoding="utf-8")
    assert main(["sources", "--check", "--sources-file", str(bad)]) == 2
    assert capsys.readouterr().out.splitlines() == [
        "bad.toml: source 'x': field 'hosts' has a bad host 'a b' (a host name such as 'm.example.vn')",
        "bad.toml: source 'x': field 'kind' must be one of newspaper, portal, party, radio_tv, other",
    ]


@pytest.mark.parametrize("argv, message", [
    (["sources", "--province", "Atlantis"], "provnews: error: --province: unknown province 'Atlantis'\n"),
    (["sources", "--sources-file", "/nonexistent.toml"], "provnews: error: /nonexistent.toml: no such registry file\n"),
    (["sources", "--sources-file", "/"], "provnews: error: /: cannot read the registry file: Is a directory\n"),
    (["sources", "--check", "--json"], "provnews: error: provnews sources: argument --json: not allowed with"),
    (["sources", "--check", "--kind", "party"], "provnews: error: --check validates a whole registry file"),
])
def test_cli_bad_arguments_are_one_line(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


def _registry(tmp_path, body: str):
    path = tmp_path / "mine.toml"
    path.write_text(body, encoding="utf-8")
    return {s.key: s for s in load_sources(path)}


def test_sub_sites_are_opt_in(tmp_path):
    """skhcn.<province>.gov.vn and the like: owned only with subdomains = true, and then not the sub-sites
    another source claims; without it they are reported (is_subsite), not silently crawled."""
    portal = '[[source]]\nkey="p"\nname="P"\nprovince="Long An"\nkind="portal"\nhomepage="https://longan.gov.vn/"\n'
    other = '[[source]]\nkey="s"\nname="S"\nprovince="Long An"\nhomepage="https://sotc.longan.gov.vn/"\n'
    closed = _registry(tmp_path, portal + other)["p"]
    assert not closed.owns("https://skhcn.longan.gov.vn/tin-a-1.html")
    assert closed.is_subsite("https://skhcn.longan.gov.vn/tin-a-1.html")
    opened = _registry(tmp_path, portal + "subdomains = true\n" + other)
    assert opened["p"].owns("https://skhcn.longan.gov.vn/tin-a-1.html")
    assert opened["p"].owns("https://congdoan.huyen.longan.gov.vn/tin-a-1.html")
    assert not opened["p"].owns("https://sotc.longan.gov.vn/tin-a-1.html")  # source 's' has it
    assert opened["s"].owns("https://sotc.longan.gov.vn/tin-a-1.html")
    assert not opened["p"].owns("https://notlongan.gov.vn/") and not opened["p"].is_subsite("https://gov.vn/")


def test_default_port_and_mobile_prefixes_are_the_same_host(sources):
    dienbien = next(s for s in sources if s.key == "dienbien-gov")
    assert dienbien.owns("https://daibieunhandan.dienbien.gov.vn:443/Article/4401/Dai-Phat-thanh.html")
    assert dienbien.owns("http://mb.dienbien.gov.vn/") and not dienbien.owns("https://dienbien.gov.vn:8443/")


def test_declared_case_insensitive_host_folds_case(tmp_path):
    from corpus.sources.urls import url_key

    body = BASE.replace("x.vn", "iis-host.vn") + "case_insensitive = true\n"
    _registry(tmp_path, "[[source]]\n" + body)
    assert url_key("https://iis-host.vn/Tin/Bai-Viet") == url_key("https://iis-host.vn/tin/bai-viet")
