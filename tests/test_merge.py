"""Merging meeting mentions into meetings, and deduplicating participants."""

from datetime import date

import pyarrow as pa
import pytest

from transforms.merge import build_meetings, dedupe_participants, most_common
from transforms.schema import MEETINGS

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
