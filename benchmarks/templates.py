"""The sample articles as templates: their text, and the slots a generated article refills.

A slot is a span of a sample article that names one of its principal countries (by name
or adjective), a city of one of them, one of its people, a weekday or a calendar date.
The principal countries and the people come from the sample's gold reading
(corpus/sample-gold.jsonl): the sides of its meetings and its speakers. Everything else
(other countries, organisations, seas, years) stays as written, so a refilled article
reads like the sample it came from.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from transforms.articles import parse_txt
from transforms.lexicon import adjective_forms, side_names
from transforms.places import gazetteer

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "corpus" / "sample"
SAMPLE_GOLD = ROOT / "corpus" / "sample-gold.jsonl"

# Phrases that contain a country's name but do not name the country.
KEPT_PHRASES = ("South China Sea", "East China Sea", "Indian Ocean", "Gulf of Mexico")
# Side names that are a government's institution, not the country: kept as written.
INSTITUTIONS = ("Downing Street", "Foreign Office", "White House", "State Department")
INSTITUTIONS += ("Pentagon", "Kremlin", "Elysee", "Élysée", "Quai d'Orsay")
MONTHS = (
    "January February March April May June July August September October November December"
).split()
MONTH_ABBREVIATIONS = {"Jan.": 1, "Feb.": 2, "Aug.": 8, "Sep.": 9, "Sept.": 9, "Oct.": 10}
MONTH_ABBREVIATIONS |= {"Nov.": 11, "Dec.": 12}
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()

_MONTH = "|".join([*MONTHS, *(re.escape(a) for a in MONTH_ABBREVIATIONS)])
_MONTH_DAY = re.compile(
    rf"\b(?P<month>{_MONTH}) (?P<day>\d{{1,2}})"
    r"(?:(?P<joiner>-| to )(?P<day2>\d{1,2}))?(?:, (?P<year>\d{4}))?(?!\d)"
)
_DAY_MONTH = re.compile(rf"\b(?P<day>\d{{1,2}}) (?P<month>{_MONTH})(?: (?P<year>\d{{4}}))?\b")
_WEEKDAY = re.compile(rf"\b(?:{'|'.join(WEEKDAYS)})\b")
_UPPER_WORDS = re.compile(r"\b[A-Z][A-Z'-]{2,}(?: [A-Z][A-Z'-]{2,}){0,2}\b")


@dataclass(frozen=True, slots=True)
class CountryRef:
    """A principal country named as a noun, with the article written before it, if any."""

    code: str
    article: str = ""  # "", "the" or "The"


@dataclass(frozen=True, slots=True)
class CityRef:
    """A city of a principal country, as written (upper case in a dateline)."""

    code: str
    city: str
    upper: bool = False


@dataclass(frozen=True, slots=True)
class PersonRef:
    """Tokens first..last-1 of the template's person `index` (a full name or a part)."""

    index: int
    first: int
    last: int


@dataclass(frozen=True, slots=True)
class DateRef:
    """A calendar date or a range of days, and how it was written."""

    days: tuple[date, ...]
    month_first: bool
    abbreviated: bool
    with_year: bool
    joiner: str = "-"


@dataclass(frozen=True, slots=True)
class Slot:
    """A span to refill: kind is country, adjective, city, person, weekday or date."""

    start: int
    end: int
    kind: str
    value: object


@dataclass(frozen=True, slots=True)
class Text:
    """A text and its slots, in order and without overlaps."""

    text: str
    slots: tuple[Slot, ...]


@dataclass(frozen=True, slots=True)
class Template:
    """One sample article ready to be refilled."""

    name: str
    published: date
    title: Text | None
    body: Text
    sides: tuple[str, ...]
    people: tuple[tuple[str, ...], ...]
    reports_meeting: bool
    words: int


@cache
def load_templates(sample_dir: Path = SAMPLE_DIR, gold: Path = SAMPLE_GOLD) -> list[Template]:
    """Return a template per sample article that has a gold reading, in file order."""
    readings = {}
    for line in gold.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            readings[record["file"]] = record
    return [
        make_template(path.name, path.read_text(encoding="utf-8"), readings[path.name])
        for path in sorted(sample_dir.glob("*.txt"))
        if path.name in readings
    ]


