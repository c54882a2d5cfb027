"""The registry: shipped file valid, bad files named precisely, selection by province."""
import pytest

from corpus.registry import RegistryError, check_registry, load_sources, select_sources


def test_shipped_registry_is_valid():
    assert check_registry() == []
    keys = {s.key for s in load_sources()}
    assert {"baolongan", "baodongthap"} <= keys


@pytest.mark.parametrize("body, expected", [
    ('[[source]]\nkey="x"\nname="X"\nprovince="Long An"\n', "source 'x': field 'homepage' is missing"),
    ('[[source]]\nkey="x"\nname="X"\nprovince="Long An"\nhomepage="https://x.vn/"\narticle_pattern="(["\n',
     "source 'x': field 'article_pattern' has a bad regex"),
    ('[[source]]\nkey="x"\nname="X"\nprovince="Long An"\nhomepage="https://x.vn/"\n' * 2,
     "source 'x': field 'key' is a duplicate"),
    ('[[source]]\nkey="x"\nname="X"\nprovince="Atlantis"\nhomepage="https://x.vn/"\n',
     "field 'province' is not a known pre-2025 province"),
])
def test_bad_registry_names_source_and_field(tmp_path, body, expected):
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(RegistryError, match=expected.replace("(", r"\(").replace("[", r"\[")):
        load_sources(path)


def test_post_2025_province_selects_merged_provinces():
    sources = load_sources()
    assert [s.key for s in select_sources(sources, province="Tây Ninh")] == ["baolongan"]
    with pytest.raises(RegistryError, match="unknown source key 'nope'"):
        select_sources(sources, keys="nope")
