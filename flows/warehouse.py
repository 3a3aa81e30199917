"""The warehouse folder: Parquet snapshots, the `current` link and the DuckDB catalog.

Layout of `<wh>`:

    snapshots/<run_id>/<table>/part-*.parquet   every table of one publish
    snapshots/<run_id>/_ledger/<table>/...      records as extracted, with reported meeting ids
    current -> snapshots/<run_id>               the published snapshot
    <table> -> current/<table>                  one folder of Parquet files per table
    summitry.duckdb                             one view per table, plus the views in sql/
    staging/<run_id>/<table>/part-*.parquet     a run's extracted batches, until published

Publishing writes a whole new snapshot and a new catalog beside the live ones and then
swaps them in with `os.replace`, so a failure before the swap leaves the previous
warehouse as it was. `articles` and the record ledgers grow by one part per run, carried
from snapshot to snapshot as hard links or, when a run changes their rows, as edited
copies (`flows.ledger`). `meetings` merges the reports of one meeting across articles;
a publish re-merges only the kinds of meeting (sides and mode) its reports touch and
carries the other rows (`flows.remerge`). `meeting_mentions`, `statements` and `topics`
are the ledgers with each meeting id replaced by its merged meeting's (linked when nothing
changes); `meeting_participants` is worked out again for the meetings a publish touches
and carried for the rest, and `quarantine` and `fetch_state` are rebuilt whole, in DuckDB
or Arrow rather than as Python rows.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from flows.catalog import materialise_views, materialised_views
from flows.ledger import (
    LEDGERS,
    REMAPPED_TABLES,
    LedgerEdits,
    extend_ledger,
    ledger_parts,
    part_files,
    plan_edits,
    read_parts,
    write_parquet,
)
from flows.remerge import (
    MergedIds,
    publish_remapped,
    scratch,
    write_meetings,
    write_participants,
)
from flows.sources import ArticleBatch
from transforms.records import Article
from transforms.schema import (
    DATE_BASES,
    FETCH_OUTCOMES,
    MODES,
    SCHEMA_VERSION,
    STATUSES,
    TABLES,
)

DEFAULT_WAREHOUSE = Path("warehouse")
CATALOG = "summitry.duckdb"
SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
DUCKDB_CONFIG = {"autoinstall_known_extensions": False}
# DuckDB 2.0's own format cannot be opened by 1.x clients (BI plugins, Evidence).
CATALOG_STORAGE_VERSION = "v1.4.0"

ALLOWED_VALUES = {
    "mode": MODES,
    "status": STATUSES,
    "date_basis": DATE_BASES,
    "outcome": FETCH_OUTCOMES,
}
_VIEW_NAME = re.compile(r"[a-z_][a-z0-9_]*")


class SchemaMismatchError(ValueError):
    """Rows do not fit the declared schema of their table."""

    def __init__(self, table: str, column: str, problem: str) -> None:
        super().__init__(f"table {table}, column {column}: {problem}")
        self.table, self.column = table, column


class WarehouseError(RuntimeError):
    """The warehouse folder is in a state the pipeline cannot work with."""


@dataclass(slots=True)
class PublishResult:
    """What a publish produced: the snapshot, its row counts and the busiest pairs."""

    run_id: str
    snapshot: Path
    row_counts: dict[str, int] = field(default_factory=dict)
    top_country_pairs: list[dict] = field(default_factory=list)
    superseded: int = 0  # article versions this publish replaced with newer ones
    new_meetings: int = 0  # meetings whose id the previous publish did not have


# --- Rows to Arrow, through the contract ----------------------------------------------------


def rows_to_table(table: str, rows: Sequence[Mapping]) -> pa.Table:
    """Return `rows` as an Arrow table of `table`'s schema, refusing rows that don't fit.

    Raises SchemaMismatchError naming the table, the column and the first bad row.
    """
    schema = TABLES[table]
    unknown = set().union(*rows) - set(schema.names) if rows else set()
    if unknown:
        raise SchemaMismatchError(table, sorted(unknown)[0], "not a column of this table")
    try:
        arrow = pa.Table.from_pylist(list(rows), schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as err:
        raise _locate_bad_value(table, rows, err) from err
    for column in schema:
        _check_column(table, column, arrow.column(column.name))
    return arrow


def _locate_bad_value(table: str, rows: Sequence[Mapping], err: Exception) -> Exception:
    for column in TABLES[table]:
        for index, row in enumerate(rows):
            try:
                pa.array([row.get(column.name)], type=column.type)
            except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
                value = repr(row.get(column.name))
                value = value if len(value) <= 60 else f"{value[:57]}..."
                problem = f"row {index} has {value}, not {column.type}"
                return SchemaMismatchError(table, column.name, problem)
    return SchemaMismatchError(table, "?", str(err))


def _check_column(table: str, column: pa.Field, values: pa.ChunkedArray) -> None:
    if not column.nullable and values.null_count:
        first = values.to_pylist().index(None)
        raise SchemaMismatchError(table, column.name, f"row {first} is null; a value is required")
    allowed = ALLOWED_VALUES.get(column.name)
    if allowed:
        unknown = sorted(set(pc.unique(values.drop_null()).to_pylist()) - set(allowed))
        if unknown:
            raise SchemaMismatchError(table, column.name, f"{unknown[0]!r} is not one of {allowed}")


def read_table(warehouse: Path, table: str, columns: list[str] | None = None) -> pa.Table:
    """Return a published table of `warehouse` (empty if nothing was published yet)."""
    snapshot = current_snapshot(warehouse)
    return read_parts(part_files(snapshot / table) if snapshot else [], table, columns)


# --- Runs, staging and the lock -------------------------------------------------------------


def new_run_id() -> str:
    """Return an id for a run that sorts after every earlier run's."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def staging_dir(warehouse: Path, run_id: str) -> Path:
    """Return the folder where a run's extracted batches wait to be published."""
    return warehouse / "staging" / run_id


