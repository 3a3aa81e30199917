"""The `summitry` command: run the pipeline, query the warehouse, evaluate the extractor.

Prefect is imported only by `run`, `reprocess` and `serve`, after its defaults are set, so
`query`, `evaluate` and `--help` start in a fraction of a second.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb

from flows.config import ConfigError, Sources, run_sources
from flows.lock import WarehouseBusyError, wait_until_free
from flows.sources import DEFAULT_BATCH_SIZE, discover, read_batches
from flows.warehouse import CATALOG, DEFAULT_WAREHOUSE, DUCKDB_CONFIG, WarehouseError

# For a one-shot command the temporary API server is a detail: its INFO lines and the
# errors it logs while being stopped at exit are noise. The environment can override.
RUN_QUIET_DEFAULTS = {
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
}
# sysexits.h EX_TEMPFAIL: another run holds the warehouse; trying again later will work.
EXIT_BUSY = 75


class CommandError(Exception):
    """A problem the user can fix; printed without a traceback."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `summitry` command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except CommandError as err:
        print(f"summitry {args.command}: {err}", file=sys.stderr)
        return err.exit_code


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of `summitry` and its subcommands."""
    parser = argparse.ArgumentParser(
        prog="summitry",
        description="Turn diplomatic news articles into Parquet tables and DuckDB views.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_run(commands)
    _add_reprocess(commands)
    _add_serve(commands)
    _add_query(commands)
    _add_evaluate(commands)
    _add_dashboard(commands)
    _add_export(commands)
    return parser


def _add_command(
    commands: argparse._SubParsersAction, name: str, summary: str, handler: Callable
) -> argparse.ArgumentParser:
    command = commands.add_parser(name, help=summary, description=summary)
    command.set_defaults(handler=handler)
    return command


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if not value >= 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be 0 or more seconds, got {text}")
    return value


def _add_wait(
    command: argparse.ArgumentParser,
    default: float = 0.0,
    then: str = f"giving up with exit status {EXIT_BUSY}",
) -> None:
    command.add_argument(
        "--wait",
        type=_seconds,
        default=default,
        metavar="SECONDS",
        help=f"if another run is writing the warehouse, wait this long for it before {then}"
        " (default: %(default)g)",
    )


def _add_run(commands: argparse._SubParsersAction) -> None:
    command = _add_command(
        commands,
        "run",
        "Read articles, extract meetings, statements and topics, and publish the warehouse.",
        run_command,
    )
    _add_sources(command)
    _add_parallelism(command)
    _add_wait(command)


def _add_sources(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--input",
        action="append",
        type=Path,
        metavar="PATH",
        help="a folder (read recursively) or a .txt/.jsonl/.html file; repeat for several",
    )
    command.add_argument(
        "--feed",
        action="append",
        metavar="URL",
        help="an RSS or Atom feed whose new pages are fetched; repeat for several",
    )
    command.add_argument(
        "--sources",
        type=Path,
        metavar="FILE",
        help="a sources.toml of inputs, feeds and fetch settings (see sources.example.toml)",
    )
    command.add_argument(
        "--warehouse",
        type=Path,
        metavar="DIR",
        help=f"warehouse folder (default: the sources file's, else {DEFAULT_WAREHOUSE})",
    )
    _add_batch_size(command)


def _add_reprocess(commands: argparse._SubParsersAction) -> None:
    command = _add_command(
        commands,
        "reprocess",
        "Re-extract the warehouse's stored articles with the current extractor (no fetching).",
        reprocess_command,
    )
    _add_warehouse(command)
    command.add_argument(
        "--stale-only",
        action="store_true",
        help="only the articles an older extractor version made",
    )
    _add_batch_size(command)
    _add_parallelism(command)
    _add_wait(command)


def _add_serve(commands: argparse._SubParsersAction) -> None:
    from flows.serve import DEFAULT_CRON, DEFAULT_NAME, STATE_DIR

    command = _add_command(
        commands,
        "serve",
        "Run the pipeline on a schedule, as a Prefect deployment served by this process"
        " (Ctrl-C or SIGTERM stops it; the schedule stays on).",
        serve_command,
    )
    _add_sources(command)
    command.add_argument(
        "--cron",
        default=DEFAULT_CRON,
        metavar="EXPR",
        help='when to run, a cron expression (default: "%(default)s", every hour)',
    )
    command.add_argument(
        "--timezone",
        default="UTC",
        metavar="TZ",
        help="the cron's time zone, e.g. Europe/Paris (default: %(default)s)",
    )
    command.add_argument(
        "--name",
        default=DEFAULT_NAME,
        metavar="NAME",
        help="deployment name, one per warehouse on a server (default: %(default)s)",
    )
    _add_wait(command, default=600, then="a scheduled run fails, saying so")
    _add_parallelism(command)
    command.add_argument(
        "--state-dir",
        type=Path,
        metavar="DIR",
        help="where the local Prefect server keeps its database, when PREFECT_API_URL is"
        f" not set (default: <warehouse>/{STATE_DIR})",
    )
    command.add_argument(
        "--port",
        type=_port,
        metavar="N",
        help="the local Prefect server's port (default: a free one)",
    )


def _add_batch_size(command: argparse.ArgumentParser) -> None:
    """Give `command` the `--batch-size N` option of the commands that extract."""
    command.add_argument(
        "--batch-size",
        type=_positive_int,
        default=DEFAULT_BATCH_SIZE,
        metavar="N",
        help="articles per extraction task (default: %(default)s)",
    )


def _add_parallelism(command: argparse.ArgumentParser) -> None:
    """Give `command` the `--workers N` and `--dask-address HOST:PORT` options (one of)."""
    where = command.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=_positive_int,
        metavar="N",
        help="extract batches in N worker processes on this machine; 1 extracts in this"
        " process (default: one per usable CPU)",
    )
    where.add_argument(
        "--dask-address",
        type=_host_port,
        metavar="HOST:PORT",
        help="extract batches on the existing Dask cluster whose scheduler is at HOST:PORT;"
        " its workers must reach the warehouse's path",
    )


def _host_port(text: str) -> str:
    host, _, port = text.rpartition(":")
    if not host.split("://")[-1] or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise argparse.ArgumentTypeError(f"must be HOST:PORT, got {text!r}")
    return text


def _add_warehouse(command: argparse.ArgumentParser) -> None:
    """Give `command` the `--warehouse DIR` option every subcommand shares."""
    command.add_argument(
        "--warehouse",
        type=Path,
        default=DEFAULT_WAREHOUSE,
        metavar="DIR",
        help="warehouse folder (default: %(default)s)",
    )


def _add_query(commands: argparse._SubParsersAction) -> None:
    command = _add_command(
        commands, "query", "Run SQL on the warehouse's DuckDB views (read-only).", query_command
    )
    _add_warehouse(command)
    command.add_argument(
        "--format", choices=("table", "csv"), default="table", help="output format"
    )
    command.add_argument(
        "--max-rows", type=_positive_int, default=100, metavar="N", help="rows shown as a table"
    )
    command.add_argument("sql", help='a query, e.g. "select * from top_counterparts"')


def _add_evaluate(commands: argparse._SubParsersAction) -> None:
    command = _add_command(
        commands,
        "evaluate",
        "Score the extractor on articles against gold annotations (no warehouse, no Prefect).",
        evaluate_command,
    )
    command.add_argument(
        "--gold", type=Path, required=True, metavar="FILE", help="gold annotations (.jsonl)"
    )
    command.add_argument(
        "--input",
        action="append",
        required=True,
        type=Path,
        metavar="PATH",
        help="a folder or file of the annotated articles; repeat for several",
    )


# --- run --------------------------------------------------------------------------------------


def run_command(args: argparse.Namespace) -> int:
    """Run the flow and print what it did."""
    sources = _sources(args)
    with _warehouse_errors():  # a busy warehouse is told before Prefect starts
        wait_until_free(sources.warehouse, args.wait)
    summary, seconds = _run_flow(
        "summitry_pipeline",
        inputs=[str(p) for p in sources.inputs],
        warehouse=str(sources.warehouse),
        batch_size=args.batch_size,
        feeds=sources.feeds,
        fetch=sources.fetch,
        wait_seconds=args.wait,
        workers=args.workers,
        dask_address=args.dask_address,
    )
    print(format_summary(summary, seconds))
    return 0


def _run_flow(flow_name: str, **parameters: object) -> tuple[dict, float]:
    """Run the flow `flow_name` of `flows.pipeline`; return its summary and its duration.

    Prefect's temporary API, unless one is configured, is started first
    (`flows.server.temporary_api`), so that it boots while the pipeline imports.
    """
    for name, value in RUN_QUIET_DEFAULTS.items():
        os.environ.setdefault(name, value)
    from flows.server import temporary_api  # imports Prefect, which reads the env

    with temporary_api() as ready:
        from flows import pipeline

        started = time.monotonic()
        with _on_api(ready()), _showing_progress(), _warehouse_errors():
            summary = getattr(pipeline, flow_name)(**parameters)
        return summary, time.monotonic() - started


@contextmanager
def _on_api(api_url: str | None) -> Iterator[None]:
    """Run the block on the Prefect API at `api_url` (None: as Prefect's settings say).

    It is set in the environment and Prefect's global settings, not only in this thread's
    context: Prefect's threads (events, logs) would otherwise start a temporary API of
    their own.
    """
    if api_url is None:
        yield
        return
    from prefect.context import refresh_global_settings_context

    os.environ["PREFECT_API_URL"] = api_url
    refresh_global_settings_context()
    try:
        yield
    finally:
        del os.environ["PREFECT_API_URL"]
        refresh_global_settings_context()


def _sources(args: argparse.Namespace) -> Sources:
    """Return what the command's --sources, --input, --feed and --warehouse say to read."""
    try:
        given = (args.sources, args.input, args.feed, args.warehouse)
        sources = run_sources(*given, default_warehouse=DEFAULT_WAREHOUSE)
    except ConfigError as err:
        raise CommandError(str(err), exit_code=2) from err
    _require_inputs(sources.inputs)
    return sources


@contextmanager
def _showing_progress() -> Iterator[None]:
    """Draw progress bars on stderr while the block runs, if stderr is a terminal."""
    from flows import progress

    with progress.RichReporter() as reporter, progress.reporting(reporter):
        yield


@contextmanager
def _warehouse_errors() -> Iterator[None]:
    """Turn warehouse problems into messages; a busy warehouse exits with EXIT_BUSY."""
    try:
        yield
    except WarehouseBusyError as err:
        raise CommandError(str(err), exit_code=EXIT_BUSY) from err
    except WarehouseError as err:
        raise CommandError(str(err)) from err


def reprocess_command(args: argparse.Namespace) -> int:
    """Re-extract the stored articles and print what changed."""
    if not (args.warehouse / CATALOG).is_file():
        raise CommandError(f"no warehouse at {args.warehouse}; run `summitry run` first", 2)
    with _warehouse_errors():
        wait_until_free(args.warehouse, args.wait)
    summary, seconds = _run_flow(
        "summitry_reprocess",
        warehouse=str(args.warehouse),
        batch_size=args.batch_size,
        stale_only=args.stale_only,
        wait_seconds=args.wait,
        workers=args.workers,
        dask_address=args.dask_address,
    )
    print(
        f"Re-extracted {_many(summary['reprocessed_articles'], 'article')}"
        f" with extractor {summary['extractor_version']}:"
        f" {_many(summary['meetings'], 'meeting')} from"
        f" {_many(summary['merged_reports'] + summary['meetings'], 'report')},"
        f" {summary['quarantined']} quarantined."
    )
    print(f"Finished in {seconds:.1f} s (run {summary['run_id']}).")
    return 0


def serve_command(args: argparse.Namespace) -> int:
    """Serve the pipeline on its schedule until stopped; say where and how to stop it."""
    from flows.serve import STATE_DIR, check_schedule, deployment_parameters
    from flows.server import ServerError

    sources = _sources(args)
    try:
        check_schedule(args.cron, args.timezone)
    except ValueError as err:
        raise CommandError(f"--cron {args.cron!r} --timezone {args.timezone}: {err}", 2) from err
    parameters = deployment_parameters(
        sources, args.batch_size, args.wait, args.workers, args.dask_address
    )
    state_dir = (args.state_dir or Path(parameters["warehouse"]) / STATE_DIR).resolve()
    try:
        _serve(parameters, args, state_dir)
    except ServerError as err:
        raise CommandError(str(err)) from err
    print(f"Stopped serving {args.name}; its schedule stays on for the next start.")
    return 0


def _serve(parameters: dict, args: argparse.Namespace, state_dir: Path) -> None:
    from flows.serve import FLOW_NAME, prefect_api, serve_pipeline, ui_url

    deployment = f"{FLOW_NAME}/{args.name}"
    print(f"Starting the Prefect API for {deployment} ...", flush=True)
    with prefect_api(state_dir, args.port or 0) as api_url:
        local = ui_url(api_url)
        print(
            f"Prefect API: {api_url}"
            + (f" (a local server, its database in {state_dir}; UI: {local})" if local else ""),
            f"Serving {deployment} on cron {args.cron!r} ({args.timezone}) into warehouse"
            f" {parameters['warehouse']}; Ctrl-C or SIGTERM stops it, the schedule stays on.",
            f"For `prefect` commands in another shell: export PREFECT_API_URL={api_url}",
            sep="\n",
            flush=True,
        )
        serve_pipeline(parameters, args.cron, args.timezone, args.name)


def _require_inputs(inputs: Sequence[Path]) -> None:
    for path in inputs:
        if not path.exists():
            raise CommandError(f"input {path} does not exist", exit_code=2)


def format_summary(summary: dict, seconds: float) -> str:
    """Return the run summary as a few lines of text."""
    updated, kept = summary.get("updated_articles", 0), summary.get("kept_with_warning", 0)
    merged = summary.get("newly_merged_reports", 0)
    lines = [
        *feed_lines(summary),
        f"Read {_many(summary['articles_read'], 'article')}"
        f" from {_many(summary['files'], 'file')}"
        f" ({_many(summary['ignored_files'], 'other file')} ignored)"
        + (" and feeds" if summary.get("feeds") else "")
        + f": {summary['new_articles']} new,"
        + (f" {updated} updated," if updated else "")
        + f" {summary['quarantined']} quarantined"
        + (f" ({kept} kept with a warning)" if kept else "")
        + ".",
        f"Warehouse {summary['warehouse']}: {_many(summary['meetings'], 'meeting')}"
        f" ({_many(summary['new_meeting_mentions'], 'new mention')}"
        + (f", {merged} merged with other reports of the same meeting" if merged else "")
        + ").",
    ]
    pairs = summary["top_country_pairs"]
    if pairs:
        lines.append("Top country pairs (held meetings):")
        lines += [f"  {p['side_a']}-{p['side_b']}  {p['meetings']}" for p in pairs]
    if summary["quarantined"]:
        lines.append(
            f"See why inputs were quarantined: summitry query --warehouse {summary['warehouse']}"
            ' "select * from quarantine"'
        )
    if summary.get("stale_articles"):
        lines.append(
            f"{_many(summary['stale_articles'], 'article')} came from an older extractor:"
            f" summitry reprocess --stale-only --warehouse {summary['warehouse']}"
        )
    lines.append(f"Finished in {seconds:.1f} s (run {summary['run_id']}).")
    return "\n".join(lines)


def feed_lines(summary: dict) -> list[str]:
    """Return what asking the feeds did, as a line (none without feeds)."""
    if not summary.get("feeds"):
        return []
    return [
        f"Asked {_many(summary['feeds'], 'feed')}: {summary['feeds_read']} read,"
        f" {summary['feeds_not_modified']} unchanged, {summary['feeds_failed']} failed;"
        f" pages: {summary['pages_read']} fetched, {summary['pages_not_modified']} unchanged,"
        f" {summary['pages_failed']} failed, {summary['pages_known']} known already."
    ]


def _many(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# --- query ------------------------------------------------------------------------------------


def query_command(args: argparse.Namespace) -> int:
    """Print the result of one SQL statement on the warehouse, opened read-only."""
    catalog = args.warehouse / CATALOG
    if not catalog.is_file():
        raise CommandError(f"no warehouse at {args.warehouse}; run `summitry run` first", 2)
    with duckdb.connect(str(catalog), read_only=True, config=DUCKDB_CONFIG) as con:
        try:
            relation = con.sql(args.sql)
            if relation is None:  # a statement without a result, e.g. SET
                return 0
            if args.format == "csv":
                _write_csv(relation.columns, relation.fetchall())
            else:
                relation.show(max_rows=args.max_rows, max_width=200)
        except duckdb.Error as err:
            raise CommandError(str(err)) from err
    return 0


def _write_csv(columns: list[str], rows: list[tuple]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)


# --- evaluate ---------------------------------------------------------------------------------


def evaluate_command(args: argparse.Namespace) -> int:
    """Extract every input article, score the predictions against the gold and print it."""
    from transforms import scoring  # written apart from the pipeline; only this needs it

    _require_inputs([args.gold, *args.input])
    try:
        gold = scoring.load_gold(args.gold.read_text(encoding="utf-8").splitlines())
    except (UnicodeDecodeError, ValueError) as err:
        raise CommandError(f"{args.gold}: {err}") from err
    predictions = predict(args.input, exclude=args.gold)
    print(scoring.format_report(scoring.score(gold, predictions)))
    return 0


def predict(inputs: Sequence[Path], exclude: Path | None = None) -> dict[str, dict]:
    """Return the extractor's predictions for the articles of `inputs`, keyed by file name.

    `exclude` (the gold file, often kept beside the articles) is not read as input.
    """
    from transforms import extract, scoring

    files = [f for f in discover(inputs).files if exclude is None or not _same(f.path, exclude)]
    predictions: dict[str, dict] = {}
    for batch in read_batches(files):
        for row in batch.quarantine:
            print(f"skipped {row['source_ref']}: {row['detail']}", file=sys.stderr)
        for article in batch.articles:
            prediction = scoring.to_prediction(article, extract.extract_article(article))
            if prediction["file"] in predictions:
                print(f"two inputs are named {prediction['file']}; kept the last", file=sys.stderr)
            predictions[prediction["file"]] = prediction
    return predictions


def _same(path: Path, other: Path) -> bool:
    return path.resolve() == other.resolve()


# --- dashboard and export (dashboard/, flows/export.py) ---------------------------------------


def _add_dashboard(commands: argparse._SubParsersAction) -> None:
    command = _add_command(
        commands,
        "dashboard",
        "Serve a web dashboard of the warehouse on this machine (read-only; Ctrl-C stops it).",
        dashboard_command,
    )
    _add_warehouse(command)
    command.add_argument(
        "--port", type=_port, default=8501, metavar="N", help="port (default: %(default)s)"
    )
    command.add_argument(
        "--address",
        default="127.0.0.1",
        metavar="HOST",
        help="address to listen on (default: %(default)s; 0.0.0.0 shares it on the network)",
    )


def _port(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be between 1 and 65535, got {value}")
    return value


def dashboard_command(args: argparse.Namespace) -> int:
    """Become the Streamlit server of the dashboard (so signals reach it); never returns."""
    from dashboard import WAREHOUSE_ENV, streamlit_command

    warehouse = args.warehouse.resolve()
    if not (warehouse / CATALOG).is_file():
        print(f"No warehouse at {args.warehouse} yet; the page says how to build one.")
    print(f"Dashboard of {warehouse} on http://{args.address}:{args.port} (Ctrl-C stops it)")
    command = streamlit_command(args.port, args.address)
    sys.stdout.flush()
    os.execve(command[0], command, os.environ | {WAREHOUSE_ENV: str(warehouse)})


def _add_export(commands: argparse._SubParsersAction) -> None:
    from flows.export import FORMATS

    command = _add_command(
        commands,
        "export",
        "Write one table or view of the warehouse to a CSV or Parquet file (read-only).",
        export_command,
    )
    _add_warehouse(command)
    command.add_argument(
        "--view", required=True, metavar="NAME", help="e.g. meeting_frequency_by_country_pair"
    )
    command.add_argument(
        "--format", choices=FORMATS, help="file format (default: from the --out suffix)"
    )
    command.add_argument("--out", type=Path, required=True, metavar="FILE", help="file to write")


def export_command(args: argparse.Namespace) -> int:
    """Write the view to the file and say how many rows it holds."""
    from flows.export import ExportError, export_view

    try:
        rows = export_view(args.warehouse, args.view, args.out, args.format)
    except ExportError as err:
        raise CommandError(str(err), exit_code=2) from err
    except duckdb.Error as err:
        raise CommandError(str(err)) from err
    print(f"Wrote {_many(rows, 'row')} of {args.view} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
