"""Merging meeting mentions into meetings, and deduplicating participants."""

from datetime import date

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.merge import (
    _clusters,
    _kind,
    _reported_meetings,
    _seniority,
    _status_rank,
    build_meetings,
    canonical_meeting_ids,
    dedupe_participants,
    meeting_date,
    merge_mentions,
    most_common,
)
from transforms.schema import DATE_BASES, MEETINGS

DAY = date(2025, 3, 4)


def mention(article_id: str, meeting_id: str = "m1", **overrides) -> dict:
    row = {
        "meeting_id": meeting_id,
        "article_id": article_id,
        "meeting_date": DAY,
        "date_basis": "explicit",
        "mode": "in_person",
        "status": "held",
        "sides": ["ARN", "GON"],
        "city": None,
        "country": None,
        "name": None,
    }
    return row | overrides


PUBLISHED = {"a1": date(2025, 3, 6), "a2": date(2025, 3, 5), "a3": None}


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["planned", "held"], "held"),
        (["planned", "cancelled"], "cancelled"),
        (["cancelled", "held", "planned"], "held"),
        (["planned", "planned"], "planned"),
    ],
)
def test_status_priority(statuses, expected):
    mentions = [mention(f"a{i}", status=s) for i, s in enumerate(statuses, 1)]
    [meeting] = build_meetings(mentions, PUBLISHED)
    assert meeting["status"] == expected


def test_meeting_row_from_several_articles():
    mentions = [
        mention("a1", city="Minas Tirith", country="GON", date_basis="relative"),
        mention("a2", city="Osgiliath", country="GON", name="Council of the West"),
        mention("a3", city="Minas Tirith"),
    ]
    [meeting] = build_meetings(mentions, PUBLISHED)
    assert meeting == {
        "meeting_id": "m1",
        "meeting_date": DAY,
        "date_basis": "explicit",
        "mode": "in_person",
        "status": "held",
        "sides": ["ARN", "GON"],
        "city": "Minas Tirith",
        "country": "GON",
        "name": "Council of the West",
        "side_count": 2,
        "mention_count": 3,
        "first_reported": date(2025, 3, 5),
    }


def test_rows_fit_the_meetings_schema():
    mentions = [mention("a1"), mention("a2", meeting_id="m2", meeting_date=None)]
    table = pa.Table.from_pylist(build_meetings(mentions, PUBLISHED), schema=MEETINGS)
    assert table.num_rows == 2


def test_one_article_counts_once_and_unknown_publication_gives_no_first_reported():
    [meeting] = build_meetings([mention("a3"), mention("a3")], PUBLISHED)
    assert (meeting["mention_count"], meeting["first_reported"]) == (1, None)


def test_meetings_are_ordered_by_date_then_id_and_undated_last():
    mentions = [
        mention("a1", meeting_id="z", meeting_date=date(2025, 1, 1)),
        mention("a1", meeting_id="undated", meeting_date=None),
        mention("a1", meeting_id="b", meeting_date=date(2025, 1, 1)),
        mention("a1", meeting_id="a", meeting_date=date(2025, 2, 1)),
    ]
    ids = [row["meeting_id"] for row in build_meetings(mentions, PUBLISHED)]
    assert ids == ["b", "z", "a", "undated"]


def test_merge_does_not_depend_on_input_order():
    mentions = [
        mention("a1", city="Edoras", status="planned"),
        mention("a2", city="Dol Amroth"),
        mention("a3", meeting_id="m2", sides=["ARN", "GON", "ROH"]),
    ]
    assert build_meetings(mentions, PUBLISHED) == build_meetings(mentions[::-1], PUBLISHED)


def test_empty_input():
    assert build_meetings([], {}) == []
    assert dedupe_participants([]) == []


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        ([None, None], None),
        (["Edoras"], "Edoras"),
        (["Edoras", None, "Bree", "Bree"], "Bree"),
        (["Edoras", "Bree"], "Bree"),
    ],
)
def test_most_common(values, expected):
    assert most_common(values) == expected


def participant(name: str, article_id: str, side=None, title=None, meeting_id="m1") -> dict:
    return {
        "meeting_id": meeting_id,
        "name": name,
        "side": side,
        "title": title,
        "article_id": article_id,
    }


