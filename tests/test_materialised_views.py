"""Views whose sql/ file says `-- materialise: table` are published as tables of their rows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from test_warehouse import article, mention, publish_rows, topic

from benchmarks.synthetic import build_meetings_warehouse
from flows.catalog import MATERIALISE_MARK, materialise_views, materialised_views
from flows.warehouse import CATALOG, SQL_DIR, create_sql_views

MATERIALISED = sorted(materialised_views(SQL_DIR))


def view_query(name: str) -> str:
    """Return the query of sql/<name>.sql, as a view would run it."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8").strip().rstrip(";")


def published_and_recomputed(catalog: Path, name: str) -> tuple[list[tuple], list[tuple]]:
    """Return the rows of the published `name` and those its sql/ file gives now."""
    with duckdb.connect(str(catalog), read_only=True) as con:
        published = con.execute(f"select * from {name}").fetchall()
        recomputed = con.execute(f"select * from (\n{view_query(name)}\n)").fetchall()
    return published, recomputed


def kinds(catalog: Path) -> dict[str, str]:
    """Return every table and view of the catalog, by name: 'table' or 'view'."""
    sql = (
        "select table_name, 'table' from duckdb_tables()"
        " union all select view_name, 'view' from duckdb_views() where not internal"
    )
    with duckdb.connect(str(catalog), read_only=True) as con:
        return dict(con.execute(sql).fetchall())


def publish_meetings(wh: Path, run_id: str, sides: list[tuple[str, ...]]) -> Path:
    """Publish one article reporting a held meeting per entry of `sides`; return the catalog."""
    published = date(2025, 5, 1)
    mentions = [
        mention(run_id, f"{run_id}-m{n}", sides=s, meeting_date=date(2025, 3 + n % 2, 1 + n))
        for n, s in enumerate(sides)
    ]
    topics = [topic(run_id, f"{run_id}-m0", "trade"), topic(run_id, f"{run_id}-m0", "trade")]
    rows = {"articles": [article(run_id, published)], "meeting_mentions": mentions}
    publish_rows(wh, run_id, topics=topics, **rows)
    return wh / CATALOG


def test_the_aggregates_dashboards_read_whole_are_materialised():
    assert MATERIALISED == [
        "meeting_frequency_by_country_pair",
        "meetings_per_side_by_month",
        "top_counterparts",
    ]


@pytest.mark.parametrize("name", MATERIALISED)
def test_a_materialised_view_is_a_table_equal_to_its_query(tmp_path, name):
    catalog = publish_meetings(tmp_path / "wh", "r1", [("FRA", "DEU", "ITA"), ("DEU", "FRA")])
    published, recomputed = published_and_recomputed(catalog, name)
    assert published and published == recomputed
    assert kinds(catalog)[name] == "table"


def test_views_not_marked_stay_views(tmp_path):
    catalog = publish_meetings(tmp_path / "wh", "r1", [("DEU", "FRA")])
    found = kinds(catalog)
    assert found["meeting_pairs"] == found["topics_by_country_pair"] == "view"


@pytest.mark.parametrize("name", MATERIALISED)
def test_a_second_publish_replaces_the_table(tmp_path, name):
    wh = tmp_path / "wh"
    before, _ = published_and_recomputed(publish_meetings(wh, "r1", [("DEU", "FRA")]), name)
    catalog = publish_meetings(wh, "r2", [("ESP", "PRT"), ("DEU", "FRA", "POL")])
    after, recomputed = published_and_recomputed(catalog, name)
    assert after == recomputed
    assert after != before
    assert any("ESP" in row or "PRT" in row for row in after)


def test_the_synthetic_benchmark_warehouse_gets_the_tables_of_a_publish(tmp_path):
    first = build_meetings_warehouse(tmp_path / "synthetic", 2_000)
    again = build_meetings_warehouse(tmp_path / "synthetic", 2_000)
    assert (first["reused"], again["reused"]) == (False, True)
    assert again["catalog_seconds"] >= 0
    catalog = Path(again["catalog"])
    published, recomputed = published_and_recomputed(catalog, "meeting_frequency_by_country_pair")
    assert len(published) > 100 and published == recomputed
    assert {kinds(catalog)[name] for name in MATERIALISED} == {"table"}


def test_only_the_header_comment_asks_for_a_table(tmp_path):
    (tmp_path / "marked.sql").write_text(f"-- one row\n{MATERIALISE_MARK}\nselect 1 as n\n")
    (tmp_path / "late.sql").write_text(f"-- one row\nselect 1 as n\n{MATERIALISE_MARK}\n")
    (tmp_path / "plain.sql").write_text("-- one row\nselect 1 as n\n")
    assert materialised_views(tmp_path) == {"marked"}


def test_a_view_reading_a_materialised_one_reads_the_table(tmp_path):
    (tmp_path / "base.sql").write_text(f"-- one row\n{MATERIALISE_MARK}\nselect 1 as n\n")
    top = f"-- one row\n{MATERIALISE_MARK}\nselect n + 1 as n from base\n"
    (tmp_path / "top.sql").write_text(top)
    with duckdb.connect() as con:
        views = create_sql_views(con, tmp_path)
        materialise_views(con, [v for v in views if v in materialised_views(tmp_path)])
        assert con.execute("select * from top").fetchall() == [(2,)]
        tables = con.execute("select table_name from duckdb_tables() order by 1").fetchall()
        assert tables == [("base",), ("top",)]
