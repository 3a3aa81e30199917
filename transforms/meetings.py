"""Meetings: encounters between people of two or more sides, one per real meeting.

Matching finds, per sentence, a meeting cue and the sides of the people around it;
deciding merges the reports of one meeting inside the article (lead, body, caption)
and resolves its date, mode, status and place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache

from transforms import lexicon
from transforms.actors import Actor, side_spans
from transforms.dates import find_dates
from transforms.lexicon import side_on
from transforms.patterns import RuleSet, SentencePattern
from transforms.places import find_places
from transforms.reading import ReadArticle, ReadSentence, quotation_spans
from transforms.text import Sentence, whole_words

# On lower-cased text, from a look-behind: faster, same matches (see text.whole_words).
_NEGATION = SentencePattern(
    r"(?<!\w)(?:not|never|no plans? to|refused to|declined to|won't|cannot|without)\s+"
    r"(?:\w+\s+){0,2}?(?:meet|meeting|talks|visit|speak)"
)
_GENERIC_ENCOUNTERS = SentencePattern(
    r"(?<!\w)(?:several|many|numerous|frequent|regular|previous|past|recent|a\s+series\s+of)\s+"
    r"(?:\w+\s+)?(?:visits|meetings|talks|calls|contacts)\b|"
    r"\b(?:from\s+time\s+to\s+time|regularly|routinely|often|frequently|"
    r"over\s+the\s+(?:past|last)\s+(?:few\s+|two\s+|three\s+)?(?:days|weeks|months|years))\b"
)
# What may stand before the cue of a list item with no subject: a bullet and a date.
_LIST_PREFIX = re.compile(
    r"^\s*(?:[-•*]\s*)?(?:[A-Z][a-z]+day,?\s+)?"
    r"(?:\d{1,2}(?:\s*[-–]\s*\d{1,2})?\s+[A-Z][a-z]+|[A-Z][a-z]+\.?\s+\d{1,2}(?:\s*[-–]\s*\d{1,2})?)?"
    r",?\s*[-–:]?\s*$"
)
# Its first capital is matched first, a look-behind making it a word's start, so a search
# skips to the next capital instead of trying every character (see actors._TOKEN).
_SUMMIT_NAME = re.compile(
    r"([A-Z](?<!\w[A-Z])[\w.-]*\s+(?:[A-Z][\w.-]*\s+){0,4}?"
    r"(?:[Ss]ummit|Conference|Forum|Dialogue|Commission meeting|Council meeting))\b"
)
# The word a summit's name ends with, lower case: a sentence without one needs no search.
_SUMMIT_WORDS = frozenset({"summit", "conference", "forum", "dialogue", "meeting"})
_IN_COUNTRY = re.compile(r"\b(?:in|to)\s+(?:the\s+)?$")
_CALL_ON_TO = re.compile(r"^\s+\S+(?:\s+\S+){0,6}?\s+to\s+[a-z]+")
_SIDE_KINDS = ("person", "office", "body")


@dataclass(slots=True)
class MeetingReport:
    """One meeting as an article reports it, possibly from several of its sentences."""

    sides: list[str]
    mode: str
    status: str
    date: date | None
    date_basis: str
    evidence: ReadSentence
    participants: list[Actor] = field(default_factory=list)
    city: str | None = None
    country: str | None = None
    name: str | None = None
    follow_up: bool = False  # reported as 'the two leaders ...' after an earlier sentence


@cache
def _cue_rules() -> tuple[RuleSet, list[str]]:
    """Every cue of meeting_cues.tsv as one rule, and the cues' modes."""
    rows = lexicon.read_rows("meeting_cues.tsv")
    # Matched against the lower-cased sentence: faster than IGNORECASE, same offsets.
    return RuleSet([row[0] for row in rows]), [row[1] for row in rows]


@cache
def _status_pattern() -> SentencePattern:
    phrases = set(lexicon.cue_words("status_cues.tsv"))
    return SentencePattern(whole_words(lexicon.alternation(phrases)))


def _cues(sentence: Sentence) -> list[tuple[int, str]]:
    """Return (offset, mode) of the meeting cues of `sentence`: 'met' -> in_person,
    'call' -> phone."""
    rules, modes = _cue_rules()
    found: list[tuple[int, str]] = []
    quoted = None
    text = sentence.text
    for rule, match in rules.finditer(sentence.lower, sentence.words):
        if quoted is None:
            quoted = quotation_spans(text)
        if any(a <= match.start() < b for a, b in quoted):
            continue  # a visit someone speaks of is not a meeting the article reports
        mode = modes[rule]
        calls_on = re.fullmatch(r"call(?:s|ed)?\s+on", match.group())
        if calls_on and _CALL_ON_TO.match(text[match.end() :]):  # 'called on Iran to stop'
            continue
        found.append((match.start(), mode))
    return found


