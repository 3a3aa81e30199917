"""Find date expressions in a sentence and resolve them against the publication date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from transforms.patterns import Anchors
from transforms.text import lowered, whole_words, words_of

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RELATIVE_DAYS = {
    "today": 0,
    "tonight": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "yesterday": -1,
    "last night": -1,
    "tomorrow": 1,
}

_MONTH = (
    r"(?P<month>"
    + "|".join(sorted((m.capitalize() for m in MONTHS), key=len, reverse=True))
    + r")\.?"
)
_MONTH_DAY = re.compile(
    rf"(?<!\w){_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s*(?:[-–]|to|and)\s*\d{{1,2}})?"
    rf"(?:,?\s+(?P<year>(?:19|20)\d\d))?\b",
)
_DAY_MONTH = re.compile(
    rf"(?<!\w)(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s*(?:[-–]|to|and)\s*\d{{1,2}})?\s+{_MONTH}"
    rf"(?:,?\s+(?P<year>(?:19|20)\d\d))?\b",
)
# Look-behinds rather than \b, and the last two on lower-cased text: faster, same matches.
_WEEKDAY = re.compile(
    r"(?<!\w)(?P<next>next\s+|last\s+|this\s+|on\s+)?(?P<weekday>" + "|".join(WEEKDAYS) + r")\b"
)
_RELATIVE = whole_words("|".join(RELATIVE_DAYS))
# Where the patterns can match: only where a word they start with stands (see Anchors),
# and a date needs a month's name as a whole word, a quick test before the month patterns.
_MONTH_DAY_ANCHORS = Anchors.of(_MONTH_DAY)
_WEEKDAY_ANCHORS = Anchors.of(_WEEKDAY)
_RELATIVE_ANCHORS = Anchors.of(_RELATIVE)
_MONTH_WORDS = frozenset(MONTHS)
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Za-z .'-]{1,40},\s+(?:[A-Z][a-z]+\s+)?" + _MONTH + r"\s+(?P<day>\d{1,2})\b",
)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression in a sentence, and the date it stands for (None if unresolvable)."""

    start: int
    end: int
    value: date | None
    basis: str  # explicit | relative

    def __init__(  # the dataclass's own, compiled by mypyc: faster than the generated one
        self, start: int, end: int, value: date | None, basis: str
    ) -> None:
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "basis", basis)


def _nearest_year(month: int, day: int, published: date, forward: bool) -> date | None:
    """Return month/day in the year that puts it closest to `published` on the right side."""
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        return None
    if forward:
        after = [d for d in candidates if d >= published - timedelta(days=2)]
        return min(after) if after else None
    before = [d for d in candidates if d <= published + timedelta(days=2)]
    return max(before) if before else None


def _explicit(match: re.Match[str], published: date | None, forward: bool) -> date | None:
    month = MONTHS[match.group("month").lower().rstrip(".")]
    day = int(match.group("day"))
    if match.group("year"):
        try:
            return date(int(match.group("year")), month, day)
        except ValueError:
            return None
    if published is None:
        return None
    return _nearest_year(month, day, published, forward)


def _weekday(match: re.Match[str], published: date, forward: bool) -> date:
    wanted = WEEKDAYS.index(match.group("weekday").lower())
    modifier = (match.group("next") or "").strip().lower()
    if modifier == "next" or (forward and modifier != "last"):
        delta = (wanted - published.weekday()) % 7 or (7 if modifier == "next" else 0)
        return published + timedelta(days=delta)
    return published - timedelta(days=(published.weekday() - wanted) % 7)


def find_dates(
    text: str,
    published: date | None,
    *,
    forward: bool = False,
    lower: str | None = None,
    words: frozenset[str] | None = None,
) -> list[DateMention]:
    """Return the date expressions of `text`, resolved against `published`; `lower` and
    `words` are `lowered(text)` and its words if the caller has them.

    `forward` resolves weekdays and month-days without a year to the next such day, as
    for a planned meeting.

    >>> [m.value.isoformat() for m in find_dates("met on Sunday", date(2025, 7, 14))]
    ['2025-07-13']
    """
    mentions: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    if lower is None or words is None:
        lower = lowered(text)
        words = words_of(lower)
    months = (
        ()
        if _MONTH_WORDS.isdisjoint(words)
        else (_MONTH_DAY_ANCHORS.finditer(text, words, lower), _DAY_MONTH.finditer(text))
    )
    for matches in months:
        for match in matches:
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue
            taken.append(match.span())
            value = _explicit(match, published, forward)
            mentions.append(DateMention(match.start(), match.end(), value, "explicit"))
    if published is not None:
        for match in _WEEKDAY_ANCHORS.finditer(lower, words):
            value = _weekday(match, published, forward)
            mentions.append(DateMention(match.start(), match.end(), value, "relative"))
        for match in _RELATIVE_ANCHORS.finditer(lower, words):
            value = published + timedelta(days=RELATIVE_DAYS[match.group()])
            mentions.append(DateMention(match.start(), match.end(), value, "relative"))
    return sorted(mentions, key=lambda m: m.start)


def find_dateline(text: str, published: date | None) -> date | None:
    """Return the date of a dateline opening `text`: 'BERNE, March 4 - ...' -> March 4."""
    match = _DATELINE.match(text)
    if not match or published is None:
        return None
    return _nearest_year(
        MONTHS[match.group("month").lower().rstrip(".")], int(match.group("day")), published, False
    )
