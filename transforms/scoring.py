"""Score extractor output against gold annotations (shared/eval/GOLD-FORMAT.md, "Scoring").

`to_prediction` turns one article's `Extraction` into a line of the gold format, `score`
compares such lines with the gold and returns an `EvalResult`, and `format_report` renders
that as text. Pure functions: the caller reads files and prints.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import NamedTuple

from transforms.records import Article, Extraction

# Typographic quotes count as their plain forms in names and sentences.
_QUOTES = str.maketrans(dict.fromkeys("“”„«»", '"') | dict.fromkeys("‘’‚′`", "'"))
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# Function words do not count towards the word overlap of two sentences.
_STOPWORDS = frozenset(
    {
        *("a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "had", "has"),
        *("have", "he", "her", "his", "in", "is", "it", "its", "of", "on", "or", "said"),
        *("she", "that", "the", "their", "they", "this", "to", "was", "we", "were"),
        *("which", "will", "with"),
    }
)
MISS_KINDS = (
    "missed meeting",
    "false meeting",
    "wrong date",
    "wrong mode",
    "wrong location",
    "wrong participants",
    "missed statement",
    "false statement",
)


# --- Results -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Counts:
    """True positives, false positives and false negatives of one matching."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float | None:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    def basis(self) -> str:
        return f"(tp {self.tp}, fp {self.fp}, fn {self.fn})"


@dataclass(frozen=True, slots=True)
class Ratio:
    """How many of `total` cases were right."""

    hits: int = 0
    total: int = 0

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.hits + other.hits, self.total + other.total)

    @property
    def value(self) -> float | None:
        return _ratio(self.hits, self.total)

    def basis(self) -> str:
        return f"({self.hits} of {self.total})"


@dataclass(frozen=True, slots=True)
class Miss:
    """One scoring error, described briefly for the report."""

    kind: str
    file: str
    gold: str | None = None
    predicted: str | None = None
    evidence: str | None = None


class Figure(NamedTuple):
    """One line of the report's table."""

    name: str
    value: float | None  # None when nothing was there to measure
    basis: str


