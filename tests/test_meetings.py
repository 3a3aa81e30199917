"""Meetings: cues, modes, statuses, sides, merging and what is not a meeting."""

from datetime import date

import pytest

from transforms.meetings import find_meetings
from transforms.reading import read_article

PUBLISHED = date(2025, 3, 5)  # a Wednesday


def meetings(text: str, published: date = PUBLISHED):
    return find_meetings(read_article(text, published))


def summary(text: str) -> list[tuple]:
    return [(m.sides, m.mode, m.status, m.date) for m in meetings(text)]


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("Kenyan President Ann Wafula met Ugandan President Joy Okello on Monday.", "in_person"),
        ("Kenyan President Ann Wafula spoke by phone with Ugandan President Joy Okello.", "phone"),
        (
            "Kenyan President Ann Wafula held a video call with Ugandan President Joy Okello.",
            "video",
        ),
        ("Kenyan President Ann Wafula held talks with Ugandan President Joy Okello.", "in_person"),
    ],
)
def test_mode(text, mode):
    [meeting] = meetings(text)
    assert meeting.mode == mode


@pytest.mark.parametrize(
    ("text", "status"),
    [
        (
            "Kenyan President Ann Wafula will meet Ugandan President Joy Okello on Friday.",
            "planned",
        ),
        (
            "Kenyan President Ann Wafula is scheduled to visit Ugandan President Joy Okello.",
            "planned",
        ),
        (
            "A meeting of Kenyan President Ann Wafula and Ugandan President Joy Okello "
            "was called off.",
            "cancelled",
        ),
        (
            "Kenyan President Ann Wafula met Ugandan President Joy Okello, opening a visit "
            "dominated by the upcoming election.",
            "held",
        ),
    ],
)
def test_status(text, status):
    [meeting] = meetings(text)
    assert meeting.status == status


def test_planned_weekday_is_the_next_one():
    [meeting] = meetings(
        "Kenyan President Ann Wafula will meet Ugandan President Joy Okello on Friday."
    )
    assert meeting.date == date(2025, 3, 7)


@pytest.mark.parametrize(
    "text",
    [
        "Kenyan President Ann Wafula refused to meet Ugandan President Joy Okello.",
        "Kenyan President Ann Wafula visited Uganda.",
        "Kenyan President Ann Wafula sent a letter to Ugandan President Joy Okello.",
        "Several visits to Kenya by Ugandan officials took place in recent months.",
        "Kenyan President Ann Wafula met Kenyan Foreign Minister Tom Otieno.",
    ],
)
def test_not_a_meeting(text):
    assert meetings(text) == []


def test_lead_and_caption_are_one_meeting():
    text = (
        "Kenyan President Ann Wafula (L) meets Ugandan President Joy Okello in Kampala, "
        "March 2, 2025.\n\n"
        "Kenyan President Ann Wafula met Ugandan President Joy Okello in Kampala on Sunday."
    )
    assert summary(text) == [(["KEN", "UGA"], "in_person", "held", date(2025, 3, 2))]


def test_two_meetings_of_one_pair_on_two_days_stay_two():
    text = (
        "Kenyan President Ann Wafula met Ugandan President Joy Okello on Monday.\n\n"
        "Kenyan President Ann Wafula met Ugandan President Joy Okello again on Tuesday."
    )
    assert [m.date for m in meetings(text)] == [date(2025, 3, 3), date(2025, 3, 4)]


def test_multilateral_meeting_is_one_row_with_every_side():
    text = (
        "Kenyan President Ann Wafula, Ugandan President Joy Okello and Tanzanian President "
        "Asha Mwenda met in Arusha on Monday."
    )
    [meeting] = meetings(text)
    assert meeting.sides == ["KEN", "TZA", "UGA"]
    assert (meeting.city, meeting.country) == ("Arusha", "TZA")


def test_the_two_leaders_refers_to_the_people_before():
    text = (
        "Kenyan President Ann Wafula welcomed Ugandan President Joy Okello's proposal.\n\n"
        "The two leaders met in Nairobi on Monday."
    )
    [meeting] = meetings(text)
    assert meeting.sides == ["KEN", "UGA"]
    assert {p.name for p in meeting.participants} == {"Ann Wafula", "Joy Okello"}


def test_dateline_dates_the_lead_meeting():
    [meeting] = meetings(
        "NAIROBI, March 3 (Wire) -- Kenyan President Ann Wafula held talks with Ugandan "
        "President Joy Okello."
    )
    assert (meeting.date, meeting.date_basis) == (date(2025, 3, 3), "dateline")
    assert meeting.country == "KEN"


def test_no_location_for_a_call():
    [meeting] = meetings(
        "Kenyan President Ann Wafula spoke by phone in Nairobi with Ugandan President Joy Okello."
    )
    assert (meeting.city, meeting.country) == (None, None)


def test_separate_talks_are_one_meeting_with_each_counterpart():
    text = (
        "Indian Foreign Minister Ravi Rao held separate talks with his Japanese and Brazilian "
        "counterparts in Rome on Monday."
    )
    assert sorted(m.sides for m in meetings(text)) == [["BRA", "IND"], ["IND", "JPN"]]


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("Chinese President Li Wei held phone talks with French President Ana Roy.", "phone"),
        ("Chinese President Li Wei spoke with French President Ana Roy.", "phone"),
        ("Chinese President Li Wei met and spoke with French President Ana Roy.", "in_person"),
        (
            "Chinese President Li Wei telephoned French President Ana Roy before meeting her.",
            "phone",
        ),
    ],
)
def test_mode_from_how_the_sentence_says_it(text, mode):
    [meeting] = meetings(text)
    assert meeting.mode == mode


def test_here_is_the_dateline_city():
    [meeting] = meetings(
        "BEIJING, March 4 (Wire) -- Chinese Premier Li Wei met French President Ana Roy here."
    )
    assert (meeting.city, meeting.country) == ("Beijing", "CHN")


def test_a_list_after_a_semicolon_names_more_participants():
    text = (
        "- May 3: U.S. Secretary of State Ana Ruiz's meeting with Latvian President Janis Ozols; "
        "Latvian Foreign Minister Edgars Berzins; and Latvian Prime Minister Ilze Kalnina"
    )
    [meeting] = meetings(text)
    assert {p.name for p in meeting.participants} >= {"Janis Ozols", "Edgars Berzins"}
