"""Topics, places and the lexicon files."""

from datetime import date

import pycountry
import pytest

from transforms import lexicon
from transforms.places import find_places, place_of
from transforms.reading import read_article
from transforms.topics import canonical_topics, free_topics


def read_one(text: str):
    return read_article(text, date(2025, 1, 1)).sentences[0]


def test_canonical_topics_from_surface_forms():
    sentence = read_one("They discussed the Korean Peninsula, the Ukraine crisis and SCO matters.")
    labels = {t.topic for t in canonical_topics(sentence)}
    assert {"Korean Peninsula", "Ukraine crisis", "Shanghai Cooperation Organisation"} <= labels


def test_free_topics_after_discussed():
    sentence = read_one("The ministers discussed water sharing, fisheries and port fees.")
    assert [t.topic for t in free_topics(sentence)] == ["water sharing", "fisheries", "port fees"]


def test_topic_offsets_point_into_the_text():
    text = "Later they exchanged views on grain exports."
    sentence = read_article(text, date(2025, 1, 1)).sentences[0]
    [topic] = free_topics(sentence)
    assert text[topic.start : topic.end] == "grain exports"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("They met in Beijing on Sunday.", [("Beijing", "CHN")]),
        ("Talks were held in Washington.", [("Washington", "USA")]),
        ("She flew to Brasília.", [("Brasília", "BRA")]),
        ("He spoke to the North Korean envoy.", []),
    ],
)
def test_places(text, expected):
    assert [(p.city, p.country) for p in find_places(text)] == expected


def test_dateline_city_with_another_spelling():
    assert (place_of("BERNE").city, place_of("BERNE").country) == ("Bern", "CHE")


def test_every_side_code_is_iso_or_historical_or_an_organisation():
    iso = {c.alpha_3 for c in pycountry.countries} | {"SUN", "YUG", "CSK", "DDR", "XKX"}
    for code in set(lexicon.side_names().values()):
        assert code in iso or code.startswith("ORG:"), code


def test_every_person_has_a_known_side_and_ordered_years():
    sides = set(lexicon.side_names().values())
    for person in lexicon.people():
        assert person.side in sides, person
        assert person.first_year <= person.last_year, person


def test_every_title_has_a_level():
    assert all(level for level in lexicon.titles().values())


def test_free_topics_stop_at_the_next_clause():
    sentence = read_one("They discussed trade and energy, a government spokesperson in Oslo said.")
    assert [t.topic for t in free_topics(sentence)] == ["trade", "energy"]


@pytest.mark.parametrize(
    ("code", "day", "expected"),
    [
        ("RUS", date(1987, 4, 13), "SUN"),
        ("RUS", date(1992, 1, 1), "RUS"),
        ("SRB", date(1990, 1, 1), "YUG"),
        ("SVK", date(1992, 12, 31), "CSK"),
        ("FRA", date(1950, 1, 1), "FRA"),
        ("RUS", None, "RUS"),
    ],
)
def test_sides_as_they_were_on_the_day(code, day, expected):
    assert lexicon.side_on(code, day) == expected
