"""What a run that died leaves behind is cleared by the next, and nothing published is."""

from __future__ import annotations

import os
import shutil
from datetime import date

import duckdb

from flows.warehouse import (
    CATALOG,
    current_snapshot,
    discard_unfinished,
    publish,
    rows_to_table,
    stage_batch,
)


def article(article_id: str) -> dict:
    return {
        "article_id": article_id,
        "source_ref": f"{article_id}.txt",
        "title": None,
        "published_date": date(2025, 3, 4),
        "url": None,
        "content_hash": article_id.ljust(64, "0"),
        "text": f"Text of {article_id}.",
        "extractor_version": "test",
    }


def publish_article(wh, run_id: str) -> None:
    staging = wh / "staging" / run_id
    stage_batch(staging, 0, {"articles": rows_to_table("articles", [article(run_id)])})
    publish(wh, staging, run_id)
    shutil.rmtree(staging)  # as the flow does once published


def leave_a_dead_runs_files(wh, run_id: str) -> None:
    """Write what a run killed while publishing `run_id` leaves: all of it, at worst."""
    stage_batch(
        wh / "staging" / run_id, 0, {"articles": rows_to_table("articles", [article(run_id)])}
    )
    (wh / "snapshots" / run_id / "articles").mkdir(parents=True)
    (wh / f"{CATALOG}.tmp").write_bytes(b"half a catalog")
    os.symlink(f"snapshots/{run_id}", wh / f".current-{run_id}.tmp")


def article_ids(wh) -> list[str]:
    with duckdb.connect(str(wh / CATALOG), read_only=True) as con:
        rows = con.execute("select article_id from articles order by 1").fetchall()
    return [row[0] for row in rows]


def test_leftovers_of_a_dead_run_go_and_the_published_snapshots_stay(tmp_path):
    wh = tmp_path / "wh"
    publish_article(wh, "r1")
    publish_article(wh, "r2")
    leave_a_dead_runs_files(wh, "r3")

    removed = discard_unfinished(wh)

    assert removed == ["staging/r3", "snapshots/r3", f"{CATALOG}.tmp", ".current-r3.tmp"]
    assert sorted(p.name for p in (wh / "snapshots").iterdir()) == ["r1", "r2"]
    assert current_snapshot(wh).name == "r2"
    assert article_ids(wh) == ["r1", "r2"]
    assert discard_unfinished(wh) == []


def test_a_first_publish_that_died_leaves_nothing(tmp_path):
    wh = tmp_path / "wh"
    leave_a_dead_runs_files(wh, "r1")
    assert "snapshots/r1" in discard_unfinished(wh)
    assert list((wh / "snapshots").iterdir()) == []


def test_a_catalog_without_current_keeps_its_snapshots(tmp_path):
    wh = tmp_path / "wh"
    publish_article(wh, "r1")
    (wh / "current").unlink()
    assert discard_unfinished(wh) == []
    assert article_ids(wh) == ["r1"]


def test_the_catalog_of_a_swap_cut_short_stays_readable(tmp_path):
    """Killed between its two renames, a publish leaves `current` on the new snapshot and
    the catalog on the previous one: both stay, and the next publish joins them again."""
    wh = tmp_path / "wh"
    publish_article(wh, "r1")
    first_catalog = (wh / CATALOG).read_bytes()
    publish_article(wh, "r2")
    (wh / CATALOG).write_bytes(first_catalog)  # as if the catalog's rename never came

    assert discard_unfinished(wh) == []
    assert article_ids(wh) == ["r1"]
    publish_article(wh, "r3")
    assert article_ids(wh) == ["r1", "r2", "r3"]
