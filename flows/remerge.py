"""Publishing the merged tables without holding the warehouse in memory.

`meetings` is re-merged only where a run changes something: reports of one meeting share
their sides and mode (their kind), so a kind whose reports are all carried over keeps its
rows of the previous snapshot's `meetings`, and only the kinds of this run's reports (and
of the reports it retires) are re-clustered, kind by kind, with the pure rule of
`transforms.merge`. Every snapshot keeps the map from reported to merged meeting ids in
`_merged/meeting_ids.parquet` (with each id's kind), which is what makes this possible;
a previous snapshot without it is re-merged whole. The result is the same as a re-merge
of every report: the rule is a function of each kind's reports alone.

Grouping, joining and sorting happen in DuckDB, with a memory limit and a spill folder,
and rows reach Python only one batch of kinds at a time, so memory does not grow with the
warehouse. The record tables are their ledger parts with merged ids: a part is linked
from the previous snapshot when neither it nor its ids' merges changed.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from flows.ledger import link_or_copy, part_files
from transforms.merge import WEAK_DATE_WINDOW, build_meetings, canonical_meeting_ids
from transforms.schema import TABLES

MEETING_IDS = Path("_merged") / "meeting_ids.parquet"
MEETING_IDS_SCHEMA = pa.schema(
    [
        pa.field("reported_id", pa.string(), nullable=False),
        pa.field("meeting_id", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
    ]
)
# DuckDB's share of a publish: enough to sort and group a big warehouse, spilling the rest.
SCRATCH_MEMORY = "256MB"
SCRATCH_THREADS = 2
# Mentions handed to the merge rule at once (whole kinds, so a batch may run over).
MERGE_BATCH = 20_000
WRITE_BATCH = 65_536
# The kind of a report: its sorted sides and its mode (unit and record separators join them).
KIND_SQL = "array_to_string(list_sort(sides), chr(31)) || chr(30) || mode"
_MERGE_COLUMNS = (
    "meeting_id, article_id, meeting_date, date_basis, mode, status, sides, city, country, name"
)


@dataclass(frozen=True, slots=True)
class MergedIds:
    """How this publish renames reported meeting ids, as small Arrow arrays."""

    reported: pa.Array  # reported ids whose merged id is another id...
    merged: pa.Array  # ...and that id
    changed: pa.Array  # reported ids whose merged id differs from the previous snapshot's
    incremental: bool  # whether the previous snapshot's merges were carried


@contextmanager
def scratch(spill: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield an in-memory DuckDB connection bounded in memory, spilling to `spill`."""
    spill.mkdir(parents=True, exist_ok=True)
    config = {
        "autoinstall_known_extensions": False,
        "memory_limit": SCRATCH_MEMORY,
        "threads": SCRATCH_THREADS,
        "temp_directory": str(spill),
    }
    with duckdb.connect(config=config) as con:
        yield con


def _paths(parts: Sequence[Path]) -> list[str]:
    return [str(p) for p in parts]


def _files(parts: Sequence[Path]) -> str:
    """Return a SQL list literal of file paths (statements that create things take no
    parameters)."""
    quoted = ("'" + str(p).replace("'", "''") + "'" for p in parts)
    return f"[{', '.join(quoted)}]"


# --- meetings ---------------------------------------------------------------------------------


def write_meetings(
    con: duckdb.DuckDBPyConnection,
    snapshot: Path,
    previous: Path | None,
    staged_mentions: Sequence[Path],
    retired: set[str],
    spill: Path,
) -> MergedIds:
    """Write `snapshot`'s `meetings` and meeting id map from its mention ledger; return
    the renames. When `previous` has a map to carry, only the reports near those of
    `staged_mentions` and of the `retired` articles are re-merged (see `_touched`)."""
    incremental = previous is not None and (previous / MEETING_IDS).is_file()
    _register_mentions(con, snapshot)
    if incremental:
        _touched(con, previous, staged_mentions, retired)
    else:
        con.execute(
            "create or replace temp table touched as select distinct meeting_id from mentions"
        )
        con.execute("create or replace temp table dropped (reported_id varchar)")
    if incremental and not con.execute("select count(*) from touched").fetchall()[0][0]:
        return _carry_meetings(snapshot, previous)
    new_meetings, new_ids = spill / "meetings.parquet", spill / "meeting_ids.parquet"
    _merge_touched(con, new_meetings, new_ids)
    _write_meeting_rows(con, snapshot, previous if incremental else None, new_meetings)
    _write_id_map(con, snapshot, previous if incremental else None, new_ids)
    return _renames(con, snapshot, previous if incremental else None)


