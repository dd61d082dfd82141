"""Start the app on 127.0.0.1 and drive Debian's Chromium with Playwright (bench and docs)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextmanager
def running_app(scenario: str | None = None, workspace: str | None = None, **env):
    """Yield the URL of the app served on a free loopback port; stop it afterwards.

    The app's plan store is ``workspace``, or a fresh temporary folder (never ./workspace);
    ``env`` adds environment variables (e.g. ``PLANNER_POLL_SECONDS="600"``).
    """
    with tempfile.TemporaryDirectory() as fresh:
        with _serving(scenario, workspace or fresh, env) as url:
            yield url


@contextmanager
def _serving(scenario, workspace, extra=None):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PLANNER_WORKSPACE=str(workspace),
               **({"PLANNER_SCENARIO": scenario} if scenario else {}), **(extra or {}))
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--server.headless", "true"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"the app did not answer on {url} within 60 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@contextmanager
def chromium_page(width=1500, height=1100):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        try:
            yield page
        finally:
            browser.close()


def map_frame(page, timeout_s=60):
    """The frame holding the Leaflet map, once its paths are drawn."""
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        for frame in page.frames:
            try:
                if frame.query_selector("path.leaflet-interactive"):
                    return frame
            except Exception:
                pass
        page.wait_for_timeout(200)
    raise TimeoutError("no Leaflet map appeared")


def chromium_or_skip() -> None:
    """In a test module: skip the module with a reason when Debian's Chromium is missing,
    or fail it when ``REQUIRE_BROWSER=1`` (CI installs Chromium and sets it)."""
    import pytest
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install chromium)",
                    pytrace=False)
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests",
                allow_module_level=True)
