"""Many regex rules matched as one regex, written the way Python's engine runs fastest.

A lexicon of cues or topics is an ordered list of regexes tried at every word, which is
where much of extraction's time goes. Two things make the joined regex three to four
times faster than `\\b(?:(?P<r0>rule)|(?P<r1>rule)|...)\\b`, with the same matches:
- the start of a word is tested with a look-behind, `(?<!\\w)`, not `\\b` (the same
  where a rule starts with a letter, as every lexicon rule does);
- each rule's marker group comes after it, `(?:rule)(?P<r0>)`, so the engine skips a
  rule at the first letter that differs instead of entering its group first.

A third skips the regex altogether: `leading_words` tells which words a match can start
with, so a sentence with none of them (most sentences, for most lexicons) is not searched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from re import _constants as sre  # the parser's own names: private, stable since 3.11
from re import _parser

from transforms.text import Sentence, whole_words

_MAX_WORDS = 512  # more leading words than this: not worth a gate
_MAX_CLASS = 8  # a character class of more word characters than this: not expanded
_MAX_REPEAT = 16


class RuleSet:
    r"""Ordered regex rules matched at once; each match says which rule made it.

    Rules must start with a letter and hold no capturing group. They are matched as
    written (callers lower-case text and rules alike), at word boundaries; where several
    rules match at one place the earliest wins, as in an alternation.

    >>> rules = RuleSet([r"met(?:\s+again)?", r"(?:tele)?phone\s+calls?", "phone"])
    >>> [(rule, m.group()) for rule, m in rules.finditer("they met again after phone calls")]
    [(0, 'met again'), (1, 'phone calls')]
    """

    def __init__(self, rules: Sequence[str]) -> None:
        self.rules = tuple(rules)
        marked = "|".join(f"(?:{rule})(?P<r{index}>)" for index, rule in enumerate(self.rules))
        self.pattern = whole_words(marked)
        self.gate = Gate(self.pattern.pattern)

    def finditer(
        self, text: str, words: frozenset[str] | None = None
    ) -> Iterator[tuple[int, re.Match[str]]]:
        """Yield (rule index, match) of every match in `text`, left to right.

        `words`, the `\\w+` words of `text` if the caller has them, lets a text that
        cannot match be skipped without a search.
        """
        if words is not None and not self.gate.may_match(words):
            return
        for match in self.pattern.finditer(text):
            yield int(match.lastgroup[1:]), match  # type: ignore[index]


class Gate:
    r"""A quick test of whether a regex can match a text, from the text's set of words.

    >>> gate = Gate(r"(?<!\w)(?:met|talks?)\b")
    >>> gate.may_match(frozenset({"they", "talk"})), gate.may_match(frozenset({"metal"}))
    (True, False)
    """

    def __init__(self, pattern: str) -> None:
        self.words = leading_words(pattern)

    def may_match(self, words: frozenset[str]) -> bool:
        """Return False only where no match can start in a text of `words`."""
        return self.words is None or not self.words.isdisjoint(words)


class SentencePattern:
    r"""A regex of lower-case words, searched in a sentence's lower-cased text only where
    the sentence holds a word a match can start with.

    >>> pattern = SentencePattern(r"(?<!\w)(?:the|both)\s+leaders\b")
    >>> from transforms.text import split_sentences
    >>> [pattern.search(s) is not None for s in split_sentences("Both leaders met. Li left.")]
    [True, False]
    """

    def __init__(self, pattern: str | re.Pattern[str]) -> None:
        self.pattern = re.compile(pattern)
        self.gate = Gate(self.pattern.pattern)

    def search(self, sentence: Sentence) -> re.Match[str] | None:
        """Return the first match in `sentence.lower`, or None."""
        if not self.gate.may_match(sentence.words):
            return None
        return self.pattern.search(sentence.lower)

    def finditer(self, sentence: Sentence) -> Iterator[re.Match[str]]:
        """Yield every match in `sentence.lower`."""
        if self.gate.may_match(sentence.words):
            yield from self.pattern.finditer(sentence.lower)


class _Unknown(Exception):
    """A construct `leading_words` does not follow."""


# (the first word so far, whether it has ended, whether it starts where a word starts)
_State = tuple[str, bool, bool]


def leading_words(pattern: str) -> frozenset[str] | None:
    r"""Return every whole word that a match of `pattern` starts with, or None where that
    cannot be told: a match may start inside a word or outside any, or the pattern holds
    a construct this does not follow. Flags are not followed: pass none.

    A text none of whose `\w+` words is in the set has no match, so it needs no search.

    >>> sorted(leading_words(r"(?<!\w)(?:(?:tele)?phone\s+calls?|met|defen[cs]e)\b"))
    ['defence', 'defense', 'met', 'phone', 'telephone']
    >>> leading_words(r"met\b") is None  # may start inside a word: 'helmet'
    True
    """
    try:
        states = _walk(_parser.parse(pattern), {("", False, False)})
    except (_Unknown, re.error):
        return None
    if any(not closed for _, closed, _ in states):
        return None
    return frozenset(word for word, _, _ in states)


def _walk(items, states: set[_State]) -> set[_State]:
    for op, argument in items:
        if all(closed for _, closed, _ in states):
            break
        states = {s for s in states if s[1]} | _step(op, argument, {s for s in states if not s[1]})
        if len(states) > _MAX_WORDS:
            raise _Unknown
    return states


def _step(op, argument, states: set[_State]) -> set[_State]:
    """Return the states after one parsed item, from states whose first word goes on."""
    if op is sre.LITERAL:
        return {_extend(state, chr(argument)) for state in states}
    if op is sre.IN:
        return {_extend(state, char) for state in states for char in _class_chars(argument)}
    if op is sre.SUBPATTERN:
        _, added_flags, removed_flags, body = argument
        if added_flags or removed_flags:
            raise _Unknown
        return _walk(body, states)
    if op is sre.BRANCH:
        return {s for alternative in argument[1] for s in _walk(alternative, states)}
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        return _repeat(*argument, states)
    if op is sre.AT:
        return {_at_boundary(state) for state in states} if argument is sre.AT_BOUNDARY else states
    if op is sre.ASSERT_NOT and _is_word_class(argument[1]):
        # (?<!\w) before the first word: it starts a word; (?!\w) after it: it ends
        return {_after_non_word(state, argument[0] < 0) for state in states}
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return states  # a look-around consumes nothing: it only narrows the matches
    raise _Unknown


def _repeat(low: int, high: int, body, states: set[_State]) -> set[_State]:
    out: set[_State] = set()
    current, count = states, 0
    while current:
        if count >= low:
            out |= current  # the repeat may stop here, the word going on after it
        if count == high:
            break
        if count == _MAX_REPEAT:
            raise _Unknown
        after = _walk(body, current)
        out |= {s for s in after if s[1]}
        current, count = {s for s in after if not s[1]}, count + 1
    return out


def _extend(state: _State, char: str) -> _State:
    word, _, at_start = state
    if char.isalnum() or char == "_":  # what \w matches in a str pattern
        if not word and not at_start:
            raise _Unknown  # the match may begin inside a word
        return word + char, False, at_start
    if not word:
        raise _Unknown  # the match may begin with no word
    return word, True, at_start


def _at_boundary(state: _State) -> _State:
    word, _, at_start = state
    return (word, True, at_start) if word else (word, False, True)


def _after_non_word(state: _State, behind: bool) -> _State:
    word, _, at_start = state
    if not word:
        return (word, False, True) if behind else state
    return state if behind else (word, True, at_start)


def _is_word_class(body) -> bool:
    """Return whether a look-around's body is one character class that takes in \\w."""
    return (
        len(body) == 1
        and body[0][0] is sre.IN
        and (sre.CATEGORY, sre.CATEGORY_WORD) in body[0][1]
        and (sre.NEGATE, None) not in body[0][1]
    )


def _class_chars(items) -> list[str]:
    """Return the characters of a class, with one space standing for all white space."""
    chars: list[str] = []
    for kind, value in items:
        if kind is sre.LITERAL:
            chars.append(chr(value))
        elif kind is sre.RANGE and value[1] - value[0] < _MAX_CLASS:
            chars.extend(chr(code) for code in range(value[0], value[1] + 1))
        elif kind is sre.CATEGORY and value is sre.CATEGORY_SPACE:
            chars.append(" ")
        else:
            raise _Unknown
    if sum(char.isalnum() or char == "_" for char in chars) > _MAX_CLASS:
        raise _Unknown
    return chars
