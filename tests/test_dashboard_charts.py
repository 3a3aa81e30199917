"""The dashboard's charts: valid Vega-Lite specs that carry the panel's rows."""

from __future__ import annotations

import pandas as pd
import pytest
from test_dashboard_queries import HELD, warehouse  # noqa: F401  (the module's fixture)

from dashboard import charts, queries


@pytest.fixture
def con(warehouse):  # noqa: F811
    with queries.open_catalog(warehouse) as connection:
        yield connection


def values(spec: dict) -> list[dict]:
    """Return every inline data row of a (possibly layered) spec."""
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def test_heatmap_is_symmetric_with_readable_names(con):
    spec = charts.pair_heatmap(queries.pair_frequency(con, HELD)).to_dict()
    cells = {(row["row"], row["column"]): row["meetings"] for row in values(spec)}
    assert cells[("France", "Germany")] == cells[("Germany", "France")] == 3


def test_network_draws_edges_nodes_and_labels(con):
    graph = queries.network(con, HELD)
    spec = charts.network(graph.nodes, graph.edges).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks[:2] == ["rule", "circle"]
    assert set(marks[2:]) == {"text"}


@pytest.mark.parametrize(
    ("build", "rows"),
    [
        (lambda con: charts.monthly_timeline(queries.monthly_timeline(con, HELD, "FRA"), "F"), 3),
        (lambda con: charts.busiest_participants(queries.busiest_participants(con, HELD)), 4),
        (lambda con: charts.topics_per_pair(queries.topics_per_pair(con, HELD)), 4),
    ],
    ids=["timeline", "participants", "topics"],
)
def test_chart_carries_its_rows(con, build, rows):
    assert len(values(build(con).to_dict())) == rows


def test_charts_accept_empty_frames():
    empty = pd.DataFrame({"side_a_name": [], "side_b_name": [], "meetings": []})
    empty = empty.assign(first_meeting=[], last_meeting=[])
    assert charts.pair_heatmap(empty).to_dict()
