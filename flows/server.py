"""A Prefect server of our own on 127.0.0.1, for `summitry serve` when none is configured.

Prefect's temporary API cannot run schedules (its scheduler service never starts), so a
served deployment needs a real server. This one keeps its database in a state folder, so
deployments and run history survive a restart, binds 127.0.0.1 only, and goes when the
process that started it ends: on exit, and through the kernel (PR_SET_PDEATHSIG) if that
process is killed outright.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HOST = "127.0.0.1"
# A fresh database is migrated at the first start: ~20 s on 2 cores, far more on a slow disk.
STARTUP_TIMEOUT = 300.0
LOG_FILE = "server.log"


class ServerError(RuntimeError):
    """The local Prefect server did not start; the message says why and where its log is."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_environment(state_dir: Path) -> dict[str, str]:
    """Return the environment of a server that keeps everything under `state_dir`."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return env | {
        "PREFECT_HOME": str(state_dir),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # offline, it only logs DNS errors
        "PREFECT_SERVER_LOGGING_LEVEL": env.get("PREFECT_SERVER_LOGGING_LEVEL", "WARNING"),
    }


@contextmanager
def local_server(state_dir: Path, port: int = 0, timeout: float = STARTUP_TIMEOUT) -> Iterator[str]:
    """Run `prefect server start` on 127.0.0.1 with its home in `state_dir`; yield its API
    URL once it answers, and stop it when the block ends. `port` 0 takes a free one.

    Raises ServerError when it exits or does not answer within `timeout` seconds.
    """
    state_dir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    command = [_prefect(), "server", "start", "--host", HOST, "--port", str(port)]
    with (state_dir / LOG_FILE).open("ab") as log:
        process = subprocess.Popen(
            command,
            env=server_environment(state_dir),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # our Ctrl-C is not its; we stop it in order
            preexec_fn=die_with_parent,
        )
    try:
        api_url = f"http://{HOST}:{port}/api"
        wait_until_healthy(api_url, process, timeout, state_dir / LOG_FILE)
        yield api_url
    finally:
        stop(process)


def wait_until_healthy(api_url: str, process: subprocess.Popen, timeout: float, log: Path) -> None:
    """Return once `api_url/health` answers; raise ServerError if `process` ends first or
    `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(
                f"the Prefect server exited with status {process.returncode}; see {log}"
            )
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    stop(process)
    raise ServerError(f"the Prefect server did not answer within {timeout:g} s; see {log}")


def stop(process: subprocess.Popen, grace: float = 20.0) -> None:
    """Stop the server's process group: SIGTERM, then SIGKILL after `grace` seconds."""
    if process.poll() is not None:
        return
    for sig, patience in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(patience)
            return
        except subprocess.TimeoutExpired:
            continue


def _prefect() -> str:
    """Return the `prefect` command installed beside this Python."""
    beside = Path(sys.executable).with_name("prefect")
    return str(beside) if beside.exists() else "prefect"


def die_with_parent() -> None:
    """In the child: ask Linux to SIGTERM it when its parent dies (no-op elsewhere)."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
