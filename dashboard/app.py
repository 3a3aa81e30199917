"""The dashboard page: `summitry dashboard`, or `streamlit run dashboard/app.py`.

The warehouse folder comes from $SUMMITRY_WAREHOUSE (default ./warehouse). Each rerun
opens the catalog read-only, runs the panels' queries and closes it again, so a publish
that swaps in a new catalog is picked up on the next interaction and never blocked.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import streamlit as st

from dashboard import WAREHOUSE_ENV, charts, queries
from dashboard.queries import Filters, Options, WarehouseUnavailable, side_name
from flows.warehouse import current_snapshot


def main() -> None:
    """Draw the page: sidebar filters, headline numbers, then one panel after another."""
    st.set_page_config(page_title="Summitry: diplomatic activity", layout="wide")
    st.title("Diplomatic activity")
    warehouse = Path(os.environ.get(WAREHOUSE_ENV, "warehouse"))
    try:
        with queries.open_catalog(warehouse) as con:
            options = queries.filter_options(con)
            if options.meetings == 0:
                st.info(
                    f"The warehouse at {warehouse} has no meetings yet "
                    f"({options.articles} articles read). Run `summitry run` on more articles."
                )
                return
            filters = sidebar(warehouse, options)
            panels(con, filters)
    except WarehouseUnavailable as err:
        st.info(str(err))
    except duckdb.Error as err:
        st.error(f"The warehouse at {warehouse} could not be read: {err}")


def sidebar(warehouse: Path, options: Options) -> Filters:
    """Draw the filters and return them; they apply to every panel."""
    bar = st.sidebar
    bar.header("Filters")
    dates = ()
    if options.first_date is not None:
        dates = bar.date_input(
            "Meeting dates",
            value=(options.first_date, options.last_date),
            min_value=options.first_date,
            max_value=options.last_date,
            key="dates",
        )
    undated = bar.checkbox("Include undated meetings", value=True, key="undated")
    countries = bar.multiselect(
        "Countries",
        options.sides,
        format_func=side_name,
        placeholder="All countries",
        key="countries",
        help="Meetings where one of these is a side; pair panels keep pairs that include one.",
    )
    modes = bar.multiselect("Mode", options.modes, default=options.modes, key="modes")
    statuses = bar.multiselect("Status", options.statuses, default=("held",), key="statuses")
    snapshot = current_snapshot(warehouse)
    bar.caption(f"Warehouse {warehouse} (read-only), run {snapshot.name if snapshot else '?'}")
    return Filters(
        start=dates[0] if len(dates) > 0 else None,
        end=dates[1] if len(dates) > 1 else None,
        include_undated=undated,
        countries=tuple(countries) or None,
        modes=tuple(modes),
        statuses=tuple(statuses),
    )


def panels(con: duckdb.DuckDBPyConnection, filters: Filters) -> None:
    """Draw the headline numbers and every panel for the selected meetings."""
    counts = queries.headline(con, filters)
    for column, (label, value) in zip(st.columns(4), counts.items(), strict=True):
        column.metric(label.capitalize(), value)
    if counts["meetings"] == 0:
        st.warning("No meetings match these filters. Widen the dates or pick more modes.")
        return
    heatmap_panel(con, filters)
    left, right = st.columns(2)
    with left:
        network_panel(con, filters)
    with right:
        timeline_panel(con, filters)
    participants_panel(con, filters)
    topics_panel(con, filters)
    meetings_panel(con, filters)


def heatmap_panel(con: duckdb.DuckDBPyConnection, filters: Filters) -> None:
    """Meeting frequency by country pair, as a heatmap with readable names."""
    with st.container(key="panel-heatmap", border=True):
        st.subheader("Meetings by country pair")
        pairs = queries.pair_frequency(con, filters)
        if pairs.empty:
            st.info("No two sides met in the selected meetings.")
            return
        st.caption(f"{many(len(pairs), 'pair')}, {many(pairs['meetings'].sum(), 'pair-meeting')}")
        st.altair_chart(charts.pair_heatmap(pairs), width="stretch")


def network_panel(con: duckdb.DuckDBPyConnection, filters: Filters) -> None:
    """Countries linked by meetings; a line's width is the number of meetings."""
    with st.container(key="panel-network", border=True):
        st.subheader("Network of meetings")
        graph = queries.network(con, filters)
        if graph.edges.empty:
            st.info("No two sides met in the selected meetings.")
            return
        st.caption(f"{many(len(graph.nodes), 'side')}, {many(len(graph.edges), 'link')}")
        st.altair_chart(charts.network(graph.nodes, graph.edges), width="stretch")