def _carry_meetings(snapshot: Path, previous: Path) -> MergedIds:
    """Link the previous `meetings` and id map: no report of any kind changed."""
    for part in part_files(previous / "meetings"):
        (snapshot / "meetings").mkdir(parents=True, exist_ok=True)
        link_or_copy(part, snapshot / "meetings" / part.name)
    (snapshot / MEETING_IDS).parent.mkdir(parents=True, exist_ok=True)
    link_or_copy(previous / MEETING_IDS, snapshot / MEETING_IDS)
    renames = pq.read_table(snapshot / MEETING_IDS, columns=["reported_id", "meeting_id"])
    renames = renames.filter(pc.not_equal(renames["reported_id"], renames["meeting_id"]))
    return MergedIds(
        reported=renames["reported_id"].combine_chunks(),
        merged=renames["meeting_id"].combine_chunks(),
        changed=pa.array([], pa.string()),
        incremental=True,
    )


def _register_mentions(con: duckdb.DuckDBPyConnection, snapshot: Path) -> None:
    mentions = _files(part_files(snapshot / "_ledger" / "meeting_mentions"))
    articles = _files(part_files(snapshot / "articles"))
    con.execute(
        f"create or replace temp view mentions as select {_MERGE_COLUMNS}, {KIND_SQL} as kind "
        f"from read_parquet({mentions})"
    )
    con.execute(
        "create or replace temp table published as select article_id, "
        f"any_value(published_date) as published_date from read_parquet({articles}) group by all"
    )


def _touched(
    con: duckdb.DuckDBPyConnection, previous: Path, staged: Sequence[Path], retired: set[str]
) -> None:
    """Create `touched(meeting_id)`, the reported meetings to re-merge, and
    `dropped(reported_id)`, the reported ids whose previous merge goes.

    The rule joins only reports of one kind within `WEAK_DATE_WINDOW` of each other, and
    looks no further when it decides: so a kind's dated reports fall into islands (a gap
    longer than the window between consecutive dates parts them) that merge alone. The
    islands to re-merge are those within the window of a staged or retired report; every
    report of a merged meeting that loses one lies within the window of it.
    """
    seeds = (
        [
            f"select distinct {KIND_SQL} as kind, meeting_id, meeting_date as day "
            f"from read_parquet({_files(staged)})"
        ]
        if staged
        else []
    )
    stored = part_files(previous / "_ledger" / "meeting_mentions")
    if retired and stored:
        con.register("retired_ids", pa.table({"article_id": sorted(retired)}))
        seeds.append(
            f"select distinct {KIND_SQL} as kind, meeting_id, meeting_date as day "
            f"from read_parquet({_files(stored)}) "
            "where article_id in (select article_id from retired_ids)"
        )
    seeds = seeds or [
        "select null::varchar as kind, null::varchar as meeting_id, null::date as day limit 0"
    ]
    con.execute(f"create or replace temp table seeds as {' union '.join(seeds)}")
    if retired and stored:
        con.unregister("retired_ids")
    con.execute(
        "create or replace temp table dropped as "
        "select distinct meeting_id as reported_id from seeds"
    )
    window = WEAK_DATE_WINDOW.days
    con.execute(f"""
        create or replace temp table islands as
        with reported as (
            select kind, meeting_id, any_value(meeting_date) as day from mentions
            where kind in (select kind from seeds) and meeting_date is not null group by all
        ),
        gaps as (
            select *, coalesce(
                day - lag(day) over (partition by kind order by day, meeting_id) > {window},
                false)::integer as gap
            from reported
        )
        select kind, meeting_id, day,
            sum(gap) over (partition by kind order by day, meeting_id rows unbounded preceding)
                as island
        from gaps
    """)
    con.execute(f"""
        create or replace temp table touched as
        with spans as (
            select kind, island, min(day) as low, max(day) as high from islands group by all
        ),
        near as (
            select distinct spans.kind, spans.island from spans join seeds
            on seeds.kind = spans.kind
            and seeds.day between spans.low - {window} and spans.high + {window}
        )
        select meeting_id from islands semi join near using (kind, island)
        union select meeting_id from seeds where day is null
    """)


