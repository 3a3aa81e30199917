"""The temporary Prefect API that `summitry run` starts at its start (`flows.server`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows import server
from flows.runners import POOL_MIN_ARTICLES
from flows.warehouse import row_count

PATIENCE = 300  # seconds for a run that migrates a fresh Prefect database (a bound)


def processes_with(variable: str) -> list[int]:
    """Return the ids of the processes whose environment holds `variable` (Linux only)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and variable.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def write_calls(path: Path, count: int) -> Path:
    """Write `count` one-sentence reports of distinct phone calls, as JSON lines."""
    with path.open("w", encoding="utf-8") as out:
        for day in range(count):
            text = (
                f"Japanese Prime Minister Hiroshi Tanaka spoke by phone with Indian Prime "
                f"Minister Ravi Kumar about port number {day}."
            )
            record = {"id": f"call-{day}", "url": f"https://news.example/{day}", "text": text}
            out.write(json.dumps(record | {"published": "2025-03-07", "title": "A call"}) + "\n")
    return path


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_run_uses_the_api_it_started_early_and_leaves_no_server(tmp_path):
    # Enough articles for worker processes, whose events Prefect's threads send on.
    calls = write_calls(tmp_path / "calls.jsonl", POOL_MIN_ARTICLES)
    home = tmp_path / "prefect-home"  # a fresh database: nothing else runs with this home
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env |= {"PREFECT_HOME": str(home), "PREFECT_LOGGING_LEVEL": "INFO"}
    command = [sys.executable, "-m", "flows.cli", "run", "--input", str(calls), "--workers", "2"]
    warehouse = tmp_path / "wh"
    done = subprocess.run(
        [*command, "--warehouse", str(warehouse)],
        env=env,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
    )
    assert done.returncode == 0, done.stderr
    assert row_count(warehouse, "meeting_mentions") == POOL_MIN_ARTICLES
    # Prefect logs (at INFO) when it starts a temporary API itself: here it never had to.
    assert "Starting temporary server" not in done.stderr
    assert "Prefect starts its own" not in done.stderr
    assert processes_with(f"PREFECT_HOME={home}\0") == []


def test_nothing_is_started_where_an_api_is_configured(monkeypatch):
    monkeypatch.setattr(server.subprocess, "Popen", None)  # would fail if called
    configured = temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api"})
    with configured, server.temporary_api() as ready:
        assert ready() is None


def test_an_api_that_does_not_start_is_left_to_prefect(monkeypatch, capsys):
    popen = subprocess.Popen

    def exits_at_once(command, **options):
        return popen([sys.executable, "-c", "raise SystemExit(3)"], **options)

    monkeypatch.setattr(server.subprocess, "Popen", exits_at_once)
    unconfigured = temporary_settings(restore_defaults={PREFECT_API_URL})
    with unconfigured, server.temporary_api() as ready:
        assert ready() is None
    assert "exited with status 3; Prefect starts its own" in capsys.readouterr().err