def test_dedupe_participants_keeps_first_non_null_side_and_title():
    rows = [
        participant("Aragorn", "a1"),
        participant("Faramir", "a1", side="GON", title="Steward"),
        participant("Aragorn", "a2", side="ARN"),
        participant("Aragorn", "a3", side="GON", title="King"),
        participant("Aragorn", "a3", meeting_id="m2"),
    ]
    assert dedupe_participants(rows) == [
        participant("Aragorn", "a1", side="ARN", title="King"),
        participant("Faramir", "a1", side="GON", title="Steward"),
        participant("Aragorn", "a3", meeting_id="m2"),
    ]


def test_dedupe_participants_does_not_modify_its_input():
    rows = [participant("Aragorn", "a1"), participant("Aragorn", "a2", side="ARN")]
    dedupe_participants(rows)
    assert rows[0]["side"] is None


# --- Across articles: one meeting, one row ------------------------------------------------------


def report(article_id: str, day: date | None, basis: str, meeting_id: str | None = None, **kw):
    """A mention whose reported id is made, as the extractor makes it, of sides, day, mode."""
    sides, mode = kw.get("sides", ["ARN", "GON"]), kw.get("mode", "in_person")
    reported = meeting_id or f"{'-'.join(sides)}/{day}/{mode}"
    return mention(article_id, reported, meeting_date=day, date_basis=basis, **kw)


def days(n: int) -> date:
    return date(2025, 3, n)


def published(**by_article: int) -> dict[str, date]:
    return {article: days(n) for article, n in by_article.items()}


def real_meetings(mentions, when) -> list[set[str]]:
    """The reported ids grouped by the real meeting they were mapped to."""
    groups: dict[str, set[str]] = {}
    for reported, real in canonical_meeting_ids(mentions, when).items():
        groups.setdefault(real, set()).add(reported)
    return sorted(groups.values(), key=sorted)


def test_three_articles_with_written_and_borrowed_dates_are_one_meeting():
    mentions = [
        report("a1", days(4), "explicit"),
        report("a2", days(4), "relative"),
        report("a3", days(5), "publication"),
    ]
    when = published(a1=5, a2=4, a3=5)
    merged, canonical = merge_mentions(mentions, when)
    [meeting] = build_meetings(merged, when)
    assert meeting["meeting_id"] == "ARN-GON/2025-03-04/in_person"
    assert (meeting["meeting_date"], meeting["date_basis"]) == (days(4), "explicit")
    assert meeting["mention_count"] == 3
    assert len(set(canonical.values())) == 1


def test_two_written_dates_in_one_week_are_two_meetings():
    mentions = [report("a1", days(3), "explicit"), report("a2", days(6), "explicit")]
    assert len(real_meetings(mentions, published(a1=3, a2=6))) == 2


@pytest.mark.parametrize(
    ("weak_day", "joins"),
    [(4, "ARN-GON/2025-03-03/in_person"), (5, "ARN-GON/2025-03-06/in_person")],
    ids=["nearer-the-first", "nearer-the-second"],
)
def test_a_borrowed_date_joins_the_nearest_written_one(weak_day, joins):
    mentions = [
        report("a1", days(3), "explicit"),
        report("a2", days(6), "explicit"),
        report("a3", days(weak_day), "dateline"),
    ]
    groups = real_meetings(mentions, published(a1=3, a2=6, a3=6))  # a3's dateline is older
    assert {joins, f"ARN-GON/2025-03-0{weak_day}/in_person"} in groups


def test_a_report_of_a_held_meeting_does_not_join_one_written_for_after_it_was_published():
    """'Talks held today' (published on the 5th) is not the visit planned for the 6th."""
    mentions = [
        report("a1", days(6), "explicit", status="planned"),
        report("a2", days(5), "publication"),
    ]
    assert len(real_meetings(mentions, published(a1=2, a2=5))) == 2
    planned_is_past = [report("a1", days(6), "explicit"), report("a2", days(5), "dateline")]
    late_report = real_meetings(planned_is_past, published(a1=7, a2=7))  # published after
    assert len(late_report) == 1