def timeline_panel(con: duckdb.DuckDBPyConnection, filters: Filters) -> None:
    """Meetings per month of one chosen side, or of one pair."""
    with st.container(key="panel-timeline", border=True):
        st.subheader("Monthly timeline")
        sides = queries.sides_by_meetings(con, filters)
        if sides.empty:
            st.info("No meetings to show.")
            return
        chosen = [s for s in filters.countries or () if s in set(sides["side"])]
        choices = chosen + [s for s in sides["side"] if s not in chosen]
        choose, against = st.columns(2)
        side = choose.selectbox("Country", choices, format_func=side_name, key="side")
        pairs = queries.pair_frequency(con, filters)
        partners = sorted(
            set(pairs.loc[pairs["side_a"] == side, "side_b"])
            | set(pairs.loc[pairs["side_b"] == side, "side_a"]),
            key=side_name,
        )
        counterpart = against.selectbox(
            "Counterpart",
            [None, *partners],
            format_func=lambda code: "Any counterpart" if code is None else side_name(code),
            key="counterpart",
        )
        months = queries.monthly_timeline(con, filters, side, counterpart)
        who = side_name(side) + (f" with {side_name(counterpart)}" if counterpart else "")
        if months.empty:
            st.info(f"No dated meetings of {who}.")
            return
        st.caption(f"{many(months['meetings'].sum(), 'dated meeting')} of {who}")
        st.altair_chart(charts.monthly_timeline(months, who), width="stretch")


def participants_panel(con: duckdb.DuckDBPyConnection, filters: Filters) -> None:
    """The people at the most meetings, and whom and which sides they met."""
    with st.container(key="panel-participants", border=True):
        st.subheader("Busiest participants")
        people = queries.busiest_participants(con, filters)
        if people.empty:
            st.info("No participants are named in the selected meetings.")
            return
        st.caption(f"Top {len(people)} participants by meetings")
        chart, table = st.columns([2, 3])
        chart.altair_chart(charts.busiest_participants(people), width="stretch")
        table.dataframe(
            people[["name", "side_name", "title", "meetings", "counterparts", "met_sides"]],
            hide_index=True,
            column_config={
                "side_name": "Side",
                "met_sides": "Sides met",
                "counterparts": st.column_config.TextColumn("Counterparts", width="large"),
            },
        )


def topics_panel(con: duckdb.DuckDBPyConnection, filters: Filters) -> None:
    """Topics raised at each pair's meetings."""
    with st.container(key="panel-topics", border=True):
        st.subheader("Topics per country pair")
        free = st.toggle("Include free-text topics", value=False, key="free_topics")
        topics = queries.topics_per_pair(con, filters, canonical_only=not free)
        if topics.empty:
            st.info("No topics were found at the selected meetings.")
            return
        pairs = topics["pair"].nunique()
        st.caption(f"{many(topics['topic'].nunique(), 'topic')} across {many(pairs, 'pair')}")
        st.altair_chart(charts.topics_per_pair(topics), width="stretch")


def meetings_panel(con: duckdb.DuckDBPyConnection, filters: Filters) -> None:
    """Every selected meeting with its evidence sentence and sources, searchable."""
    with st.container(key="panel-meetings", border=True):
        st.subheader("Meetings")
        table = queries.meetings_table(con, filters)
        text = st.text_input("Search", placeholder="e.g. Nairobi trade", key="search")
        shown = queries.search_meetings(table, text)
        st.caption(f"{len(shown)} of {many(len(table), 'meeting')}")
        st.dataframe(
            shown,
            hide_index=True,
            column_config={
                "date": st.column_config.DateColumn("Date"),
                "evidence": st.column_config.TextColumn("Evidence", width="large"),
                "sources": st.column_config.ListColumn("Sources (URL or path)"),
                "meeting_id": "Meeting id",
            },
        )


def many(count: int, noun: str) -> str:
    """Return '1 pair', '2 pairs'."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


if __name__ == "__main__":
    main()
