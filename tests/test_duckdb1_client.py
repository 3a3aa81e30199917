"""BI plugins embed DuckDB 1.x: the catalog must open and every view answer in such a client.

The 1.x client lives in a throwaway virtualenv (it cannot share a process with our 2.0);
its wheel comes from PyPI, so the test skips, saying why, when PyPI cannot be reached.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from warehouse_builders import publish_corpus

from flows.warehouse import CATALOG, CATALOG_STORAGE_VERSION

DUCKDB_1 = "duckdb==1.4.*"
REPO = Path(__file__).resolve().parent.parent

# Every view, and every table (the views materialised at publish), of the open catalog.
VIEWS_AND_TABLES = (
    "select view_name from duckdb_views() where not internal"
    " union all select table_name from duckdb_tables() order by 1"
)
# Runs inside the 1.x virtualenv: open read-only and count the rows of every view and table.
COUNT_EVERY_VIEW = """
import duckdb, json, sys
con = duckdb.connect(sys.argv[1], read_only=True)
views = [v for (v,) in con.execute(sys.argv[2]).fetchall()]
counts = {v: con.execute(f'select count(*) from "{v}"').fetchall()[0][0] for v in views}
print(json.dumps({"version": duckdb.__version__, "counts": counts}))
"""


def _uv() -> str | None:
    local = REPO / ".uv" / "bin" / "uv"
    return str(local) if local.is_file() else shutil.which("uv")


@pytest.fixture(scope="module")
def duckdb1_python(tmp_path_factory) -> Path:
    """A Python with duckdb 1.4 installed from PyPI (uv's cache makes reruns offline-fast)."""
    uv = _uv()
    if uv is None:
        pytest.skip("no uv to make a virtualenv for the DuckDB 1.x client (run `make setup`)")
    venv = tmp_path_factory.mktemp("duckdb1") / "venv"
    env = os.environ | {"UV_PYTHON_DOWNLOADS": "never", "UV_HTTP_TIMEOUT": "30"}
    subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(venv)], check=True, env=env)
    python = venv / "bin" / "python"
    try:
        installed = subprocess.run(
            [uv, "pip", "install", "-q", "--python", str(python), DUCKDB_1],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
    except subprocess.TimeoutExpired:
        pytest.skip(f"installing {DUCKDB_1} from PyPI took over 5 minutes; is PyPI reachable?")
    if installed.returncode != 0:
        reason = (installed.stderr.strip().splitlines() or ["no message"])[-1]
        pytest.skip(f"cannot install {DUCKDB_1} from PyPI (offline?): {reason}")
    return python


def test_catalog_opens_in_duckdb_1_and_every_view_answers(duckdb1_python, tmp_path):
    from conftest import write_tiny_corpus

    warehouse = publish_corpus(write_tiny_corpus(tmp_path / "corpus"), tmp_path / "wh")
    catalog = warehouse / CATALOG
    ran = subprocess.run(
        [str(duckdb1_python), "-c", COUNT_EVERY_VIEW, str(catalog), VIEWS_AND_TABLES],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    report = json.loads(ran.stdout)
    assert report["version"].startswith("1.4.")
    with duckdb.connect(str(catalog), read_only=True) as con:
        views = con.execute(VIEWS_AND_TABLES).fetchall()
        expected = {
            v: con.execute(f'select count(*) from "{v}"').fetchall()[0][0] for (v,) in views
        }
    assert report["counts"] == expected
    assert expected["meetings"] == 3
    assert expected["meeting_frequency_by_country_pair"] > 0  # a table built at publish


def test_catalog_storage_version_is_readable_by_duckdb_1_4():
    assert CATALOG_STORAGE_VERSION == "v1.4.0"
