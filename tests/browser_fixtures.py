"""Browser-suite fixtures (registered for every test package by tests/conftest.py): the real
`countyworks demo` served from a temporary data dir, driven by
Playwright on Debian's chromium. Screenshots go to var/screenshots/ (CI keeps them)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(os.environ.get("COUNTYWORKS_SCREENSHOTS", "var/screenshots")).resolve()
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


#: Seconds from starting `countyworks demo` on a fresh data directory to its first connection.
DEMO_STARTED_IN = pytest.StashKey[float]()


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory, request) -> Iterator[str]:
    """Run `countyworks demo` exactly as a user would, and wait until it serves."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    data_dir = tmp_path_factory.mktemp("demo-data")
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "MQTT_URL", "PYTEST_VERSION"}
    }
    log = open(data_dir / "demo.log", "w")  # noqa: SIM115 - closed at teardown
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "countyworks.cli", "--data-dir", str(data_dir), "demo", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 600  # a shared, loaded machine can take minutes to migrate and seed
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"demo exited: {(data_dir / 'demo.log').read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        raise RuntimeError("demo did not start serving within 600 s")
    request.config.stash[DEMO_STARTED_IN] = time.monotonic() - started
    print(f"demo serving after {request.config.stash[DEMO_STARTED_IN]:.1f} s", file=sys.stderr)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


class Session:
    """A logged-in page that records console errors (CSP violations show up there)."""

    def __init__(self, browser, base_url: str, username: str, viewport: dict[str, int]) -> None:
        self.base_url = base_url.rstrip("/")
        self.context = browser.new_context(viewport=viewport, locale="zh-CN")
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(self.base_url + "/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", "countyworks-demo")
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state("networkidle")

    def visit(self, path: str, shot: str | None = None):
        self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("networkidle")
        self.page.wait_for_timeout(300)  # let ECharts finish its first frame
        if shot:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"), full_page=True)
        return self.page

    def nav_links(self) -> list[tuple[str, str]]:
        links = self.page.eval_on_selector_all(
            "nav.sidenav a", "els => els.map(e => [e.textContent.trim(), e.getAttribute('href')])"
        )
        return [(text, href) for text, href in links]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session_for(browser, demo_server):
    opened: list[Session] = []

    def _open(username: str, viewport: dict[str, int] | None = None) -> Session:
        s = Session(browser, demo_server, username, viewport or {"width": 1366, "height": 900})
        opened.append(s)
        return s

    yield _open
    for s in opened:
        s.close()


def slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text).strip("-").lower() or "page"
