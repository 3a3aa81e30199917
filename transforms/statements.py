"""Statements: what a named person said, stressed, pledged or agreed, one per sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from transforms import lexicon
from transforms.actors import Actor
from transforms.meetings import MeetingReport
from transforms.patterns import SentencePattern
from transforms.reading import ReadArticle, ReadSentence
from transforms.text import whole_words

_SUBJECT_REACH = 90  # characters between a speaker and the verb they govern


@dataclass(frozen=True, slots=True)
class Statement:
    """A sentence in which `speaker` communicates something."""

    speaker: Actor
    sentence: ReadSentence
    meeting: MeetingReport | None

    def __init__(  # the dataclass's own, compiled by mypyc: faster than the generated one
        self, speaker: Actor, sentence: ReadSentence, meeting: MeetingReport | None
    ) -> None:
        object.__setattr__(self, "speaker", speaker)
        object.__setattr__(self, "sentence", sentence)
        object.__setattr__(self, "meeting", meeting)


@cache
def _verb_pattern() -> SentencePattern:
    verbs = set(lexicon.cue_words("reporting_verbs.tsv"))
    return SentencePattern(whole_words(lexicon.alternation(verbs)))


_SUBJECT_GAP = re.compile(
    r"^(?:['’]s?)?\s*(?:\([^)]{0,40}\)\s*)?(?:,[^,]{0,120},|,)?\s*"
    r"(?:(?:\w+ly|also|again|later|then|today|yesterday|tonight|has|had|have|was|is|and|"
    r"on\s+\w+|for\s+(?:his|her)\s+part,|in\s+turn,?)\s+)*$"
)


_NOT_THE_SUBJECT = re.compile(
    r"\b(?:aides?|spokes(?:man|woman|person)|advis[eo]rs?|officials?|sources?|allies|ally|"
    r"friends?|members?|diplomats?)\s+(?:to|of|for|close\s+to)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


def _speaker_before(sentence: ReadSentence, verb_start: int) -> Actor | None:
    """Return the named person who is the subject of the verb at `verb_start`.

    The words between them may only be an apposition or adverbs: 'Lavrov, for his part,
    reaffirmed'; 'officials said' or 'Li's aide said' give no speaker.
    """
    for actor in reversed(sentence.people()):
        if actor.end > verb_start:
            continue
        if _NOT_THE_SUBJECT.search(sentence.text[: actor.start]):
            return None
        if _SUBJECT_GAP.match(sentence.text[actor.end : verb_start]):
            return actor
        return None
    return None


def _subject_after_participle(sentence: ReadSentence, verb: re.Match[str]) -> Actor | None:
    """Return the subject of 'Recalling the talks, Foreign Minister X said ...'."""
    if verb.start() > 0 or not verb.group().endswith("ing"):
        return None
    comma = sentence.text.find(",")
    following = [a for a in sentence.people() if comma != -1 and a.start > comma]
    if following and sentence.text[comma + 1 : following[0].start].strip() in ("", "the"):
        return following[0]
    return None


def _subject_before_participle(sentence: ReadSentence, verb: re.Match[str]) -> Actor | None:
    """Return the subject of '..., saying that ...': the sentence's first person, when the
    participle follows a comma and that person opens the sentence."""
    if not verb.group().endswith("ing") or not sentence.text[: verb.start()].rstrip().endswith(","):
        return None
    people = sentence.people()
    if people and people[0].start < 40 and people[0].end < verb.start():
        return people[0]
    return None


def _speaker_after(sentence: ReadSentence, verb_start: int, verb_end: int) -> Actor | None:
    """Return the person named right after the verb: '"...," said Foreign Minister Wang Yi'."""
    before = sentence.text[:verb_start].rstrip()
    if not before or before[-1] not in ",\"”'’":  # a quote or comma just before
        return None
    for actor in sentence.people():
        reach = actor.reach_start if actor.reach_start is not None else actor.start
        if 0 <= reach - verb_end <= 6:
            return actor
    return None


def _speakers(
    sentence: ReadSentence, meetings: list[MeetingReport], follows_meeting: bool
) -> list[Actor]:
    """Return who speaks in `sentence`: its subject, a person named after a quote, or the
    people of the meeting when 'the two ministers' (or 'they', right after) speak."""
    if not (sentence.people() or sentence.group_reference or sentence.they):
        return []  # no one who could speak
    verbs = lexicon.cue_words("reporting_verbs.tsv")
    for match in _verb_pattern().finditer(sentence.sentence):
        if verbs[" ".join(match.group().split())] == "discuss":
            continue
        speaker = (
            _speaker_before(sentence, match.start())
            or _speaker_after(sentence, match.start(), match.end())
            or _subject_after_participle(sentence, match)
            or _subject_before_participle(sentence, match)
        )
        if speaker is not None:
            return [*_coordinated(sentence, speaker), speaker]
        group = sentence.group_reference or (sentence.they and follows_meeting)
        if group and match.start() < 60:
            meeting = _latest_meeting(sentence, meetings)
            if meeting is not None:
                return list(meeting.participants)
    return []


_FIRST_PERSON = re.compile(r"\b(?:I|my|[Ww]e|[Oo]ur|[Uu]s)\b")


def _author_speaks(read: ReadArticle, sentence: ReadSentence) -> list[Actor]:
    """Return the author of a signed statement for a sentence they write in the first person."""
    if read.author is None or not _FIRST_PERSON.search(sentence.text):
        return []
    return [read.author]


def _coordinated(sentence: ReadSentence, speaker: Actor) -> list[Actor]:
    """Return the people joined to `speaker` by 'and': 'The President and Prime Minister'."""
    joined = []
    for actor in reversed(sentence.people()):
        if actor.end <= speaker.start and re.fullmatch(
            r"\s+and\s+(?:the\s+)?", sentence.text[actor.end : speaker.start]
        ):
            joined.append(actor)
            speaker = actor
    return joined[::-1]


def _latest_meeting(sentence: ReadSentence, meetings: list[MeetingReport]) -> MeetingReport | None:
    before = [m for m in meetings if m.evidence.sentence.start <= sentence.sentence.start]
    return before[-1] if before else (meetings[0] if meetings else None)


def _meeting_of(
    speaker: Actor, sentence: ReadSentence, meetings: list[MeetingReport]
) -> MeetingReport | None:
    with_speaker = [m for m in meetings if any(p.name == speaker.name for p in m.participants)]
    if not with_speaker:
        return None
    before = [m for m in with_speaker if m.evidence.sentence.start <= sentence.sentence.start]
    return before[-1] if before else with_speaker[0]


_QUOTES = re.compile(r"\"|“|”|``|''")  # literals first: a search skips to a mark


def _inside_quote(sentence: ReadSentence, paragraph_start: int, text: str) -> bool:
    """Return whether `sentence` is part of a quotation opened earlier in its paragraph or
    is a quotation itself."""
    if re.match(r"^(?:[\"“]|``)", sentence.text):
        return True
    return len(_QUOTES.findall(text[paragraph_start : sentence.sentence.start])) % 2 == 1


def _quoted_speakers(read: ReadArticle, found: dict[int, list[Actor]]) -> None:
    """Credit unattributed quoted sentences to the speaker of their paragraph."""
    by_paragraph: dict[int, list[int]] = {}
    for index, sentence in enumerate(read.sentences):
        by_paragraph.setdefault(sentence.sentence.paragraph, []).append(index)
    for indexes in by_paragraph.values():
        speakers = [found[i] for i in indexes if found.get(i)]
        if len(speakers) != 1 and not (speakers and all(s == speakers[0] for s in speakers)):
            continue
        start = read.sentences[indexes[0]].sentence.start
        spoken = False
        for i in indexes:
            spoken = spoken or bool(found.get(i))
            if found.get(i):
                continue
            sentence = read.sentences[i]
            if _inside_quote(sentence, start, read.text) or (
                spoken and _speaks_for_own_side(sentence, speakers[0])
            ):
                found[i] = speakers[0]


def _speaks_for_own_side(sentence: ReadSentence, speakers: list[Actor]) -> bool:
    """Return whether `sentence` goes on reporting a lone speaker's words with their country
    as subject: 'Wang stressed X. As chair, China is ready to Y.'"""
    if len(speakers) != 1 or sentence.people():
        return False
    states = [
        a for a in sentence.actors if a.kind == "state" and a.side and not a.side.startswith("ORG:")
    ]
    return bool(states) and states[0].start < 60 and states[0].side == speakers[0].side


def find_statements(read: ReadArticle, meetings: list[MeetingReport]) -> list[Statement]:
    """Return one statement per (sentence, speaker) where a named person communicates."""
    evidence = {id(m.evidence) for m in meetings}
    found: dict[int, list[Actor]] = {}
    for i, sentence in enumerate(read.sentences):
        before = read.sentences[i - 1] if i else None
        follows = before is not None and (id(before) in evidence or len(found[i - 1]) > 1)
        found[i] = _speakers(sentence, meetings, follows) or _author_speaks(read, sentence)
    _quoted_speakers(read, found)
    statements = []
    for index, sentence in enumerate(read.sentences):
        seen: set[str] = set()
        for speaker in found[index]:
            if not speaker.name or speaker.name in seen:
                continue
            seen.add(speaker.name)
            meeting = _meeting_of(speaker, sentence, meetings)
            statements.append(Statement(speaker, sentence, meeting))
    return statements
