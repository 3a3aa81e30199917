"""Statements: speakers by name, title, pronoun and group; anonymous sources left out."""

from datetime import date

from transforms.meetings import find_meetings
from transforms.reading import read_article
from transforms.statements import find_statements


def speakers(text: str) -> list[tuple[str, str]]:
    read = read_article(text, date(2025, 3, 5))
    statements = find_statements(read, find_meetings(read))
    return [(s.speaker.name, s.sentence.text[:25]) for s in statements]


def test_named_subject_with_apposition():
    assert speakers("Kenyan President Ann Wafula, speaking in Nairobi, stressed unity.") == [
        ("Ann Wafula", "Kenyan President Ann Wafu")
    ]


def test_speaker_after_a_quote():
    text = 'Kenyan President Ann Wafula arrived. "We are ready," said Ugandan President Joy Okello.'
    assert speakers(text)[-1][0] == "Joy Okello"


def test_pronoun_takes_the_last_subject():
    text = "Kenyan President Ann Wafula arrived in Kampala. She said trade would grow."
    assert speakers(text) == [("Ann Wafula", "She said trade would grow")]


def test_the_two_ministers_credit_both_participants():
    text = (
        "Kenyan Foreign Minister Ann Wafula met Ugandan Foreign Minister Joy Okello on Monday. "
        "The two ministers agreed to reopen the border."
    )
    assert {name for name, start in speakers(text) if start.startswith("The two")} == {
        "Ann Wafula",
        "Joy Okello",
    }


def test_anonymous_sources_are_left_out():
    assert speakers("Officials said Kenyan President Ann Wafula would travel.") == []
    text = "Kenyan President Ann Wafula arrived. An aide to Wafula told reporters it went well."
    assert speakers(text) == []


def test_an_unquoted_sentence_after_a_quote_is_not_the_speakers():
    text = 'Kenyan President Ann Wafula said: "We are ready." The market fell.'
    assert [name for name, _ in speakers(text)] == ["Ann Wafula"]


def test_signed_statement_speaks_in_the_first_person():
    read = read_article(
        "I condemn the attack. The market fell.",
        date(2025, 3, 5),
        title="Statement by Kenyan President Ann Wafula on the attack",
    )
    found = find_statements(read, [])
    assert [(s.speaker.name, s.sentence.text) for s in found] == [
        ("Ann Wafula", "I condemn the attack.")
    ]


def test_participle_after_a_comma_belongs_to_the_subject():
    text = "Kenyan President Ann Wafula rejected the plan, saying it came too late."
    assert speakers(text) == [("Ann Wafula", "Kenyan President Ann Wafu")]


def test_untitled_speaker_in_an_apposition():
    text = "A government spokesman, Tom Brandt, urged calm."
    assert speakers(text) == [("Tom Brandt", "A government spokesman, T")]
