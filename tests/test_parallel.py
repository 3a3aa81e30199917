"""Batches in parallel: worker processes on this machine and a Dask cluster give the same
warehouse as one process.

The corpus is the sample plus generated articles and two bad inputs, read in batches of
10, so there are several batches in flight and they finish in any order.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from flows import pipeline, runners
from flows.warehouse import CATALOG
from transforms.schema import TABLES

SAMPLE = Path(__file__).resolve().parents[1] / "corpus" / "sample"
BATCH_SIZE = 10
GENERATED = 40


def comparable_rows(warehouse: Path) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, without the timestamps a run takes from the clock."""
    rows = {}
    with duckdb.connect(str(warehouse / CATALOG), read_only=True) as con:
        for name, schema in TABLES.items():
            clock = [f.name for f in schema if pa.types.is_timestamp(f.type)]
            exclude = f" exclude ({', '.join(clock)})" if clock else ""
            rows[name] = con.execute(f"select *{exclude} from {name} order by all").fetchall()
    return rows


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The sample articles, generated ones in a .jsonl with a malformed line, an empty file."""
    from benchmarks.generate import generate_articles

    root = tmp_path_factory.mktemp("parallel") / "corpus"
    shutil.copytree(SAMPLE, root / "sample")
    lines = [json.dumps(record) for record in generate_articles(GENERATED)]
    lines.insert(7, "{not json")
    (root / "generated.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    return root


def run(corpus: Path, warehouse: Path, **where) -> dict:
    return pipeline.summitry_pipeline([str(corpus)], str(warehouse), BATCH_SIZE, **where)


@pytest.fixture(scope="module")
def one_process(prefect_api, corpus, tmp_path_factory) -> dict[str, list[tuple]]:
    """The tables of a run that extracts every batch in the flow's own process."""
    warehouse = tmp_path_factory.mktemp("one") / "wh"
    summary = run(corpus, warehouse, workers=1)
    assert summary["new_articles"] > 3 * BATCH_SIZE and summary["quarantined"] == 2
    rows = comparable_rows(warehouse)
    assert rows["meeting_mentions"] and rows["statements"] and rows["quarantine"]
    return rows


@pytest.fixture
def any_input_size(monkeypatch):
    """Let a few small batches go to the worker processes (by default too few to)."""
    monkeypatch.setattr(runners, "POOL_MIN_ARTICLES", 0)


@pytest.mark.flow
def test_two_local_worker_processes_give_the_tables_of_one_process(
    one_process, corpus, tmp_path, any_input_size
):
    warehouse = tmp_path / "wh"
    run(corpus, warehouse, workers=2)
    assert comparable_rows(warehouse) == one_process
    assert not (warehouse / "staging").exists()


@pytest.mark.flow
def test_a_dask_cluster_of_two_workers_gives_the_tables_of_one_process(
    one_process, corpus, tmp_path
):
    from distributed import LocalCluster

    warehouse = tmp_path / "wh"
    cluster = LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
    )
    with cluster:
        run(corpus, warehouse, dask_address=cluster.scheduler_address)
    assert comparable_rows(warehouse) == one_process
    assert not (warehouse / "staging").exists()


def test_results_come_back_in_submission_order_and_in_flight_stays_bounded():
    finished: list[int] = []

    class Future:
        def __init__(self, value: int) -> None:
            self.value = value

        def result(self) -> int:
            finished.append(self.value)
            return self.value * 10

    class Runner:
        def __init__(self) -> None:
            self.submitted: list[int] = []

        def submit(self, task, parameters):
            pending = len(self.submitted) - len(finished)
            assert pending < 3
            self.submitted.append(parameters["n"])
            return Future(parameters["n"])

    results = runners.submit_bounded(Runner(), None, ({"n": n} for n in range(7)), limit=3)
    assert list(results) == [n * 10 for n in range(7)]


def test_this_process_takes_batches_until_a_worker_has_finished_one():
    class Done:
        ready = False

        def done(self) -> bool:
            return self.ready

    class Future:
        wrapped_future = Done()

        def __init__(self, n: int) -> None:
            self.n = n

        def result(self) -> str:
            return f"worker {self.n}"

    class Runner:
        def submit(self, task, parameters):
            return Future(parameters["n"])

    def here(n: int) -> str:
        if n == 4:
            Done.ready = True  # a worker is done by the time batch 4 finishes here
        return f"here {n}"

    calls = ({"n": n} for n in range(8))
    results = list(runners.submit_bounded(Runner(), here, calls, 2, help_while_starting=True))
    assert results == [
        *("here 2", "here 3", "here 4"),
        *("worker 0", "worker 1", "worker 5", "worker 6", "worker 7"),
    ]


def test_a_failing_batch_raises_its_error():
    class Failed:
        def result(self):
            raise ValueError("batch 2 is bad")

    class Runner:
        def submit(self, task, parameters):
            return Failed()

    with pytest.raises(ValueError, match="batch 2 is bad"):
        list(runners.submit_bounded(Runner(), None, [{"n": 1}], limit=2))


def test_workers_and_a_dask_address_are_one_or_the_other():
    with pytest.raises(ValueError, match="not both"):
        runners.check_choice(2, "127.0.0.1:8786")
    with pytest.raises(ValueError, match="at least 1"):
        runners.check_choice(0, None)
    runners.check_choice(None, None)


def test_small_inputs_and_one_worker_stay_in_process():
    def task(n: int) -> int:
        return -n

    calls = [{"n": n} for n in range(3)]
    assert list(runners.run_batches(task, calls, workers=1)) == [0, -1, -2]
    assert list(runners.run_batches(task, calls[:1], workers=4)) == [0]


def test_the_command_takes_workers_or_a_dask_address_not_both(tmp_path, capsys):
    from flows import cli

    both = ["--workers", "2", "--dask-address", "127.0.0.1:8786"]
    with pytest.raises(SystemExit):
        cli.main(["run", "--input", str(tmp_path), *both])
    assert "not allowed with argument --workers" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["reprocess", "--dask-address", "no-port"])
    assert "must be HOST:PORT" in capsys.readouterr().err
    parsed = cli.build_parser().parse_args(["reprocess", "--dask-address", "tcp://10.0.0.5:8786"])
    assert (parsed.workers, parsed.dask_address) == (None, "tcp://10.0.0.5:8786")


def test_a_prefect_task_gets_its_arguments_quoted_a_plain_function_as_they_are():
    """Quoted, Prefect does not walk every article of a batch looking for futures."""
    from prefect.utilities.annotations import quote

    from flows.pipeline import extract_batch

    quoted = runners._quoted(extract_batch, {"batch_number": 3})
    assert isinstance(quoted["batch_number"], quote) and quoted["batch_number"].unquote() == 3
    assert runners._quoted(lambda batch_number: None, {"batch_number": 3}) == {"batch_number": 3}
