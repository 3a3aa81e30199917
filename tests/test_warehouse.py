"""The warehouse: schema checks, snapshots, atomic publish, the DuckDB catalog and its views."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows import ledger, warehouse
from flows.warehouse import (
    CATALOG,
    SchemaMismatchError,
    WarehouseError,
    current_snapshot,
    known_article_ids,
    publish,
    read_parts,
    read_table,
    rows_to_table,
    stage_batch,
    write_parquet,
)
from transforms.schema import TABLES

DAY = date(2025, 3, 4)


def article(article_id: str, published: date | None = DAY, **overrides) -> dict:
    return {
        "article_id": article_id,
        "source_ref": f"{article_id}.txt",
        "title": None,
        "published_date": published,
        "url": None,
        "content_hash": "0" * 64,
        "text": f"Text of {article_id}.",
        "extractor_version": "test",
    } | overrides


def mention(article_id: str, meeting_id: str, sides=("FRA", "DEU"), **overrides) -> dict:
    row = {
        "meeting_id": meeting_id,
        "article_id": article_id,
        "evidence": "They met.",
        "evidence_start": 0,
        "evidence_end": 9,
        "meeting_date": date(2025, 3, 3),
        "date_basis": "explicit",
        "mode": "in_person",
        "status": "held",
        "sides": list(sides),
        "city": None,
        "country": None,
        "name": None,
        "extractor_version": "test",
    }
    return row | overrides


def participant(article_id: str, meeting_id: str, name: str, side=None, title=None) -> dict:
    return {
        "meeting_id": meeting_id,
        "name": name,
        "side": side,
        "title": title,
        "article_id": article_id,
    }


def topic(article_id: str, meeting_id: str | None, label: str) -> dict:
    return {
        "article_id": article_id,
        "meeting_id": meeting_id,
        "topic": label,
        "kind": "canonical",
        "matched_text": label,
        "start": 0,
        "end": len(label),
    }


def problem(source_ref: str, transient: bool = False, when: int = 1) -> dict:
    return {
        "source_ref": source_ref,
        "reason": "empty_file",
        "detail": f"{source_ref}: no text",
        "transient": transient,
        "detected_at": datetime(2025, 3, when, tzinfo=UTC),
    }


def stage(staging: Path, number: int = 0, **rows: list[dict]) -> Path:
    stage_batch(staging, number, {name: rows_to_table(name, r) for name, r in rows.items()})
    return staging


def publish_rows(wh: Path, run_id: str, **rows: list[dict]):
    return publish(wh, stage(wh / "staging" / run_id, **rows), run_id)


def query(wh: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(wh / CATALOG), read_only=True) as con:
        return con.execute(sql).fetchall()


def all_rows(wh: Path) -> dict[str, list[tuple]]:
    return {t: query(wh, f"select * from {t} order by all") for t in TABLES}


FIRST = {
    "articles": [article("a1"), article("a2", published=date(2025, 3, 5))],
    "meeting_mentions": [mention("a1", "m1"), mention("a2", "m1", city="Paris")],
    "meeting_participants": [
        participant("a1", "m1", "Claire Dubois"),
        participant("a2", "m1", "Claire Dubois", side="FRA", title="Foreign Minister"),
    ],
    "topics": [topic("a1", "m1", "energy")],
    "quarantine": [problem("bad.txt")],
}


# --- rows_to_table ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "row", "column", "message"),
    [
        ("articles", article("a1") | {"colour": "red"}, "colour", "not a column"),
        ("articles", article("a1") | {"published_date": "soon"}, "published_date", "row 0"),
        ("articles", article("a1") | {"text": None}, "text", "row 0 is null"),
        ("meeting_mentions", mention("a1", "m1", mode="telepathy"), "mode", "telepathy"),
        ("meeting_mentions", mention("a1", "m1", status="rumoured"), "status", "rumoured"),
        ("meeting_mentions", mention("a1", "m1", evidence_start=2**40), "evidence_start", "row 0"),
    ],
)
def test_rows_that_do_not_fit_are_refused_naming_table_and_column(table, row, column, message):
    with pytest.raises(SchemaMismatchError, match=message) as caught:
        rows_to_table(table, [row])
    assert (caught.value.table, caught.value.column) == (table, column)
    assert f"table {table}, column {column}" in str(caught.value)


def test_rows_to_table_names_the_bad_row():
    rows = [article("a1"), article("a2") | {"text": None}]
    with pytest.raises(SchemaMismatchError, match="row 1 is null"):
        rows_to_table("articles", rows)


OPTIONAL_TEXT = st.none() | st.text(max_size=30)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {
                "article_id": st.text(min_size=1, max_size=16),
                "source_ref": st.text(min_size=1, max_size=40),
                "title": OPTIONAL_TEXT,
                "published_date": st.none() | st.dates(),
                "url": OPTIONAL_TEXT,
                "content_hash": st.text(max_size=64),
                "text": st.text(min_size=1),
                "extractor_version": st.just("test"),
                "ingested_at": st.none() | st.datetimes(timezones=st.just(UTC)),
                "superseded_by": OPTIONAL_TEXT,
            }
        ),
        max_size=5,
    )
)
def test_parquet_round_trip_gives_the_rows_back(tmp_path, rows):
    path = tmp_path / "articles" / "part-x.parquet"
    write_parquet(rows_to_table("articles", rows), path)
    assert read_parts([path], "articles").to_pylist() == rows


# --- Publishing -------------------------------------------------------------------------------


def test_empty_warehouse_has_a_file_per_table_and_working_views(tmp_path):
    wh = tmp_path / "wh"
    publish(wh, wh / "staging" / "r1", "r1")
    for table in TABLES:
        assert list((wh / table).glob("part-*.parquet")), table
        assert query(wh, f"select count(*) from {table}") == [(0,)]
    assert query(wh, "select count(*) from meeting_frequency_by_country_pair") == [(0,)]


def test_layout_links_tables_to_the_current_snapshot(tmp_path):
    wh = tmp_path / "wh"
    publish_rows(wh, "r1", **FIRST)
    assert os.readlink(wh / "current") == "snapshots/r1"
    assert os.readlink(wh / "meetings") == "current/meetings"
    assert current_snapshot(wh) == (wh / "snapshots" / "r1").resolve()
    assert not (wh / f"{CATALOG}.tmp").exists()


def test_publish_merges_meetings_and_participants(tmp_path):
    wh = tmp_path / "wh"
    result = publish_rows(wh, "r1", **FIRST)
    [meeting] = read_table(wh, "meetings").to_pylist()
    assert (meeting["mention_count"], meeting["city"]) == (2, "Paris")
    assert meeting["first_reported"] == DAY
    [person] = read_table(wh, "meeting_participants").to_pylist()
    assert (person["side"], person["title"]) == ("FRA", "Foreign Minister")
    assert result.row_counts["meetings"] == 1
    assert result.top_country_pairs == [{"side_a": "DEU", "side_b": "FRA", "meetings": 1}]


def test_publishes_accumulate_and_carry_old_parts_as_links(tmp_path):
    wh = tmp_path / "wh"
    publish_rows(wh, "r1", **FIRST)
    publish_rows(
        wh,
        "r2",
        articles=[article("a3")],
        meeting_mentions=[mention("a3", "m1", status="planned", city="Berlin")],
        meeting_participants=[participant("a3", "m1", "Jonas Weber", side="DEU")],
    )
    assert known_article_ids(wh) == {"a1", "a2", "a3"}
    [meeting] = query(wh, "select mention_count, status, city from meetings")
    assert meeting == (3, "held", "Berlin")  # ties go to the smallest name
    assert query(wh, "select count(*) from meeting_participants") == [(2,)]
    old, carried = (wh / "snapshots" / r / "articles" / "part-r1.parquet" for r in ("r1", "r2"))
    assert old.stat().st_ino == carried.stat().st_ino


def test_publish_without_new_rows_changes_no_row(tmp_path):
    wh = tmp_path / "wh"
    publish_rows(wh, "r1", **FIRST)
    before = all_rows(wh)
    publish_rows(wh, "r2", quarantine=[problem("bad.txt", when=9)])
    assert all_rows(wh) == before


def test_quarantine_keeps_first_sighting_and_retries_transient_problems(tmp_path):
    wh = tmp_path / "wh"
    publish_rows(wh, "r1", quarantine=[problem("bad.txt"), problem("share.txt", transient=True)])
    publish_rows(wh, "r2", quarantine=[problem("bad.txt", when=2), problem("new.txt", when=2)])
    rows = query(wh, "select source_ref, day(detected_at) from quarantine order by 1")
    assert rows == [("bad.txt", 1), ("new.txt", 2)]


def test_only_the_current_and_previous_snapshots_are_kept(tmp_path):
    wh = tmp_path / "wh"
    for run_id in ("r1", "r2", "r3"):
        publish_rows(wh, run_id, articles=[article(run_id)])
    assert sorted(p.name for p in (wh / "snapshots").iterdir()) == ["r2", "r3"]
    assert query(wh, "select count(*) from articles") == [(3,)]


@pytest.mark.parametrize("failing_step", ["_write_meetings", "create_sql_views", "_count"])
def test_failed_publish_leaves_the_previous_warehouse_unchanged(
    tmp_path, monkeypatch, failing_step
):
    wh = tmp_path / "wh"
    publish_rows(wh, "r1", **FIRST)
    catalog_bytes = (wh / CATALOG).read_bytes()
    before = all_rows(wh)

    def fail(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(warehouse, failing_step, fail)
    with pytest.raises(RuntimeError, match="disk on fire"):
        publish_rows(wh, "r2", articles=[article("a9")], quarantine=[problem("x.txt")])
    monkeypatch.undo()

    assert (wh / CATALOG).read_bytes() == catalog_bytes
    assert all_rows(wh) == before
    assert read_table(wh, "articles").num_rows == 2
    assert os.readlink(wh / "current") == "snapshots/r1"
    assert sorted(p.name for p in (wh / "snapshots").iterdir()) == ["r1"]
    assert not (wh / f"{CATALOG}.tmp").exists()


def test_publish_stops_when_a_data_check_finds_rows(tmp_path):
    wh = tmp_path / "wh"
    publish_rows(wh, "r1", **FIRST)
    with pytest.raises(WarehouseError, match=r"duplicate_article_ids\.sql failed.*'a9', 2"):
        publish_rows(wh, "r2", articles=[article("a9"), article("a9")])
    assert read_table(wh, "articles").num_rows == 2
    assert os.readlink(wh / "current") == "snapshots/r1"


def test_views_open_read_only_from_another_directory(tmp_path, monkeypatch):
    wh = tmp_path / "wh"
    publish_rows(wh, "r1", **FIRST)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    with duckdb.connect(str(wh / CATALOG), read_only=True) as con:
        rows = con.execute("select side_a, side_b, meetings from meeting_frequency_by_country_pair")
        assert rows.fetchall() == [("DEU", "FRA", 1)]


def test_relative_warehouse_path_gives_absolute_view_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    publish(Path("wh"), Path("wh/staging/r1"), "r1")
    [(sql,)] = query(tmp_path / "wh", "select sql from duckdb_views() where view_name = 'topics'")
    assert f"'{tmp_path.resolve()}/wh/snapshots/r1/topics/*.parquet'" in sql


# --- The SQL views ----------------------------------------------------------------------------


def build_views(tmp_path: Path) -> Path:
    wh = tmp_path / "wh"
    mentions = [
        mention("a1", "m1", sides=("FRA", "DEU"), meeting_date=date(2025, 3, 3)),
        mention("a1", "m2", sides=("FRA", "DEU"), meeting_date=date(2025, 3, 20), mode="phone"),
        mention("a1", "m3", sides=("FRA", "DEU", "ITA"), meeting_date=date(2025, 4, 1)),
        mention("a1", "m4", sides=("FRA", "DEU"), status="planned"),
        mention("a1", "m5", sides=("FRA", "ITA"), status="cancelled"),
        mention("a1", "m6", sides=("FRA", "ITA"), meeting_date=None),
    ]
    topics = [topic("a1", "m1", "energy"), topic("a1", "m2", "energy")]
    topics += [topic("a1", "m4", "trade"), topic("a1", "m5", "trade"), topic("a1", None, "x")]
    published = date(2025, 4, 2)  # after every meeting held: the checks refuse the others
    publish_rows(
        wh, "r1", articles=[article("a1", published)], meeting_mentions=mentions, topics=topics
    )
    return wh


def test_meeting_frequency_counts_held_meetings_per_pair_and_month(tmp_path):
    wh = build_views(tmp_path)
    rows = query(wh, "select * exclude (side_b_name) from meeting_frequency_by_country_pair")
    assert rows == [
        ("DEU", "FRA", date(2025, 3, 1), 2, "Germany"),
        ("DEU", "FRA", date(2025, 4, 1), 1, "Germany"),
        ("DEU", "ITA", date(2025, 4, 1), 1, "Germany"),
        ("FRA", "ITA", date(2025, 4, 1), 1, "France"),
    ]


def test_meetings_per_side_by_month_splits_by_mode(tmp_path):
    wh = build_views(tmp_path)
    rows = query(wh, "select side, month, mode, meetings from meetings_per_side_by_month")
    assert rows[:3] == [
        ("DEU", date(2025, 3, 1), "in_person", 1),
        ("DEU", date(2025, 3, 1), "phone", 1),
        ("DEU", date(2025, 4, 1), "in_person", 1),
    ]


def test_top_counterparts_go_both_ways(tmp_path):
    wh = build_views(tmp_path)
    columns = "side, counterpart, meetings, first_meeting, last_meeting"
    rows = query(wh, f"select {columns} from top_counterparts where side in ('FRA', 'ITA')")
    assert rows == [
        ("FRA", "DEU", 3, date(2025, 3, 3), date(2025, 4, 1)),
        ("FRA", "ITA", 2, date(2025, 4, 1), date(2025, 4, 1)),
        ("ITA", "FRA", 2, date(2025, 4, 1), date(2025, 4, 1)),
        ("ITA", "DEU", 1, date(2025, 4, 1), date(2025, 4, 1)),
    ]


def test_topics_by_country_pair_leave_out_cancelled_meetings(tmp_path):
    wh = build_views(tmp_path)
    rows = query(wh, "select * from topics_by_country_pair")
    assert rows == [("DEU", "FRA", "energy", 2, 2), ("DEU", "FRA", "trade", 1, 1)]


def test_sql_views_are_created_in_dependency_order(tmp_path):
    sql_dir = tmp_path / "sql"
    sql_dir.mkdir()
    (sql_dir / "a_top.sql").write_text("select n + 1 as n from z_base;\n")
    (sql_dir / "z_base.sql").write_text("-- one row\nselect 1 as n\n")
    with duckdb.connect() as con:
        assert warehouse.create_sql_views(con, sql_dir) == ["z_base", "a_top"]
        assert con.execute("select n from a_top").fetchall() == [(2,)]


def test_sql_view_with_a_missing_dependency_names_its_file(tmp_path):
    sql_dir = tmp_path / "sql"
    sql_dir.mkdir()
    (sql_dir / "orphan.sql").write_text("select * from nowhere")
    with duckdb.connect() as con, pytest.raises(WarehouseError, match=r"orphan\.sql"):
        warehouse.create_sql_views(con, sql_dir)


@pytest.mark.parametrize("path", sorted(warehouse.SQL_DIR.glob("*.sql")), ids=lambda p: p.name)
def test_sql_file_states_its_grain_is_lowercase_and_ends_with_final(path):
    text = path.read_text(encoding="utf-8")
    code = [line for line in text.splitlines() if not line.lstrip().startswith("--")]
    assert text.startswith("-- one row per ")
    assert "\n".join(code) == "\n".join(code).lower()
    assert text.rstrip().endswith("select * from final")


# --- Versions, re-extraction and merged meetings ---------------------------------------------


def statement(article_id: str, meeting_id: str | None) -> dict:
    return {
        "statement_id": f"s-{article_id}",
        "article_id": article_id,
        "meeting_id": meeting_id,
        "speaker": "Claire Dubois",
        "side": "FRA",
        "title": None,
        "text": "We agreed.",
        "start": 0,
        "end": 10,
        "extractor_version": "test",
    }


def at(hour: int) -> datetime:
    return datetime(2025, 3, 4, hour, tzinfo=UTC)


def test_a_new_version_supersedes_the_old_one_and_its_records(tmp_path):
    wh, url = tmp_path / "wh", "https://news.example/talks"
    publish_rows(
        wh,
        "r1",
        articles=[article("v1", url=url, source_ref=url, ingested_at=at(1)), article("other")],
        meeting_mentions=[mention("v1", "m1"), mention("other", "m9", sides=("ITA", "ESP"))],
        meeting_participants=[participant("v1", "m1", "Claire Dubois")],
        statements=[statement("v1", "m1")],
        topics=[topic("v1", "m1", "energy")],
    )
    publish_rows(
        wh,
        "r2",
        articles=[article("v2", url=url, source_ref=url, ingested_at=at(2))],
        meeting_mentions=[mention("v2", "m2", meeting_date=date(2025, 3, 2))],
    )
    assert query(wh, "select article_id, superseded_by from articles order by 1") == [
        ("other", None),
        ("v1", "v2"),
        ("v2", None),
    ]
    assert query(wh, "select meeting_id, article_id from meeting_mentions order by 1") == [
        ("m2", "v2"),
        ("m9", "other"),
    ]
    for table in ("meeting_participants", "statements", "topics"):
        assert query(wh, f"select count(*) from {table}") == [(0,)], table
    assert query(wh, "select text from articles where article_id = 'v1'") == [("Text of v1.",)]


def test_re_extracted_articles_replace_their_rows(tmp_path):
    wh = tmp_path / "wh"
    publish_rows(
        wh,
        "r1",
        articles=[article("a1", extractor_version="0.1"), article("a2", extractor_version="0.1")],
        meeting_mentions=[mention("a1", "m1"), mention("a2", "m2", sides=("ITA", "ESP"))],
        topics=[topic("a1", "m1", "energy")],
    )
    publish_rows(
        wh,
        "r2",
        articles=[article("a1", extractor_version="0.2")],
        meeting_mentions=[mention("a1", "m1", city="Lyon")],
    )
    assert query(wh, "select article_id, extractor_version from articles order by 1") == [
        ("a1", "0.2"),
        ("a2", "0.1"),
    ]
    assert query(wh, "select meeting_id, city from meeting_mentions order by 1") == [
        ("m1", "Lyon"),
        ("m2", None),
    ]
    assert query(wh, "select count(*) from topics") == [(0,)]


def test_reports_of_one_meeting_in_two_runs_get_the_first_reports_id(tmp_path):
    wh = tmp_path / "wh"
    publish_rows(
        wh,
        "r1",
        articles=[article("a1", published=date(2025, 3, 4))],
        meeting_mentions=[mention("a1", "m-written", meeting_date=date(2025, 3, 4))],
        meeting_participants=[participant("a1", "m-written", "Claire Dubois")],
        topics=[topic("a1", "m-written", "energy")],
    )
    first_part = wh / "snapshots" / "r1" / "meeting_mentions" / "part-r1.parquet"
    publish_rows(
        wh,
        "r2",
        articles=[article("a2", published=date(2025, 3, 5))],
        meeting_mentions=[
            mention("a2", "m-borrowed", meeting_date=date(2025, 3, 5), date_basis="publication")
        ],
        meeting_participants=[participant("a2", "m-borrowed", "Claire Dubois", side="FRA")],
        statements=[statement("a2", "m-borrowed")],
    )
    assert query(wh, "select meeting_id, meeting_date, mention_count from meetings") == [
        ("m-written", date(2025, 3, 4), 2)
    ]
    for table in ("meeting_mentions", "statements", "meeting_participants", "topics"):
        assert query(wh, f"select distinct meeting_id from {table}") == [("m-written",)], table
    assert query(wh, "select side from meeting_participants") == [("FRA",)]
    carried = wh / "snapshots" / "r2" / "meeting_mentions" / "part-r1.parquet"
    assert carried.stat().st_ino == first_part.stat().st_ino  # nothing to remap: linked
    ledger_parts = sorted((wh / "current" / "_ledger" / "meeting_mentions").glob("*"))
    ledger = read_parts(ledger_parts, "meeting_mentions")
    assert sorted(ledger["meeting_id"].to_pylist()) == ["m-borrowed", "m-written"]


def fetched(url: str, hour: int, outcome: str = "fetched") -> dict:
    return {
        "url": url,
        "kind": "page",
        "outcome": outcome,
        "failures": 0 if outcome != "failed" else 1,
        "checked_at": at(hour),
    }


def test_fetch_state_keeps_the_last_request_per_url(tmp_path):
    wh = tmp_path / "wh"
    publish_rows(
        wh, "r1", fetch_state=[fetched("https://b.example/", 1), fetched("https://a.example/", 1)]
    )
    publish_rows(wh, "r2", fetch_state=[fetched("https://b.example/", 2, "failed")])
    assert query(wh, "select url, outcome, hour(checked_at) from fetch_state") == [
        ("https://a.example/", "fetched", 1),
        ("https://b.example/", "failed", 2),
    ]


def test_a_snapshot_from_before_the_record_ledgers_is_carried_on(tmp_path):
    wh = tmp_path / "wh"
    publish_rows(wh, "r1", **FIRST)
    old = wh / "snapshots" / "r1" / "_ledger"
    for table in ("meeting_mentions", "statements", "topics"):
        shutil.rmtree(old / table)
    publish_rows(wh, "r2", articles=[article("a3")], meeting_mentions=[mention("a3", "m1")])
    assert query(wh, "select mention_count from meetings") == [(3,)]
    assert query(wh, "select count(*) from topics") == [(1,)]


def test_ledger_parts_are_merged_in_order_past_a_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(ledger, "MAX_PARTS", 3)
    wh = tmp_path / "wh"
    for number in range(1, 6):
        run_id = f"r{number}"
        publish_rows(
            wh,
            run_id,
            articles=[article(f"a{number}", published=date(2025, 3, 31))],
            meeting_mentions=[
                mention(f"a{number}", f"m{number}", meeting_date=date(2025, 3, number))
            ],
        )
        parts = sorted(p.name for p in (wh / "current" / "articles").glob("*.parquet"))
        assert len(parts) <= 3, (run_id, parts)
    stored = read_parts(sorted((wh / "current" / "articles").glob("*.parquet")), "articles")
    assert stored["article_id"].to_pylist() == ["a1", "a2", "a3", "a4", "a5"]
    assert query(wh, "select count(*) from meeting_mentions") == [(5,)]


def test_an_edited_ledger_part_keeps_the_rows_of_older_and_current_parts_in_order(tmp_path):
    current = rows_to_table("articles", [article("a1"), article("a2")])
    older = rows_to_table("articles", [article("a3")]).drop_columns(["superseded_by"])
    write_parquet(current, tmp_path / "part-1.parquet")
    write_parquet(older, tmp_path / "part-2.parquet")
    write_parquet(current.slice(1), tmp_path / "part-3.parquet")
    parts = sorted(tmp_path.glob("part-*.parquet"))
    target = tmp_path / "edited" / "part-1.parquet"
    target.parent.mkdir()
    ledger._edit_part(parts, target, "articles", {"a1"}, {})
    edited = read_parts([target], "articles")
    assert edited["article_id"].to_pylist() == ["a2", "a3", "a2"]
    assert edited["superseded_by"].null_count == 3
