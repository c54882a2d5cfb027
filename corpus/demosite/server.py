"""The three fixture sites on loopback HTTP servers, and the registry that points at them."""
from __future__ import annotations

import sys

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

from corpus.demosite.content import Article
from corpus.demosite.dongthap import DongThap
from corpus.demosite.longan import LongAn
from corpus.demosite.response import Response
from corpus.demosite.site import Site
from corpus.demosite.vinhphuc import VinhPhuc

LAYOUTS = {"demo-longan": (LongAn, "127.0.0.2"), "demo-dongthap": (DongThap, "127.0.0.3"),
           "demo-vinhphuc": (VinhPhuc, "127.0.0.4")}
REGISTRY_EXTRAS = {
    "demo-longan": ("Báo Long An (demo)", "newspaper", "article_pattern = '-a\\d+\\.html$'\n"),
    "demo-dongthap": ("Báo Đồng Tháp (demo)", "newspaper", ""),
    "demo-vinhphuc": ("Cổng TTĐT tỉnh Vĩnh Phúc (demo)", "portal", ""),
}


class _Handler(BaseHTTPRequestHandler):
    """Writes out what the site answers; HTTP/1.1 keep-alive, every response sized."""

    protocol_version = "HTTP/1.1"
    timeout = 60            # idle keep-alive connections end after this
    site: Site

    def do_GET(self):
        self._send(self.site.respond("GET", self.path, dict(self.headers)))

    def do_HEAD(self):
        self._send(self.site.respond("HEAD", self.path, dict(self.headers)), body=False)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.site.respond("POST", self.path, dict(self.headers))
        self._send(Response(405, b"Method Not Allowed", {"Content-Type": "text/plain", "Allow": "GET, HEAD"}))

    def _send(self, response: Response, body: bool = True) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        data = response.body
        if response.status != 304:
            self.send_header("Content-Length", str(response.length if response.length is not None else len(data)))
        self.end_headers()
        if not body or response.status == 304:
            return
        try:
            for chunk in [data] if isinstance(data, bytes) else data:
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True   # the client stopped reading (e.g. a size limit); fine

    def version_string(self) -> str:
        return self.site.server_header

    def log_message(self, format, *args):   # noqa: A002 - keep test and demo output clean
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        """A crawler that hangs up mid-response (killed, or over its size limit) is normal here."""
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


def _bind(address: str) -> tuple[_Server, type[_Handler]]:
    """A server on ``address`` and a free port; 127.0.0.1 when that loopback alias can't be bound."""
    handler = type("SiteHandler", (_Handler,), {})
    try:
        return _Server((address, 0), handler), handler
    except OSError:
        return _Server(("127.0.0.1", 0), handler), handler


class DemoSites:
    """Serve demo-longan, demo-dongthap and demo-vinhphuc; use as a context manager.

    ``articles_per_site`` regular articles each (the seeds first), plus the specials
    (an updated version on demo-longan, a syndicated copy on demo-vinhphuc).
    ``faults`` adds the fault pages; ``page_kb`` pads article pages to that size;
    ``slow_seconds`` is how long the slow page sleeps; ``huge_mb`` the huge page's size.
    """

    def __init__(self, articles_per_site: int = 30, seed: int = 0, faults: bool = True,
                 page_kb: int | None = None, slow_seconds: float = 5.0, huge_mb: float = 20):
        if articles_per_site < 4:
            raise ValueError("articles_per_site must be at least 4")
        self.options = dict(seed=seed, faults=faults, page_kb=page_kb, slow_seconds=slow_seconds, huge_mb=huge_mb)
        self.count = articles_per_site
        self.sites: dict[str, Site] = {}
        self._servers: list[_Server] = []

    def start(self) -> DemoSites:
        bound = {key: _bind(address) for key, (_, address) in LAYOUTS.items()}
        self._servers = [server for server, _ in bound.values()]
        bases = {key: "http://%s:%d/" % server.server_address[:2] for key, (server, _) in bound.items()}
        for key, (layout, _) in LAYOUTS.items():
            others = tuple(url for k, url in bases.items() if k != key)
            self.sites[key] = layout(bases[key], others=others, **self.options)
        longan = self.sites["demo-longan"]
        longan.populate(self.count)
        self.sites["demo-dongthap"].populate(self.count)
        self.sites["demo-vinhphuc"].populate(self.count, syndicate=longan.articles[1])
        for key, (server, handler) in bound.items():
            handler.site = self.sites[key]
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                             name=f"demosite-{key}", daemon=True).start()
        return self

    def close(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers = []

    def __enter__(self) -> DemoSites:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def __getitem__(self, key: str) -> Site:
        return self.sites[key]

    def __iter__(self):
        return iter(self.sites.values())

    @property
    def articles(self) -> list[Article]:
        """Ground truth of all three sites (the syndicated copy shares its original's id)."""
        return [a for site in self for a in site.articles]

    def registry_toml(self) -> str:
        """A provnews registry ([[source]] tables) for the three running sites."""
        out = ["# provnews demo registry: the bundled fixture sites, served on loopback.\n"]
        for key, site in self.sites.items():
            name, kind, extra = REGISTRY_EXTRAS[key]
            out.append(f'\n[[source]]\nkey = "{key}"\nname = "{name}"\nkind = "{kind}"\n'
                       f'province = "{site.province}"\nhomepage = "{site.base_url}"\n{extra}')
        return "".join(out)

    def write_registry(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.registry_toml(), encoding="utf-8")
        return path


@contextmanager
def serve_layout(layout: type[Site], articles: int = 30, address: str = "127.0.0.5", **options) -> Iterator[Site]:
    """One fixture site of ``layout`` on loopback, populated with ``articles`` articles, without the
    fault pages (``options`` as for DemoSites). ``site.registry_toml()`` is its registry."""
    server, handler = _bind(address)
    base = "http://%s:%d/" % server.server_address[:2]
    site = handler.site = layout(base, **{"faults": False, **options})
    site.populate(articles)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, name=f"demosite-{site.key}",
                     daemon=True).start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
