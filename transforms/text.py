"""Sentences with character offsets: the unit every extractor works on."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that end in a period without ending a sentence.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen lt col maj capt cmdr adm sgt rev sen rep gov pres st jr sr
    no vs etc inc corp co ltd jan feb mar apr aug sept sep oct nov dec u.s u.k u.n e.u
    a.m p.m amb dept mt ft messrs""".split()
)
# A semicolon before a capital ends a sentence too: list items join encounters with it.
# (The end mark is matched first, so a search skips to the next one: see actors._TOKEN.)
_CANDIDATE_END = re.compile(r"[.!?;](?:(?<!;)[\"'”’)]*)?(?=\s+[\"'“‘(]?[A-Z0-9])")
_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"\w+")
# The same words in ASCII text, found without asking the Unicode database of each character.
_ASCII_WORD = re.compile(r"\w+", re.ASCII)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article: its text, where it starts and ends, its paragraph."""

    text: str
    start: int
    end: int
    paragraph: int
    lower: str  # `lowered(text)`, for lower-case patterns
    words: frozenset[str]  # the `\w+` words of `lower`, to skip patterns it cannot match

    def __init__(  # the dataclass's own, compiled by mypyc: faster than the generated one
        self, text: str, start: int, end: int, paragraph: int, lower: str, words: frozenset[str]
    ) -> None:
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "paragraph", paragraph)
        object.__setattr__(self, "lower", lower)
        object.__setattr__(self, "words", words)


def _is_abbreviation(text: str, dot: int) -> bool:
    """Return whether the period at `dot` closes an abbreviation or an initial."""
    if text[dot] != ".":
        return False
    word_start = dot
    while word_start > 0 and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:dot].lstrip("(\"'“‘").lower()
    if len(word) == 1 and word.isalpha():  # an initial: "Joseph R. Biden"
        return True
    return word in _ABBREVIATIONS


def split_sentences(text: str) -> list[Sentence]:
    """Split `text` into sentences, one paragraph per line, keeping offsets into `text`.

    >>> [s.text for s in split_sentences("Mr. Li met Dr. Ko. They talked.")]
    ['Mr. Li met Dr. Ko.', 'They talked.']
    """
    sentences: list[Sentence] = []
    for paragraph, line in enumerate(_LINE.finditer(text)):
        start = line.start()
        for match in _CANDIDATE_END.finditer(text, line.start(), line.end()):
            if _is_abbreviation(text, match.start()):
                continue
            _append(sentences, text, start, match.end(), paragraph)
            start = match.end()
        _append(sentences, text, start, line.end(), paragraph)
    return sentences


def _append(sentences: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        offset = start + len(chunk) - len(chunk.lstrip())
        lower = lowered(stripped)
        sentences.append(
            Sentence(
                stripped,
                offset,
                offset + len(stripped),
                paragraph,
                lower,
                words_of(lower),
            )
        )


def whole_words(alternatives: str) -> re.Pattern[str]:
    r"""Return a regex of `alternatives` (lower case, each starting with a letter) as whole
    words, to match against `lowered` text.

    A look-behind stands for the leading `\b`, and lower-cased text for IGNORECASE: the
    same matches, found several times faster by Python's engine.

    >>> [m.group() for m in whole_words("met|talks?").finditer("they met for talks, metal")]
    ['met', 'talks']
    """
    return re.compile(rf"(?<!\w)(?:{alternatives})\b")


def words_of(text: str) -> frozenset[str]:
    """Return the `\\w+` words of `text`.

    >>> sorted(words_of("met the met-x"))
    ['met', 'the', 'x']
    """
    return frozenset((_ASCII_WORD if text.isascii() else _WORD).findall(text))


def lowered(text: str) -> str:
    """Return `text` in lower case with every offset kept (a few letters, such as 'İ',
    lower-case to two characters; they keep their first one).

    Matching lower-case patterns against it is faster than matching with IGNORECASE.
    """
    low = text.lower()
    return low if len(low) == len(text) else "".join(c.lower()[0] for c in text)
