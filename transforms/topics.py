"""Topics: named issues from a canonical vocabulary, and free-text subjects of talks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from transforms import lexicon
from transforms.reading import ReadSentence

_FREE_SUBJECT = re.compile(
    r"\b(?:discussed|discussing|discuss|exchanged views on|exchange views on|talked about|"
    r"focused on|focusing on|talks on|discussions on|consultations on|agenda included)\s+"
    r"(?P<subjects>[^.;:]+)",
    re.IGNORECASE,
)
_SPLIT = re.compile(r",\s*(?:and\s+|including\s+)?|\s+and\s+|\s+as well as\s+|\s+including\s+")
_MAX_SUBJECT_WORDS = 8


@dataclass(frozen=True, slots=True)
class TopicMention:
    """A topic found in a sentence: its label, kind and the words that named it."""

    topic: str
    kind: str  # canonical | free
    matched_text: str
    start: int  # offsets into the article text
    end: int


@cache
def _vocabulary() -> list[tuple[str, re.Pattern[str]]]:
    return [
        (row[0], re.compile(rf"\b(?:{row[1]})\b", re.IGNORECASE))
        for row in lexicon.read_rows("topics.tsv")
    ]


def canonical_topics(sentence: ReadSentence) -> list[TopicMention]:
    """Return the vocabulary topics named in `sentence`, each label once."""
    found = []
    base = sentence.sentence.start
    for label, pattern in _vocabulary():
        match = pattern.search(sentence.text)
        if match:
            found.append(
                TopicMention(
                    label, "canonical", match.group(), base + match.start(), base + match.end()
                )
            )
    return found


def free_topics(sentence: ReadSentence) -> list[TopicMention]:
    """Return the subjects listed after 'discussed' or 'exchanged views on'."""
    found = []
    base = sentence.sentence.start
    for match in _FREE_SUBJECT.finditer(sentence.text):
        cursor = match.start("subjects")
        for part in _SPLIT.split(match.group("subjects")):
            start = sentence.text.find(part, cursor)
            cursor = max(cursor, start + len(part))
            subject = re.sub(r"^(?:the|a|an|their|its|his|her)\s+", "", part.strip(" \"'”"))
            words = subject.split()
            if not words or len(words) > _MAX_SUBJECT_WORDS or subject.lower() in {"it", "them"}:
                continue
            found.append(
                TopicMention(
                    subject, "free", part.strip(), base + start, base + start + len(part.strip())
                )
            )
    return found