def make_template(name: str, raw: str, reading: dict) -> Template:
    """Return the template of one sample article (`raw`, a .txt) and its gold `reading`."""
    article = parse_txt(raw, name)
    sides = _principal_sides(reading)
    people = _people(reading)
    published = article.published_date or _assumed_publication(reading)
    finder = _SlotFinder(sides, people, published, _gold_cities(reading, sides))
    return Template(
        name=name,
        published=published,
        title=finder.find(article.title) if article.title else None,
        body=finder.find(article.text),
        sides=sides,
        people=people,
        reports_meeting=bool(reading["meetings"]),
        words=len(article.text.split()),
    )


def _principal_sides(reading: dict) -> tuple[str, ...]:
    sides = {s for m in reading["meetings"] for s in m["sides"]}
    sides |= {p["side"] for m in reading["meetings"] for p in m.get("participants", [])}
    sides |= {s["side"] for s in reading.get("statements", [])}
    return tuple(sorted(s for s in sides if s and not s.startswith("ORG:")))


def _people(reading: dict) -> tuple[tuple[str, ...], ...]:
    names = [p["name"] for m in reading["meetings"] for p in m.get("participants", [])]
    names += [s["speaker"] for s in reading.get("statements", [])]
    return tuple(tuple(n.split()) for n in dict.fromkeys(names) if n)


def _gold_cities(reading: dict, sides: tuple[str, ...]) -> dict[str, str]:
    """The meeting places of the gold reading that are in a principal country ('New Delhi')."""
    places = [m.get("location") or {} for m in reading["meetings"]]
    return {p["city"]: p["country"] for p in places if p.get("city") and p.get("country") in sides}


def _assumed_publication(reading: dict) -> date:
    """A sample without a date line is taken as published the day after its last meeting."""
    days = [date.fromisoformat(m["date"]) for m in reading["meetings"] if m.get("date")]
    return max(days) + timedelta(days=1) if days else date(2024, 1, 1)


class _SlotFinder:
    """Finds the slots of the texts of one template."""

    def __init__(
        self,
        sides: tuple[str, ...],
        people: tuple[tuple[str, ...], ...],
        published: date,
        cities: dict[str, str],
    ) -> None:
        self.sides, self.published = set(sides), published
        cities = _cities_of(self.sides) | cities
        self.forms: dict[str, tuple[str, object]] = {c: ("city", k) for c, k in cities.items()}
        for index, tokens in enumerate(people):
            for first, last in _name_parts(tokens):
                self.forms[" ".join(tokens[first:last])] = ("person", (index, first, last))
        # A possessive form ("Beijing's") is left to the city and the "'s" after it.
        sides = {f: ("side", c) for f, c in side_names().items() if not f.endswith("'s")}
        self.forms |= sides | {p: ("kept", None) for p in (*KEPT_PHRASES, *INSTITUTIONS)}
        alternation = "|".join(re.escape(f) for f in sorted(self.forms, key=len, reverse=True))
        self.pattern = re.compile(rf"(?<![\w.])(?:{alternation})(?![\w])")

    def find(self, text: str) -> Text:
        candidates = [*self._names(text), *self._datelines(text), *self._dates(text)]
        candidates += [
            Slot(m.start(), m.end(), "weekday", WEEKDAYS.index(m[0]))
            for m in _WEEKDAY.finditer(text)
        ]
        return Text(text, tuple(_without_overlaps(candidates)))

    def _names(self, text: str) -> list[Slot]:
        slots = []
        for match in self.pattern.finditer(text):
            kind, value = self.forms[match[0]]
            if kind == "person":
                slots.append(Slot(match.start(), match.end(), kind, PersonRef(*value)))
            elif kind == "city":
                slots.append(Slot(match.start(), match.end(), kind, CityRef(value, match[0])))
            elif kind == "side" and value in self.sides:
                slots.append(_side_slot(text, match, value))
        return slots

    def _datelines(self, text: str) -> list[Slot]:
        slots = []
        for match in _UPPER_WORDS.finditer(text):
            found = gazetteer().get(match[0].title())
            if found and found[1] in self.sides:
                ref = CityRef(found[1], found[0], upper=True)
                slots.append(Slot(match.start(), match.end(), "city", ref))
        return slots

    def _dates(self, text: str) -> list[Slot]:
        slots = []
        for pattern in (_MONTH_DAY, _DAY_MONTH):
            for match in pattern.finditer(text):
                ref = _date_ref(match, self.published, month_first=pattern is _MONTH_DAY)
                if ref:
                    slots.append(Slot(match.start(), match.end(), "date", ref))
        return slots


