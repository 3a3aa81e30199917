"""The data checks in sql/checks/, one at a time, on tiny hand-made tables in memory.

Each check must find nothing in a consistent warehouse and find the one thing wrong in a
warehouse that is wrong in its way. (test_warehouse.py shows that a failing check stops
a publish; test_flows.py that it fails the run and keeps the previous publish.)
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from flows.warehouse import SQL_DIR, create_countries, rows_to_table
from transforms.schema import TABLES

CHECKS = sorted((SQL_DIR / "checks").glob("*.sql"))


def article(article_id: str = "a1", **overrides) -> dict:
    return {
        "article_id": article_id,
        "source_ref": f"{article_id}.txt",
        "title": None,
        "published_date": date(2025, 3, 4),
        "url": None,
        "content_hash": "0" * 64,
        "text": "Talks in Paris.",
        "extractor_version": "test",
    } | overrides


def mention(meeting_id: str = "m1", article_id: str = "a1", **overrides) -> dict:
    return {
        "meeting_id": meeting_id,
        "article_id": article_id,
        "evidence": "They met.",
        "evidence_start": 0,
        "evidence_end": 9,
        "meeting_date": date(2025, 3, 3),
        "date_basis": "explicit",
        "mode": "in_person",
        "status": "held",
        "sides": ["DEU", "FRA"],
        "city": None,
        "country": None,
        "name": None,
        "extractor_version": "test",
    } | overrides


def meeting(meeting_id: str = "m1", **overrides) -> dict:
    keep = ("meeting_id", "meeting_date", "date_basis", "mode", "status", "sides")
    row = {k: v for k, v in mention(meeting_id).items() if k in keep}
    return row | {"side_count": 2, "mention_count": 1} | overrides


def participant(side: str | None = "FRA", **overrides) -> dict:
    row = {"meeting_id": "m1", "name": "Claire Dubois", "side": side, "title": None}
    return row | {"article_id": "a1"} | overrides


def statement(statement_id: str = "s1", **overrides) -> dict:
    return {
        "statement_id": statement_id,
        "article_id": "a1",
        "meeting_id": "m1",
        "speaker": "Claire Dubois",
        "side": "FRA",
        "title": None,
        "text": "We agreed.",
        "start": 10,
        "end": 20,
        "extractor_version": "test",
    } | overrides


def topic(**overrides) -> dict:
    row = {"article_id": "a1", "meeting_id": "m1", "topic": "energy", "kind": "canonical"}
    return row | {"matched_text": "energy", "start": 0, "end": 6} | overrides


def consistent() -> dict[str, list[dict]]:
    return {
        "articles": [article()],
        "meetings": [meeting()],
        "meeting_mentions": [mention()],
        "meeting_participants": [participant()],
        "statements": [statement()],
        "topics": [topic()],
    }


def check_rows(check: Path, tables: dict[str, list[dict]]) -> list[tuple]:
    """Return what `check` finds in a catalog of `tables` (the others empty)."""
    with duckdb.connect() as con:
        for name in TABLES:
            con.register(f"{name}_rows", rows_to_table(name, tables.get(name, [])))
            con.execute(f"create table {name} as select * from {name}_rows")
        create_countries(con)
        return con.execute(check.read_text(encoding="utf-8")).fetchall()


@pytest.mark.parametrize("check", CHECKS, ids=lambda p: p.stem)
def test_check_finds_nothing_in_a_consistent_warehouse(check):
    assert check_rows(check, consistent()) == []


@pytest.mark.parametrize("check", CHECKS, ids=lambda p: p.stem)
def test_check_says_what_it_requires_in_a_header_comment(check):
    first = check.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("-- must return zero rows: "), first


def wrong(table: str, rows: list[dict]) -> dict[str, list[dict]]:
    return consistent() | {table: rows}


BROKEN = {
    "duplicate_article_ids": wrong("articles", [article(), article(source_ref="copy.txt")]),
    "duplicate_meeting_ids": wrong("meetings", [meeting(), meeting()]),
    "duplicate_statement_ids": wrong("statements", [statement(), statement(start=30, end=40)]),
    "mentions_without_article": wrong("meeting_mentions", [mention(), mention(article_id="a9")]),
    "records_without_meeting": wrong("topics", [topic(meeting_id="m9")]),
    "records_without_article": wrong("statements", [statement(article_id="a9")]),
    "meetings_without_mentions": wrong("meetings", [meeting(), meeting("m2")]),
    "records_of_superseded_articles": wrong("articles", [article(superseded_by="a2")]),
    "unknown_side_codes": wrong("meeting_participants", [participant("France")]),
    "held_meetings_after_publication": wrong("meetings", [meeting(meeting_date=date(2025, 3, 5))]),
    "empty_evidence": wrong("meeting_mentions", [mention(evidence="  ")]),
}


def test_every_check_has_a_broken_case():
    assert sorted(BROKEN) == [c.stem for c in CHECKS]


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_check_finds_what_is_wrong(name):
    assert check_rows(SQL_DIR / "checks" / f"{name}.sql", BROKEN[name]) != []


@pytest.mark.parametrize("side", ["SUN", "YUG", "CSK", "DDR", "XKX", "ORG:UN", "ORG:G7", "KEN"])
def test_side_codes_we_name_are_known(side):
    tables = consistent() | {"meeting_participants": [participant(side)]}
    assert check_rows(SQL_DIR / "checks" / "unknown_side_codes.sql", tables) == []


@pytest.mark.parametrize("side", ["ZAR", "BUR", "SCG", "fra", "ORG:un", "ORG:", "FR", "ORG:U N"])
def test_former_codes_we_do_not_name_and_malformed_codes_are_unknown(side):
    tables = consistent() | {"meeting_mentions": [mention(sides=["DEU", side])]}
    [(table, found)] = check_rows(SQL_DIR / "checks" / "unknown_side_codes.sql", tables)
    assert (table, found) == ("meeting_mentions", side)


def test_a_meeting_dated_after_only_some_of_its_reports_is_fine():
    later = article("a2", published_date=date(2025, 3, 10))
    tables = consistent() | {
        "articles": [article(), later],
        "meetings": [meeting(meeting_date=date(2025, 3, 8))],
        "meeting_mentions": [mention(), mention(article_id="a2")],
    }
    assert check_rows(SQL_DIR / "checks" / "held_meetings_after_publication.sql", tables) == []


@pytest.mark.parametrize("status", ["planned", "cancelled"])
def test_meetings_not_held_may_come_after_the_article(status):
    tables = consistent() | {"meetings": [meeting(meeting_date=date(2025, 4, 1), status=status)]}
    assert check_rows(SQL_DIR / "checks" / "held_meetings_after_publication.sql", tables) == []


def test_meetings_reported_by_an_undated_article_are_left_out():
    tables = consistent() | {
        "articles": [article(published_date=None)],
        "meetings": [meeting(meeting_date=date(2025, 4, 1))],
    }
    assert check_rows(SQL_DIR / "checks" / "held_meetings_after_publication.sql", tables) == []


def test_offsets_that_span_nothing_are_empty_evidence():
    tables = consistent() | {"statements": [statement(start=12, end=12)]}
    assert check_rows(SQL_DIR / "checks" / "empty_evidence.sql", tables) != []


def test_countries_name_current_former_and_user_assigned_codes():
    with duckdb.connect() as con:
        create_countries(con)
        rows = con.execute("select code, name, former from countries").fetchall()
    countries = {code: (name, former) for code, name, former in rows}
    assert countries["CHN"] == ("China", False)
    assert countries["XKX"] == ("Kosovo", False)  # user-assigned, not in ISO 3166
    assert countries["SUN"][1] is True
