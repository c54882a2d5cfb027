"""The source registry: outlets are rows of a TOML file, the spider is generic.

A registry is a list of ``[[source]]`` tables. Only ``key``, ``name``,
``province`` and ``homepage`` are required; everything else helps the spider
but can be discovered (sitemaps from robots.txt, feeds from <link> tags).
"""
from __future__ import annotations

import csv
import difflib
import functools
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from corpus.errors import UsageError
from corpus.sources.urls import HOST_PREFIX, declare_case_insensitive

KINDS = ("newspaper", "portal", "party", "radio_tv", "other")
REQUIRED = ("key", "name", "province", "homepage")
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
# A DNS name (labels of letters, digits, '-') or an IPv4 address, with an optional port.
HOST_RE = re.compile(r"^(?:(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}|\d{1,3}(?:\.\d{1,3}){3})(?::\d{1,5})?$")
STRING_FIELDS = ("key", "name", "province", "homepage", "kind", "province_after_2025", "article_pattern",
                 "evidence_url", "note", "language")
LIST_FIELDS = ("sitemaps", "feeds", "allow", "deny", "hosts")
BOOL_FIELDS = ("verified", "subdomains", "case_insensitive")
DEFAULT_PORTS = {"http": 80, "https": 443}


class RegistryError(UsageError):
    """A registry problem, worded as one line naming the source and field."""