def _merge_touched(con: duckdb.DuckDBPyConnection, meetings_out: Path, ids_out: Path) -> None:
    """Re-merge the touched reports, a batch of whole kinds (or whole islands of them) at a
    time, into `meetings_out` (meetings rows) and `ids_out` (reported -> merged id, kind)."""
    query = con.sql(
        "select m.*, p.published_date from mentions m left join published p using (article_id) "
        "where m.meeting_id in (select meeting_id from touched) order by m.kind"
    )
    with (
        no_cycle_collection(),
        pq.ParquetWriter(meetings_out, TABLES["meetings"], compression="zstd") as meetings,
        pq.ParquetWriter(ids_out, MEETING_IDS_SCHEMA, compression="zstd") as ids,
    ):
        for group in _kind_batches(query.to_arrow_reader(MERGE_BATCH)):
            rows, id_map = _merge_group(group)
            meetings.write_table(pa.Table.from_pylist(rows, schema=TABLES["meetings"]))
            ids.write_table(id_map)


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector: the merge makes millions of short-lived rows, none in
    a cycle (reference counting frees them), and each full collection would walk them all."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _kind_batches(reader: pa.RecordBatchReader) -> Iterator[list[dict]]:
    """Yield the rows of `reader` (ordered by kind) in lists that never split a kind."""
    pending: list[dict] = []
    for batch in reader:
        rows = pending + batch.to_pylist()
        if not rows:
            continue
        last = rows[-1]["kind"]
        cut = len(rows)
        while cut and rows[cut - 1]["kind"] == last:
            cut -= 1
        if cut:
            yield rows[:cut]
        pending = rows[cut:]
    if pending:
        yield pending


def _merge_group(mentions: list[dict]) -> tuple[list[dict], pa.Table]:
    """Apply the merge rule to whole kinds; return meetings rows and the id map's rows."""
    published = {m["article_id"]: m["published_date"] for m in mentions}
    canonical = canonical_meeting_ids(mentions, published)
    kinds = {m["meeting_id"]: m["kind"] for m in mentions}
    columns = {
        "reported_id": list(canonical),
        "meeting_id": list(canonical.values()),
        "kind": [kinds[reported] for reported in canonical],
    }
    id_map = pa.Table.from_pydict(columns, schema=MEETING_IDS_SCHEMA)
    return build_meetings(mentions, published, canonical), id_map


def _write_meeting_rows(
    con: duckdb.DuckDBPyConnection, snapshot: Path, previous: Path | None, new: Path
) -> None:
    """Write `meetings`: the previous rows of untouched kinds and the re-merged ones, by
    date (undated last) then id."""
    sql = "select * from read_parquet($new)"
    params: dict = {"new": str(new)}
    carried = _paths(part_files(previous / "meetings")) if previous else []
    if carried:
        columns = ", ".join(TABLES["meetings"].names)
        sql += (
            f" union all select {columns} from read_parquet($carried) "
            "where meeting_id not in (select meeting_id from read_parquet($old_ids) "
            "where reported_id in (select meeting_id from touched) "
            "or reported_id in (select reported_id from dropped))"
        )
        params["old_ids"] = str(previous / MEETING_IDS)
        params["carried"] = carried
    sql = f"select * from ({sql}) order by meeting_date nulls last, meeting_id"
    target = snapshot / "meetings" / f"part-{snapshot.name}.parquet"
    write_query(con, sql, params, "meetings", target)


