"""Runs that die, and runs that meet.

Crash safety: a run SIGKILLed at any point leaves the published warehouse readable,
consistent and passing the checks, and the next run completes the work. One writer: a
second run on a warehouse being published stops with a clear message, or waits, and never
interleaves its writes.

The runs under test are `summitry` processes forked from one that imported the pipeline
once (fault_run.py), all started together against the session's Prefect API; what each
left is then examined, and run again, in this process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import types
from pathlib import Path

import duckdb
import pytest
from conftest import write_tiny_corpus
from warehouse_builders import publish_corpus

from flows import cli, lock, pipeline
from flows.lock import WarehouseBusyError, wait_until_free
from flows.warehouse import CATALOG, SQL_DIR, current_snapshot, new_run_id, run_checks

HERE = Path(__file__).resolve().parent
# Where each run is killed, and the articles its catalog shows then: the previous publish
# (4), or the new one (5) once its catalog is swapped in.
POINTS = {"staged": 4, "catalog-built": 4, "current-swapped": 4, "published": 5}
EXTRA = (
    "date 2025-03-08\nSpanish Foreign Minister Lucia Ortega met her Portuguese "
    "counterpart Tiago Sousa in Madrid on Saturday.\n"
)
PATIENCE = 300  # seconds before a test gives up waiting for a run (a bound, not a timing)


def published_warehouse(root: Path) -> tuple[Path, Path]:
    """Return a corpus of four articles and a warehouse where they are published, plus a
    fifth article in the corpus for the next run to find."""
    corpus = write_tiny_corpus(root / "corpus")
    wh = publish_corpus(corpus, root / "wh", run_id=new_run_id())
    (corpus / "004_extra.txt").write_text(EXTRA, encoding="utf-8")
    return corpus, wh


def wait_for(path: Path, what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not path.exists():
        assert time.monotonic() < deadline, f"no {what} after {PATIENCE} s"
        time.sleep(0.05)


class Run:
    """A `summitry run` in a process of its own, with a fault at one point."""

    def __init__(self, root: Path, fault: str) -> None:
        self.root = root
        self.corpus, self.warehouse = published_warehouse(root)
        self.fault = fault.replace("{root}", str(root))
        self.log, self.status_file = root / "run.log", root / "status"

    def spec(self) -> dict:
        argv = ["run", "--input", str(self.corpus), "--warehouse", str(self.warehouse)]
        return {"fault": self.fault, "argv": argv, "log": str(self.log)} | {
            "status": str(self.status_file)
        }

    def status(self) -> int:
        wait_for(self.status_file, "exit status")
        return int(self.status_file.read_text())


@pytest.fixture(scope="module")
def runs(prefect_api, tmp_path_factory) -> dict[str, Run]:
    """A run killed at each point, and one paused at `catalog-built`, all started."""
    root = tmp_path_factory.mktemp("runs")
    started = {point: Run(root / point, f"kill:{point}") for point in POINTS}
    started["paused"] = Run(root / "paused", "pause:catalog-built:{root}")
    spec = root / "runs.json"
    spec.write_text(json.dumps([run.spec() for run in started.values()]))
    env = os.environ | {"PREFECT_API_URL": prefect_api, "PREFECT_LOGGING_LEVEL": "WARNING"}
    command = [sys.executable, str(HERE / "fault_run.py"), str(spec)]
    driver = subprocess.Popen(command, env=env)
    yield started
    (root / "paused" / "release").touch()  # whatever happened, let it end
    driver.wait(PATIENCE)


def catalog_articles(wh: Path) -> int:
    """Return the articles the catalog shows, after running every data check on it."""
    with duckdb.connect(str(wh / CATALOG), read_only=True) as con:
        run_checks(con, SQL_DIR / "checks")
        return con.execute("select count(*) from articles").fetchall()[0][0]


@pytest.mark.flow
@pytest.mark.parametrize("point", POINTS)
def test_a_killed_run_leaves_the_warehouse_readable_and_the_next_run_finishes(runs, point):
    run, wh = runs[point], runs[point].warehouse
    assert run.status() == -9, run.log.read_text()  # killed there, so it got there

    assert catalog_articles(wh) == POINTS[point]
    wait_until_free(wh)  # the dead run's lock went with it

    summary = pipeline.summitry_pipeline([str(run.corpus)], str(wh))
    assert summary["new_articles"] == (0 if point in ("current-swapped", "published") else 1)
    assert catalog_articles(wh) == 5
    assert not (wh / "staging").exists()
    assert not list(wh.glob("*.tmp")) and not list(wh.glob(".current-*"))
    snapshots = sorted(p.name for p in (wh / "snapshots").iterdir())
    assert len(snapshots) == 2 and snapshots[-1] == current_snapshot(wh).name


@pytest.mark.flow
def test_a_second_run_stops_or_waits_and_never_interleaves(runs, capsys, monkeypatch):
    first = runs["paused"]
    wh, corpus = first.warehouse, str(first.corpus)
    wait_for(first.root / "paused", "pause")  # the first run is publishing, lock held
    staged_before = sorted(p.name for p in (wh / "staging").iterdir())

    assert cli.main(["run", "--input", corpus, "--warehouse", str(wh)]) == cli.EXIT_BUSY
    assert "is in use by another run (process" in capsys.readouterr().err
    with pytest.raises(WarehouseBusyError, match="nothing was written"):
        pipeline.summitry_pipeline([corpus], str(wh))
    assert sorted(p.name for p in (wh / "staging").iterdir()) == staged_before
    assert catalog_articles(wh) == 4

    waiting = threading.Event()  # set once the second run is polling for the lock
    sleep = time.sleep

    def polling(seconds: float) -> None:
        waiting.set()
        sleep(seconds)

    monkeypatch.setattr(
        lock, "time", types.SimpleNamespace(monotonic=time.monotonic, sleep=polling)
    )
    second: dict = {}

    def second_run() -> None:
        second.update(pipeline.summitry_pipeline([corpus], str(wh), wait_seconds=PATIENCE))

    thread = threading.Thread(target=second_run)
    thread.start()
    assert waiting.wait(PATIENCE)
    (first.root / "release").touch()
    thread.join(PATIENCE)

    assert first.status() == 0, first.log.read_text()
    assert second["new_articles"] == 0  # it read the ledger after the first run published
    [first_run_id] = staged_before
    assert current_snapshot(wh).name == second["run_id"] > first_run_id  # published after it
    assert catalog_articles(wh) == 5
