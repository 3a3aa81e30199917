"""Topics: named issues from a canonical vocabulary, and free-text subjects of talks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from transforms import lexicon
from transforms.patterns import RuleSet, SentencePattern
from transforms.reading import ReadSentence

# On lower-cased text, from a look-behind: faster, same matches (see text.whole_words).
_FREE_SUBJECT = SentencePattern(
    r"(?<!\w)(?:discussed|discussing|discuss|exchanged views on|exchange views on|talked about|"
    r"focused on|focusing on|talks on|discussions on|consultations on|agenda included)\s+"
    r"(?P<subjects>[^.;:]+)"
)
_SPLIT = re.compile(r",\s*(?:and\s+|including\s+)?|\s+and\s+|\s+as well as\s+|\s+including\s+")
_MAX_SUBJECT_WORDS = 8
# Where the list of subjects ends: the next clause ('..., a spokesperson said', '... which').
_CLAUSE_END = re.compile(
    r"\s+(?:said|says|told|which|who|whom|where|when|while|but|because|after|before|during|"
    r"ahead\s+of|according\s+to|at\s+a|at\s+the|in\s+a\s+statement)\b|,\s+(?:a|an|the|he|she|they)\s"
)


@dataclass(frozen=True, slots=True)
class TopicMention:
    """A topic found in a sentence: its label, kind and the words that named it."""

    topic: str
    kind: str  # canonical | free
    matched_text: str
    start: int  # offsets into the article text
    end: int

    def __init__(  # the dataclass's own, compiled by mypyc: faster than the generated one
        self, topic: str, kind: str, matched_text: str, start: int, end: int
    ) -> None:
        object.__setattr__(self, "topic", topic)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "matched_text", matched_text)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)


@cache
def _vocabulary() -> tuple[RuleSet, list[str]]:
    """Every topic's surface forms as one rule per topic, and the topics' labels."""
    rows = lexicon.read_rows("topics.tsv")
    # Lower-cased forms matched against the lower-cased sentence: faster than IGNORECASE.
    return RuleSet([row[1].lower() for row in rows]), [row[0] for row in rows]


def canonical_topics(sentence: ReadSentence) -> list[TopicMention]:
    """Return the vocabulary topics named in `sentence`, each label once."""
    rules, labels = _vocabulary()
    found: dict[str, TopicMention] = {}
    base = sentence.sentence.start
    text = sentence.text
    for rule, match in rules.finditer(sentence.sentence.lower, sentence.sentence.words):
        label = labels[rule]
        if label not in found:
            found[label] = TopicMention(
                label,
                "canonical",
                text[match.start() : match.end()],
                base + match.start(),
                base + match.end(),
            )
    return list(found.values())


def free_topics(sentence: ReadSentence) -> list[TopicMention]:
    """Return the subjects listed after 'discussed' or 'exchanged views on'."""
    found = []
    base = sentence.sentence.start
    for match in _FREE_SUBJECT.finditer(sentence.sentence):
        cursor = match.start("subjects")
        subjects = _CLAUSE_END.split(sentence.text[cursor : match.end("subjects")], maxsplit=1)[0]
        for part in _SPLIT.split(subjects):
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
