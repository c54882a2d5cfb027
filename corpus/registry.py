"""The source registry: outlets are rows of a TOML file, the spider is generic.

A registry is a list of ``[[source]]`` tables. Only ``key``, ``name``,
``province`` and ``homepage`` are required; everything else helps the spider
but can be discovered (sitemaps from robots.txt, feeds from <link> tags).
"""
from __future__ import annotations

import csv
import re
import tomllib
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from corpus.errors import UsageError

KINDS = ("newspaper", "portal", "party", "radio_tv", "other")
REQUIRED = ("key", "name", "province", "homepage")
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


class RegistryError(UsageError):
    """A registry problem, worded as one line naming the source and field."""


def _provinces() -> dict[str, str]:
    """Pre-2025 province -> post-2025 province (the 63 -> 34 map)."""
    text = resources.files("corpus.data").joinpath("provinces.tsv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines(), delimiter="\t")
    return {r["province_before_2025"]: r["province_after_2025"] for r in rows}


PROVINCES = _provinces()


@dataclass(frozen=True)
class Source:
    key: str
    name: str
    province: str
    homepage: str
    kind: str = "newspaper"
    province_after_2025: str = ""
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    article_pattern: str = ""
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    verified: bool = True
    evidence_url: str = ""
    note: str = ""
    language: str = "vi"
    _compiled: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def host(self) -> str:
        return urlsplit(self.homepage).netloc.lower()

    @property
    def allowed_hosts(self) -> frozenset[str]:
        """Hosts the spider may fetch from: the homepage's, its www twin, and extras."""
        hosts = {self.host, *(h.lower() for h in self.hosts)}
        for h in list(hosts):
            hosts.add(h[4:] if h.startswith("www.") else "www." + h)
        return frozenset(hosts)

    def regex(self, name: str) -> list[re.Pattern]:
        """Compiled patterns of field ``name`` (article_pattern, allow, deny), cached."""
        if name not in self._compiled:
            value = getattr(self, name)
            patterns = [value] if isinstance(value, str) else list(value)
            self._compiled[name] = [re.compile(p) for p in patterns if p]
        return self._compiled[name]

    def as_dict(self) -> dict:
        return {f.name: (list(v) if isinstance(v := getattr(self, f.name), tuple) else v)
                for f in fields(self) if not f.name.startswith("_")}


def default_registry_path() -> Path:
    return Path(str(resources.files("corpus.data").joinpath("sources.toml")))


def _problems(index: int, raw: dict) -> list[str]:
    """Every problem of one raw source table, each as one line."""
    label = f"source {raw.get('key', f'#{index + 1}')!r}"
    out = []
    known = {f.name for f in fields(Source) if not f.name.startswith("_")}
    for name in REQUIRED:
        if not isinstance(raw.get(name), str) or not raw[name].strip():
            out.append(f"{label}: field '{name}' is missing or empty")
    for name in sorted(set(raw) - known):
        out.append(f"{label}: field '{name}' is unknown")
    if isinstance(raw.get("key"), str) and not KEY_RE.match(raw["key"]):
        out.append(f"{label}: field 'key' must be lowercase letters, digits, '.', '_' or '-'")
    for name in ("homepage", *(["evidence_url"] if raw.get("evidence_url") else [])):
        url = raw.get(name)
        if isinstance(url, str) and url:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                out.append(f"{label}: field '{name}' is not an http(s) URL: {url!r}")
    for name in ("sitemaps", "feeds", "allow", "deny", "hosts"):
        value = raw.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            out.append(f"{label}: field '{name}' must be a list of strings")
    for name in ("article_pattern", "allow", "deny"):
        value = raw.get(name, [])
        for pattern in [value] if isinstance(value, str) else value if isinstance(value, list) else []:
            try:
                re.compile(pattern)
            except (re.error, TypeError) as exc:
                out.append(f"{label}: field '{name}' has a bad regex {pattern!r}: {exc}")
    if raw.get("kind", "newspaper") not in KINDS:
        out.append(f"{label}: field 'kind' must be one of {', '.join(KINDS)}")
    province = raw.get("province")
    if isinstance(province, str) and province and province not in PROVINCES:
        out.append(f"{label}: field 'province' is not a known pre-2025 province: {province!r}")
    after = raw.get("province_after_2025")
    if after and after not in set(PROVINCES.values()):
        out.append(f"{label}: field 'province_after_2025' is not a known province: {after!r}")
    elif after and province in PROVINCES and PROVINCES[province] != after:
        out.append(f"{label}: field 'province_after_2025' should be {PROVINCES[province]!r}")
    for host in raw.get("hosts", []) if isinstance(raw.get("hosts"), list) else []:
        if not isinstance(host, str) or not urlsplit("//" + host).hostname:
            out.append(f"{label}: field 'hosts' has a bad host {host!r}")
    return out


def check_registry(path: str | Path | None = None) -> list[str]:
    """All problems of a registry file (empty when it is valid)."""
    path = Path(path) if path else default_registry_path()
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return [f"{path}: no such registry file"]
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return [f"{path}: not valid TOML: {exc}"]
    tables = data.get("source")
    if not isinstance(tables, list) or not tables:
        return [f"{path}: no [[source]] tables"]
    problems, seen = [], set()
    for i, raw in enumerate(tables):
        problems += [f"{path.name}: {p}" for p in _problems(i, raw)]
        key = raw.get("key")
        if key in seen:
            problems.append(f"{path.name}: source {key!r}: field 'key' is a duplicate")
        seen.add(key)
    return problems


def load_sources(path: str | Path | None = None) -> list[Source]:
    """Load and validate a registry; raise RegistryError with the first problem."""
    path = Path(path) if path else default_registry_path()
    problems = check_registry(path)
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise RegistryError(problems[0] + more)
    data = tomllib.loads(path.read_text("utf-8"))
    sources = []
    for raw in data["source"]:
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}
        values.setdefault("province_after_2025", PROVINCES[raw["province"]])
        sources.append(Source(**values))
    return sources


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def select_sources(sources: list[Source], keys: str | None = None, province: str | None = None,
                   kind: str | None = None) -> list[Source]:
    """Filter sources by comma-separated keys, provinces (pre- or post-2025 names) and kinds."""
    chosen = list(sources)
    if keys:
        wanted = _split(keys)
        known = {s.key for s in sources}
        for key in wanted:
            if key not in known:
                raise RegistryError(f"--sources: unknown source key {key!r}")
        chosen = [s for s in chosen if s.key in wanted]
    if province:
        names = _split(province)
        for name in names:
            if name not in PROVINCES and name not in PROVINCES.values():
                raise RegistryError(f"--province: unknown province {name!r}")
        chosen = [s for s in chosen if s.province in names or s.province_after_2025 in names]
    if kind:
        kinds = _split(kind)
        for k in kinds:
            if k not in KINDS:
                raise RegistryError(f"--kind: unknown kind {k!r} (one of {', '.join(KINDS)})")
        chosen = [s for s in chosen if s.kind in kinds]
    return chosen
