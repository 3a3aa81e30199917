"""RuleSet finds exactly what the plain alternation of its rules finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from transforms import lexicon
from transforms.patterns import RuleSet

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
