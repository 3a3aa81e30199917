"""Where the extraction batches of a run go: this process, local worker processes, or Dask.

- `workers=1`: each batch is extracted in the flow's own process, one after the other.
- `workers=N` (default: the CPUs this process may use): a pool of N worker processes on
  this machine (Prefect's `ProcessPoolTaskRunner`, spawned, so each imports the project).
- `dask_address="HOST:PORT"`: an existing Dask cluster, through prefect-dask's
  `DaskTaskRunner`; its workers must import this project and reach the warehouse's path.

A run with fewer than `POOL_MIN_ARTICLES` articles (or one batch) to extract does it
in-process whatever `workers` says: starting the worker processes would cost more than
they save (each imports Prefect and the lexicons: ~4 s, ~8 s of CPU for two here, then
~0.15 s of a worker per batch). The first batches are read ahead, up to that many
articles, to tell.

At most `IN_FLIGHT_PER_WORKER` batches per worker are submitted and not yet finished, so
the articles held in memory stay bounded however large the input. Results come back in
submission order, and a batch that fails raises its error, as an in-process call would.
While the local workers start, this process extracts the batches met meanwhile itself.

Arguments go to Prefect quoted (`prefect.utilities.annotations.quote`), except to Dask
(whose task runner passes them on as plain tuples): they are data, never futures, and
unquoted Prefect walks every article of a batch looking for some, here and in the worker.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import chain
from typing import Any

from prefect import Task
from prefect.utilities.annotations import quote

IN_FLIGHT_PER_WORKER = 2
POOL_MIN_ARTICLES = 4000


def usable_cpus() -> int:
    """Return how many CPUs this process may run on (its affinity, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def check_choice(workers: int | None, dask_address: str | None) -> None:
    """Refuse a worker count below 1, or both a worker count and a Dask address."""
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if workers is not None and dask_address:
        raise ValueError("give either workers or a Dask address, not both")


def run_batches(
    task: Callable[..., Any],
    calls: Iterable[dict[str, Any]],
    workers: int | None = None,
    dask_address: str | None = None,
    size: Callable[[dict[str, Any]], int] = lambda call: 1,
) -> Iterator[Any]:
    """Run `task` once per keyword-argument mapping of `calls`; yield each result (in the
    order of `calls`, except those run here while workers start). `size` tells how many
    articles a call holds.

    `calls` is read lazily: at most `IN_FLIGHT_PER_WORKER` per worker are pending at once.
    """
    check_choice(workers, dask_address)
    pending = iter(calls)
    if not dask_address:
        several = (workers or usable_cpus()) > 1
        head, enough = _read_ahead(pending, size, POOL_MIN_ARTICLES) if several else ([], False)
        if not enough:
            for parameters in chain(head, pending):
                yield task(**_quoted(task, parameters))
            return
        pending = chain(head, pending)
    with _task_runner(workers, dask_address) as (runner, slots):
        limit = IN_FLIGHT_PER_WORKER * slots
        local = not dask_address  # prefect-dask passes quoted arguments on as plain tuples
        calls = (_quoted(task, call) for call in pending) if local else pending
        yield from submit_bounded(runner, task, calls, limit, local)


def _quoted(task: Callable[..., Any], parameters: dict[str, Any]) -> dict[str, Any]:
    """Return the arguments quoted for a Prefect task (a plain function takes them as is)."""
    if not isinstance(task, Task):
        return parameters
    return {name: quote(value) for name, value in parameters.items()}


def _read_ahead(
    calls: Iterator[dict[str, Any]], size: Callable[[dict[str, Any]], int], articles: int
) -> tuple[list[dict[str, Any]], bool]:
    """Take calls until there are two or more holding `articles` articles; return them, and
    whether they do (else `calls` ran out first)."""
    head: list[dict[str, Any]] = []
    held = 0
    for call in calls:
        head.append(call)
        held += size(call)
        if held >= articles and len(head) > 1:
            return head, True
    return head, False


def submit_bounded(
    runner: Any,
    task: Callable[..., Any],
    calls: Iterable[dict[str, Any]],
    limit: int,
    help_while_starting: bool = False,
) -> Iterator[Any]:
    """Submit each call to `runner`, waiting for the oldest once `limit` are pending; yield
    the results (the first failure raises).

    With `help_while_starting`, until the runner has finished a first call, the calls met
    while `limit` are pending run here instead of waiting: worker processes take seconds
    to start, and this process would sit idle meanwhile.
    """
    pending: deque = deque()
    starting = help_while_starting
    for parameters in calls:
        if len(pending) >= limit:
            starting = starting and not any(f.wrapped_future.done() for f in pending)
            if starting:
                yield task(**parameters)
                continue
            yield pending.popleft().result()
        pending.append(runner.submit(task, parameters))
    while pending:
        yield pending.popleft().result()


@contextmanager
def _task_runner(workers: int | None, dask_address: str | None) -> Iterator[tuple[Any, int]]:
    """Start the task runner; yield it and how many batches it runs at once."""
    if dask_address:
        from prefect_dask import DaskTaskRunner

        with _shared_api(), DaskTaskRunner(address=dask_address) as runner:
            yield runner, max(1, sum(runner.client.nthreads().values()))
        return
    from prefect.settings import PREFECT_API_URL
    from prefect.task_runners import ProcessPoolTaskRunner

    count = workers or usable_cpus()
    with _shared_api():
        start = {"initializer": open_worker_client, "initargs": (PREFECT_API_URL.value(),)}
        with ProcessPoolTaskRunner(max_workers=count, **start) as runner:
            yield runner, count


def open_worker_client(api_url: str) -> None:
    """Open one Prefect client for the life of a worker process, on the run's API.

    Prefect runs each task of a process pool under the client of the context, else it
    opens two for the task and closes them after (each loads the TLS certificates: ~60
    ms a task here, whatever the size of the batch). The client closes with the process.
    """
    from prefect.context import SyncClientContext
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api_url}):
        SyncClientContext().__enter__()  # sets the context for the worker's main thread


@contextmanager
def _shared_api() -> Iterator[None]:
    """Give the workers this run's Prefect API, the temporary one included: without its
    address each worker would start a temporary API of its own (seconds of CPU each, task
    runs recorded in another database, and a server left behind if the worker is killed)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if PREFECT_API_URL.value():
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the one this run's flow started: it is running
    server.start()
    with temporary_settings({PREFECT_API_URL: server.api_url}):
        yield
