"""Altair (Vega-Lite) charts of the dashboard's panels, one function per chart.

Each takes the DataFrame of the matching `queries` function and returns a chart; none
queries the warehouse or calls Streamlit, so a chart's spec can be checked on its own.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from transforms.schema import MODES

MODE_COLOURS = alt.Scale(domain=list(MODES), range=["#1f77b4", "#ff7f0e", "#2ca02c"])


def counts_legend(counts: pd.Series) -> alt.Legend:
    """Return a legend of whole meeting counts (1, the middle, the most): never 0 or 0.5."""
    most = int(counts.max()) if len(counts) else 1
    return alt.Legend(values=sorted({1, (most + 1) // 2, most}), format="d")


def sized(smallest: int, largest: int) -> alt.Scale:
    """Return a size scale whose marks grow from `smallest` to `largest`."""
    return alt.Scale(range=[smallest, largest])


def pair_heatmap(pairs: pd.DataFrame) -> alt.LayerChart:
    """Return a symmetric heatmap of meetings per pair, sides sorted busiest first."""
    mirrored = pd.concat(
        [
            pairs.rename(columns={"side_a_name": "row", "side_b_name": "column"}),
            pairs.rename(columns={"side_b_name": "row", "side_a_name": "column"}),
        ]
    )[["row", "column", "meetings", "first_meeting", "last_meeting"]]
    order = list(mirrored.groupby("row")["meetings"].sum().sort_values(ascending=False).index)
    size = max(20 * len(order), 200)
    every = {"labelOverlap": False, "labelFontSize": 10, "labelLimit": 120}
    base = alt.Chart(mirrored).encode(
        x=alt.X("column:N", sort=order, title=None, axis=alt.Axis(labelAngle=-50, **every)),
        y=alt.Y("row:N", sort=order, title=None, axis=alt.Axis(**every)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "meetings:Q",
            title="Meetings",
            scale=alt.Scale(scheme="blues"),
            legend=counts_legend(mirrored["meetings"]),
        ),
        tooltip=[
            alt.Tooltip("row:N", title="Side"),
            alt.Tooltip("column:N", title="Counterpart"),
            alt.Tooltip("meetings:Q", title="Meetings"),
            alt.Tooltip("first_meeting:T", title="First"),
            alt.Tooltip("last_meeting:T", title="Last"),
        ],
    )
    labels = base.mark_text(fontSize=10).encode(
        text="meetings:Q",
        color=alt.condition(alt.datum.meetings > 1, alt.value("white"), alt.value("black")),
    )
    return (cells + labels).properties(height=size)


def monthly_timeline(months: pd.DataFrame, title: str) -> alt.Chart:
    """Return stacked bars of meetings per month, coloured by mode."""
    return (
        alt.Chart(months, title=title)
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(month):T", title="Month"),
            y=alt.Y("sum(meetings):Q", title="Meetings", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("mode:N", title="Mode", scale=MODE_COLOURS),
            tooltip=[
                alt.Tooltip("yearmonth(month):T", title="Month"),
                alt.Tooltip("mode:N", title="Mode"),
                alt.Tooltip("meetings:Q", title="Meetings"),
            ],
        )
        .properties(height=260)
    )


def network(nodes: pd.DataFrame, edges: pd.DataFrame) -> alt.LayerChart:
    """Return countries on a circle linked by lines as thick as their meeting counts."""
    hidden = alt.Axis(labels=False, ticks=False, grid=False, domain=False, title=None)
    x = alt.X("x:Q", axis=hidden, scale=alt.Scale(domain=[-1.35, 1.35]))
    y = alt.Y("y:Q", axis=hidden, scale=alt.Scale(domain=[-1.25, 1.25]))
    lines = (
        alt.Chart(edges)
        .mark_rule(opacity=0.55, color="#4c78a8")
        .encode(
            x=x,
            y=y,
            x2="x2:Q",
            y2="y2:Q",
            strokeWidth=alt.StrokeWidth(
                "meetings:Q", title="Meetings", scale=sized(1, 8), legend=None
            ),
            tooltip=[
                alt.Tooltip("side_a_name:N", title="Side"),
                alt.Tooltip("side_b_name:N", title="Counterpart"),
                alt.Tooltip("meetings:Q", title="Meetings"),
            ],
        )
    )
    points = (
        alt.Chart(nodes)
        .mark_circle(color="#f58518", opacity=0.9)
        .encode(
            x=x,
            y=y,
            size=alt.Size(
                "meetings:Q",
                title="Meetings",
                scale=sized(60, 600),
                legend=counts_legend(nodes["meetings"]),
            ),
            tooltip=[alt.Tooltip("side_name:N", title="Side"), alt.Tooltip("meetings:Q")],
        )
    )
    outside = nodes.assign(x=nodes["x"] * 1.09, y=nodes["y"] * 1.09)
    labels = [
        alt.Chart(outside[keep])
        .mark_text(align=align, fontSize=11)
        .encode(x=x, y=y, text="side_name:N")
        for keep, align in (
            (outside["x"] > 0.15, "left"),
            (outside["x"] < -0.15, "right"),
            (outside["x"].abs() <= 0.15, "center"),
        )
    ]
    return alt.layer(lines, points, *labels).properties(height=460)


def busiest_participants(people: pd.DataFrame) -> alt.Chart:
    """Return horizontal bars of meetings per participant, coloured by side."""
    labelled = people.assign(person=people["name"] + " (" + people["side_name"] + ")")
    return (
        alt.Chart(labelled)
        .mark_bar(color="#4c78a8")
        .encode(
            x=alt.X("meetings:Q", title="Meetings", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y(
                "person:N",
                sort="-x",
                title=None,
                axis=alt.Axis(labelLimit=260, labelOverlap=False),
            ),
            tooltip=["name:N", "title:N", "side_name:N", "meetings:Q", "met_sides:N"],
        )
        .properties(height=max(24 * len(people), 120))
    )


def topics_per_pair(topics: pd.DataFrame) -> alt.Chart:
    """Return a grid of pairs against topics, a circle sized by the meetings that raised it."""
    every = {"labelOverlap": False, "labelLimit": 220}
    return (
        alt.Chart(topics)
        .mark_circle(color="#54a24b")
        .encode(
            x=alt.X("topic:N", title=None, axis=alt.Axis(labelAngle=-40, **every)),
            y=alt.Y("pair:N", title=None, axis=alt.Axis(**every)),
            size=alt.Size(
                "meetings:Q",
                title="Meetings",
                scale=sized(40, 400),
                legend=counts_legend(topics["meetings"]),
            ),
            tooltip=["pair:N", "topic:N", "meetings:Q", "mentions:Q"],
        )
        .properties(height=max(22 * topics["pair"].nunique(), 120))
    )
