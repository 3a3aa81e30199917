"""RuleSet finds exactly what the plain alternation of its rules finds, and matching only
where a leading word stands finds what a search finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from transforms import lexicon, meetings, reading, statements, topics
from transforms.patterns import RuleSet, SentencePattern, leading_words, word_starts
from transforms.text import split_sentences

CUES = [row[0] for row in lexicon.read_rows("meeting_cues.tsv")]
TOPICS = [row[1].lower() for row in lexicon.read_rows("topics.tsv")]
WORDS = [
    *"met meets meeting talks with held phone call calls video visit visited spoke to by".split(),
    *"the ukraine crisis in trade tariffs north korea nuclear iran's g-20 u.n. sco and".split(),
    *"received a letter summit hosted sat down conference virtually over telephoned".split(),
]
GLUE = st.sampled_from([" ", "  ", ", ", ". ", "-", "x", "\n", "'s "])


def plain_matches(rules: list[str], text: str) -> list[tuple[int, int, int]]:
    """(rule, start, end) of each match of the straightforward named-group alternation."""
    groups = "|".join(f"(?P<r{index}>{rule})" for index, rule in enumerate(rules))
    pattern = re.compile(rf"\b(?:{groups})\b")
    return [(int(m.lastgroup[1:]), m.start(), m.end()) for m in pattern.finditer(text)]


def rule_set_matches(rules: list[str], text: str) -> list[tuple[int, int, int]]:
    return [(rule, m.start(), m.end()) for rule, m in RuleSet(rules).finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS), GLUE), max_size=25))
def test_same_matches_as_the_plain_alternation(pieces):
    text = "".join(word + glue for word, glue in pieces)
    assert rule_set_matches(CUES, text) == plain_matches(CUES, text)
    assert rule_set_matches(TOPICS, text) == plain_matches(TOPICS, text)


def test_earlier_rule_wins_where_two_start_together():
    rules = ["phone", "phone\\s+calls?"]
    assert rule_set_matches(rules, "a phone call") == [(0, 2, 7)]
    assert rule_set_matches(rules[::-1], "a phone call") == [(0, 2, 12)]


def test_no_match_inside_a_word():
    assert rule_set_matches(["met", "visit"], "metal revisited; met") == [(0, 17, 20)]


def test_every_lexicon_rule_starts_with_a_letter():
    """The look-behind stands for a word boundary only before a letter."""
    for rule in CUES + TOPICS:
        assert re.match(r"[a-z(]", rule), rule
        assert re.match(r"\w", re.sub(r"^\(\?:", "", rule)), rule


def anchored_patterns() -> dict[str, SentencePattern]:
    """The sentence patterns extraction matches only where their leading words stand."""
    return {
        "group": reading._GROUP,
        "negation": meetings._NEGATION,
        "generic encounters": meetings._GENERIC_ENCOUNTERS,
        "status": meetings._status_pattern(),
        "reporting verbs": statements._verb_pattern(),
        "free subjects": topics._FREE_SUBJECT,
    }


def test_every_lexicon_pattern_has_leading_words():
    """A pattern the analysis cannot follow would be searched everywhere: slower, not wrong."""
    for name, pattern in anchored_patterns().items():
        assert pattern.anchors.known and pattern.anchors.words, name
    for rules in (RuleSet(CUES), RuleSet(TOPICS)):
        assert rules.anchors.known and rules.anchors.words


LEADING_WORDS = sorted(
    {w for p in anchored_patterns().values() for w in p.anchors.words}
    | {w for w in RuleSet(CUES + TOPICS).anchors.words}
)
PHRASE_WORDS = [*WORDS, *"not to many visits over the past years both leaders two sides".split()]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(LEADING_WORDS + PHRASE_WORDS), GLUE),
        max_size=30,
    )
)
def test_matching_at_leading_words_finds_what_a_search_finds(pieces):
    text = "".join(word + glue for word, glue in pieces).replace("\n", " ")
    for sentence in split_sentences(text):
        for name, pattern in anchored_patterns().items():
            expected = [m.span() for m in pattern.pattern.finditer(sentence.lower)]
            assert [m.span() for m in pattern.finditer(sentence)] == expected, name
            assert (pattern.search(sentence) is None) == (not expected), name
        for rules in (RuleSet(CUES), RuleSet(TOPICS)):
            gated = [(r, m.span()) for r, m in rules.finditer(sentence.lower, sentence.words)]
            assert gated == [(r, m.span()) for r, m in rules.finditer(sentence.lower)]


def test_leading_words_follow_optional_parts_classes_and_repeats():
    words = leading_words(r"(?<!\w)(?:(?:tele)?phone\s+calls?|g-20|u\.n\.|videos?\s*call)\b")
    assert words == {"phone", "telephone", "g", "u", "video", "videos", "videocall", "videoscall"}
    assert leading_words(r"\b(?:met|meets?)\b") == {"met", "meet", "meets"}
    assert leading_words(r"(?<![\w.])(?:the\s+)?(?:china|chinese)(?![\w])") == {
        "the",
        "china",
        "chinese",
    }


def test_leading_words_are_none_where_they_cannot_be_told():
    assert leading_words(r"met\b") is None  # may start inside 'helmet'
    assert leading_words(r"(?<!\w)\w+ said") is None  # any word
    assert leading_words(r"(?<!\w)(?i:met)\b") is None  # a flag changes what matches
    assert leading_words(r"(?i)(?<!\w)met\b") is None
    assert leading_words(r"(?<!\w)[\"']?met\b") is None  # may start with a quote
    assert leading_words(r"(?<!\w)met") is None  # may end inside a word: 'metal'
    assert leading_words("(") is None  # not a regex


def test_a_rule_set_of_rules_it_cannot_read_searches_everywhere():
    rules = RuleSet([r"[a-z]+ed", "met"])
    assert not rules.anchors.known
    text = "they talked, met"
    assert [r for r, _ in rules.finditer(text, frozenset({"they", "talked", "met"}))] == [0, 1]


def test_word_starts_are_whole_words_only():
    assert list(word_starts("met, metal; met_x (met) helmet met", "met")) == [0, 19, 31]
