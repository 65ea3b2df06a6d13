"""Drive the explorer in headless Chromium: start the app, open pages, take screenshots.

Used by the end-to-end test (``tests/test_e2e_browser.py``) and by
``python -m fieldnotes.explorer.screenshots``. Needs Debian's ``chromium`` and
``chromium-driver`` and the ``selenium`` package (the project's ``test``
extra); nothing is downloaded: the driver path is given, so Selenium Manager
never runs, and Chromium starts with background networking off.

Example:
    >>> with running_app(home) as url, chromium(tmp / "profile") as driver:
    ...     open_page(driver, url, "search", q="กองทุนหมู่บ้าน")
    ...     wait_for_text(driver, "ต้นฉบับ KM")
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence
from urllib.parse import urlencode

from fieldnotes.errors import ConfigError

__all__ = [
    "CHROMIUM",
    "CHROMEDRIVER",
    "CHROMIUM_FLAGS",
    "browser_missing",
    "free_port",
    "start_app",
    "wait_ready",
    "running_app",
    "chromium",
    "open_page",
    "wait_for_text",
    "wait_for",
    "wait_idle",
    "external_urls",
]

CHROMIUM = os.environ.get("FIELDNOTES_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("FIELDNOTES_CHROMEDRIVER", "/usr/bin/chromedriver")
#: Flags for a quiet, offline, throw-away browser.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--lang=th-TH",
)
_APP = Path(__file__).resolve().parents[2] / "app.py"


def browser_missing() -> str | None:
    """Why the browser tools cannot run here, or ``None`` when they can."""
    for path, pkg in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not Path(path).exists():
            return f"{path} not found: install the Debian package {pkg} (scripts/setup.sh does)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed: pip install -e '.[test]'"
    return None


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_app(
    home: Path | str,
    port: int,
    *,
    script: Path | str | None = None,
    env: dict[str, str] | None = None,
    log: Path | None = None,
) -> subprocess.Popen[bytes]:
    """Start ``streamlit run app.py`` on 127.0.0.1:``port`` against ``home``."""
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(script or _APP),
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]
    full_env = {**os.environ, "FIELDNOTES_HOME": str(home), "PYTHAINLP_OFFLINE": "1",
                "HF_HUB_OFFLINE": "1", **(env or {})}
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed with the process
    return subprocess.Popen(cmd, cwd=str(_APP.parent), env=full_env, stdout=out, stderr=subprocess.STDOUT)


def wait_ready(url: str, proc: subprocess.Popen[bytes] | None = None, timeout: float = 60.0) -> float:
    """Wait until the Streamlit server answers its health check; returns seconds waited."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if proc is not None and proc.poll() is not None:
            raise ConfigError(f"the explorer exited with code {proc.returncode} before it was ready")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return time.perf_counter() - t0
        except OSError:
            time.sleep(0.1)
    raise ConfigError(f"the explorer at {url} did not answer within {timeout:.0f} s")


@contextmanager
def running_app(home: Path | str, *, script: Path | str | None = None, log: Path | None = None,
                env: dict[str, str] | None = None) -> Iterator[str]:
    """Run the explorer for the duration of the block; yields its base URL."""
    port = free_port()
    proc = start_app(home, port, script=script, log=log, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@contextmanager
def chromium(profile: Path, *, width: int = 1400, height: int = 1000) -> Iterator[Any]:
    """A headless Chromium (fresh profile in ``profile``) driven by Selenium."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_page(driver: Any, base: str, page: str, **params: str) -> None:
    """Load a page of the explorer (``?page=…`` at the root, as links inside the app do)."""
    driver.get(f"{base}/?{urlencode({'page': page, **params})}")


def wait_for_text(driver: Any, text: str, timeout: float = 30.0) -> float:
    """Wait until ``text`` is in the page's visible text; returns seconds waited."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        try:
            body = driver.find_element("tag name", "body").text
        except Exception:  # noqa: BLE001 - the page may be mid-reload
            body = ""
        if text in body:
            return time.perf_counter() - t0
        time.sleep(0.1)
    raise TimeoutError(f"{text!r} did not appear within {timeout:.0f} s")


def wait_for(driver: Any, css: str, timeout: float = 30.0) -> list[Any]:
    """Wait until at least one element matches the CSS selector; returns them all.

    Streamlit re-renders while a script runs, so an element seen a moment ago
    may be replaced: always look elements up again through this.
    """
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        found = driver.find_elements("css selector", css)
        if found:
            return found
        time.sleep(0.1)
    raise TimeoutError(f"nothing matched {css!r} within {timeout:.0f} s")


def wait_idle(driver: Any, timeout: float = 30.0) -> None:
    """Wait until Streamlit has finished running the script (no spinner, app idle)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        state = driver.execute_script(
            "const s=document.querySelector('[data-testid=\"stStatusWidget\"]');"
            "return s ? 'running' : 'idle';"
        )
        if state == "idle":
            time.sleep(0.3)
            if driver.execute_script(
                "return document.querySelector('[data-testid=\"stStatusWidget\"]') ? 1 : 0"
            ) == 0:
                return
        time.sleep(0.15)


def external_urls(driver: Any, allowed_hosts: Sequence[str] = ("127.0.0.1", "localhost")) -> list[str]:
    """Every URL the browser requested that is not on this machine (from the performance log)."""
    import json

    urls = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") != "Network.requestWillBeSent":
            continue
        url = msg["params"]["request"]["url"]
        if url.startswith(("data:", "blob:", "about:", "chrome")):
            continue
        host = url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        if host not in allowed_hosts:
            urls.append(url)
    return urls