def _mode(cues: list[tuple[int, str]]) -> str:
    """Return the meeting's mode: video or phone where the sentence says so ('held phone
    talks'); a plain 'spoke with' is a call unless an in-person cue comes first."""
    labels = [mode for _, mode in cues]
    if "video" in labels:
        return "video"
    if "phone" in labels:
        return "phone"
    first = next((mode for mode in labels if mode != "visit"), "in_person")
    return "phone" if first == "talk" else "in_person"


_HELD_VERB = re.compile(
    r"\b(?:met|held|hosted|received|visited|spoke|talked|telephoned|conferred|called\s+on|"
    r"sat\s+down|began|opened|concluded|wrapped\s+up)\b",
    re.IGNORECASE,
)


_MODAL_BEFORE = re.compile(r"\b(?:would|could|might|may|should|shall)\s+(?:\w+\s+){0,2}$")
_PAST_TRIP = re.compile(r"\b(?:traveled|travelled|flew|went|came|arrived|returned)\b")


def _status(sentence: Sentence, cue: int) -> str:
    """Return held, planned or cancelled; a past-tense cue ('met') is held whatever the
    rest of the sentence announces ('opening a visit dominated by the upcoming review')."""
    text = sentence.text
    labels = {
        lexicon.cue_words("status_cues.tsv")[" ".join(m.group().split())]
        for m in _status_pattern().finditer(sentence)
    }
    if "cancelled" in labels:
        return "cancelled"
    if (
        "planned" in labels
        and not _HELD_VERB.match(text, cue)
        and not _PAST_TRIP.search(text, 0, cue)
    ) or _MODAL_BEFORE.search(text, 0, cue):
        return "planned"
    return "held"


def _sides(actors: list[Actor]) -> list[str]:
    return sorted({a.side for a in actors if a.kind in _SIDE_KINDS and a.side})


def _meeting_date(
    read: ReadArticle, sentence: ReadSentence, cue: int, status: str
) -> tuple[date | None, str]:
    """Return (date, basis) written in `sentence` for a meeting reported around offset `cue`."""
    quoted = quotation_spans(sentence.text)
    mentions = [
        m
        for m in find_dates(
            sentence.text,
            read.published,
            forward=status != "held",
            lower=sentence.sentence.lower,
            words=sentence.sentence.words,
        )
        if m.value is not None and not any(a <= m.start < b for a, b in quoted)
    ]
    if mentions:
        nearest = min(mentions, key=lambda m: abs(m.start - cue))
        in_dateline = sentence is read.sentences[0] and nearest.value == read.dateline_date
        value = nearest.value
        if re.search(r"\beve\s+of\b", sentence.text[min(cue, nearest.start) : nearest.start]):
            # 'met on the eve of talks on Monday': the day before that coming Monday
            [ahead] = find_dates(
                sentence.text[nearest.start : nearest.end], read.published, forward=True
            ) or [nearest]
            if ahead.value is not None:
                value = ahead.value - timedelta(days=1)
        return value, "dateline" if in_dateline else nearest.basis
    return None, "unknown"


def _lead_date(read: ReadArticle, report: MeetingReport) -> tuple[date | None, str]:
    """Return (date, basis) for an undated meeting of the lead: the dateline, else the day of
    publication for a held meeting; (None, 'unknown') elsewhere."""
    if report.evidence.sentence.paragraph not in read.lead_paragraphs:
        return None, "unknown"
    if read.dateline_date is not None:
        return read.dateline_date, "dateline"
    if report.status == "held" and read.published is not None:
        return read.published, "publication"
    return None, "unknown"


def _place(
    read: ReadArticle, sentence: ReadSentence, mode: str, basis: str
) -> tuple[str | None, str | None]:
    if mode != "in_person":
        return None, None
    places = find_places(sentence.text)
    if places:
        return places[0].city, places[0].country
    if read.dateline_place is not None and re.search(
        r"\b(?:here|in\s+this\s+capital)\b", sentence.text
    ):
        return read.dateline_place.city, read.dateline_place.country
    for start, _, code in side_spans(
        sentence.text, sentence.sentence.lower, sentence.sentence.words
    ):
        if _IN_COUNTRY.search(sentence.text[:start]) and not code.startswith("ORG:"):
            return None, code
    if sentence.sentence.paragraph in read.lead_paragraphs and read.dateline_place is not None:
        return read.dateline_place.city, side_on(read.dateline_place.country, read.published)
    return None, None


