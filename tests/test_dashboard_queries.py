"""The dashboard's data: each panel's rows from a tiny hand-made warehouse, without Streamlit."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dashboard import queries
from dashboard.queries import Filters, WarehouseUnavailable
from flows.warehouse import publish, rows_to_table, stage_batch

HELD = Filters(statuses=("held",))


def article(article_id: str, published: date, url: str | None = None) -> dict:
    return {
        "article_id": article_id,
        "source_ref": f"{article_id}.txt",
        "title": None,
        "published_date": published,
        "url": url,
        "content_hash": "0" * 64,
        "text": f"Text of {article_id}.",
        "extractor_version": "test",
    }


def mention(article_id: str, meeting_id: str, sides: tuple[str, ...], **overrides) -> dict:
    row = {
        "meeting_id": meeting_id,
        "article_id": article_id,
        "evidence": f"{article_id} reports {meeting_id}.",
        "evidence_start": 0,
        "evidence_end": 10,
        "meeting_date": None,
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


def person(article_id: str, meeting_id: str, name: str, side: str, title: str) -> dict:
    row = {"meeting_id": meeting_id, "name": name, "side": side, "title": title}
    return row | {"article_id": article_id}


def topic(article_id: str, meeting_id: str, label: str, kind: str = "canonical") -> dict:
    return {
        "article_id": article_id,
        "meeting_id": meeting_id,
        "topic": label,
        "kind": kind,
        "matched_text": label,
        "start": 0,
        "end": len(label),
    }


DUBOIS = ("Claire Dubois", "FRA", "Foreign Minister")
WEBER = ("Jonas Weber", "DEU", "Foreign Minister")
ROSSI = ("Marco Rossi", "ITA", "Prime Minister")
ROWS = {
    "articles": [
        article("a1", date(2025, 3, 21), url="https://news.example/a1"),
        article("a2", date(2025, 4, 2)),
        article("a3", date(2025, 4, 16)),
    ],
    "meeting_mentions": [
        mention("a1", "m1", ("FRA", "DEU"), meeting_date=date(2025, 3, 3), city="Paris"),
        mention("a2", "m1", ("FRA", "DEU"), meeting_date=date(2025, 3, 3), country="FRA"),
        mention("a1", "m2", ("FRA", "DEU"), meeting_date=date(2025, 3, 20), mode="phone"),
        mention("a2", "m3", ("FRA", "DEU", "ITA"), meeting_date=date(2025, 4, 1)),
        mention("a2", "m4", ("FRA", "DEU"), meeting_date=date(2025, 5, 10), status="planned"),
        mention("a3", "m5", ("FRA", "ITA")),
        mention("a3", "m6", ("KEN", "ORG:UN"), meeting_date=date(2025, 4, 15), mode="video"),
    ],
    "meeting_participants": [
        *(person("a1", m, *p) for m in ("m1", "m2") for p in (DUBOIS, WEBER)),
        *(person("a2", "m3", *p) for p in (DUBOIS, WEBER, ROSSI)),
        person("a3", "m6", "Amina Otieno", "KEN", "President"),
    ],
    "topics": [
        topic("a1", "m1", "energy"),
        topic("a1", "m2", "energy"),
        topic("a2", "m3", "trade"),
        topic("a2", "m3", "gas storage", kind="free"),
        topic("a2", "m4", "trade"),
    ],
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    wh = tmp_path_factory.mktemp("dashboard") / "wh"
    staging = wh / "staging" / "r1"
    stage_batch(staging, 0, {name: rows_to_table(name, rows) for name, rows in ROWS.items()})
    publish(wh, staging, "r1")
    return wh


@pytest.fixture
def con(warehouse):
    with queries.open_catalog(warehouse) as connection:
        yield connection


def pairs(con, filters: Filters) -> dict[tuple[str, str], int]:
    frame = queries.pair_frequency(con, filters)
    return {(a, b): n for a, b, n in zip(frame.side_a, frame.side_b, frame.meetings, strict=True)}


# --- Opening -----------------------------------------------------------------------------------


def test_catalog_opens_read_only(con):
    with pytest.raises(duckdb.Error, match="read-only"):
        con.execute("create table scratch (i integer)")


def test_missing_warehouse_says_how_to_build_one(tmp_path):
    with pytest.raises(WarehouseUnavailable, match="summitry run"), queries.open_catalog(tmp_path):
        pass


# --- Filters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "meetings"),
    [
        (Filters(), {"m1", "m2", "m3", "m4", "m5", "m6"}),
        (HELD, {"m1", "m2", "m3", "m5", "m6"}),
        (Filters(start=date(2025, 3, 10), end=date(2025, 4, 30)), {"m2", "m3", "m5", "m6"}),
        (Filters(start=date(2025, 3, 10), include_undated=False), {"m2", "m3", "m4", "m6"}),
        (Filters(countries=("ITA",)), {"m3", "m5"}),
        (Filters(modes=("phone", "video")), {"m2", "m6"}),
        (Filters(modes=()), set()),
    ],
    ids=["none", "held", "dates", "dates-no-undated", "country", "modes", "no-mode"],
)
def test_filters_select_meetings(con, filters, meetings):
    sql, params = queries.selected_sql(filters)
    assert {m for (m,) in con.execute(f"select meeting_id from ({sql})", params).fetchall()} == (
        meetings
    )


# --- Panels ------------------------------------------------------------------------------------


def test_pair_frequency_counts_meetings_and_names_sides(con):
    frame = queries.pair_frequency(con, HELD)
    assert pairs(con, HELD) == {
        ("DEU", "FRA"): 3,
        ("FRA", "ITA"): 2,
        ("DEU", "ITA"): 1,
        ("KEN", "ORG:UN"): 1,
    }
    assert list(frame.side_a_name[:2]) == ["Germany", "France"]
    assert frame.side_b_name.iloc[-1] == "UN"


def test_pair_frequency_with_a_country_keeps_pairs_that_include_it(con):
    assert pairs(con, Filters(countries=("ITA",))) == {("FRA", "ITA"): 2, ("DEU", "ITA"): 1}


def test_pair_frequency_agrees_with_the_sql_view_on_dated_held_meetings(con):
    view = con.execute(
        "select side_a, side_b, sum(meetings) from meeting_frequency_by_country_pair group by all"
    ).fetchall()
    dated_held = Filters(statuses=("held",), include_undated=False)
    assert pairs(con, dated_held) == {(a, b): n for a, b, n in view}


def test_monthly_timeline_of_a_side_and_of_a_pair(con):
    side = queries.monthly_timeline(con, HELD, "FRA")
    assert list(side.itertuples(index=False, name=None)) == [
        (date(2025, 3, 1), "in_person", 1),
        (date(2025, 3, 1), "phone", 1),
        (date(2025, 4, 1), "in_person", 1),
    ]
    pair = queries.monthly_timeline(con, HELD, "FRA", "ITA")
    assert list(pair.itertuples(index=False, name=None)) == [(date(2025, 4, 1), "in_person", 1)]


def test_network_puts_nodes_on_a_circle_and_edges_between_them(con):
    graph = queries.network(con, HELD)
    assert dict(zip(graph.nodes.side, graph.nodes.meetings, strict=True)) == {
        "FRA": 4,
        "DEU": 3,
        "ITA": 2,
        "KEN": 1,
        "ORG:UN": 1,
    }
    place = {row.side: (row.x, row.y) for row in graph.nodes.itertuples()}
    assert all(math.isclose(math.hypot(x, y), 1) for x, y in place.values())
    for edge in graph.edges.itertuples():
        assert (edge.x, edge.y) == place[edge.side_a]
        assert (edge.x2, edge.y2) == place[edge.side_b]


def test_circle_layout_keeps_linked_sides_next_to_each_other(con):
    graph = queries.network(con, HELD)
    angle = {row.side: math.atan2(row.y, row.x) for row in graph.nodes.itertuples()}
    step = 2 * math.pi / len(angle)
    gap = abs(angle["KEN"] - angle["ORG:UN"]) % (2 * math.pi)
    assert math.isclose(min(gap, 2 * math.pi - gap), step)


def test_busiest_participants_with_their_counterparts(con):
    people = queries.busiest_participants(con, HELD)
    first = people.iloc[0]
    assert (first["name"], first["side_name"], first["meetings"]) == ("Claire Dubois", "France", 3)
    assert first["counterparts"] == "Jonas Weber (Germany) ×3, Marco Rossi (Italy)"
    assert first["met_sides"] == "Germany ×3, Italy"
    assert list(people.name) == ["Claire Dubois", "Jonas Weber", "Amina Otieno", "Marco Rossi"]


def test_topics_per_pair_canonical_only_unless_asked(con):
    canonical = queries.topics_per_pair(con, HELD)
    assert set(zip(canonical.pair, canonical.topic, canonical.meetings, strict=True)) == {
        ("Germany – France", "energy", 2),
        ("Germany – France", "trade", 1),
        ("Germany – Italy", "trade", 1),
        ("France – Italy", "trade", 1),
    }
    everything = queries.topics_per_pair(con, HELD, canonical_only=False)
    assert "gas storage" in set(everything.topic)


def test_meetings_table_has_evidence_sources_people_and_place(con):
    table = queries.meetings_table(con, Filters())
    assert list(table.meeting_id) == ["m4", "m6", "m3", "m2", "m1", "m5"]
    m1 = table.set_index("meeting_id").loc["m1"]
    assert m1["date"] == date(2025, 3, 3)
    assert m1["sides"] == "France · Germany"
    assert m1["participants"] == (
        "Claire Dubois (Foreign Minister, France); Jonas Weber (Foreign Minister, Germany)"
    )
    assert m1["place"] == "Paris, France"
    assert m1["evidence"] == "a1 reports m1."
    assert m1["sources"] == ["https://news.example/a1", "a2.txt"]


@pytest.mark.parametrize(
    ("text", "meetings"),
    [("", 6), ("paris WEBER", 1), ("a2.txt", 3), ("nowhere", 0)],
)
def test_search_matches_every_word_in_any_column(con, text, meetings):
    table = queries.meetings_table(con, Filters())
    assert len(queries.search_meetings(table, text)) == meetings


def test_headline_counts_follow_the_filters(con):
    assert queries.headline(con, HELD) == {"meetings": 5, "sides": 5, "pairs": 4, "articles": 3}
    assert queries.headline(con, Filters(modes=())) == {
        "meetings": 0,
        "sides": 0,
        "pairs": 0,
        "articles": 0,
    }


def test_every_panel_is_empty_but_well_formed_when_nothing_matches(con):
    nothing = Filters(statuses=())
    for panel in (
        queries.pair_frequency,
        queries.busiest_participants,
        queries.topics_per_pair,
        queries.meetings_table,
    ):
        assert panel(con, nothing).empty
    assert queries.network(con, nothing).edges.empty