def stage_batch(staging: Path, batch_number: int, tables: Mapping[str, pa.Table]) -> None:
    """Write one batch's non-empty tables as `<staging>/<table>/part-<n>.parquet`."""
    for name, table in tables.items():
        if table.num_rows:
            write_parquet(table, staging / name / f"part-{batch_number:06d}.parquet")


def current_snapshot(warehouse: Path) -> Path | None:
    """Return the published snapshot folder, or None before the first publish."""
    link = warehouse / "current"
    return link.resolve() if link.is_symlink() and link.exists() else None


def known_article_ids(warehouse: Path) -> set[str]:
    """Return the ids of the articles already in the warehouse's ledger."""
    return set(read_table(warehouse, "articles", ["article_id"]).column(0).to_pylist())


def row_count(warehouse: Path, table: str) -> int:
    """Return the number of rows of a published table (0 before the first publish)."""
    snapshot = current_snapshot(warehouse)
    parts = part_files(snapshot / table) if snapshot else []
    return sum(pq.ParquetFile(part).metadata.num_rows for part in parts)


def count_new_meetings(previous: Path | None, snapshot: Path) -> int:
    """Return how many meetings of `snapshot` have an id that `previous` did not have."""
    new = [str(p) for p in part_files(snapshot / "meetings")]
    old = [str(p) for p in part_files(previous / "meetings")] if previous else []
    if not new:
        return 0
    sql = "select count(*) from read_parquet($new) as new"
    if old:
        sql += " anti join read_parquet($old) as old on new.meeting_id = old.meeting_id"
    with duckdb.connect(config=DUCKDB_CONFIG) as con:
        params = {"new": new, "old": old} if old else {"new": new}
        return con.execute(sql, params).fetchall()[0][0]


def read_fetch_state(warehouse: Path) -> dict[str, dict]:
    """Return the last `fetch_state` row of every URL, by URL."""
    return {row["url"]: row for row in read_table(warehouse, "fetch_state").to_pylist()}


