"""The rows behind each dashboard panel, as DataFrames: plain functions over a DuckDB connection.

Every panel starts from the same `selected` meetings (the sidebar's filters applied to
`meetings`), so the filters hold for every panel alike. Side codes become readable names
with the extractor's own lexicon ('DEU' -> 'Germany', 'ORG:AU' -> 'AU').
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from flows.warehouse import CATALOG, DUCKDB_CONFIG
from transforms.lexicon import country_name
from transforms.schema import MODES, STATUSES


class WarehouseUnavailable(Exception):
    """The catalog is missing or cannot be opened; the message says what to do."""


@dataclass(frozen=True, slots=True)
class Filters:
    """The sidebar's choices; None means no restriction, an empty tuple selects nothing."""

    start: date | None = None
    end: date | None = None
    include_undated: bool = True
    countries: tuple[str, ...] | None = None
    modes: tuple[str, ...] | None = None
    statuses: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Options:
    """What the warehouse holds, for the sidebar: dates, sides, modes and statuses."""

    meetings: int
    articles: int
    first_date: date | None
    last_date: date | None
    sides: tuple[str, ...] = ()
    modes: tuple[str, ...] = MODES
    statuses: tuple[str, ...] = STATUSES


@dataclass(slots=True)
class Network:
    """Countries as nodes (with x, y on a circle) and meetings between them as edges."""

    nodes: pd.DataFrame
    edges: pd.DataFrame = field(default_factory=pd.DataFrame)


# --- Opening the catalog --------------------------------------------------------------------


