"""Views published as tables: the aggregates that readers fetch whole are computed once,
at publish, instead of at every query.

A view file in sql/ asks for it with the header line `-- materialise: table`. The
catalog is built as usual (every view, then the data checks); then each view asking for
a table is replaced by a table of its rows under the same name, with the same columns
and row order. They are replaced in the order the views were created, so a table may be
computed from a view or from a table made before it. The tables live in the new catalog
file only, which the publish swaps in with the snapshot they were computed from.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb

MATERIALISE_MARK = "-- materialise: table"
_BUILDING = "__building"  # suffix of a table while it is computed, before it takes the name


def materialised_views(sql_dir: Path) -> set[str]:
    """Return the names of the views of `sql_dir` whose header asks to be a table."""
    return {path.stem for path in sql_dir.glob("*.sql") if _asks_for_table(path)}


def _asks_for_table(path: Path) -> bool:
    """Return whether the leading comment lines of a view file hold the materialise mark."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("--"):
            return False
        if line.strip() == MATERIALISE_MARK:
            return True
    return False


def materialise_views(con: duckdb.DuckDBPyConnection, names: Iterable[str]) -> None:
    """Replace each view of `names`, in order, by a table of its rows under its name."""
    for name in names:
        con.execute(f"create table {name}{_BUILDING} as select * from {name}")
        con.execute(f"drop view {name}")
        con.execute(f"alter table {name}{_BUILDING} rename to {name}")
