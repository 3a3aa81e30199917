"""One writer per warehouse: a lock on `<wh>/.lock`, held for the whole of a run.

The lock is an flock(2) on that file, so the kernel lets go of it when its process ends,
however it ends (SIGKILL and power loss included): a lock file left by a dead run is never
a held lock, and nothing needs cleaning up. The holder writes who it is into the file, so
a run that finds the lock taken can say by whom. The lock is only as good as flock on the
warehouse's filesystem: use a local disk, not a network share.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from flows.warehouse import WarehouseError

LOCK_FILE = ".lock"


class WarehouseBusyError(WarehouseError):
    """Another run holds the warehouse's lock, and did not let go in the time allowed."""


@contextmanager
def locked(warehouse: Path, wait: float = 0.0, *, poll: float = 0.2) -> Iterator[None]:
    """Hold the warehouse's lock, waiting up to `wait` seconds for another run to finish.

    Raises WarehouseBusyError naming the holder (its pid, host and start) when the lock is
    still taken after `wait` seconds.
    """
    warehouse.mkdir(parents=True, exist_ok=True)
    path = warehouse / LOCK_FILE
    with path.open("a+", encoding="utf-8") as handle:  # "w" would wipe the holder's note
        _acquire(handle, path, wait, poll)
        _write_holder(handle)
        try:
            yield
        finally:
            handle.truncate(0)


def wait_until_free(warehouse: Path, wait: float = 0.0) -> None:
    """Return once no run holds the warehouse's lock, waiting up to `wait` seconds.

    For a command line to say "busy" before it starts a flow run; the run still takes
    the lock itself, as another may come in between.
    """
    with locked(warehouse, wait):
        pass


def _acquire(handle: IO[str], path: Path, wait: float, poll: float) -> None:
    deadline = time.monotonic() + max(wait, 0.0)
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError as err:
            left = deadline - time.monotonic()
            if left <= 0:
                raise WarehouseBusyError(busy_message(path, wait)) from err
            time.sleep(min(poll, left))


def _write_holder(handle: IO[str]) -> None:
    holder = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps(holder) + "\n")
    handle.flush()


def busy_message(path: Path, wait: float) -> str:
    """Return what to tell a run that could not take the lock at `path`."""
    try:
        holder = json.loads(path.read_text(encoding="utf-8"))
        who = f"process {holder['pid']} on {holder['host']}, since {holder['since']}"
    except (OSError, ValueError, KeyError, TypeError):  # written a moment after locking
        who = "another process"
    waited = f" and did not finish within {wait:g} s" if wait > 0 else ""
    return (
        f"warehouse {path.parent} is in use by another run ({who}){waited}; nothing was"
        " written. Try again later, or pass --wait SECONDS to wait for it."
    )
