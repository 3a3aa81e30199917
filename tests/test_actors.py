"""Actors: people with their titles and sides, offices, bodies and states."""

from datetime import date

import pytest

from transforms.actors import Cast, find_actors
from transforms.reading import read_article


def people(text: str, year: int = 2025) -> list[tuple[str, str | None, str | None]]:
    return [
        (a.name, a.side, a.title) for a in find_actors(text, Cast(year=year)) if a.kind == "person"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Chinese Foreign Minister Wang Yi met reporters.",
            ("Wang Yi", "CHN", "Foreign Minister"),
        ),
        (
            "Sergey Lavrov, Russia's foreign minister, arrived.",
            ("Sergey Lavrov", "RUS", "Foreign minister"),
        ),
        (
            "U.S. Secretary of State Ana Ruiz spoke.",
            ("Ana Ruiz", "USA", "Secretary of State"),
        ),
        (
            "President Tomas Vela of Peru arrived.",
            ("Tomas Vela", "PER", "President"),
        ),
        (
            "Chairman of the National Assembly Vuong Dinh Hue of Vietnam spoke.",
            ("Vuong Dinh Hue", "VNM", "Chairman of the National Assembly"),
        ),
        (
            "Japan's Minister for Foreign Affairs Aiko Mori arrived.",
            ("Aiko Mori", "JPN", "Minister for Foreign Affairs"),
        ),
        (
            "UN Secretary-General Lena Varga arrived.",
            ("Lena Varga", "ORG:UN", "Secretary-General"),
        ),
        (
            "Soviet Foreign Minister Pavel Orlov arrived.",
            ("Pavel Orlov", "SUN", "Foreign Minister"),
        ),
        (
            "West German Chancellor Karl Brandt arrived.",
            ("Karl Brandt", "DEU", "Chancellor"),
        ),
        (
            "Polish National Security Bureau Chief Jan Nowak called.",
            ("Jan Nowak", "POL", "Chief"),
        ),
    ],
)
def test_title_and_side_in_every_position(text, expected):
    assert people(text)[0] == expected


def test_counterpart_inherits_the_subjects_title():
    found = people("Kenyan Foreign Minister Ann Wafula met her Ugandan counterpart Joy Okello.")
    assert found[1] == ("Joy Okello", "UGA", "Foreign Minister")


def test_famous_office_holder_by_surname_within_their_years():
    assert people("Secretary Blinken arrived.", year=2022) == [
        ("Antony Blinken", "USA", "Secretary")
    ]
    assert people("Secretary Blinken arrived.", year=1990)[0][1] is None


def test_untitled_name_is_a_person_only_when_grammar_says_so():
    assert people("Dario Conti told reporters the talks went well.")[0][0] == "Dario Conti"
    assert people("Dario Conti Boulevard was closed.") == []


def test_side_words_before_bodies_and_offices():
    actors = find_actors(
        "He met the Japanese foreign minister and U.S. Treasury officials.", Cast()
    )
    assert [(a.kind, a.side) for a in actors] == [("office", "JPN"), ("body", "USA")]


def test_adjective_lists_share_the_office():
    actors = find_actors("A call with French, German, and UK Foreign Ministers.", Cast())
    assert [(a.kind, a.side) for a in actors] == [
        ("office", "FRA"),
        ("office", "DEU"),
        ("office", "GBR"),
    ]


def test_surname_and_pronoun_resolve_to_the_person_named_before():
    read = read_article(
        "Chinese Premier Li Wei met Kenyan President Jon Ole. Ole thanked him. He left.",
        date(2025, 1, 2),
    )
    assert [a.name for a in read.sentences[1].people()] == ["Jon Ole"]
    assert [a.name for a in read.sentences[2].people()] == ["Jon Ole"]


def test_the_president_resolves_to_the_president_named_before():
    read = read_article(
        "President Tomas Vela of Peru met Chile's Foreign Minister Ana Soto. "
        "The President stressed trade.",
        date(2025, 1, 2),
    )
    assert [a.name for a in read.sentences[1].people()] == ["Tomas Vela"]


def test_home_side_for_officials_named_without_a_country():
    read = read_article(
        "U.S. President Joe Brown met Kenyan President Jon Ole. U.S. Vice President Al Mas "
        "met Ugandan envoys. U.S. Secretary Ed Lo called. Secretary Kim spoke to Kenyan aides.",
        date(2025, 1, 2),
    )
    kim = [a for a in read.sentences[3].people() if a.name == "Kim"]
    assert kim[0].side == "USA"