@contextmanager
def open_catalog(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a read-only connection to `<warehouse>/summitry.duckdb`, closed afterwards.

    Raises WarehouseUnavailable when there is no catalog or another process holds it
    read-write. The connection is short-lived on purpose: a publish swaps in a new file.
    """
    catalog = warehouse / CATALOG
    if not catalog.is_file():
        raise WarehouseUnavailable(
            f"There is no warehouse at {warehouse} yet. Build one with "
            f"`summitry run --input corpus/sample --warehouse {warehouse}`."
        )
    try:
        con = duckdb.connect(str(catalog), read_only=True, config=DUCKDB_CONFIG)
    except duckdb.Error as err:
        raise WarehouseUnavailable(
            f"{catalog} cannot be opened read-only ({err}). If another program holds it "
            "read-write, close it or reconnect it with read_only=True."
        ) from err
    try:
        yield con
    finally:
        con.close()


@cache
def side_name(code: str) -> str:
    """Return a readable name for a side code: 'DEU' -> 'Germany', 'ORG:UN' -> 'UN'."""
    return country_name(code)


# --- The selected meetings ------------------------------------------------------------------


def selected_sql(filters: Filters) -> tuple[str, dict]:
    """Return `select * from meetings where ...` for `filters`, and its named parameters."""
    conditions, params = [], {}
    dated = []
    if filters.start is not None:
        dated.append("meeting_date >= $start")
        params["start"] = filters.start
    if filters.end is not None:
        dated.append("meeting_date <= $end")
        params["end"] = filters.end
    if not filters.include_undated:
        conditions.append(" and ".join([*dated, "meeting_date is not null"]))
    elif dated:
        conditions.append(f"(({' and '.join(dated)}) or meeting_date is null)")
    for name, column in (("modes", "mode"), ("statuses", "status")):
        values = getattr(filters, name)
        if values is not None:
            conditions.append(f"list_contains(${name}::varchar[], {column})")
            params[name] = list(values)
    if filters.countries is not None:
        conditions.append("list_has_any(sides, $countries::varchar[])")
        params["countries"] = list(filters.countries)
    where = " and ".join(conditions) or "true"
    return f"select * from meetings where {where}", params


def _pairs_sql(filters: Filters) -> str:
    """Pairs of the selected meetings; with a country filter, only pairs that include one."""
    touches = "true"
    if filters.countries is not None:
        touches = "list_has_any([side_a, side_b], $countries::varchar[])"
    return (
        "select meeting_pairs.* from meeting_pairs "
        "semi join selected on meeting_pairs.meeting_id = selected.meeting_id "
        f"where {touches}"
    )


def _records(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> list[dict]:
    """Return the rows as dicts, NULL as None (a DataFrame would turn it into NaN)."""
    result = con.execute(sql, params)
    columns = [column[0] for column in result.description]
    return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> pd.DataFrame:
    result = con.execute(sql, params)
    columns = [column[0] for column in result.description]
    return pd.DataFrame(result.fetchall(), columns=columns)


def _with_selected(filters: Filters, body: str, pairs: bool = False) -> tuple[str, dict]:
    selected, params = selected_sql(filters)
    ctes = [f"selected as ({selected})"]
    if pairs:
        ctes.append(f"pairs as ({_pairs_sql(filters)})")
    return f"with {', '.join(ctes)}\n{body}", params


def _label(code: str | None) -> str:
    return side_name(code) if code else ""


def _named(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Add `<column>_name` with the readable name beside each side-code column."""
    frame = frame.copy()
    for column in columns:
        names = [_label(code) for code in frame[column]]
        frame[f"{column}_name"] = pd.Series(names, index=frame.index, dtype="str")
    return frame


# --- Sidebar options and headline numbers ------------------------------------------------


def filter_options(con: duckdb.DuckDBPyConnection) -> Options:
    """Return what the sidebar can offer: the date span and every side met, busiest first."""
    meetings, first, last = con.execute(
        "select count(*), min(meeting_date), max(meeting_date) from meetings"
    ).fetchall()[0]
    articles = con.execute("select count(*) from articles").fetchall()[0][0]
    sides = con.execute(
        "select side from (select unnest(sides) as side from meetings) "
        "group by side order by count(*) desc, side"
    ).fetchall()
    return Options(meetings, articles, first, last, tuple(s for (s,) in sides))


def headline(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, int]:
    """Return the counts above the panels: meetings, sides, pairs and source articles."""
    sql, params = _with_selected(
        filters,
        "select (select count(*) from selected),"
        " (select count(distinct side) from (select unnest(sides) as side from selected)),"
        " (select count(*) from (select distinct side_a, side_b from pairs)),"
        " (select count(distinct article_id) from meeting_mentions"
        "  semi join selected on meeting_mentions.meeting_id = selected.meeting_id)",
        pairs=True,
    )
    values = con.execute(sql, params).fetchall()[0]
    return dict(zip(("meetings", "sides", "pairs", "articles"), values, strict=True))


# --- Panels -----------------------------------------------------------------------------------


def pair_frequency(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Return one row per pair of sides (side_a < side_b): meetings, first and last date."""
    sql, params = _with_selected(
        filters,
        "select side_a, side_b, count(distinct meeting_id) as meetings,"
        " min(meeting_date) as first_meeting, max(meeting_date) as last_meeting"
        " from pairs group by side_a, side_b order by meetings desc, side_a, side_b",
        pairs=True,
    )
    return _named(_frame(con, sql, params), "side_a", "side_b")


def sides_by_meetings(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Return one row per side of the selected meetings with its meeting count, busiest first."""
    sql, params = _with_selected(
        filters,
        "select side, count(distinct meeting_id) as meetings"
        " from (select meeting_id, unnest(sides) as side from selected)"
        " group by side order by meetings desc, side",
    )
    return _named(_frame(con, sql, params), "side")


def monthly_timeline(
    con: duckdb.DuckDBPyConnection, filters: Filters, side: str, counterpart: str | None = None
) -> pd.DataFrame:
    """Return one row per (month, mode): dated selected meetings of `side` [and `counterpart`]."""
    sql, params = _with_selected(
        filters,
        "select date_trunc('month', meeting_date)::date as month, mode,"
        " count(*) as meetings from selected"
        " where meeting_date is not null and list_contains(sides, $side)"
        " and ($counterpart::varchar is null or list_contains(sides, $counterpart))"
        " group by month, mode order by month, mode",
    )
    return _frame(con, sql, params | {"side": side, "counterpart": counterpart})


def network(con: duckdb.DuckDBPyConnection, filters: Filters) -> Network:
    """Return the sides as nodes on a circle and the pairs that met as weighted edges."""
    edges = pair_frequency(con, filters)
    sql, params = _with_selected(
        filters,
        "select side, count(distinct meeting_id) as meetings from ("
        " select meeting_id, side_a as side from pairs"
        " union all select meeting_id, side_b as side from pairs)"
        " group by side order by meetings desc, side",
        pairs=True,
    )
    nodes = _named(_frame(con, sql, params), "side")
    return circle_layout(nodes, edges)


def circle_layout(nodes: pd.DataFrame, edges: pd.DataFrame) -> Network:
    """Place `nodes` on a unit circle, neighbours next to each other; give edges their ends.

    The order is a walk from the busiest side to its heaviest links, so groups that meet
    among themselves sit together and few edges cross the circle.
    """
    order = _walk_order(list(nodes["side"]), edges)
    count = max(len(order), 1)
    position = {
        side: (math.cos(2 * math.pi * i / count), math.sin(2 * math.pi * i / count))
        for i, side in enumerate(order)
    }
    nodes = nodes.assign(
        x=[position[s][0] for s in nodes["side"]], y=[position[s][1] for s in nodes["side"]]
    )
    edges = edges.assign(
        x=[position[s][0] for s in edges["side_a"]],
        y=[position[s][1] for s in edges["side_a"]],
        x2=[position[s][0] for s in edges["side_b"]],
        y2=[position[s][1] for s in edges["side_b"]],
    )
    return Network(nodes, edges)


def _walk_order(sides: list[str], edges: pd.DataFrame) -> list[str]:
    """Return `sides` (busiest first) in depth-first order along the heaviest edges."""
    links: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for a, b, weight in zip(edges["side_a"], edges["side_b"], edges["meetings"], strict=True):
        links[a].append((-weight, b))
        links[b].append((-weight, a))
    order: list[str] = []
    for start in sides:
        stack = [start]
        while stack:
            side = stack.pop()
            if side in order:
                continue
            order.append(side)
            stack += [b for _, b in sorted(links[side], reverse=True) if b not in order]
    return order


def busiest_participants(
    con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 15
) -> pd.DataFrame:
    """Return the people at the most selected meetings, with the people and sides they met."""
    sql, params = _with_selected(
        filters,
        "select people.meeting_id, people.name, people.side, max(people.title) as title,"
        " any_value(selected.sides) as sides"
        " from meeting_participants as people"
        " inner join selected on people.meeting_id = selected.meeting_id"
        " group by people.meeting_id, people.name, people.side",
    )
    people = _records(con, sql, params)
    by_person: dict[tuple[str, str | None], list[dict]] = defaultdict(list)
    by_meeting: dict[str, list[dict]] = defaultdict(list)
    for row in people:
        by_person[row["name"], row["side"]].append(row)
        by_meeting[row["meeting_id"]].append(row)
    rows = [_participant_row(person, own, by_meeting) for person, own in by_person.items()]
    rows.sort(key=lambda row: (-row["meetings"], row["name"]))
    return pd.DataFrame(rows[:limit], columns=PARTICIPANT_COLUMNS)


PARTICIPANT_COLUMNS = [
    "name",
    "side",
    "side_name",
    "title",
    "meetings",
    "counterparts",
    "met_sides",
]


def _participant_row(
    person: tuple[str, str | None], own: list[dict], by_meeting: dict[str, list[dict]]
) -> dict:
    """Return one participant's row: counterparts are people of other sides at their meetings."""
    name, side = person
    met = Counter(
        (other["name"], other["side"])
        for row in own
        for other in by_meeting[row["meeting_id"]]
        if other["side"] != side
    )
    sides = Counter(s for row in own for s in row["sides"] if s != side)
    titles = Counter(row["title"] for row in own if row["title"])
    return {
        "name": name,
        "side": side,
        "side_name": side_name(side) if side else "",
        "title": titles.most_common(1)[0][0] if titles else "",
        "meetings": len(own),
        "counterparts": _counted(
            (f"{other} ({side_name(s) if s else 'side unknown'})", n)
            for (other, s), n in met.items()
        ),
        "met_sides": _counted((side_name(s), n) for s, n in sides.items()),
    }


def _counted(items: Iterable[tuple[str, int]]) -> str:
    """Return 'a ×3, b, c' for (label, count) pairs, most frequent first."""
    ordered = sorted(items, key=lambda item: (-item[1], item[0]))
    return ", ".join(label + (f" ×{n}" if n > 1 else "") for label, n in ordered)


def topics_per_pair(
    con: duckdb.DuckDBPyConnection, filters: Filters, canonical_only: bool = True
) -> pd.DataFrame:
    """Return one row per (pair, topic): how many selected meetings of the pair raised it."""
    sql, params = _with_selected(
        filters,
        "select pairs.side_a, pairs.side_b, topics.topic,"
        " count(distinct topics.meeting_id) as meetings, count(*) as mentions"
        " from topics inner join pairs on topics.meeting_id = pairs.meeting_id"
        " where not $canonical_only or topics.kind = 'canonical'"
        " group by all order by meetings desc, side_a, side_b, topic",
        pairs=True,
    )
    params["canonical_only"] = canonical_only
    frame = _named(_frame(con, sql, params), "side_a", "side_b")
    pairs = [f"{a} – {b}" for a, b in zip(frame["side_a_name"], frame["side_b_name"], strict=True)]
    frame["pair"] = pd.Series(pairs, index=frame.index, dtype="str")
    return frame


MEETING_COLUMNS = [
    "date",
    "sides",
    "participants",
    "mode",
    "status",
    "place",
    "evidence",
    "sources",
    "meeting_id",
]


def meetings_table(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Return one row per selected meeting, latest first, with its evidence and sources.

    `evidence` is the sentence of the earliest article that reports the meeting; `sources`
    lists every such article's URL, or its source path when it has none.
    """
    sql, params = _with_selected(
        filters,
        "select selected.meeting_id, selected.meeting_date, selected.sides, selected.mode,"
        " selected.status, selected.city, selected.country, selected.name,"
        " (select list(distinct struct_pack(name := p.name, side := p.side, title := p.title))"
        "  from meeting_participants as p where p.meeting_id = selected.meeting_id) as people,"
        " (select first(s.evidence order by s.published_date nulls last, s.article_id)"
        "  from meeting_sources as s where s.meeting_id = selected.meeting_id) as evidence,"
        " (select list(coalesce(s.url, s.source_ref) order by s.published_date nulls last,"
        "  s.article_id) from meeting_sources as s where s.meeting_id = selected.meeting_id)"
        "  as sources"
        " from selected order by meeting_date desc nulls last, meeting_id",
    )
    rows = [_meeting_row(row) for row in _records(con, sql, params)]
    return pd.DataFrame(rows, columns=MEETING_COLUMNS)


def _meeting_row(row: dict) -> dict:
    rank = {side: index for index, side in enumerate(row["sides"])}
    people = sorted(row["people"] or [], key=lambda p: (rank.get(p["side"], len(rank)), p["name"]))
    place = ", ".join(part for part in (row["city"], _label(row["country"])) if part)
    return {
        "date": row["meeting_date"],
        "sides": " · ".join(side_name(s) for s in row["sides"]),
        "participants": "; ".join(_person(p) for p in people),
        "mode": row["mode"],
        "status": row["status"],
        "place": " – ".join(part for part in (row["name"], place) if part),
        "evidence": row["evidence"] or "",
        "sources": list(row["sources"] or []),
        "meeting_id": row["meeting_id"],
    }


def _person(person: dict) -> str:
    details = [d for d in (person["title"], _label(person["side"])) if d]
    return f"{person['name']} ({', '.join(details)})" if details else person["name"]


def search_meetings(table: pd.DataFrame, text: str) -> pd.DataFrame:
    """Return the rows of `table` that contain every word of `text`, ignoring case."""
    words = text.lower().split()
    if not words:
        return table
    texts = [" ".join(map(_cell_text, row)).lower() for row in table.itertuples(index=False)]
    return table[[all(word in text for word in words) for text in texts]]


def _cell_text(value: object) -> str:
    if isinstance(value, list | tuple):
        return " ".join(map(str, value))
    return "" if value is None or value != value else str(value)  # NaN != NaN