def _meeting_actors(
    read: ReadArticle, sentence: ReadSentence, cue: int, previous: list[Actor]
) -> list[Actor]:
    """Return who takes part in a meeting the sentence reports, resolving 'the two leaders'
    to the people of the sentences before, and a subjectless list item ('Phone call with
    the Indonesian minister') to the article's own side."""
    actors = list(sentence.actors)
    if len(_sides(actors)) >= 2:
        return actors
    if sentence.group_reference and len(_sides(previous)) >= 2:
        return actors + previous
    listed = _LIST_PREFIX.match(sentence.text[:cue])
    if read.home_side and listed and _sides(actors) not in ([], [read.home_side]):
        return [*actors, Actor(0, 0, "body", read.home_side)]
    return actors


def _report(
    read: ReadArticle, sentence: ReadSentence, previous: list[Actor]
) -> MeetingReport | None:
    """Return the meeting `sentence` reports, or None."""
    if not sentence.group_reference and not any(a.side for a in sentence.actors):
        return None  # nobody with a side takes part: no need to look for cues
    cues = _cues(sentence.sentence)
    if (
        not cues
        or _NEGATION.search(sentence.sentence)
        or _GENERIC_ENCOUNTERS.search(sentence.sentence)
    ):
        return None
    actors = _meeting_actors(read, sentence, cues[0][0], previous)
    mode = _mode(cues)
    status = _status(sentence.sentence, cues[0][0])
    when, basis = _meeting_date(read, sentence, cues[0][0], status)
    city, country = _place(read, sentence, mode, basis)
    country = side_on(country, read.published)
    sides = _sides(actors)
    if country and country not in sides and city and city in sentence.text:
        sides = _host_joins(actors, country, sides)
    elif len(sides) == 1 and read.dateline_place:
        host = side_on(read.dateline_place.country, read.published)
        if host is not None and host not in sides:
            sides = _host_joins(actors, host, sides)
    if len(sides) < 2 or not _has_people(actors, cues):
        return None
    if status == "held" and when and read.published and when > read.published:
        status = "planned"
    name = None
    if not _SUMMIT_WORDS.isdisjoint(sentence.sentence.words):
        name = _SUMMIT_NAME.search(sentence.text)
    people = [a for a in actors if a.kind == "person" and a.name and a.side in sides]
    return MeetingReport(
        sides,
        mode,
        status,
        when,
        basis,
        sentence,
        people,
        city,
        country,
        name.group(1).strip() if name else None,
        sentence.group_reference,
    )


def _has_people(actors: list[Actor], cues: list[tuple[int, str]]) -> bool:
    """Return whether a named person or office takes part (a visit needs two sides' people)."""
    if not any(a.kind in ("person", "office") for a in actors):
        return False
    if {mode for _, mode in cues} == {"visit"}:
        return len({a.side for a in actors if a.kind in _SIDE_KINDS and a.side}) >= 2
    return True


def _host_joins(actors: list[Actor], country: str, sides: list[str]) -> list[str]:
    """Give a participant named without a side the host country: 'met Prime Minister X in
    Hanoi' when the other side is not Vietnam."""
    unsided = [
        a
        for a in actors
        if a.kind == "person" and a.name and a.side is None and a.end - a.start > 3
    ]  # a pronoun ('he') is too short to be given a side here
    for actor in unsided:
        actor.side = country
    return sorted({*sides, country}) if unsided else sides


def _same_people(a: MeetingReport, b: MeetingReport) -> bool:
    """Return False when, for some side, both reports name people and none in common."""
    for side in a.sides:
        names_a = {p.name for p in a.participants if p.side == side}
        names_b = {p.name for p in b.participants if p.side == side}
        if names_a and names_b and not names_a & names_b:
            return False
    return True


def _same_meeting(a: MeetingReport, b: MeetingReport) -> bool:
    if b.follow_up and (a.sides, a.status) == (b.sides, b.status):
        return True
    if a.sides != b.sides or a.status != b.status or not _same_people(a, b):
        return False
    if a.mode != b.mode:
        return False
    if a.date is None or b.date is None or a.date == b.date:
        return True
    return a.date_basis in _WEAK_BASES or b.date_basis in _WEAK_BASES


# Dates a report only borrows from the article: a written date of the same meeting wins.
_WEAK_BASES = frozenset({"dateline", "publication", "inferred"})


def _merge(into: MeetingReport, other: MeetingReport) -> None:
    weak = into.date is None or (
        into.date_basis in _WEAK_BASES and other.date_basis not in _WEAK_BASES
    )
    if weak and other.date is not None:
        into.date, into.date_basis = other.date, other.date_basis
    into.city = into.city or other.city
    into.country = into.country or other.country
    into.name = into.name or other.name
    known = {p.name for p in into.participants}
    into.participants.extend(p for p in other.participants if p.name not in known)


