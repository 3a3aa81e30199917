"""Build a published warehouse from a corpus folder without Prefect, for dashboard tests."""

from __future__ import annotations

from pathlib import Path

from flows import pipeline
from flows.sources import discover, read_batches
from flows.warehouse import publish, rows_to_table, stage_batch


def publish_corpus(corpus: Path, warehouse: Path, run_id: str = "r1") -> Path:
    """Extract every article of `corpus` and publish it as `warehouse`; return the warehouse.

    The same plain functions the flow's tasks call, so the tables match `summitry run`'s.
    """
    staging = warehouse / "staging" / run_id
    for number, batch in enumerate(read_batches(discover([corpus]).files)):
        tables, refused = pipeline.extract_batch_tables(batch.articles)
        tables["quarantine"] = rows_to_table("quarantine", batch.quarantine + refused)
        stage_batch(staging, number, tables)
    publish(warehouse, staging, run_id)
    return warehouse