def test_a_borrowed_date_equally_near_two_written_ones_joins_the_earlier():
    mentions = [
        report("a1", days(3), "explicit"),
        report("a2", days(7), "explicit"),
        report("a3", days(5), "publication"),
    ]
    groups = real_meetings(mentions, published(a1=3, a2=7, a3=5))
    assert {"ARN-GON/2025-03-03/in_person", "ARN-GON/2025-03-05/in_person"} in groups


@pytest.mark.parametrize(
    "other",
    [
        report("a2", days(9), "publication"),  # beyond the window
        report("a2", days(5), "publication", mode="phone"),
        report("a2", days(5), "publication", sides=["ARN", "ROH"]),
        report("a2", None, "unknown", meeting_id="undated-in-a2"),
        report("a1", days(5), "inferred"),  # the same article told them apart
    ],
    ids=["beyond-window", "other-mode", "other-sides", "undated", "same-article"],
)
def test_reports_that_stay_apart(other):
    mentions = [report("a1", days(4), "explicit"), other]
    assert len(real_meetings(mentions, published(a1=4, a2=5))) == 2


def test_borrowed_dates_alone_merge_within_the_window_of_the_earliest():
    mentions = [
        report("a1", days(4), "dateline"),
        report("a2", days(5), "publication"),
        report("a3", days(7), "publication"),
        report("a4", days(8), "publication"),  # 4 days after the first: a new meeting
    ]
    groups = real_meetings(mentions, published(a1=4, a2=5, a3=7, a4=8))
    assert [len(g) for g in groups] == [3, 1]


def test_the_merged_meeting_keeps_the_id_of_its_first_report():
    wire = report("a1", days(4), "dateline")  # published first, with a borrowed date
    readout = report("a2", days(3), "explicit")
    when = published(a1=4, a2=5)
    canonical = canonical_meeting_ids([wire, readout], when)
    assert set(canonical.values()) == {wire["meeting_id"]}
    merged, _ = merge_mentions([wire, readout], when)
    [meeting] = build_meetings(merged, when)
    assert (meeting["meeting_date"], meeting["date_basis"]) == (days(3), "explicit")


def test_a_later_report_does_not_change_the_id():
    first = [report("a1", days(4), "explicit"), report("a2", days(4), "relative")]
    before = canonical_meeting_ids(first, published(a1=4, a2=5))
    later = [*first, report("a3", days(6), "publication")]
    after = canonical_meeting_ids(later, published(a1=4, a2=5, a3=6))
    assert set(after.values()) == set(before.values())


def test_seniority_ties_go_to_the_strongest_basis_then_the_smallest_id():
    mentions = [report("a1", days(5), "publication"), report("a2", days(4), "relative")]
    canonical = canonical_meeting_ids(mentions, published(a1=5, a2=5))
    assert set(canonical.values()) == {"ARN-GON/2025-03-04/in_person"}


def test_cross_article_merge_does_not_depend_on_input_order():
    mentions = [
        report("a1", days(3), "explicit"),
        report("a2", days(6), "explicit"),
        report("a3", days(5), "publication"),
        report("a4", days(4), "dateline"),
        report("a5", days(20), "inferred"),
        report("a6", None, "unknown", meeting_id="undated"),
    ]
    when = published(a1=3, a2=6, a3=5, a4=4, a5=20)
    expected = canonical_meeting_ids(mentions, when)
    assert canonical_meeting_ids(mentions[::-1], when) == expected
    assert canonical_meeting_ids(mentions[2:] + mentions[:2], when) == expected


@pytest.mark.parametrize(
    ("reports", "expected"),
    [
        ([(5, "publication"), (4, "relative")], (4, "relative")),
        ([(4, "explicit"), (5, "explicit"), (5, "explicit")], (5, "explicit")),
        ([(5, "explicit"), (4, "explicit")], (4, "explicit")),
        ([(None, "unknown"), (6, "inferred")], (6, "inferred")),
        ([(None, "unknown")], (None, "unknown")),
    ],
)
def test_meeting_date_is_the_best_founded(reports, expected):
    rows = [{"meeting_date": None if d is None else days(d), "date_basis": b} for d, b in reports]
    day, basis = meeting_date(rows)
    assert (day, basis) == (None if expected[0] is None else days(expected[0]), expected[1])


