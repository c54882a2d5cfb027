"""A real scrapyd and a small Vietnamese news site, both on 127.0.0.1, for the scheduling tests.

The site is built from the shipped seed articles (corpus/data/seeds) so the
extractor sees real Vietnamese news text; scrapyd is this venv's own, run as
a subprocess with its eggs, logs and dbs in a temporary folder.
"""
from __future__ import annotations

import configparser
import html
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import unicodedata
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SITE_NAME = "Báo Thử Nghiệm"


# -- the news site ----------------------------------------------------------
@dataclass(frozen=True)
class Article:
    path: str
    title: str
    date_line: str
    paragraphs: tuple[str, ...]


def slugify(title: str) -> str:
    """Vietnamese title -> ASCII URL slug, as Vietnamese CMSs do ("Long An" -> "long-an")."""
    folded = unicodedata.normalize("NFD", title.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def seed_articles(count: int = 3, min_words: int = 150) -> list[Article]:
    """``count`` articles of at least ``min_words`` words, cut from the seed texts' prose at paragraph ends."""
    seeds = sorted((p for p in resources.files("corpus.data").joinpath("seeds").iterdir() if p.name.endswith(".txt")),
                   key=lambda p: p.name)
    articles = []
    for n, seed in enumerate(seeds[:count]):
        paragraphs, words = [], 0
        for line in seed.read_text("utf-8").splitlines():
            # prose only: not page chrome, dates, captions or ">> related article" links
            if len(line.split()) >= 12 and "Ảnh:" not in line and not line.startswith(">>"):
                paragraphs.append(line.strip())
                words += len(line.split())
            if words >= min_words:
                break
        title = " ".join(paragraphs[0].split()[:12]).rstrip(",.;:")
        articles.append(Article(path=f"/{slugify(title)}-a{180001 + n}.html", title=title,
                                date_line=f"{28 - n:02d}/11/2023 - {14 + n}:{31 - n:02d}",
                                paragraphs=tuple(paragraphs)))
    return articles


def _page(title: str, body: str, og_type: str) -> bytes:
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>{html.escape(title)} - {SITE_NAME}</title>
<meta property="og:type" content="{og_type}"><meta property="og:site_name" content="{SITE_NAME}">
</head><body>
<header><a href="/">Trang chủ</a> | <a href="/thoi-su">Thời sự</a></header>
{body}
<footer>© {SITE_NAME}. Giấy phép hoạt động báo điện tử số 123/GP-BTTTT.</footer>
</body></html>""".encode("utf-8")


def site_pages(articles: list[Article]) -> dict[str, tuple[bytes, str]]:
    """URL path -> (body, content type): homepage, one category, the articles, robots.txt."""
    html_type = "text/html; charset=utf-8"
    items = "\n".join(f'<li><a href="{a.path}">{html.escape(a.title)}</a><p>{html.escape(a.paragraphs[0])}</p></li>'
                      for a in articles)
    pages = {"/": (_page("Tin tức", f"<main><h2>Tin mới</h2><ul>{items}</ul></main>", "website"), html_type),
             "/thoi-su": (_page("Thời sự", f"<main><h2>Thời sự</h2><ul>{items}</ul></main>", "website"), html_type),
             "/robots.txt": (b"User-agent: *\nDisallow: /admin/\n", "text/plain")}
    for a in articles:
        text = "\n".join(f"<p>{html.escape(p)}</p>" for p in a.paragraphs)
        body = (f'<article><h1>{html.escape(a.title)}</h1><div class="date">{a.date_line}</div>'
                f'<div class="content">{text}</div></article>')
        pages[a.path] = (_page(a.title, body, "article"), html_type)
    return pages


@contextmanager
def serve_site(pages: dict[str, tuple[bytes, str]], requests: list | None = None):
    """Serve ``pages`` on 127.0.0.1 (404 for anything else); yields the base URL.

    Each GET is appended to ``requests``, when given, as (path, headers)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if requests is not None:
                requests.append((self.path, dict(self.headers)))
            found = pages.get(urllib.parse.urlsplit(self.path).path)
            body, ctype = found or (b"not found", "text/plain")
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


# -- scrapyd ----------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(process: subprocess.Popen | None, seconds: float) -> None:
    """SIGTERM, then SIGKILL after ``seconds``: a test's server never outlives it."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Scrapyd:
    """This venv's scrapyd on 127.0.0.1 with a free port; eggs, logs and dbs under ``root``."""

    def __init__(self, root: Path):
        self.root = root
        self.logs_dir, self.eggs_dir = root / "logs", root / "eggs"
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self, timeout: float = 30, attempts: int = 3) -> None:
        """Start on a free port (again on another one if that port was taken meanwhile)."""
        self.root.mkdir(parents=True, exist_ok=True)
        for _ in range(attempts):
            if self._start_on(free_port(), timeout):
                return
        raise RuntimeError(f"scrapyd did not start:\n{self.daemon_log.read_text(errors='replace')}")

    def _start_on(self, port: int, timeout: float) -> bool:
        (self.root / "scrapyd.conf").write_text(
            f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\npoll_interval = 0.2\nmax_proc = 2\n"
            f"eggs_dir = {self.eggs_dir}\nlogs_dir = {self.logs_dir}\ndbs_dir = {self.root / 'dbs'}\n"
            "items_dir =\njobs_to_keep = 5\n", encoding="utf-8")
        self.daemon_log = self.root / "scrapyd.out"
        self.url = f"http://127.0.0.1:{port}/"
        with open(self.daemon_log, "wb") as out:  # scrapyd reads ./scrapyd.conf: run it in root
            self.process = subprocess.Popen([sys.executable, "-m", "scrapyd", "--pidfile=", "--logfile=-"],
                                            cwd=self.root, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            try:
                if self.get("daemonstatus.json").get("status") == "ok":
                    return True
            except OSError:  # not listening yet
                pass
            time.sleep(0.1)
        self.stop()
        return False

    def stop(self) -> None:
        stop_process(self.process, 15)

    def get(self, endpoint: str, **params) -> dict:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        with urllib.request.urlopen(self.url + endpoint + query, timeout=30) as response:
            return json.load(response)

    def post(self, endpoint: str, fields: list[tuple[str, str]]) -> dict:
        data = urllib.parse.urlencode(fields).encode()
        with urllib.request.urlopen(self.url + endpoint, data=data, timeout=30) as response:
            return json.load(response)

    def wait_finished(self, project: str, job: str, timeout: float = 60) -> dict:
        """The job's listjobs.json entry once it has finished."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for entry in self.get("listjobs.json", project=project)["finished"]:
                if entry["id"] == job:
                    return entry
            time.sleep(0.2)
        raise TimeoutError(f"job {job} did not finish in {timeout} s; log:\n{self.job_log(project, job)}")

    def job_log(self, project: str, job: str, spider: str = "news") -> str:
        path = self.logs_dir / project / spider / f"{job}.log"
        return path.read_text("utf-8", errors="replace") if path.exists() else f"(no log at {path})"


def copy_project(dest: Path, scrapyd_url: str) -> Path:
    """This checkout's project files in ``dest``, its scrapy.cfg `local` target pointing at ``scrapyd_url``.

    Deploying from a copy keeps the egg build's build/ and *.egg-info out of the checkout.
    """
    def ignore(folder, names):
        skip = {"__pycache__", "build"} | ({"articles", "aliases", "state"} if Path(folder) == REPO / "corpus" else set())
        return [n for n in names if n in skip or n.endswith(".egg-info")]

    for name in ("corpus", "crawler"):
        shutil.copytree(REPO / name, dest / name, ignore=ignore)
    for name in ("pyproject.toml", "setup.py", "scrapy.cfg", "README.md"):
        shutil.copy2(REPO / name, dest / name)
    cfg = configparser.ConfigParser()
    cfg.read(dest / "scrapy.cfg", encoding="utf-8")
    cfg.set("deploy:local", "url", scrapyd_url)
    with open(dest / "scrapy.cfg", "w", encoding="utf-8") as fh:
        cfg.write(fh)
    return dest


def scrapyd_deploy(project_dir: Path, version: str) -> dict:
    """Run `scrapyd-deploy local` in ``project_dir``; the server's JSON answer."""
    done = subprocess.run([sys.executable, "-m", "scrapyd_client.deploy", "local", "--version", version],
                          cwd=project_dir, capture_output=True, text=True, timeout=180)
    if done.returncode != 0:
        raise RuntimeError(f"scrapyd-deploy failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout)
