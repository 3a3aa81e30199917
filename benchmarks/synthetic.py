"""A synthetic warehouse of N meetings, to time the views at a scale no corpus here reaches.

`meetings` is written directly with pyarrow in the schema of transforms/schema.py, one
snapshot folder like a published one; every other table is an empty part. The Parquet is
kept for the next benchmark of the same size; the catalog is built again every time by
the pipeline's own `flows.warehouse.build_catalog`, so the views, and the tables it
materialises from sql/, are exactly what a publish of the current code gives. The data
checks (sql/checks) are left out: they tie meetings to mentions and articles, which a
meetings-only warehouse lacks by design.

Sides follow a skewed (Zipf-like) popularity: most meetings are bilateral, one in eight
has three to twelve sides; dates span 1990-2025; 85% are held.
"""

from __future__ import annotations

import binascii
import json
import os
import shutil
import time
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pycountry

from flows.warehouse import CATALOG, SQL_DIR, build_catalog
from transforms.lexicon import read_rows
from transforms.schema import DATE_BASES, MODES, STATUSES, TABLES

CHUNK = 1_000_000
_EPOCH = date(1970, 1, 1)
_FIRST_DAY, _LAST_DAY = date(1990, 1, 1), date(2025, 12, 31)
_ORGANISATIONS = ("ORG:UN", "ORG:EU", "ORG:AU", "ORG:ASEAN", "ORG:NATO", "ORG:WHO")
_CAPITALS = ("Washington", "Beijing", "Moscow", "Brussels", "New Delhi", "Tokyo", "Nairobi")
_EMPTY_PART = "part-empty.parquet"
_VERSION = 1  # bump when the data changes, so that a cached warehouse is rebuilt


def build_meetings_warehouse(root: Path, meetings: int, *, seed: int = 7) -> dict:
    """Build a warehouse of `meetings` meetings under `root`; return what it took.

    The Parquet of an earlier call with the same arguments is reused; the catalog is
    always built anew. The result has the catalog path, the seconds spent writing Parquet
    (None when reused) and building the catalog, and the row counts.
    """
    snapshot = root / "snapshots" / "synthetic"
    write_seconds = _write_parquet_once(root, snapshot, meetings, seed)
    started = time.perf_counter()
    result = build_catalog(root, snapshot, _views_without_checks(root / "sql"))
    os.replace(root / f"{CATALOG}.tmp", root / CATALOG)
    return {
        "catalog": str(root / CATALOG),
        "write_seconds": write_seconds,
        "catalog_seconds": time.perf_counter() - started,
        "row_counts": result.row_counts,
        "reused": write_seconds is None,
    }


def _write_parquet_once(root: Path, snapshot: Path, meetings: int, seed: int) -> float | None:
    """Write the snapshot's Parquet unless `root` holds it already; return the seconds."""
    marker = root / "synthetic.json"
    wanted = {"meetings": meetings, "seed": seed, "version": _VERSION}
    if marker.is_file() and json.loads(marker.read_text()).get("wanted") == wanted:
        return None
    shutil.rmtree(root, ignore_errors=True)
    started = time.perf_counter()
    write_meetings(snapshot / "meetings" / "part-0.parquet", meetings, seed)
    for table, schema in TABLES.items():
        if table != "meetings":
            _write_empty(snapshot / table / _EMPTY_PART, schema)
    seconds = time.perf_counter() - started
    marker.write_text(json.dumps({"wanted": wanted, "write_seconds": seconds}, indent=2) + "\n")
    return seconds


