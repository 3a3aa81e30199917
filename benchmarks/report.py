"""Benchmark figures: what was measured, against which target, printed and saved as JSON."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

LIBRARIES = ("summitry", "prefect", "duckdb", "pyarrow", "pandas", "numpy")


@dataclass(slots=True)
class Figure:
    """One measured figure: the median of its runs, and whether it meets its target."""

    name: str
    value: float
    unit: str
    target: str = ""  # e.g. ">= 1000 articles/s"; empty for a figure given for information
    passed: bool | None = None
    runs: list[float] = field(default_factory=list)
    note: str = ""


def format_value(value: float, unit: str) -> str:
    """Return `value` with its unit, rounded for reading ('512 MB', '3.2 s')."""
    if unit == "bytes":
        return f"{value / 2**20:,.0f} MB"
    if unit == "s":
        return f"{value:,.2f} s" if value < 10 else f"{value:,.0f} s"
    if unit == "x":
        return f"{value:.2f}x"
    return f"{value:,.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"


def format_table(figures: list[Figure]) -> str:
    """Return the figures as a fixed-width table: figure, value, target, result."""
    rows = [("figure", "value", "target", "result")]
    for f in figures:
        result = "" if f.passed is None else ("pass" if f.passed else "FAIL")
        rows.append((f.name, format_value(f.value, f.unit), f.target, result))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"  {f.name}: {f.note}" for f in figures if f.note]
    return "\n".join(lines + (["", "Notes:", *notes] if notes else []))


def machine() -> dict:
    """Return what the figures depend on: CPUs, memory, Python, libraries, commit, load."""
    return {
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "cpu_model": _proc_field("/proc/cpuinfo", "model name"),
        "memory": _proc_field("/proc/meminfo", "MemTotal"),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "libraries": {name: _version(name) for name in LIBRARIES},
        "commit": _git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "load_average": os.getloadavg(),
    }


def format_machine(info: dict) -> str:
    """Return the machine as two lines of text."""
    libraries = ", ".join(f"{k} {v}" for k, v in info["libraries"].items())
    dirty = " (with uncommitted changes)" if info["uncommitted_changes"] else ""
    return (
        f"Machine: {info['cpus']} CPUs ({info['cpu_model']}), {info['memory']}, "
        f"Python {info['python']}, {info['platform']}; load average {info['load_average']}\n"
        f"Libraries: {libraries}; commit {info['commit']}{dirty}"
    )


def save(path: Path, info: dict, options: dict, figures: list[Figure], extra: dict) -> None:
    """Write the results as JSON (replacing an earlier file), so partial runs leave a record."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": info,
        "options": options,
        "figures": [asdict(f) for f in figures],
        **extra,
    }
    path.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")


def _proc_field(path: str, name: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(name):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _git(*args: str) -> str:
    try:
        done = subprocess.run(
            ["git", *args], capture_output=True, text=True, check=True, cwd=Path(__file__).parent
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return done.stdout.strip()