def _side_slot(text: str, match: re.Match, code: str) -> Slot:
    form, start = match[0], match.start()
    adjectival = form in adjective_forms()
    if adjectival and form in _noun_forms():
        following = text[match.end() : match.end() + 2]
        adjectival = len(following) == 2 and following[0] == " " and following[1].isupper()
    if adjectival:
        return Slot(start, match.end(), "adjective", code)
    if form.startswith("The "):
        return Slot(start, match.end(), "country", CountryRef(code, "The"))
    article = text[max(0, start - 4) : start]
    compound = text[match.end() : match.end() + 1] == "-"  # "the Indonesia-Australia pact"
    if (
        article in ("the ", "The ")
        and not compound
        and (start == 4 or not text[start - 5].isalnum())
    ):
        return Slot(start - 4, match.end(), "country", CountryRef(code, article.strip()))
    return Slot(start, match.end(), "country", CountryRef(code))


@cache
def _noun_forms() -> frozenset[str]:
    adjectives = adjective_forms()
    return frozenset(f for f in side_names() if f not in adjectives) | _adjectives_named()


@cache
def _adjectives_named() -> frozenset[str]:
    """Forms that are both a name and an adjective ('New Zealand', 'Singapore', 'U.S.')."""
    from transforms.lexicon import read_rows

    names = {form for row in read_rows("countries.tsv") for form in row[1].split("|")}
    return frozenset(form for form in adjective_forms() if form in names)


def _cities_of(codes: set[str]) -> dict[str, str]:
    """Map the gazetteer's own city names (no alternates) in `codes` to their country."""
    forms = side_names()
    return {
        name: code
        for name, (display, code) in gazetteer().items()
        if code in codes and name == display and name not in forms
    }


def _name_parts(tokens: tuple[str, ...]) -> list[tuple[int, int]]:
    """Return the token ranges by which a person may be called: leading or trailing parts."""
    count = len(tokens)
    parts = {(0, count)} | {(0, n) for n in range(1, count)} | {(n, count) for n in range(count)}
    return [(a, b) for a, b in parts if b - a > 1 or len(tokens[a]) >= 3]


def _date_ref(match: re.Match, published: date, *, month_first: bool) -> DateRef | None:
    month_text = match["month"]
    month = MONTH_ABBREVIATIONS.get(month_text) or MONTHS.index(month_text) + 1
    year = int(match["year"]) if match["year"] else None
    try:
        first = _nearest(published, month, int(match["day"]), year)
        days = [first]
        if match.groupdict().get("day2"):
            days.append(first.replace(day=int(match["day2"])))
    except ValueError:  # not a real date: leave the text as written
        return None
    joiner = match.groupdict().get("joiner") or "-"
    return DateRef(tuple(days), month_first, month_text in MONTH_ABBREVIATIONS, bool(year), joiner)


def _nearest(published: date, month: int, day: int, year: int | None) -> date:
    if year is not None:
        return date(year, month, day)
    years = (published.year - 1, published.year, published.year + 1)
    return min((date(y, month, day) for y in years), key=lambda d: abs(d - published))


def _without_overlaps(slots: list[Slot]) -> list[Slot]:
    kept: list[Slot] = []
    for slot in sorted(slots, key=lambda s: (s.start, s.start - s.end)):
        if not kept or slot.start >= kept[-1].end:
            kept.append(slot)
    return kept
