"""What each run did: a Prefect artifact per run, and log lines a machine can read.

The artifacts (a markdown report and a one-row table) are created inside the flow run, so
each run has its own, on its page in Prefect's UI and under Artifacts, where the runs of
one key line up. Keys are lowercase with dashes, as Prefect requires, and the table holds
only JSON values (Prefect cannot serialise a Timestamp).

Log lines are `event key=value ...` (logfmt), and the fields also travel on the log
record (`summitry`), for a JSON log formatter to pick up.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

REPORT_KEY = "summitry-run-report"
COUNTS_KEY = "summitry-run-counts"


def run_counts(summary: Mapping) -> dict[str, str | int | float]:
    """Return one row of what a run did: articles seen, new and quarantined, meetings new
    and reports merged, and how long it took.
    """
    new = summary.get("new_articles", summary.get("reprocessed_articles", 0))
    row = {
        "run_id": summary["run_id"],
        "warehouse": summary["warehouse"],
        "articles_seen": summary["articles_read"],
        "articles_new": new,
        "quarantined": summary["quarantined"],
        "meetings_new": summary.get("new_meetings", 0),
        "reports_merged": summary.get("newly_merged_reports", 0),
        "meetings_total": summary["meetings"],
        "duration_seconds": round(summary.get("duration_seconds", 0.0), 1),
    }
    return {name: _json_value(value) for name, value in row.items()}


def run_report_markdown(summary: Mapping) -> str:
    """Return the run's report as markdown: its counts, then the top country pairs."""
    counts = run_counts(summary)
    lines = [
        f"# Summitry run {counts['run_id']}",
        "",
        f"Warehouse `{counts['warehouse']}`, {counts['duration_seconds']} s.",
        "",
        "| what | count |",
        "| --- | ---: |",
        f"| articles seen | {counts['articles_seen']} |",
        f"| articles new | {counts['articles_new']} |",
        f"| inputs quarantined | {counts['quarantined']} |",
        f"| meetings new | {counts['meetings_new']} |",
        f"| reports merged into a meeting | {counts['reports_merged']} |",
        f"| meetings in the warehouse | {counts['meetings_total']} |",
    ]
    pairs = summary.get("top_country_pairs") or []
    lines += ["", "## Top country pairs (held meetings)", ""]
    if pairs:
        lines += ["| pair | meetings |", "| --- | ---: |"]
        lines += [f"| {p['side_a']}-{p['side_b']} | {p['meetings']} |" for p in pairs]
    else:
        lines.append("No held meeting between two sides yet.")
    return "\n".join(lines) + "\n"


def publish_run_report(summary: Mapping) -> None:
    """Create the run's markdown and table artifacts (call it inside a flow run)."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    description = f"What Summitry run {summary['run_id']} read, found and published"
    create_markdown_artifact(
        key=REPORT_KEY, markdown=run_report_markdown(summary), description=description
    )
    create_table_artifact(key=COUNTS_KEY, table=[run_counts(summary)], description=description)


def log_event(logger: logging.Logger | logging.LoggerAdapter, event: str, **fields) -> None:
    """Log `event key=value ...` at INFO, with `fields` also on the record as `summitry`."""
    values = {name: _json_value(value) for name, value in fields.items()}
    text = " ".join([event, *(f"{name}={_logfmt(value)}" for name, value in values.items())])
    logger.info(text, extra={"summitry": {"event": event, **values}})


def _json_value(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


def _logfmt(value: object) -> str:
    text = str(value)
    return f'"{text}"' if not text or any(c in text for c in ' "=') else text
