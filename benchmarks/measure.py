"""Time a command and sample its memory: wall time, peak RSS of the process and its tree.

Linux only (/proc and wait4). The tree's RSS is the sum over the command and its
descendants (for `summitry run`, Prefect's temporary API server), sampled every
`interval` seconds; the command's own peak comes from the kernel (ru_maxrss), exactly.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True, slots=True)
class Measured:
    """What one run of a command took."""

    seconds: float
    peak_rss: int  # bytes: the command's own peak, from the kernel
    peak_tree_rss: int  # bytes: the largest sampled sum over the command and its descendants
    returncode: int
    output: str  # stdout and stderr, interleaved


def run_measured(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    interval: float = 0.2,
) -> Measured:
    """Run `command` to completion and return its wall time, peak memory and output."""
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command), stdout=output, stderr=subprocess.STDOUT, env=env, cwd=cwd
        )
        peak_tree = 0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            peak_tree = max(peak_tree, tree_rss(process.pid))
            time.sleep(interval)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read().decode("utf-8", errors="replace")
    peak = usage.ru_maxrss * 1024  # Linux reports KiB
    return Measured(seconds, peak, max(peak_tree, peak), process.returncode, text)


def tree_rss(root: int) -> int:
    """Return the summed resident memory, in bytes, of process `root` and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            parent = _parent(int(entry.name))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        total += _rss(pid)
        pending += children.get(pid, [])
    return total


def _parent(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # the process ended meanwhile
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0