# --- the fast paths give what the general rule gives ------------------------------------------

SIDES = ["ARN", "GON", "ROH", "ORG:EN"]


@st.composite
def random_mentions(draw) -> tuple[list[dict], dict[str, date | None]]:
    """Mentions of a few kinds over a fortnight, many of them alone in their meeting or kind."""
    articles = [f"a{i}" for i in range(draw(st.integers(1, 8)))]
    mentions = []
    for _ in range(draw(st.integers(0, 30))):
        sides = draw(st.lists(st.sampled_from(SIDES), min_size=2, max_size=3, unique=True))
        mode = draw(st.sampled_from(["in_person", "virtual"]))
        day = draw(st.none() | st.integers(1, 14).map(days))
        reported = f"{'-'.join(sorted(sides))}/{day}/{mode}{draw(st.sampled_from(['', '+']))}"
        mentions.append(
            mention(
                draw(st.sampled_from(articles)),
                reported,
                meeting_date=draw(st.just(day) | st.none() | st.integers(1, 14).map(days)),
                date_basis=draw(st.sampled_from(DATE_BASES)),
                mode=mode,
                status=draw(st.sampled_from(["held", "planned", "cancelled", "rumoured"])),
                sides=sides,
                city=draw(st.sampled_from([None, "Edoras", "Minas Tirith"])),
                country=draw(st.sampled_from([None, "ROH", "GON"])),
                name=draw(st.sampled_from([None, "Council"])),
            )
        )
    when = {a: draw(st.none() | st.integers(1, 20).map(days)) for a in articles}
    return mentions, when


def general_canonical_ids(mentions, when) -> dict[str, str]:
    """`canonical_meeting_ids` without its shortcut: every kind through `_clusters`."""
    kinds: dict[tuple, list] = {}
    firsts = {}
    for m in mentions:
        firsts.setdefault(m["meeting_id"], m)
    for meeting in _reported_meetings(mentions, when).values():
        kinds.setdefault(_kind(firsts[meeting.meeting_id]), []).append(meeting)
    canonical = {}
    for same_kind in kinds.values():
        for cluster in _clusters(same_kind):
            senior = min(cluster, key=_seniority).meeting_id
            canonical.update((meeting.meeting_id, senior) for meeting in cluster)
    return canonical


def general_meetings(mentions, when) -> list[dict]:
    """`build_meetings` without its shortcut: every meeting weighs all its reports."""
    grouped: dict[str, list] = {}
    for m in mentions:
        grouped.setdefault(m["meeting_id"], []).append(m)
    rows = []
    for group in grouped.values():
        first, article_ids = group[0], {m["article_id"] for m in group}
        day, basis = meeting_date(group)
        rows.append(
            {
                "meeting_id": first["meeting_id"],
                "meeting_date": day,
                "date_basis": basis,
                "mode": first["mode"],
                "status": min((m["status"] for m in group), key=_status_rank),
                "sides": list(first["sides"]),
                "city": most_common(m.get("city") for m in group),
                "country": most_common(m.get("country") for m in group),
                "name": most_common(m.get("name") for m in group),
                "side_count": len(first["sides"]),
                "mention_count": len(article_ids),
                "first_reported": min(
                    (d for d in map(when.get, article_ids) if d is not None), default=None
                ),
            }
        )
    rows.sort(key=lambda row: (row["meeting_date"] is None, row["meeting_date"], row["meeting_id"]))
    return rows


@settings(max_examples=300, deadline=None)
@given(random_mentions())
def test_fast_paths_agree_with_the_general_rule(case):
    mentions, when = case
    canonical = canonical_meeting_ids(mentions, when)
    assert canonical == general_canonical_ids(mentions, when)
    merged, _ = merge_mentions(mentions, when)
    assert build_meetings(mentions, when) == general_meetings(mentions, when)
    assert build_meetings(merged, when) == general_meetings(merged, when)
    assert build_meetings(mentions, when, canonical) == general_meetings(merged, when)
