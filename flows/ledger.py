"""The ledgers of a snapshot: part files carried from one publish to the next.

`articles` and the record ledgers (`_ledger/<table>`) grow by one part file per run. A
part is carried into the next snapshot as a hard link (part files are never changed),
unless the run changes its rows: a newer version of an article supersedes it (the old
article row stays, marked; its records go), or the article is re-extracted (its stored
rows give way to the staged ones); then the part is written anew, edited. Record ledgers
keep the meeting ids each article reported; the published `meeting_mentions`,
`statements` and `topics` carry the merged meetings' ids instead (`flows.remerge`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from transforms.schema import TABLES
from transforms.versions import supersessions

# Ledgers (snapshot folder -> table whose schema and staged rows they hold): each run adds
# one part file of its new rows. Record ledgers keep the meeting ids as each article
# reported them, so merges can be redone as reports arrive, and the participant ledger
# keeps every article's rows before deduplication.
LEDGERS = {
    "articles": "articles",
    "_ledger/meeting_mentions": "meeting_mentions",
    "_ledger/statements": "statements",
    "_ledger/topics": "topics",
    "_ledger/meeting_participants": "meeting_participants",
}
# Published from their ledger with merged meeting ids (`flows.remerge.publish_remapped`).
REMAPPED_TABLES = ("meeting_mentions", "statements", "topics")
EMPTY_PART = "part-empty.parquet"
# An hourly run adds a part file to each ledger; reading thousands of small files is slow,
# so past this many they are merged into one (a rewrite every MAX_PARTS runs with news).
MAX_PARTS = 48
# Rows read from a part at once when it is rewritten (a dataset's batch size).
READ_BATCH = 131_072
_VERSION_COLUMNS = ["article_id", "url", "source_ref", "ingested_at", "superseded_by"]


@dataclass(slots=True)
class LedgerEdits:
    """How one publish changes rows already in the ledgers (or staged earlier in the run)."""

    # Articles staged again (re-extracted): their stored rows give way to the staged ones.
    replaced: set[str] = field(default_factory=set)
    # Old version -> newer version: the old article row stays, marked; its records go.
    superseded: dict[str, str] = field(default_factory=dict)


def part_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("part-*.parquet"))


def read_parts(parts: Sequence[Path], table: str, columns: list[str] | None = None) -> pa.Table:
    """Return the rows of `parts` in file order, as `table`'s schema (old files gain nulls)."""
    schema = TABLES[table]
    if columns:
        schema = pa.schema([schema.field(c) for c in columns], metadata=schema.metadata)
    pieces = [pq.read_table(p, schema=schema, columns=columns) for p in parts]
    return pa.concat_tables(pieces) if pieces else schema.empty_table()


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write one Parquet file, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")


def link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # a filesystem without hard links
        shutil.copy2(source, target)


def ledger_parts(snapshot: Path | None, folder: str) -> list[Path]:
    """Return a ledger's parts in `snapshot`; snapshots from before `_ledger/` kept the
    mention, statement and topic ledgers in the published folders."""
    if snapshot is None:
        return []
    parts = part_files(snapshot / folder)
    if not parts and not (snapshot / folder).is_dir() and folder.startswith("_ledger/"):
        parts = part_files(snapshot / folder.removeprefix("_ledger/"))
    return parts


def plan_edits(stored_parts: Sequence[Path], staged_parts: Sequence[Path]) -> LedgerEdits:
    """Return which stored (or staged) articles the staged articles replace or supersede.

    Only stored rows that share an id or a name with a staged article can be either, so
    only those become Python rows.
    """
    staged = read_parts(staged_parts, "articles", _VERSION_COLUMNS)
    if not staged.num_rows:
        return LedgerEdits()
    stored = read_parts(stored_parts, "articles", _VERSION_COLUMNS)
    same_id = pc.is_in(stored["article_id"], value_set=staged["article_id"].combine_chunks())
    same_name = pc.is_in(stored["source_ref"], value_set=staged["source_ref"].combine_chunks())
    stored = stored.filter(pc.or_(same_id, same_name)).to_pylist()
    staged_rows = staged.to_pylist()
    replaced = {row["article_id"] for row in staged_rows} & {row["article_id"] for row in stored}
    return LedgerEdits(replaced=replaced, superseded=supersessions(stored, staged_rows))