def write_meetings(path: Path, count: int, seed: int) -> None:
    """Write `count` synthetic meetings to one Parquet file, a million rows at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    codes, weights = _sides_and_popularity(rng)
    with pq.ParquetWriter(path, TABLES["meetings"], compression="zstd") as writer:
        for start in range(0, count, CHUNK):
            writer.write_table(_meetings_chunk(rng, min(CHUNK, count - start), codes, weights))


def _sides_and_popularity(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Return every side code, sorted, and its popularity: the lexicon's states come first."""
    states = sorted(row[0] for row in read_rows("countries.tsv"))
    others = sorted({c.alpha_3 for c in pycountry.countries} - set(states))
    by_rank = [*rng.permutation(states), *rng.permutation([*others, *_ORGANISATIONS])]
    weights = 1.0 / np.arange(1, len(by_rank) + 1)
    order = np.argsort(by_rank)
    return np.array(by_rank)[order], (weights / weights.sum())[order]


def _meetings_chunk(
    rng: np.random.Generator, n: int, codes: np.ndarray, weights: np.ndarray
) -> pa.Table:
    sides = _side_lists(rng, n, codes, weights)
    days = rng.integers(_days(_FIRST_DAY), _days(_LAST_DAY) + 1, n).astype(np.int32)
    undated = rng.random(n) < 0.03
    meeting_date = pa.array(days, type=pa.date32(), mask=undated)
    reported = pa.array(days + rng.integers(0, 4, n).astype(np.int32), type=pa.date32())
    columns = {
        "meeting_id": _hex_ids(rng, n),
        "meeting_date": meeting_date,
        "date_basis": pa.array(_pick(rng, n, DATE_BASES, [0.5, 0.25, 0.1, 0.1, 0.03, 0.02])),
        "mode": pa.array(_pick(rng, n, MODES, [0.7, 0.2, 0.1])),
        "status": pa.array(_pick(rng, n, STATUSES, [0.85, 0.1, 0.05])),
        "sides": sides,
        "city": pa.array(_pick(rng, n, _CAPITALS), mask=rng.random(n) < 0.4),
        "country": pa.nulls(n, pa.string()),
        "name": pa.nulls(n, pa.string()),
        "side_count": sides.value_lengths().cast(pa.int32()),
        "mention_count": pa.array(rng.geometric(0.5, n).astype(np.int32)),
        "first_reported": reported,
    }
    return pa.table(columns, schema=TABLES["meetings"])


def _side_lists(
    rng: np.random.Generator, n: int, codes: np.ndarray, weights: np.ndarray
) -> pa.ListArray:
    """Return n sorted lists of distinct side codes: mostly two, some three to twelve."""
    sizes = np.where(rng.random(n) < 0.875, 2, rng.integers(3, 13, n))
    meeting = np.repeat(np.arange(n), sizes)
    drawn = rng.choice(len(codes), size=len(meeting), p=weights)
    while True:  # a side drawn twice in a row for one meeting is drawn again
        again = np.flatnonzero((meeting[1:] == meeting[:-1]) & (drawn[1:] == drawn[:-1])) + 1
        if not again.size:
            break
        drawn[again] = rng.choice(len(codes), size=again.size, p=weights)
    keys = np.unique(meeting.astype(np.int64) * len(codes) + drawn)  # sorted, distinct
    owners, values = keys // len(codes), keys % len(codes)
    offsets = np.concatenate([[0], np.cumsum(np.bincount(owners, minlength=n))])
    return pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), pa.array(codes[values]))


def _pick(
    rng: np.random.Generator, n: int, choices: tuple[str, ...], p: list[float] | None = None
) -> np.ndarray:
    return np.array(choices)[rng.choice(len(choices), size=n, p=p)]


def _hex_ids(rng: np.random.Generator, n: int) -> pa.Array:
    """Return n random 16-hex-digit ids, like the pipeline's stable ids."""
    data = binascii.hexlify(rng.bytes(8 * n))
    offsets = np.arange(0, 16 * n + 1, 16, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def _days(day: date) -> int:
    return (day - _EPOCH).days


def _views_without_checks(folder: Path) -> Path:
    """Return a folder holding the view files of sql/ and no checks/ folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for view in SQL_DIR.glob("*.sql"):
        shutil.copyfile(view, folder / view.name)
    return folder


def _write_empty(path: Path, schema: pa.Schema) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(schema.empty_table(), path)
