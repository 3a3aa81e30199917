"""The dashboard page, run by Streamlit's AppTest on a tiny warehouse (no browser, no server)."""

from __future__ import annotations

import hashlib

import duckdb
import pytest
from streamlit.testing.v1 import AppTest
from warehouse_builders import publish_corpus

from dashboard import APP, WAREHOUSE_ENV
from flows.warehouse import CATALOG, publish

PANELS = [
    "Meetings by country pair",
    "Network of meetings",
    "Monthly timeline",
    "Busiest participants",
    "Topics per country pair",
    "Meetings",
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    from conftest import write_tiny_corpus

    root = tmp_path_factory.mktemp("page")
    return publish_corpus(write_tiny_corpus(root / "corpus"), root / "wh")


def page(monkeypatch, warehouse) -> AppTest:
    monkeypatch.setenv(WAREHOUSE_ENV, str(warehouse))
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def caption(app: AppTest, starts: str) -> str:
    return next(c.value for c in app.caption if c.value.startswith(starts))


def test_every_panel_shows_the_tiny_warehouse(monkeypatch, warehouse):
    app = page(monkeypatch, warehouse)
    assert [s.value for s in app.subheader] == PANELS
    assert [m.value for m in app.metric] == ["3", "6", "3", "3"]  # meetings, sides, pairs, articles
    assert caption(app, "3 of 3 meetings")
    assert app.get("arrow_vega_lite_chart") or app.get("vega_lite_chart")


def test_search_narrows_the_meetings_table(monkeypatch, warehouse):
    app = page(monkeypatch, warehouse)
    app.text_input(key="search").input("Nairobi").run()
    assert caption(app, "1 of 3 meetings")
    table = app.dataframe[-1].value
    assert list(table["sides"]) == ["Ghana · Kenya"]
    assert "Nairobi" in table["evidence"].iloc[0]


def test_a_filter_that_matches_nothing_says_so(monkeypatch, warehouse):
    app = page(monkeypatch, warehouse)
    app.sidebar.multiselect(key="modes").set_value([]).run()
    assert "No meetings match" in app.warning[0].value
    assert [s.value for s in app.subheader] == []


def test_country_filter_reaches_every_panel(monkeypatch, warehouse):
    app = page(monkeypatch, warehouse)
    app.sidebar.multiselect(key="countries").set_value(["JPN"]).run()
    assert [m.value for m in app.metric][:3] == ["1", "2", "1"]
    assert caption(app, "1 pair,")
    assert caption(app, "1 of 1 meeting")
    assert app.selectbox(key="side").value == "JPN"


def test_missing_warehouse_gets_a_friendly_message(monkeypatch, tmp_path):
    app = page(monkeypatch, tmp_path / "nowhere")
    assert "no warehouse" in app.info[0].value.lower()
    assert "summitry run" in app.info[0].value


def test_empty_warehouse_gets_a_friendly_message(monkeypatch, tmp_path):
    staging = tmp_path / "wh" / "staging" / "r1"
    publish(tmp_path / "wh", staging, "r1")
    app = page(monkeypatch, tmp_path / "wh")
    assert "no meetings yet" in app.info[0].value


def test_the_page_never_writes_or_keeps_the_catalog(monkeypatch, tmp_path):
    from conftest import write_tiny_corpus

    warehouse = publish_corpus(write_tiny_corpus(tmp_path / "corpus"), tmp_path / "wh")
    catalog = warehouse / CATALOG
    before = hashlib.sha256(catalog.read_bytes()).hexdigest()
    page(monkeypatch, warehouse)
    assert hashlib.sha256(catalog.read_bytes()).hexdigest() == before
    # A read-write open in this process fails while any read-only connection is still open.
    with duckdb.connect(str(catalog)) as con:
        assert con.execute("select count(*) from meetings").fetchall() == [(3,)]