def _write_id_map(
    con: duckdb.DuckDBPyConnection, snapshot: Path, previous: Path | None, new: Path
) -> None:
    sql = "select * from read_parquet($new)"
    params: dict = {"new": str(new)}
    if previous:
        sql += (
            " union all select * from read_parquet($old) "
            "where reported_id not in (select meeting_id from touched) "
            "and reported_id not in (select reported_id from dropped)"
        )
        params["old"] = str(previous / MEETING_IDS)
    sql = f"select * from ({sql}) order by reported_id"
    write_query(con, sql, params, MEETING_IDS_SCHEMA, snapshot / MEETING_IDS)


def _renames(con: duckdb.DuckDBPyConnection, snapshot: Path, previous: Path | None) -> MergedIds:
    """Return the non-trivial renames of the new map, and the ids whose merge changed."""
    new = str(snapshot / MEETING_IDS)
    renames = con.sql(
        "select reported_id, meeting_id from read_parquet($new) where reported_id <> meeting_id",
        params={"new": new},
    ).to_arrow_table()
    if previous is None:
        changed = renames["reported_id"]
    else:
        changed = con.sql(
            "select coalesce(n.reported_id, o.reported_id) as reported_id "
            "from read_parquet($new) n full join read_parquet($old) o using (reported_id) "
            "where n.meeting_id is distinct from o.meeting_id",
            params={"new": new, "old": str(previous / MEETING_IDS)},
        ).to_arrow_table()["reported_id"]
    return MergedIds(
        reported=renames["reported_id"].combine_chunks(),
        merged=renames["meeting_id"].combine_chunks(),
        changed=changed.combine_chunks(),
        incremental=previous is not None,
    )


def write_query(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: dict,
    table: str | pa.Schema,
    target: Path,
) -> None:
    """Stream a query's rows into one Parquet file of `table`'s schema."""
    schema = TABLES[table] if isinstance(table, str) else table
    target.parent.mkdir(parents=True, exist_ok=True)
    reader = con.sql(sql, params=params).to_arrow_reader(WRITE_BATCH)
    with pq.ParquetWriter(target, schema, compression="zstd") as writer:
        for batch in reader:
            writer.write_table(pa.Table.from_batches([batch]).cast(schema))
    pa.default_memory_pool().release_unused()


# --- the record tables, with merged ids -------------------------------------------------------


def publish_remapped(snapshot: Path, previous: Path | None, table: str, ids: MergedIds) -> None:
    """Publish a record ledger with merged meeting ids, part by part: a part carried
    unchanged whose ids merge as before is linked from `previous`, a part no merge touches
    is linked from the ledger, the others are rewritten."""
    folder = snapshot / table
    folder.mkdir(parents=True)
    for part in part_files(snapshot / "_ledger" / table):
        before = _previous_published(previous, table, part) if ids.incremental else None
        if before is not None and not _mentions_any(part, ids.changed):
            link_or_copy(before, folder / part.name)
        elif not _mentions_any(part, ids.reported):
            link_or_copy(part, folder / part.name)
        else:
            _rewrite_remapped(part, folder / part.name, table, ids)


def _previous_published(previous: Path | None, table: str, part: Path) -> Path | None:
    """Return the previous snapshot's published `part`, if its ledger part is this one."""
    if previous is None:
        return None
    published = previous / table / part.name
    stored = previous / "_ledger" / table / part.name
    if not (published.is_file() and stored.is_file()):
        return None
    return published if os.path.samefile(stored, part) else None


