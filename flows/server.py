"""Prefect servers of our own on 127.0.0.1, which go when the process that started them ends:
on exit, and through the kernel (PR_SET_PDEATHSIG) if that process is killed outright.

- `local_server`, for `summitry serve` when no API is configured: Prefect's temporary API
  cannot run schedules (its scheduler service never starts), so a served deployment needs
  a real server. This one keeps its database in a state folder, so deployments and run
  history survive a restart.
- `temporary_api`, for `summitry run` and `reprocess`: Prefect's own temporary API, started
  at the command's start rather than at the flow's first call, so that it boots while the
  command imports the pipeline.
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
from collections.abc import Callable, Iterator
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


@contextmanager
def temporary_api() -> Iterator[Callable[[], str | None]]:
    """Start Prefect's temporary API for one run, and stop it when the block ends. Yield a
    function that waits until it answers and returns its URL, or None: where an API is
    configured or temporary ones are off (nothing is started, and Prefect does as its
    settings say), or where it did not start (why is printed, and Prefect starts its own,
    as it always did).

    It is the server Prefect would start at the flow's first call (its app in ephemeral
    mode, with its database under PREFECT_HOME), started earlier: it takes ~4 s to answer,
    time the command can spend importing the pipeline before it waits.
    """
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_SERVER_EPHEMERAL_ENABLED,
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
        get_current_settings,
    )

    if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        yield lambda: None
        return
    port = free_port()
    app = ["--factory", "prefect.server.api.server:create_app", "--lifespan", "on"]
    command = [sys.executable, "-m", "uvicorn", *app, "--host", HOST, "--port", str(port)]
    settings = get_current_settings().to_environment_variables(exclude_unset=True)
    # As Prefect starts it: no UI, and the settings of a temporary server.
    ephemeral = {
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
    }
    process = subprocess.Popen(
        [*command, "--log-level", "error"],
        env=os.environ | settings | ephemeral,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        start_new_session=True,  # our Ctrl-C is not its; we stop it in order
        preexec_fn=die_with_parent,
    )
    api_url = f"http://{HOST}:{port}/api"
    timeout = PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()

    def ready() -> str | None:
        try:
            wait_until_healthy(api_url, process, timeout, None, poll=0.1)
        except ServerError as err:
            print(f"summitry: {err}; Prefect starts its own", file=sys.stderr)
            return None
        return api_url

    try:
        yield ready
    finally:
        _send_what_prefect_holds()
        stop(process)


def _send_what_prefect_holds() -> None:
    """Send the events and logs Prefect still holds for the API: it sends them when the
    interpreter exits, after the temporary API has gone."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        worker.drain_all(timeout=5)


def wait_until_healthy(
    api_url: str,
    process: subprocess.Popen,
    timeout: float,
    log: Path | None,
    poll: float = 0.5,
) -> None:
    """Return once `api_url/health` answers; raise ServerError if `process` ends first or
    `timeout` seconds pass. `log` is where the server writes, if anywhere."""
    see = f"; see {log}" if log else ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"the Prefect server exited with status {process.returncode}{see}")
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(poll)
    stop(process)
    raise ServerError(f"the Prefect server did not answer within {timeout:g} s{see}")


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