def _provinces() -> dict[str, str]:
    """Pre-2025 province -> post-2025 province (the 63 -> 34 map)."""
    text = resources.files("corpus.data").joinpath("provinces.tsv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines(), delimiter="\t")
    return {r["province_before_2025"]: r["province_after_2025"] for r in rows}


PROVINCES = _provinces()


def _fold(name: str) -> str:
    """Case- and accent-free form of a name, so 'tay ninh' finds 'Tây Ninh'."""
    decomposed = unicodedata.normalize("NFD", name.strip().replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").casefold()


_PROVINCE_NAMES = {_fold(n): n for n in (*PROVINCES, *PROVINCES.values())}


def province_name(name: str) -> str:
    """The registry spelling of a pre- or post-2025 province name typed any way; RegistryError if unknown."""
    try:
        return _PROVINCE_NAMES[_fold(name)]
    except KeyError:
        close = difflib.get_close_matches(_fold(name), _PROVINCE_NAMES, n=1)
        hint = f" (did you mean {_PROVINCE_NAMES[close[0]]!r}?)" if close else ""
        raise RegistryError(f"--province: unknown province {name!r}{hint}") from None


def site_host(host_or_url: str) -> str:
    """A host without port and without the www./m./amp. prefixes that serve the same site."""
    host = urlsplit(host_or_url).hostname if "/" in host_or_url else host_or_url.split(":")[0]
    return HOST_PREFIX.sub("", (host or "").lower())


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
    subdomains: bool = False        # sub-sites (skhcn.<province>.gov.vn) belong to the source too
    case_insensitive: bool = False  # an IIS/ASP.NET host: /Tin/A.aspx and /tin/a.aspx are one page
    verified: bool = True
    evidence_url: str = ""
    note: str = ""
    language: str = "vi"
    _compiled: dict = field(default_factory=dict, compare=False, repr=False)
    _claimed_elsewhere: frozenset = field(default=frozenset(), compare=False, repr=False)

    # Derived once per source (cached_property writes past the frozen dataclass): ``owns`` runs for
    # every link of every page.
    @functools.cached_property
    def host(self) -> str:
        return urlsplit(self.homepage).netloc.lower()

    @functools.cached_property
    def site_hosts(self) -> tuple[str, ...]:
        """The hosts that belong to this outlet, folded (see ``site_host``): homepage's first."""
        return tuple(dict.fromkeys(site_host(h) for h in (self.host, *self.hosts)))

    @functools.cached_property
    def _homepage_port(self):
        return _port(urlsplit(self.homepage))

    def owns(self, url: str) -> bool:
        """True for URLs on this outlet's hosts, www./m./mb./amp. variants included (same port), and
        on their sub-domains when ``subdomains`` is set (except sub-domains another source claims)."""
        parts = urlsplit(url)
        if _port(parts) != self._homepage_port:
            return False
        host = site_host(parts.netloc)
        return host in self.site_hosts or (self.subdomains and self._is_below(host)
                                           and host not in self._claimed_elsewhere)

    def is_subsite(self, url: str) -> bool:
        """True for a URL on a sub-domain of this outlet's hosts that the source does not own."""
        return self._is_below(site_host(urlsplit(url).netloc)) and not self.owns(url)

    def _is_below(self, host: str) -> bool:
        return any(host.endswith("." + h) for h in self.site_hosts)

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


def _port(parts) -> int | None:
    """The URL's port when it is not its scheme's default (so https://x.vn:443/ is https://x.vn/)."""
    try:
        port = parts.port
    except ValueError:
        return None
    return None if port == DEFAULT_PORTS.get(parts.scheme) else port


def default_registry_path():
    """The shipped registry, as a Traversable: a real file, or a member of a zipped egg (scrapyd)."""
    return resources.files("corpus.data").joinpath("sources.toml")


def _registry_path(path):
    return Path(path) if isinstance(path, (str, Path)) and path else default_registry_path()


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
    for name in STRING_FIELDS:
        if name in raw and not isinstance(raw[name], str):
            out.append(f"{label}: field '{name}' must be a string")
    for name in BOOL_FIELDS:
        if name in raw and not isinstance(raw[name], bool):
            out.append(f"{label}: field '{name}' must be true or false")
    if isinstance(raw.get("key"), str) and not KEY_RE.match(raw["key"]):
        out.append(f"{label}: field 'key' must be lowercase letters, digits, '.', '_' or '-'")
    lists = {name: raw.get(name, []) for name in LIST_FIELDS}
    for name, value in lists.items():
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            out.append(f"{label}: field '{name}' must be a list of strings")
            lists[name] = []
    urls = [(name, raw.get(name)) for name in ("homepage", "evidence_url") if raw.get(name)]
    urls += [(name, url) for name in ("sitemaps", "feeds") for url in lists[name]]
    for name, url in urls:
        if isinstance(url, str):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname or not HOST_RE.match(parts.netloc.lower()):
                out.append(f"{label}: field '{name}' is not an http(s) URL: {url!r}")
    pattern = raw.get("article_pattern", "")
    for name, patterns in (("article_pattern", [pattern] if isinstance(pattern, str) else []),
                           ("allow", lists["allow"]), ("deny", lists["deny"])):
        for p in patterns:
            try:
                re.compile(p)
            except re.error as exc:
                out.append(f"{label}: field '{name}' has a bad regex {p!r}: {exc}")
    for host in lists["hosts"]:
        if not HOST_RE.match(host.lower()):
            out.append(f"{label}: field 'hosts' has a bad host {host!r} (a host name such as 'm.example.vn')")
    kind = raw.get("kind", "newspaper")
    if isinstance(kind, str) and kind not in KINDS:
        out.append(f"{label}: field 'kind' must be one of {', '.join(KINDS)}")
    province, after = raw.get("province"), raw.get("province_after_2025")
    if isinstance(province, str) and province and province not in PROVINCES:
        out.append(f"{label}: field 'province' is not a known pre-2025 province: {province!r}")
    if isinstance(after, str) and after and after not in set(PROVINCES.values()):
        out.append(f"{label}: field 'province_after_2025' is not a known province: {after!r}")
    elif after and isinstance(province, str) and province in PROVINCES and PROVINCES[province] != after:
        out.append(f"{label}: field 'province_after_2025' should be {PROVINCES[province]!r}")
    return out


def _claims(raw: dict) -> list[tuple[str, str]]:
    """(folded host, path prefix) pairs a source claims: a URL there belongs to it."""
    homepage = urlsplit(raw.get("homepage") or "")
    hosts = raw.get("hosts") if isinstance(raw.get("hosts"), list) else []
    claims = [(site_host(homepage.netloc), homepage.path or "/")]
    return claims + [(site_host(h), "/") for h in hosts if isinstance(h, str)]


def check_registry(path: str | Path | None = None) -> list[str]:
    """All problems of a registry file (empty when it is valid)."""
    path = _registry_path(path)
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return [f"{path}: no such registry file"]
    except OSError as exc:
        return [f"{path}: cannot read the registry file: {exc.strerror}"]
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return [f"{path}: not valid TOML: {exc}"]
    tables = data.get("source")
    if not isinstance(tables, list) or not tables:
        return [f"{path}: no [[source]] tables"]
    problems, seen, owners = [], set(), {}
    for i, raw in enumerate(tables):
        if not isinstance(raw, dict):
            problems.append(f"{path.name}: source #{i + 1}: not a table")
            continue
        problems += [f"{path.name}: {p}" for p in _problems(i, raw)]
        key = raw.get("key")
        if key in seen:
            problems.append(f"{path.name}: source {key!r}: field 'key' is a duplicate")
        seen.add(key)
        for claim in _claims(raw):
            if claim[0] and owners.setdefault(claim, key) != key:
                problems.append(f"{path.name}: source {key!r}: host {claim[0]!r} already belongs to source "
                                f"{owners[claim]!r}")
    return problems


def load_sources(path: str | Path | None = None) -> list[Source]:
    """Load and validate a registry; raise RegistryError with the first problem."""
    path = _registry_path(path)
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
    claims = {host: s.key for s in sources for host in s.site_hosts}
    sources = [replace(s, _claimed_elsewhere=frozenset(h for h, key in claims.items() if key != s.key))
               if s.subdomains else s for s in sources]
    declare_case_insensitive(h for s in sources if s.case_insensitive for h in s.site_hosts)
    return sources


def host_index(sources: list[Source]) -> dict[str, list[tuple[str, Source]]]:
    """Folded host -> [(path prefix, source)], longest prefix first: the input of ``source_for_url``."""
    index: dict[str, list[tuple[str, Source]]] = {}
    for source in sources:
        for host, prefix in _claims({"homepage": source.homepage, "hosts": list(source.hosts)}):
            index.setdefault(host, []).append((prefix, source))
    for entries in index.values():
        entries.sort(key=lambda e: -len(e[0]))
    return index


def source_for_url(url: str, index: dict[str, list[tuple[str, Source]]]) -> Source | None:
    """The source a URL belongs to: its host or the nearest parent domain a source claims."""
    parts = urlsplit(url)
    labels = site_host(parts.netloc).split(".")
    for i in range(len(labels) - 1):
        for prefix, source in index.get(".".join(labels[i:]), ()):
            if (parts.path or "/").startswith(prefix):
                return source
    return None


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
        names = {province_name(name) for name in _split(province)}
        chosen = [s for s in chosen if s.province in names or s.province_after_2025 in names]
    if kind:
        kinds = _split(kind)
        for k in kinds:
            if k not in KINDS:
                raise RegistryError(f"--kind: unknown kind {k!r} (one of {', '.join(KINDS)})")
        chosen = [s for s in chosen if s.kind in kinds]
    return chosen