def stored_articles(
    warehouse: Path, batch_size: int, skip_version: str | None = None
) -> Iterator[ArticleBatch]:
    """Yield the current articles of the ledger in batches, with when each came in.

    With `skip_version`, articles already extracted by that version are left out.
    """
    snapshot = current_snapshot(warehouse)
    parts = [str(p) for p in part_files(snapshot / "articles")] if snapshot else []
    if not parts:
        return
    dataset = ds.dataset(parts, schema=TABLES["articles"])
    batch = ArticleBatch()
    for record_batch in dataset.to_batches(batch_size=batch_size):
        for row in record_batch.to_pylist():
            if row["superseded_by"] is not None or row["extractor_version"] == skip_version:
                continue
            batch.articles.append(_stored_article(row))
            batch.ingested_at[row["article_id"]] = row["ingested_at"]
            if len(batch.articles) >= batch_size:
                yield batch
                batch = ArticleBatch()
    if batch.articles:
        yield batch


def _stored_article(row: Mapping) -> Article:
    return Article(
        article_id=row["article_id"],
        source_ref=row["source_ref"],
        text=row["text"],
        title=row["title"],
        published_date=row["published_date"],
        url=row["url"],
    )


@dataclass(slots=True)
class KnownArticles:
    """What the ledger already holds, for a run to take only what is new."""

    ids: set[str] = field(default_factory=set)
    content_hashes: set[str] = field(default_factory=set)
    # Current articles extracted by another extractor version than the running one.
    stale: int = 0


def known_articles(warehouse: Path, extractor_version: str) -> KnownArticles:
    """Return the ids and content hashes of every stored article version, and how many
    current articles an older extractor made."""
    columns = ["article_id", "content_hash", "extractor_version", "superseded_by"]
    rows = read_table(warehouse, "articles", columns)
    current = pc.is_null(rows["superseded_by"])
    other = pc.not_equal(rows["extractor_version"], pa.scalar(extractor_version))
    stale = pc.sum(pc.and_(current, other).cast(pa.int64())).as_py() or 0
    return KnownArticles(
        ids=set(rows["article_id"].to_pylist()),
        content_hashes=set(rows["content_hash"].to_pylist()),
        stale=stale,
    )


# --- Publishing -----------------------------------------------------------------------------


def publish(
    warehouse: Path,
    staging: Path,
    run_id: str,
    sql_dir: Path = SQL_DIR,
    *,
    reread: bool = True,
) -> PublishResult:
    """Publish the previous snapshot plus `staging` as snapshot `run_id`, then swap it in.

    `reread`: the run read its inputs again, so transient problems it did not meet again
    have passed (a reprocess reads none, and keeps them). Until the swap nothing visible
    changes; on failure the half-built snapshot and catalog are removed and the error is
    raised.
    """
    warehouse = warehouse.resolve()
    previous = current_snapshot(warehouse)
    snapshot = warehouse / "snapshots" / run_id
    if snapshot.exists():
        raise WarehouseError(f"snapshot {snapshot} already exists; run ids must be unique")
    try:
        edits = write_snapshot(snapshot, previous, staging, run_id, reread=reread)
        result = build_catalog(warehouse, snapshot, sql_dir)
        result.superseded = len(edits.superseded)
        result.new_meetings = count_new_meetings(previous, snapshot)
        _sync(snapshot, warehouse / f"{CATALOG}.tmp")
    except BaseException:
        shutil.rmtree(snapshot, ignore_errors=True)
        (warehouse / f"{CATALOG}.tmp").unlink(missing_ok=True)
        raise
    _swap(warehouse, snapshot)
    _fsync(warehouse)  # the renames themselves, before anything is pruned
    _prune_snapshots(warehouse, keep={snapshot.name, previous.name if previous else ""})
    return result