def extend_ledger(
    folder: Path,
    table: str,
    previous_parts: list[Path],
    staged: Path,
    run_id: str,
    edits: LedgerEdits,
) -> None:
    """Carry the previous parts and add this run's; parts whose rows the run changes are
    written edited, the others carried as hard links (part files are never changed).

    At `MAX_PARTS` carried parts, they are merged into one instead, in order.
    """
    folder.mkdir(parents=True)
    retired = edits.replaced | edits.superseded.keys()
    carried = [part for part in previous_parts if part.name != EMPTY_PART]
    if len(carried) >= MAX_PARTS:
        _edit_part(carried, folder / carried[0].name, table, retired, edits.superseded)
        carried = []
    for part in carried:
        if not _holds_any(part, "article_id", retired):
            link_or_copy(part, folder / part.name)
        else:
            _edit_part([part], folder / part.name, table, retired, edits.superseded)
    staged_parts = part_files(staged)
    if staged_parts:
        target = folder / f"part-{run_id}.parquet"
        _edit_part(staged_parts, target, table, set(edits.superseded), edits.superseded)
    if not part_files(folder):
        write_parquet(TABLES[table].empty_table(), folder / EMPTY_PART)


def _holds_any(part: Path, column: str, values: set[str]) -> bool:
    """Whether `part`'s `column` holds any of `values`, read as one Arrow column."""
    if not values:
        return False
    found = pq.read_table(part, columns=[column]).column(0)
    return pc.any(pc.is_in(found, value_set=pa.array(sorted(values), pa.string()))).as_py() or False


def _edit_part(
    parts: list[Path], target: Path, table: str, drop: set[str], superseded: Mapping[str, str]
) -> None:
    """Write the rows of `parts` as one part, one batch in memory, without the articles in
    `drop`; article rows of `superseded` stay, marked with their newer version instead.
    Writes nothing when no row is left."""
    schema = TABLES[table]
    if table == "articles":
        drop = drop - superseded.keys()
    drop_ids = pa.array(sorted(drop), pa.string())
    writer = None
    try:
        for batch in _batches(parts, schema):  # in file order: a row may supersede an earlier one
            rows = pa.Table.from_batches([batch], schema)
            if drop:
                rows = rows.filter(pc.invert(pc.is_in(rows["article_id"], value_set=drop_ids)))
            if table == "articles" and superseded:
                rows = _mark_superseded(rows, superseded)
            if rows.num_rows:
                writer = writer or pq.ParquetWriter(target, schema, compression="zstd")
                writer.write_table(rows)
    finally:
        if writer is not None:
            writer.close()


def _batches(parts: Sequence[Path], schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """Yield the rows of `parts`, in file order, as `schema`: a part of this schema is read
    as it is (cheaper than a dataset per file); an older one through a dataset, which
    fills in the columns it lacks."""
    for part in parts:
        with pq.ParquetFile(part) as source:
            if source.schema_arrow.equals(schema):
                yield from source.iter_batches(batch_size=READ_BATCH)
                continue
        yield from ds.dataset(str(part), schema=schema).to_batches()


def _mark_superseded(rows: pa.Table, superseded: Mapping[str, str]) -> pa.Table:
    ids, marks = rows["article_id"].to_pylist(), rows["superseded_by"].to_pylist()
    newer = [superseded.get(article_id, mark) for article_id, mark in zip(ids, marks, strict=True)]
    column = rows.schema.get_field_index("superseded_by")
    return rows.set_column(column, rows.schema.field(column), pa.array(newer, pa.string()))
