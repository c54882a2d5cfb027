"""A real redis-server (Debian's package) on 127.0.0.1, a free port and a temporary folder."""
from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import redis

from scrapyd_helpers import free_port, stop_process


class RedisServer:
    def __init__(self, root: Path):
        self.root = root
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self, timeout: float = 20, attempts: int = 3) -> "RedisServer":
        binary = shutil.which("redis-server")
        if not binary:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server; .ci/run does it)")
        self.root.mkdir(parents=True, exist_ok=True)
        for _ in range(attempts):
            port = free_port()
            self.process = subprocess.Popen(
                [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(self.root), "--save", "",
                 "--appendonly", "no", "--protected-mode", "yes", "--logfile", str(self.root / "redis.log")])
            client = redis.Redis(port=port, socket_connect_timeout=1)
            deadline = time.monotonic() + timeout
            while self.process.poll() is None and time.monotonic() < deadline:
                try:
                    client.ping()
                    self.url = f"redis://127.0.0.1:{port}/0"
                    return self
                except redis.ConnectionError:
                    time.sleep(0.05)
            self.stop()
        raise RuntimeError(f"redis-server did not start: {(self.root / 'redis.log').read_text(errors='replace')}")

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)

    def stop(self) -> None:
        stop_process(self.process, 10)
