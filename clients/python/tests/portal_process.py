"""Starts a real portal from src/Portal.Web's Release build output (used by the integration tests and the benchmark)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Iterator, Optional

REPO = Path(__file__).resolve().parents[3]
PORTAL_DLL = REPO / "src" / "Portal.Web" / "bin" / "Release" / "net10.0" / "Portal.Web.dll"


class RunningPortal:
    def __init__(self, url: str, api_key: str, folder: str) -> None:
        self.url = url
        self.api_key = api_key
        self.folder = folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def missing_portal() -> Optional[str]:
    """Why a portal cannot be started here, or None."""
    if not PORTAL_DLL.exists():
        return f"portal build output missing: {PORTAL_DLL} (run `dotnet build src/Portal.Web -c Release` first)"
    if shutil.which("dotnet") is None:
        return "portal build output present but `dotnet` is not on PATH"
    return None


@contextlib.contextmanager
def start_portal(ready_timeout: float = 180.0) -> Iterator[RunningPortal]:
    """A portal on a free port with a temporary SQLite database, an admin key and no demo traffic; stopped on exit."""
    folder = tempfile.mkdtemp(prefix="portal-py-")
    key = "py-test-" + os.urandom(8).hex()
    url = f"http://127.0.0.1:{free_port()}"
    env = dict(os.environ,
               Portal__Bootstrap__ApiKey=key,
               Portal__Demo__Enabled="false",
               ConnectionStrings__Portal=f"Data Source={folder}/portal.db",
               ASPNETCORE_ENVIRONMENT="Development")
    log_path = Path(folder, "portal.log")
    log = open(log_path, "wb")
    process = subprocess.Popen([shutil.which("dotnet") or "dotnet", str(PORTAL_DLL), "--urls", url], cwd=str(PORTAL_DLL.parent),
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + ready_timeout
        while True:
            if process.poll() is not None:
                log.flush()
                raise RuntimeError(f"the portal exited with {process.returncode}:\n{log_path.read_text()[-4000:]}")
            try:
                with urllib.request.urlopen(url + "/readyz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the portal was not ready within {ready_timeout:.0f} s:\n{log_path.read_text()[-4000:]}")
            time.sleep(0.5)
        yield RunningPortal(url, key, folder)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)