def write_snapshot(
    snapshot: Path, previous: Path | None, staging: Path, run_id: str, *, reread: bool = True
) -> LedgerEdits:
    """Write every table of the new snapshot: ledgers carried and extended, the rest rebuilt.

    Returns how the run changed rows already stored.
    """
    edits = plan_edits(ledger_parts(previous, "articles"), part_files(staging / "articles"))
    for folder, table in LEDGERS.items():
        previous_parts = ledger_parts(previous, folder)
        extend_ledger(snapshot / folder, table, previous_parts, staging / table, run_id, edits)
    _write_quarantine(snapshot, previous, staging, run_id, reread)
    _write_fetch_state(snapshot, previous, staging, run_id)
    spill = snapshot.parent.parent / "staging" / f"{run_id}.spill"
    try:
        with scratch(spill) as con:
            retired = edits.replaced | edits.superseded.keys()
            ids = _write_meetings(con, snapshot, previous, staging, retired, spill)
            for table in REMAPPED_TABLES:
                publish_remapped(snapshot, previous, table, ids)
            _write_participants(con, snapshot, previous, run_id, ids)
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    manifest = {
        "run_id": run_id,
        "schema_version": SCHEMA_VERSION,
        "created_at": datetime.now(UTC).isoformat(),
    }
    (snapshot / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return edits


def _write_quarantine(
    snapshot: Path, previous: Path | None, staging: Path, run_id: str, reread: bool = True
) -> None:
    """Keep the problems found before, except transient ones (retried this run, unless it
    did not `reread` its inputs), and add new.

    A problem seen again keeps its first `detected_at`, so a re-run changes no row.
    """
    old = read_parts(part_files(previous / "quarantine") if previous else [], "quarantine")
    new = read_parts(part_files(staging / "quarantine"), "quarantine")
    if reread:
        old = old.filter(pc.invert(old["transient"]))
    rows = _first_per_key(pa.concat_tables([old, new]), ["source_ref", "reason", "detail"])
    _check_columns("quarantine", rows)
    write_parquet(rows, snapshot / "quarantine" / f"part-{run_id}.parquet")


def _write_fetch_state(snapshot: Path, previous: Path | None, staging: Path, run_id: str) -> None:
    """Keep the last known state of every URL: this run's requests update the previous."""
    old = read_parts(part_files(previous / "fetch_state") if previous else [], "fetch_state")
    new = read_parts(part_files(staging / "fetch_state"), "fetch_state")
    rows = _last_per_key(pa.concat_tables([old, new]), ["url"])
    rows = rows.take(pc.sort_indices(rows["url"]))
    _check_columns("fetch_state", rows)
    write_parquet(rows, snapshot / "fetch_state" / f"part-{run_id}.parquet")


def _first_per_key(rows: pa.Table, keys: list[str]) -> pa.Table:
    """Return the first row of each distinct `keys`, in order."""
    return rows.take(_row_per_key(rows, keys, "min"))


def _last_per_key(rows: pa.Table, keys: list[str]) -> pa.Table:
    """Return the last row of each distinct `keys`, in order of those last rows."""
    return rows.take(_row_per_key(rows, keys, "max"))


def _row_per_key(rows: pa.Table, keys: list[str], pick: str) -> pa.Array:
    numbered = rows.select(keys).append_column("row", pa.array(range(rows.num_rows), pa.int64()))
    grouped = numbered.group_by(keys, use_threads=False).aggregate([("row", pick)])
    picked = grouped[f"row_{pick}"].combine_chunks()
    return picked.take(pc.sort_indices(picked))  # row numbers, ascending


def _check_columns(table: str, rows: pa.Table) -> None:
    for column in TABLES[table]:
        _check_column(table, column, rows.column(column.name))


def _write_meetings(
    con: duckdb.DuckDBPyConnection,
    snapshot: Path,
    previous: Path | None,
    staging: Path,
    retired: set[str],
    spill: Path,
) -> MergedIds:
    """Write `meetings`, re-merging the kinds of meeting this run's reports touch; return
    how reported meeting ids are renamed (`flows.remerge`)."""
    staged = part_files(staging / "meeting_mentions")
    return write_meetings(con, snapshot, previous, staged, retired, spill)


def _write_participants(
    con: duckdb.DuckDBPyConnection,
    snapshot: Path,
    previous: Path | None,
    run_id: str,
    ids: MergedIds,
) -> None:
    target = snapshot / "meeting_participants" / f"part-{run_id}.parquet"
    write_participants(con, snapshot, previous, ids, target)


# --- The DuckDB catalog -----------------------------------------------------------------------


def build_catalog(warehouse: Path, snapshot: Path, sql_dir: Path = SQL_DIR) -> PublishResult:
    """Build `summitry.duckdb.tmp` with a view per table over `snapshot`, then sql/ views.

    Views name the snapshot's absolute path: DuckDB checks a view's files when it is
    created, and pinning keeps the catalog and the Parquet it reads one consistent pair.
    """
    target = warehouse / f"{CATALOG}.tmp"
    target.unlink(missing_ok=True)
    result = PublishResult(run_id=snapshot.name, snapshot=snapshot)
    with duckdb.connect(config=DUCKDB_CONFIG) as con:
        con.execute(
            f"attach {_quote(str(target))} as summitry "
            f"(storage_version '{CATALOG_STORAGE_VERSION}')"
        )
        con.execute("use summitry")
        for table in TABLES:
            con.execute(table_view_sql(table, snapshot / table))
        create_countries(con)
        views = create_sql_views(con, sql_dir)
        run_checks(con, sql_dir / "checks")
        tables = materialised_views(sql_dir)
        materialise_views(con, [view for view in views if view in tables])
        result.row_counts = {t: _count(con, t) for t in TABLES}
        result.top_country_pairs = top_country_pairs(con)
        con.execute("use memory")
        con.execute("detach summitry")
    return result


def table_view_sql(table: str, folder: Path) -> str:
    """Return the `create view` statement of a base table over its Parquet folder."""
    pattern = _quote(f"{folder.resolve()}/*.parquet")
    return (
        f"create or replace view {table} as select * from read_parquet("
        f"{pattern}, union_by_name = true, hive_partitioning = false)"
    )


def create_sql_views(con: duckdb.DuckDBPyConnection, sql_dir: Path) -> list[str]:
    """Create one view per `sql_dir/*.sql` (file name = view name); return their names.

    Files run in name order; one that refers to a view not made yet is retried after the
    others, so dependencies need no naming scheme.
    """
    pending = sorted(sql_dir.glob("*.sql"))
    for path in pending:
        if not _VIEW_NAME.fullmatch(path.stem):
            raise WarehouseError(f"{path}: a view file name must be a lowercase identifier")
    created: list[str] = []
    while pending:
        failures: dict[Path, duckdb.Error] = {}
        for path in pending:
            body = path.read_text(encoding="utf-8").strip().rstrip(";")
            try:
                con.execute(f"create or replace view {path.stem} as\n{body}")
                created.append(path.stem)
            except duckdb.CatalogException as err:
                failures[path] = err
            except duckdb.Error as err:
                raise WarehouseError(f"{path}: {err}") from err
        if len(failures) == len(pending):
            raise WarehouseError("; ".join(f"{path}: {err}" for path, err in failures.items()))
        pending = list(failures)
    return created


def run_checks(con: duckdb.DuckDBPyConnection, checks_dir: Path) -> None:
    """Run every `checks_dir/*.sql` query; each must return zero rows, or publishing stops.

    A check that fails names itself and shows a few offending rows.
    """
    for path in sorted(checks_dir.glob("*.sql")):
        sql = path.read_text(encoding="utf-8").strip().rstrip(";")
        try:
            rows = con.execute(f"select * from (\n{sql}\n) limit 3").fetchall()
        except duckdb.Error as err:
            raise WarehouseError(f"{path}: {err}") from err
        if rows:
            examples = "; ".join(map(str, rows))
            raise WarehouseError(f"data check {path.name} failed, e.g. {examples}")


# Codes outside ISO 3166 that the extractor gives and the countries table names.
USER_ASSIGNED_CODES = {"XKX": "Kosovo"}


def create_countries(con: duckdb.DuckDBPyConnection) -> None:
    """Create `countries(code, name, former)`: ISO 3166-1 alpha-3 codes, and the former
    states of ISO 3166-3 (`former`), which the side-code check tells apart."""
    import pycountry  # imported here: loading its data costs time the other steps don't need

    names = {c.alpha_3: getattr(c, "common_name", c.name) for c in pycountry.countries}
    current = set(names)
    for former in pycountry.historic_countries:
        names.setdefault(former.alpha_3, former.name)
    for code, name in USER_ASSIGNED_CODES.items():  # not in ISO 3166, but in use
        names.setdefault(code, name)
        current.add(code)
    countries = pa.table(
        {
            "code": list(names),
            "name": list(names.values()),
            "former": [code not in current for code in names],
        }
    )
    con.register("countries_arrow", countries)
    con.execute("create or replace table countries as select * from countries_arrow order by code")
    con.unregister("countries_arrow")


def top_country_pairs(con: duckdb.DuckDBPyConnection, limit: int = 5) -> list[dict]:
    """Return the country pairs with the most held meetings, most first."""
    if not _has_relation(con, "meeting_frequency_by_country_pair"):
        return []
    rows = con.execute(
        "select side_a, side_b, sum(meetings)::integer as meetings "
        "from meeting_frequency_by_country_pair group by all "
        "order by meetings desc, side_a, side_b limit ?",
        [limit],
    ).fetchall()
    return [dict(zip(("side_a", "side_b", "meetings"), row, strict=True)) for row in rows]


def _has_relation(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Return whether the current catalog has a view or a table called `name`."""
    sql = (
        "select count(*) from (select database_name, view_name as name from duckdb_views()"
        " union all select database_name, table_name from duckdb_tables())"
        " where database_name = current_database() and name = ?"
    )
    return con.execute(sql, [name]).fetchall()[0][0] > 0


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f"select count(*) from {table}").fetchall()[0][0]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# --- Swapping in ----------------------------------------------------------------------------


def _swap(warehouse: Path, snapshot: Path) -> None:
    """Point `current` at `snapshot` and put the new catalog in place, each atomically."""
    temporary = warehouse / f".current-{snapshot.name}.tmp"
    temporary.unlink(missing_ok=True)
    os.symlink(Path("snapshots") / snapshot.name, temporary)
    os.replace(temporary, warehouse / "current")
    os.replace(warehouse / f"{CATALOG}.tmp", warehouse / CATALOG)
    _link_tables(warehouse)


def _link_tables(warehouse: Path) -> None:
    """Make `<wh>/<table>` a link to `current/<table>` for every table that lacks one."""
    for table in TABLES:
        link = warehouse / table
        if link.is_symlink():
            continue
        if link.exists():
            raise WarehouseError(f"{link} exists and is not a link; move it out of the warehouse")
        os.symlink(Path("current") / table, link)


def _prune_snapshots(warehouse: Path, keep: set[str]) -> None:
    """Delete snapshots other than `keep`: the new one, and the previous for open readers."""
    for folder in (warehouse / "snapshots").iterdir():
        if folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)


def _sync(snapshot: Path, catalog: Path) -> None:
    """Flush the new snapshot's files and the new catalog to disk before the swap, so that
    after a power cut `current` never names files the disk did not get. Carried parts
    (hard links) were flushed by the publish that wrote them."""
    for folder, _, names in os.walk(snapshot):
        for name in names:
            path = Path(folder, name)
            if path.stat().st_nlink == 1:
                _fsync(path)
        _fsync(Path(folder))
    _fsync(catalog)
    _fsync(snapshot.parent)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def discard_unfinished(warehouse: Path) -> list[str]:
    """Remove what runs that died before publishing left behind; return what went.

    Call it holding the lock (`flows.lock`): no other run is writing then, so every
    staging folder, every snapshot newer than `current`, and every temporary catalog or
    link is a dead run's. Nothing published, nor the previous snapshot, is touched.
    """
    current = current_snapshot(warehouse)
    found = sorted((warehouse / "staging").glob("*"))
    snapshots = warehouse / "snapshots"
    # Without `current`, a catalog could only be a hand-made one: leave its files alone.
    if snapshots.is_dir() and (current is not None or not (warehouse / CATALOG).exists()):
        after = current.name if current else ""  # run ids sort in time order
        found += [p for p in sorted(snapshots.iterdir()) if p.name > after]
    found += [warehouse / f"{CATALOG}.tmp", *sorted(warehouse.glob(".current-*.tmp"))]
    removed = []
    for path in found:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.is_symlink() or path.exists():
            path.unlink()
        else:
            continue
        removed.append(str(path.relative_to(warehouse)))
    return removed
