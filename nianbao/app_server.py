"""Start the dashboard in a background process, for the browser tests and the
README screenshots (``nianbao serve`` replaces its own process instead).

One place decides how Streamlit is launched headless: on a free local port,
no usage statistics, no file watcher (the tests must not reload mid-run).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = ROOT / "dashboard.py"

# Debian's chromium, driven by Playwright (never a browser Playwright downloads).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # Offline by design: no update checks, sync or first-run pings.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def streamlit_command(port: int, headless: bool = True) -> list[str]:
    """The ``streamlit run dashboard.py`` command line shared by serve and tests."""
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(DASHBOARD),
        "--server.port",
        str(port),
        # No usage statistics sent to Streamlit's servers from a reports database.
        "--browser.gatherUsageStats",
        "false",
    ]
    if headless:
        command += ["--server.headless", "true"]
    return command


def wait_until_up(base: str, proc: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"streamlit did not answer on {base} within {timeout:.0f} s")


LOCAL_ONLY = ["--server.address", "127.0.0.1", "--server.fileWatcherType", "none"]


@contextmanager
def running_dashboard(database_url: str) -> Iterator[str]:
    """The dashboard on ``database_url``, up and answering; yields its base URL."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        # Local only, and no reloads while a test or a screenshot is running.
        [
            *streamlit_command(port),
            "--server.address",
            "127.0.0.1",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