@dataclass(frozen=True, slots=True)
class EvalResult:
    """Figures and misses of one scoring run; per-article results add up with `+`."""

    articles: int = 0
    meetings: Counts = Counts()
    sides: Counts = Counts()
    dates: Ratio = Ratio()
    modes: Ratio = Ratio()
    locations: Ratio = Ratio()
    participants: Counts = Counts()
    statements: Counts = Counts()
    negative_articles: int = 0
    negative_predictions: int = 0
    planned: Counts = Counts()
    misses: tuple[Miss, ...] = ()
    ignored_files: tuple[str, ...] = ()

    def __add__(self, other: EvalResult) -> EvalResult:
        return EvalResult(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def false_meetings_per_negative_article(self) -> float | None:
        if not self.negative_articles:
            return None
        return self.negative_predictions / self.negative_articles

    def figures(self) -> list[Figure]:
        """Return the report's figures in order; the last one is informative only."""
        m, s, st = self.meetings, self.statements, self.participants
        negative = f"({self.negative_predictions} meetings in {self.negative_articles} articles)"
        return [
            Figure("meeting precision", m.precision, m.basis()),
            Figure("meeting recall", m.recall, m.basis()),
            Figure("meeting F1", m.f1, m.basis()),
            Figure("sides F1", self.sides.f1, self.sides.basis()),
            Figure("date accuracy", self.dates.value, self.dates.basis()),
            Figure("mode accuracy", self.modes.value, self.modes.basis()),
            Figure("location accuracy", self.locations.value, self.locations.basis()),
            Figure("participant F1", st.f1, st.basis()),
            Figure("statement precision", s.precision, s.basis()),
            Figure("statement recall", s.recall, s.basis()),
            Figure("statement F1", s.f1, s.basis()),
            Figure(
                "false meetings per negative article",
                self.false_meetings_per_negative_article,
                negative,
            ),
            Figure("planned meeting F1 (informative)", self.planned.f1, self.planned.basis()),
        ]


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# --- Extraction to prediction --------------------------------------------------------------


def to_prediction(article: Article, extraction: Extraction) -> dict:
    """Return one article's extraction as a line of the gold format.

    The line is keyed by the base name of `article.source_ref`, as gold lines are.
    """
    people: dict[str, list[dict]] = {}
    for row in extraction.meeting_participants:
        people.setdefault(row["meeting_id"], []).append(row)
    return {
        "file": PurePosixPath(article.source_ref).name,
        "published": _iso(article.published_date),
        "meetings": [
            _meeting(row, people.get(row["meeting_id"], [])) for row in extraction.meeting_mentions
        ],
        "statements": [
            {"speaker": row["speaker"], "side": row.get("side"), "sentence": row["text"]}
            for row in extraction.statements
        ],
        "topics": list(dict.fromkeys(row["topic"] for row in extraction.topics)),
    }


def _meeting(row: dict, people: list[dict]) -> dict:
    city, country = row.get("city"), row.get("country")
    meeting = {
        "date": _iso(row.get("meeting_date")),
        "mode": row["mode"],
        "status": row["status"],
        "sides": sorted(row["sides"]),
        "participants": [
            {"name": p["name"], "side": p.get("side"), "title": p.get("title")} for p in people
        ],
        "location": None
        if city is None and country is None
        else {"city": city, "country": country},
        "evidence": row["evidence"],
    }
    if row.get("name"):
        meeting["name"] = row["name"]
    return meeting


def _iso(value: date | str | None) -> str | None:
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat() if isinstance(value, date) else value


def load_gold(lines: Iterable[str]) -> list[dict]:
    """Parse gold JSON Lines, skipping blank lines.

    >>> load_gold(['{"file": "a.txt", "meetings": []}', ""])
    [{'file': 'a.txt', 'meetings': []}]
    """
    gold = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as err:
            raise ValueError(
                f"gold line {number}: not valid JSON ({err.msg}); fix the line"
            ) from err
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise ValueError(f'gold line {number}: expected an object with a "file" name')
        gold.append(entry)
    return gold


# --- Normalising ---------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Return `text` casefolded, without accents, with plain quotes and single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def _surname(name: str | None) -> str:
    """Return the folded last word of a name, skipping Jr./Sr./II-style suffixes.

    >>> _surname("Sauli Niinistö"), _surname("Joseph R. Biden Jr."), _surname(None)
    ('niinisto', 'biden', '')
    """
    words = [w.strip(".,;:()\"'") for w in _fold(name or "").split()]
    words = [w for w in words if w and w not in _NAME_SUFFIXES]
    return words[-1] if words else ""


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", _fold(text))


def _overlap(a: str, b: str) -> int:
    """Return how strongly two sentences overlap: 0 none, 1 shared words, 2 containment.

    Both are reduced to their words (casefolded, accents, quotes and punctuation dropped).
    One word sequence contained in the other is the strongest overlap. Otherwise they
    overlap when the content words they share (all words but a short list of function
    words, counted with repetition) are at least half of the shorter one's content words.

    >>> _overlap("Gondor will help.", "He said “Gondor will  help,” officials added.")
    2
    >>> _overlap("Tolan praised the treaty talks.", "Tolan said treaty talks were useful.")
    1
    >>> _overlap("Tolan praised the treaty talks.", "Venn left for Arnor on Monday.")
    0
    """
    words_a, words_b = _words(a), _words(b)
    if not words_a or not words_b:
        return 0
    joined_a, joined_b = f" {' '.join(words_a)} ", f" {' '.join(words_b)} "
    if joined_a in joined_b or joined_b in joined_a:
        return 2
    content_a = Counter(w for w in words_a if w not in _STOPWORDS)
    content_b = Counter(w for w in words_b if w not in _STOPWORDS)
    shorter = min(content_a.total(), content_b.total())
    return int(shorter > 0 and 2 * (content_a & content_b).total() >= shorter)


# --- Matching ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Matching:
    pairs: list[tuple[dict, dict]]  # (predicted, gold); pairs with an optional gold left out
    false: list[dict]  # predictions matching nothing
    missed: list[dict]  # required golds matching nothing

    @property
    def counts(self) -> Counts:
        return Counts(len(self.pairs), len(self.false), len(self.missed))


def _match(
    preds: list[dict],
    golds: list[dict],
    same: Callable[[dict, dict], bool],
    affinity: Callable[[dict, dict], tuple[int, ...]],
) -> _Matching:
    """Pair predictions with golds one-to-one where `same` holds, greedily in a fixed order.

    Candidate pairs are taken required golds first (so an optional gold never costs a
    hit), then by descending `affinity` (so a prediction pairs with the gold it resembles
    most), then by position. A prediction paired with an optional gold is dropped.
    """
    candidates = sorted(
        (bool(g.get("optional")), tuple(-x for x in affinity(p, g)), i, j)
        for i, p in enumerate(preds)
        for j, g in enumerate(golds)
        if same(p, g)
    )
    taken: dict[int, int] = {}
    paired: set[int] = set()
    for *_, i, j in candidates:
        if i not in taken and j not in paired:
            taken[i] = j
            paired.add(j)
    return _Matching(
        pairs=[
            (preds[i], golds[j]) for i, j in sorted(taken.items()) if not golds[j].get("optional")
        ],
        false=[p for i, p in enumerate(preds) if i not in taken],
        missed=[g for j, g in enumerate(golds) if j not in paired and not g.get("optional")],
    )


def _same_sides(pred: dict, gold: dict) -> bool:
    return frozenset(pred.get("sides") or ()) == frozenset(gold.get("sides") or ())


def _same_meeting(pred: dict, gold: dict) -> bool:
    return _same_sides(pred, gold) and _iso(pred.get("date")) == _iso(gold.get("date"))


def _country(meeting: dict) -> str | None:
    return (meeting.get("location") or {}).get("country")


def _participant_counts(pred: dict, gold: dict) -> Counts:
    """Match participants one-to-one on (surname, side)."""
    pred_people, gold_people = pred.get("participants") or [], gold.get("participants") or []

    def keys(people: list[dict]) -> Counter[tuple[str, str | None]]:
        return Counter(
            (_surname(p.get("name")), p.get("side")) for p in people if _surname(p.get("name"))
        )

    tp = (keys(pred_people) & keys(gold_people)).total()
    return Counts(tp, len(pred_people) - tp, len(gold_people) - tp)


def _meeting_affinity(pred: dict, gold: dict) -> tuple[int, ...]:
    """Rank gold candidates for a prediction: same mode, same country, then participants.

    A gold that agrees on all of these is as good as the prediction's own original, which
    keeps scoring the gold against itself perfect.
    """
    people = _participant_counts(pred, gold)
    same_mode = pred.get("mode") == gold.get("mode")
    return same_mode, _country(pred) == _country(gold), people.tp, -(people.fp + people.fn)


def _sides_affinity(pred: dict, gold: dict) -> tuple[int, ...]:
    return _same_meeting(pred, gold), *_meeting_affinity(pred, gold)


def _same_statement(pred: dict, gold: dict) -> bool:
    speaker = _surname(pred.get("speaker"))
    return (
        bool(speaker) and speaker == _surname(gold.get("speaker")) and _overlap_of(pred, gold) > 0
    )


def _overlap_of(pred: dict, gold: dict) -> int:
    return _overlap(pred.get("sentence") or "", gold.get("sentence") or "")


def _statement_affinity(pred: dict, gold: dict) -> tuple[int, ...]:
    same_words = _words(pred.get("sentence") or "") == _words(gold.get("sentence") or "")
    return same_words, _overlap_of(pred, gold)


# --- Scoring -------------------------------------------------------------------------------


def score(gold: list[dict], predictions: dict[str, dict]) -> EvalResult:
    """Score predicted lines (keyed by file) against gold lines, as GOLD-FORMAT.md says.

    Within each article, `held` predictions are paired one-to-one with `held` gold meetings
    of equal sides sets and dates (both null counts as equal) for the meeting, mode,
    location and participant figures, and separately on sides alone for sides F1 and date
    accuracy. A prediction paired with an `optional` gold is dropped; an unpaired optional
    gold is no miss; a second prediction of one optional gold is a false one, as for any
    gold. Participants pair on (surname, side), statements on speaker surname and
    `_overlap` of the texts. Planned meetings are paired apart (informative figure only).
    False meetings per negative article counts predictions of any status in articles whose
    gold lists no meeting at all.

    A gold article without a prediction counts as predicting nothing; predictions for files
    that the gold does not annotate are ignored and listed in `ignored_files`.
    """
    files = Counter(line["file"] for line in gold)
    twice = sorted(f for f, n in files.items() if n > 1)
    if twice:
        raise ValueError(f"gold annotates {twice[0]} more than once; keep one line per file")
    result = sum(
        (_score_article(line, predictions.get(line["file"]) or {}) for line in gold), EvalResult()
    )
    return replace(result, ignored_files=tuple(sorted(set(predictions) - set(files))))


def _with_status(meetings: list[dict], status: str) -> list[dict]:
    return [m for m in meetings if m.get("status") == status]


def _score_article(gold: dict, pred: dict) -> EvalResult:
    file = gold["file"]
    gold_meetings, pred_meetings = gold.get("meetings") or [], pred.get("meetings") or []
    held_gold, held_pred = _with_status(gold_meetings, "held"), _with_status(pred_meetings, "held")
    exact = _match(held_pred, held_gold, _same_meeting, _meeting_affinity)
    by_sides = _match(held_pred, held_gold, _same_sides, _sides_affinity)
    planned = _match(
        _with_status(pred_meetings, "planned"),
        _with_status(gold_meetings, "planned"),
        _same_meeting,
        _meeting_affinity,
    )
    statements = _match(
        pred.get("statements") or [],
        gold.get("statements") or [],
        _same_statement,
        _statement_affinity,
    )
    return EvalResult(
        articles=1,
        meetings=exact.counts,
        sides=by_sides.counts,
        dates=Ratio(sum(_same_meeting(p, g) for p, g in by_sides.pairs), len(by_sides.pairs)),
        modes=Ratio(sum(p.get("mode") == g.get("mode") for p, g in exact.pairs), len(exact.pairs)),
        locations=_location_ratio(exact.pairs),
        participants=sum((_participant_counts(p, g) for p, g in exact.pairs), Counts()),
        statements=statements.counts,
        negative_articles=int(not gold_meetings),
        negative_predictions=0 if gold_meetings else len(pred_meetings),
        planned=planned.counts,
        misses=_meeting_misses(file, exact, by_sides) + _statement_misses(file, statements),
    )


def _location_ratio(pairs: list[tuple[dict, dict]]) -> Ratio:
    located = [(p, g) for p, g in pairs if _country(g) is not None]
    return Ratio(sum(_country(p) == _country(g) for p, g in located), len(located))


# --- Misses --------------------------------------------------------------------------------


def _label(meeting: dict) -> str:
    """Return a meeting's sides and date, e.g. "ARN+GON 2001-02-03"."""
    return (
        f"{'+'.join(sorted(meeting.get('sides') or []))} {_iso(meeting.get('date')) or 'no date'}"
    )


def _people(meeting: dict) -> str:
    return ", ".join(
        f"{p.get('name')} ({p.get('side')})" for p in meeting.get("participants") or []
    )


def _meeting_misses(file: str, exact: _Matching, by_sides: _Matching) -> tuple[Miss, ...]:
    misses = [
        Miss("missed meeting", file, _label(g), None, g.get("evidence")) for g in exact.missed
    ]
    misses += [Miss("false meeting", file, None, _label(p), p.get("evidence")) for p in exact.false]
    misses += [
        Miss("wrong date", file, _label(g), _label(p), g.get("evidence"))
        for p, g in by_sides.pairs
        if not _same_meeting(p, g)
    ]
    for p, g in exact.pairs:
        if p.get("mode") != g.get("mode"):
            misses.append(
                Miss("wrong mode", file, f"{_label(g)} {g.get('mode')}", str(p.get("mode")))
            )
        if _country(g) is not None and _country(p) != _country(g):
            misses.append(
                Miss("wrong location", file, f"{_label(g)} {_country(g)}", str(_country(p)))
            )
        wrong = _participant_counts(p, g)
        if wrong.fp or wrong.fn:
            misses.append(Miss("wrong participants", file, f"{_label(g)} {_people(g)}", _people(p)))
    return tuple(misses)


def _said(statement: dict) -> str:
    return f"{statement.get('speaker')}: {(statement.get('sentence') or '')[:80]}"


def _statement_misses(file: str, statements: _Matching) -> tuple[Miss, ...]:
    missed = [Miss("missed statement", file, _said(g)) for g in statements.missed]
    false = [Miss("false statement", file, None, _said(p)) for p in statements.false]
    return tuple(missed + false)


# --- Report --------------------------------------------------------------------------------


def format_report(result: EvalResult, *, max_misses: int = 40) -> str:
    """Return the figures as a table, then the misses grouped by kind, `max_misses` per kind.

    A figure reads like "meeting F1  0.812  (tp 40, fp 5, fn 13)"; "n/a" means nothing
    was there to measure.
    """
    figures = result.figures()
    width = max(len(f.name) for f in figures)
    lines = [f"Scored {result.articles} articles."]
    if result.ignored_files:
        lines.append(f"Ignored predictions for {len(result.ignored_files)} files not in the gold.")
    lines += [""] + [
        f"{f.name:<{width}}  {'n/a' if f.value is None else f'{f.value:.3f}':>5}  {f.basis}"
        for f in figures
    ]
    for kind in MISS_KINDS:
        misses = [m for m in result.misses if m.kind == kind]
        if misses:
            lines += ["", f"{kind} ({len(misses)})"]
            lines += [f"  {_miss_line(m)}" for m in misses[:max_misses]]
            if len(misses) > max_misses:
                lines.append(f"  ... and {len(misses) - max_misses} more")
    return "\n".join(lines) + "\n"


def _miss_line(miss: Miss) -> str:
    parts = [miss.file]
    if miss.gold is not None:
        parts.append(f"gold {miss.gold}")
    if miss.predicted is not None:
        parts.append(f"predicted {miss.predicted}")
    if miss.evidence:
        parts.append(f'"{miss.evidence[:100]}"')
    return " | ".join(parts)
