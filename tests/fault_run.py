"""Run `summitry` commands with a fault at a named point, for the crash and lock tests.

    python tests/fault_run.py RUNS.json

RUNS.json is a list of {"fault": "kill:POINT" or "pause:POINT:DIR", "argv": [...],
"log": FILE, "status": FILE}. This process imports the pipeline once and forks one child
per run, so that several runs cost one import (~5 s here); each child is a whole
`summitry` process of its own, installs its fault and calls the command line. At POINT,
`kill` sends the child SIGKILL; `pause` creates DIR/paused and waits until DIR/release
exists. As each child ends, its exit status (or minus the signal that ended it) is
written to its status file.

Points: `staged` (a batch is staged), `catalog-built` (snapshot and catalog written, not
swapped in), `current-swapped` (`current` names the new snapshot, the catalog is still
the previous one), `published` (swapped in, older snapshots not pruned).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

from flows import cli, pipeline, warehouse


def fault(spec: str):
    """Return the action of `spec`: kill the process, or pause it until released."""
    action, _, rest = spec.partition(":")
    if action == "kill":
        return lambda: os.kill(os.getpid(), signal.SIGKILL)
    folder = Path(rest.partition(":")[2])

    def pause() -> None:
        (folder / "paused").touch()
        while not (folder / "release").exists():
            time.sleep(0.05)

    return pause


def install(spec: str) -> None:
    """Call the fault of `spec` at its point, by wrapping the function that reaches it."""
    point, act = spec.split(":")[1], fault(spec)

    def after(module, name):
        original = getattr(module, name)

        def wrapper(*args, **kwargs):
            result = original(*args, **kwargs)
            act()
            return result

        setattr(module, name, wrapper)

    if point == "staged":
        after(pipeline, "stage_batch")
    elif point == "catalog-built":
        after(warehouse, "build_catalog")
    elif point == "current-swapped":
        replace = os.replace

        def replace_catalog_last(source, target, *args, **kwargs):
            if Path(target).name == warehouse.CATALOG:
                act()
            return replace(source, target, *args, **kwargs)

        os.replace = replace_catalog_last
    elif point == "published":
        prune = warehouse._prune_snapshots

        def prune_after_fault(*args, **kwargs):
            act()
            return prune(*args, **kwargs)

        warehouse._prune_snapshots = prune_after_fault
    else:
        raise SystemExit(f"unknown point {point!r}")


def child(run: dict) -> None:
    """Become one `summitry` run with its fault installed; never returns."""
    with open(run["log"], "wb") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
    install(run["fault"])
    try:
        status = cli.main(run["argv"])
    except BaseException as err:  # the log shows it; the status says it failed
        print(f"{type(err).__name__}: {err}", file=sys.stderr)
        status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def main(runs: list[dict]) -> None:
    if threading.active_count() != 1:
        raise SystemExit("threads are running: forking now would not be safe")
    children = {}
    for run in runs:
        pid = os.fork()
        if pid == 0:
            child(run)
        children[pid] = run
    for _ in runs:
        pid, status = os.wait()
        written = Path(children[pid]["status"] + ".tmp")
        written.write_text(str(os.waitstatus_to_exitcode(status)))
        written.rename(children[pid]["status"])


if __name__ == "__main__":
    main(json.loads(Path(sys.argv[1]).read_text()))
