"""Statements: what a named person said, stressed, pledged or agreed, one per sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from transforms import lexicon
from transforms.actors import Actor
from transforms.meetings import MeetingReport
from transforms.reading import ReadArticle, ReadSentence

_SUBJECT_REACH = 90  # characters between a speaker and the verb they govern


@dataclass(frozen=True, slots=True)
class Statement:
    """A sentence in which `speaker` communicates something."""

    speaker: Actor
    sentence: ReadSentence
    meeting: MeetingReport | None


@cache
def _verb_pattern() -> re.Pattern[str]:
    verbs = set(lexicon.cue_words("reporting_verbs.tsv"))
    return re.compile(rf"\b(?:{lexicon.alternation(verbs)})\b", re.IGNORECASE)


def _speaker_before(sentence: ReadSentence, verb_start: int) -> Actor | None:
    """Return the named person closest before the verb, within one clause."""
    candidates = [
        a
        for a in sentence.people()
        if a.end <= verb_start and verb_start - a.end <= _SUBJECT_REACH
    ]
    return candidates[-1] if candidates else None


def _speaker_after(sentence: ReadSentence, verb_end: int) -> Actor | None:
    """Return the person named right after the verb: '..., said Foreign Minister Wang Yi'."""
    for actor in sentence.people():
        reach = actor.reach_start if actor.reach_start is not None else actor.start
        if 0 <= reach - verb_end <= 6:
            return actor
    return None


def _speakers(sentence: ReadSentence, meetings: list[MeetingReport]) -> list[Actor]:
    for match in _verb_pattern().finditer(sentence.text):
        speaker = _speaker_before(sentence, match.start()) or _speaker_after(
            sentence, match.end()
        )
        if speaker is not None:
            return [speaker]
        if sentence.group_reference and match.start() < 60:
            meeting = _latest_meeting(sentence, meetings)
            if meeting is not None:
                return list(meeting.participants)
    return []


def _latest_meeting(sentence: ReadSentence, meetings: list[MeetingReport]):
    before = [m for m in meetings if m.evidence.sentence.start <= sentence.sentence.start]
    return before[-1] if before else (meetings[0] if meetings else None)


def _meeting_of(speaker: Actor, sentence: ReadSentence, meetings: list[MeetingReport]):
    with_speaker = [m for m in meetings if any(p.name == speaker.name for p in m.participants)]
    if not with_speaker:
        return None
    before = [m for m in with_speaker if m.evidence.sentence.start <= sentence.sentence.start]
    return before[-1] if before else with_speaker[0]


def find_statements(read: ReadArticle, meetings: list[MeetingReport]) -> list[Statement]:
    """Return one statement per (sentence, speaker) where a named person communicates."""
    statements = []
    for sentence in read.sentences:
        seen: set[str] = set()
        for speaker in _speakers(sentence, meetings):
            if not speaker.name or speaker.name in seen:
                continue
            seen.add(speaker.name)
            meeting = _meeting_of(speaker, sentence, meetings)
            statements.append(Statement(speaker, sentence, meeting))
    return statements