def find_meetings(read: ReadArticle) -> list[MeetingReport]:
    """Return the meetings an article reports, one per real meeting."""
    reports: list[MeetingReport] = []
    previous: list[Actor] = []
    for sentence in read.sentences:
        report = _report(read, sentence, previous)
        if len(_sides(sentence.actors)) >= 2:
            previous = [a for a in sentence.actors if a.kind in _SIDE_KINDS]
        if report is None and reports:
            _listed_after_semicolon(read, sentence, reports[-1])
        for part in _separate_meetings(report) if report is not None else ():
            _date_from_paragraph(part, reports)
            reports.append(part)
    meetings = _merge_reports([r for r in reports if r.date is not None], [])
    meetings = _merge_reports([r for r in reports if r.date is None], meetings)
    meetings.sort(key=lambda m: m.evidence.sentence.start)
    for report in meetings:
        if report.date is None:
            report.date, report.date_basis = _lead_date(read, report)
    _date_from_main_event(read, meetings)
    return meetings


def _listed_after_semicolon(
    read: ReadArticle, sentence: ReadSentence, report: MeetingReport
) -> None:
    """Add the people a list goes on naming after a semicolon ('meeting with President A;
    Foreign Minister B; and Prime Minister C') to the meeting reported just before."""
    text = read.text
    before = text[: sentence.sentence.start].rstrip()
    same_item = sentence.sentence.paragraph == report.evidence.sentence.paragraph
    if not (same_item and before.endswith(";")):
        return
    known = {p.name for p in report.participants}
    for person in sentence.people():
        if person.side in report.sides and person.name not in known:
            report.participants.append(person)
            known.add(person.name)


_SEPARATE = re.compile(r"\bseparate(?:ly)?\b", re.IGNORECASE)


def _separate_meetings(report: MeetingReport) -> list[MeetingReport]:
    """Split 'X held separate talks with his Japanese and South African counterparts' into
    one meeting of X's side with each of the others."""
    if len(report.sides) < 3 or not _SEPARATE.search(report.evidence.text):
        return [report]
    side = next((a.side for a in report.evidence.actors if a.side in report.sides), None)
    if side is None:
        return [report]
    return [
        replace(
            report,
            date=None,  # which talks fell on which day, the sentences after tell
            date_basis="unknown",
            sides=sorted({side, other}),
            participants=[p for p in report.participants if p.side in (side, other)],
        )
        for other in report.sides
        if other != side
    ]


def _date_from_paragraph(report: MeetingReport, before: list[MeetingReport]) -> None:
    """Date an undated report by the report before it in its paragraph: the second
    encounter of a list item ('- May 3: A met B; C also met D')."""
    paragraph = report.evidence.sentence.paragraph
    same = [r for r in before if r.evidence.sentence.paragraph == paragraph and r.date]
    if report.date is None and same and same[-1].status == report.status:
        report.date, report.date_basis = same[-1].date, same[-1].date_basis


def _merge_reports(
    reports: list[MeetingReport], meetings: list[MeetingReport]
) -> list[MeetingReport]:
    """Merge each report into the meeting it repeats; an undated report that could repeat
    several dated meetings goes with the nearest one before it (else the first after)."""
    for report in reports:
        same = [m for m in meetings if _same_meeting(m, report)]
        if not same:
            meetings.append(report)
            continue
        where = report.evidence.sentence.start
        before = [m for m in same if m.evidence.sentence.start <= where]
        _merge(max(before, key=lambda m: m.evidence.sentence.start) if before else same[0], report)
    return meetings


_PAST_OR_FUTURE = re.compile(
    r"\b(?:last|earlier|ago|previous(?:ly)?|former|recent(?:ly)?|since|before|next|later|"
    r"(?:19|20)\d\d|January|February|March|April|May|June|July|August|September|October|"
    r"November|December|will|would|plans?|expected)\b"
)


def _date_from_main_event(read: ReadArticle, meetings: list[MeetingReport]) -> None:
    """Date undated held meetings by the article's first dated one (a visit's other talks),
    else by the dateline or the publication date, as news reports the day's meetings.

    Only when the sentence says nothing that places it at another time.
    """
    main = next((m for m in meetings if m.date and m.status == "held"), None)
    if main is not None:
        fallback, basis = main.date, "inferred"
    else:
        fallback, basis = read.dateline_date or read.published, "publication"
    if fallback is None:
        return
    for report in meetings:
        undated = report.date is None and report.status == "held"
        if undated and not _PAST_OR_FUTURE.search(report.evidence.text):
            report.date, report.date_basis = fallback, basis