def _mentions_any(part: Path, ids: pa.Array) -> bool:
    """Whether `part` names any of `ids`, read one batch of its meeting ids at a time."""
    if len(ids) == 0:
        return False
    batches = pq.ParquetFile(part).iter_batches(batch_size=WRITE_BATCH, columns=["meeting_id"])
    return any(pc.any(pc.is_in(b.column(0), value_set=ids)).as_py() for b in batches)


def _rewrite_remapped(part: Path, target: Path, table: str, ids: MergedIds) -> None:
    schema = TABLES[table]
    source = pq.ParquetFile(part)
    with pq.ParquetWriter(target, schema, compression="zstd") as writer:
        for batch in source.iter_batches(batch_size=WRITE_BATCH):
            rows = pa.Table.from_batches([batch]).cast(schema)
            writer.write_table(remap_ids(rows, ids))
    pa.default_memory_pool().release_unused()


def remap_ids(rows: pa.Table, ids: MergedIds) -> pa.Table:
    """Return `rows` with each `meeting_id` replaced by its merged meeting's id."""
    column = rows["meeting_id"]
    index = pc.index_in(column, value_set=ids.reported)
    merged = pc.if_else(pc.is_null(index), column, pc.take(ids.merged, index))
    position = rows.schema.get_field_index("meeting_id")
    return rows.set_column(position, rows.schema.field(position), merged)


# --- participants -----------------------------------------------------------------------------


def write_participants(
    con: duckdb.DuckDBPyConnection,
    snapshot: Path,
    previous: Path | None,
    ids: MergedIds,
    target: Path,
) -> None:
    """Write one participant row per merged meeting and name: the first row's article,
    and the first side and title any row gives, in ledger order (the rule of
    `transforms.merge.dedupe_participants`). When the meetings were re-merged
    incrementally, the previous rows of meetings `write_meetings` did not touch are
    carried and only the touched meetings' rows are worked out again."""
    carried = part_files(previous / "meeting_participants") if previous else []
    if not (ids.incremental and carried):
        _deduplicated_participants(con, snapshot, ids, target, only_touched=False)
    elif not con.execute("select count(*) from touched").fetchall()[0][0]:
        target.parent.mkdir(parents=True, exist_ok=True)
        for part in carried:
            link_or_copy(part, target.parent / part.name)
    else:
        _deduplicated_participants(con, snapshot, ids, target, only_touched=True, old=previous)


def _deduplicated_participants(
    con: duckdb.DuckDBPyConnection,
    snapshot: Path,
    ids: MergedIds,
    target: Path,
    *,
    only_touched: bool,
    old: Path | None = None,
) -> None:
    parts = _paths(part_files(snapshot / "_ledger" / "meeting_participants"))
    con.register("renames", pa.table({"reported_id": ids.reported, "meeting_id": ids.merged}))
    params: dict = {"parts": parts}
    touched = "where l.meeting_id in (select meeting_id from touched)" if only_touched else ""
    sql = f"""
        with ledger as (
            select *, list_position($parts, filename)::bigint * 4294967296 + file_row_number
                as position
            from read_parquet($parts, filename = true, file_row_number = true)
        ),
        renamed as (
            select coalesce(r.meeting_id, l.meeting_id) as meeting_id, l.name, l.side, l.title,
                l.article_id, l.position
            from ledger l left join renames r on l.meeting_id = r.reported_id {touched}
        )
        select meeting_id, name,
            arg_min(side, position) filter (where side is not null) as side,
            arg_min(title, position) filter (where title is not null) as title,
            arg_min(article_id, position) as article_id
        from renamed group by meeting_id, name order by min(position)
    """
    if old is not None:
        params |= {"old": _paths(part_files(old / "meeting_participants"))}
        params["old_ids"] = str(old / MEETING_IDS)
        sql = f"""
            select * from read_parquet($old) where meeting_id not in (
                select meeting_id from read_parquet($old_ids)
                where reported_id in (select meeting_id from touched)
                or reported_id in (select reported_id from dropped))
            union all ({sql})
        """
    write_query(con, sql, params, "meeting_participants", target)
    con.unregister("renames")
