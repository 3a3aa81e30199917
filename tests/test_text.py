"""Sentence splitting: boundaries, abbreviations and offsets."""

import re

from hypothesis import given
from hypothesis import strategies as st

from transforms.text import lowered, split_sentences, words_of


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_splits_at_full_stops():
    assert texts("Ana met Ben. They talked.") == ["Ana met Ben.", "They talked."]


def test_keeps_titles_and_initials_inside_a_sentence():
    text = "President Joseph R. Biden, Jr. met Mr. Li in the U.S. capital. It rained."
    assert texts(text) == [
        "President Joseph R. Biden, Jr. met Mr. Li in the U.S. capital.",
        "It rained.",
    ]


def test_every_line_is_its_own_paragraph():
    sentences = split_sentences("- March 3: call with X\n\n- March 4: meeting with Y")
    assert [s.paragraph for s in sentences] == [0, 1]


def test_quote_closing_a_sentence():
    assert texts('"We agree." He left.') == ['"We agree."', "He left."]


@given(st.text(alphabet=st.sampled_from(list('Ab. \n"?!Mr,')), max_size=80))
def test_offsets_point_back_into_the_text(text):
    for sentence in split_sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()


@given(st.text(max_size=60))
def test_lowered_keeps_every_offset(text):
    assert len(lowered(text)) == len(text)


@given(st.text(alphabet=st.sampled_from(list("aZ_1 ,.'-é\u0301")), max_size=40))
def test_words_of_ascii_and_other_text_alike(text):
    assert words_of(text) == frozenset(re.findall(r"\w+", text))
