"""Export one table or view of the warehouse to a CSV or Parquet file, for tools that want files.

The catalog is opened read-only and the file is written beside its target and then
renamed over it, so a reader never sees half a file.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from flows.warehouse import CATALOG, DUCKDB_CONFIG

FORMATS = ("csv", "parquet")
_COPY_OPTIONS = {"csv": "format csv, header", "parquet": "format parquet, compression zstd"}


class ExportError(ValueError):
    """The export cannot be made as asked; the message says what to change."""


def export_format(out: Path, requested: str | None) -> str:
    """Return `requested`, or the format named by `out`'s suffix ('.csv', '.parquet')."""
    if requested is not None:
        if requested not in FORMATS:
            raise ExportError(f"unknown format {requested!r}; choose one of {', '.join(FORMATS)}")
        return requested
    suffix = out.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ExportError(f"cannot tell the format of {out}; pass --format csv or parquet")
    return suffix


def catalog_relations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Return the names of the catalog's views and tables, sorted."""
    here = "database_name = current_database()"
    rows = con.execute(
        f"select view_name from duckdb_views() where not internal and {here}"
        f" union select table_name from duckdb_tables() where {here} order by 1"
    ).fetchall()
    return [name for (name,) in rows]


def export_view(warehouse: Path, view: str, out: Path, fmt: str | None = None) -> int:
    """Write every row of `view` to `out` as CSV or Parquet; return the number of rows.

    Raises ExportError when there is no warehouse, no such view, or `out` lies inside the
    warehouse (which only `summitry run` writes).
    """
    catalog = warehouse / CATALOG
    fmt = export_format(out, fmt)
    if not catalog.is_file():
        raise ExportError(f"no warehouse at {warehouse}; run `summitry run` first")
    if out.resolve().is_relative_to(warehouse.resolve()):
        raise ExportError(f"{out} is inside the warehouse {warehouse}; write it elsewhere")
    with duckdb.connect(str(catalog), read_only=True, config=DUCKDB_CONFIG) as con:
        names = catalog_relations(con)
        if view not in names:
            raise ExportError(f"no view named {view!r}; choose one of: {', '.join(names)}")
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(f".{out.name}.partial")
        try:
            [(rows,)] = con.execute(
                f"copy (select * from {_identifier(view)}) to {_literal(str(partial))} "
                f"({_COPY_OPTIONS[fmt]})"
            ).fetchall()
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
    return rows


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
