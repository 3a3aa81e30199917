"""Run reports: the artifact's counts and markdown, and structured log lines."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime

from flows.report import log_event, run_counts, run_report_markdown

SUMMARY = {
    "run_id": "20250304T100000000000Z",
    "warehouse": "/data/wh",
    "articles_read": 5,
    "new_articles": 4,
    "quarantined": 2,
    "new_meetings": 3,
    "newly_merged_reports": 1,
    "meetings": 7,
    "duration_seconds": 12.345,
    "top_country_pairs": [{"side_a": "DEU", "side_b": "FRA", "meetings": 2}],
}


def test_counts_are_one_row_of_json_values():
    row = run_counts(SUMMARY)
    assert json.loads(json.dumps(row)) == row
    assert row["articles_seen"] == 5 and row["articles_new"] == 4 and row["quarantined"] == 2
    assert (row["meetings_new"], row["reports_merged"], row["meetings_total"]) == (3, 1, 7)
    assert row["duration_seconds"] == 12.3


def test_counts_of_a_reprocess_take_its_reprocessed_articles():
    summary = {k: v for k, v in SUMMARY.items() if k != "new_articles"}
    assert run_counts(summary | {"reprocessed_articles": 9})["articles_new"] == 9


def test_markdown_report_gives_counts_and_top_pairs():
    text = run_report_markdown(SUMMARY)
    assert text.startswith("# Summitry run 20250304T100000000000Z")
    for line in ("| articles seen | 5 |", "| meetings new | 3 |", "| DEU-FRA | 2 |"):
        assert line in text


def test_markdown_report_without_pairs_says_so():
    assert "No held meeting" in run_report_markdown(SUMMARY | {"top_country_pairs": []})


def test_log_event_is_logfmt_with_the_fields_on_the_record(caplog):
    logger = logging.getLogger("summitry-test")
    when = datetime(2025, 3, 4, 10, tzinfo=UTC)
    with caplog.at_level(logging.INFO, logger="summitry-test"):
        log_event(
            logger, "batch-read", batch=3, new=0, day=date(2025, 3, 4), note="two words", at=when
        )
    [record] = caplog.records
    assert record.getMessage() == (
        'batch-read batch=3 new=0 day=2025-03-04 note="two words" at=2025-03-04T10:00:00+00:00'
    )
    assert record.summitry == {
        "event": "batch-read",
        "batch": 3,
        "new": 0,
        "day": "2025-03-04",
        "note": "two words",
        "at": "2025-03-04T10:00:00+00:00",
    }
