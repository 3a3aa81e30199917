"""`summitry serve`: the pipeline as a Prefect deployment that runs on a cron schedule.

The deployment's parameters are what `summitry run --sources` would read (`flows.config`),
with every path made absolute, as runs start in a process of their own. Prefect's
temporary API cannot run schedules, so with no API configured (`PREFECT_API_URL`, or a
Prefect profile) the pipeline is served on a local server of our own (`flows.server`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows.config import Sources
from flows.server import HOST, local_server

DEFAULT_CRON = "0 * * * *"
DEFAULT_NAME = "summitry"
FLOW_NAME = "summitry-pipeline"
STATE_DIR = ".prefect"  # under the warehouse, unless --state-dir says otherwise


def deployment_parameters(
    sources: Sources,
    batch_size: int,
    wait_seconds: float,
    workers: int | None = None,
    dask_address: str | None = None,
) -> dict:
    """Return the parameters of every scheduled run: the sources, as absolute paths, and
    where batches are extracted (`summitry run`'s `--workers` or `--dask-address`)."""
    if sources.warehouse is None:
        raise ValueError("the sources name no warehouse")
    return {
        "inputs": [str(path.resolve()) for path in sources.inputs],
        "warehouse": str(sources.warehouse.resolve()),
        "batch_size": batch_size,
        "feeds": list(sources.feeds),
        "fetch": dict(sources.fetch),
        "wait_seconds": wait_seconds,
        "workers": workers,
        "dask_address": dask_address,
    }


def check_schedule(cron: str, timezone: str) -> None:
    """Raise ValueError, saying what is wrong, unless `cron` and `timezone` make a schedule."""
    from prefect.client.schemas.schedules import CronSchedule
    from pydantic import ValidationError

    try:
        CronSchedule(cron=cron, timezone=timezone)
    except ValidationError as err:
        problem = err.errors()[0]["msg"].removeprefix("Value error, ")
        raise ValueError(problem) from err


def configured_api_url() -> str | None:
    """Return the Prefect API this process would talk to, if one is configured."""
    from prefect.settings import get_current_settings

    return get_current_settings().api.url


@contextmanager
def prefect_api(state_dir: Path, port: int = 0) -> Iterator[str]:
    """Yield the Prefect API URL to serve on: the configured one, else a local server's,
    started with its home in `state_dir` and stopped when the block ends."""
    configured = configured_api_url()
    if configured:
        yield configured
        return
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with local_server(state_dir, port) as api_url:
        os.environ["PREFECT_API_URL"] = api_url  # for the runs, each in its own process
        with temporary_settings({PREFECT_API_URL: api_url}):
            yield api_url


def serve_pipeline(
    parameters: dict, cron: str = DEFAULT_CRON, timezone: str = "UTC", name: str = DEFAULT_NAME
) -> None:
    """Serve `summitry-pipeline/<name>` on `cron` until SIGTERM or Ctrl-C; returns then.

    Stopping leaves the schedule on (a restart or a reboot must not pause it), and serving
    again turns a paused one back on. One run at a time comes from this process; the
    warehouse's lock makes any other run wait for it or stop.
    """
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    from flows.pipeline import summitry_pipeline

    summitry_pipeline.serve(
        name=name,
        schedule=Cron(cron, timezone=timezone),
        parameters=parameters,
        paused=False,
        pause_on_shutdown=False,
        limit=1,
        description=f"Summitry on {parameters['warehouse']}, on cron {cron!r} ({timezone})",
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


def ui_url(api_url: str) -> str | None:
    """Return the UI address of a local server's API URL (None for other servers)."""
    prefix = f"http://{HOST}:"
    return api_url.removesuffix("/api") if api_url.startswith(prefix) else None
