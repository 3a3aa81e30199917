"""Tests for transforms.scoring: gold-format conversion, matching rules, figures, report.

The cases are fictional (Arnor ARN, Gondor GON, Rohan ROH) so that no real-world
knowledge is needed to read them.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.records import Article, Extraction
from transforms.scoring import (
    Counts,
    EvalResult,
    Ratio,
    format_report,
    load_gold,
    score,
    to_prediction,
)

DEV_GOLD = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "dev-gold.jsonl"
NEGATIVE = "false meetings per negative article"
RATE_FIGURES = [f.name for f in EvalResult().figures() if f.name != NEGATIVE]


def person(name: str, side: str) -> dict:
    return {"name": name, "side": side, "title": None}


def meeting(
    sides: tuple[str, ...] = ("ARN", "GON"),
    day: str | None = "2001-03-04",
    *,
    status: str = "held",
    mode: str = "in_person",
    country: str | None = "GON",
    people: tuple[dict, ...] = (),
    optional: bool = False,
) -> dict:
    found = {
        "date": day,
        "mode": mode,
        "status": status,
        "sides": sorted(sides),
        "participants": list(people),
        "location": None if country is None else {"city": None, "country": country},
        "evidence": f"{'-'.join(sides)} talks of {day}.",
    }
    if optional:
        found["optional"] = True
    return found


def said(speaker: str, sentence: str) -> dict:
    return {"speaker": speaker, "side": "ARN", "sentence": sentence}


def line(
    file: str = "a.txt", meetings: Sequence[dict] = (), statements: Sequence[dict] = ()
) -> dict:
    return {
        "file": file,
        "published": "2001-03-05",
        "meetings": list(meetings),
        "statements": list(statements),
        "topics": [],
    }


def figures(result: EvalResult) -> dict[str, float | None]:
    return {f.name: f.value for f in result.figures()}


def score_one(gold_meetings: list[dict], pred_meetings: list[dict]) -> EvalResult:
    return score([line(meetings=gold_meetings)], {"a.txt": line(meetings=pred_meetings)})


def score_statements(gold: list[dict], pred: list[dict]) -> Counts:
    return score([line(statements=gold)], {"a.txt": line(statements=pred)}).statements


TOLAN, VENN, HALE = (
    person("Mira Tolan", "ARN"),
    person("Oskar Venn", "GON"),
    person("Iris Hale", "ROH"),
)
GOLD = [
    line(
        "a.txt",
        meetings=[
            meeting(people=(TOLAN, VENN)),
            meeting(
                ("ARN", "GON", "ROH"), "2001-03-01", mode="video", country=None, people=(HALE,)
            ),
            meeting(("ARN", "ROH"), None, status="planned", country=None),
        ],
        statements=[
            said("Mira Tolan", "Tolan said Arnor would reopen the northern border crossings."),
            said("Oskar Venn", "Venn promised grain shipments before the winter."),
        ],
    ),
    line("b.txt", statements=[said("Iris Hale", "Hale warned of floods along the river.")]),
]


# --- Perfect prediction -------------------------------------------------------------------


@pytest.mark.parametrize("name", RATE_FIGURES)
def test_perfect_prediction_scores_one(name: str) -> None:
    perfect = {g["file"]: copy.deepcopy(g) for g in GOLD}
    assert figures(score(GOLD, perfect))[name] == 1.0


def test_perfect_prediction_has_no_false_meetings() -> None:
    perfect = {g["file"]: copy.deepcopy(g) for g in GOLD}
    assert figures(score(GOLD, perfect))[NEGATIVE] == 0.0


def test_perfect_prediction_has_no_misses() -> None:
    perfect = {g["file"]: copy.deepcopy(g) for g in GOLD}
    assert score(GOLD, perfect).misses == ()


# --- Meetings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [("meeting F1", 0.0), ("sides F1", 1.0), ("date accuracy", 0.0)],
)
def test_wrong_date_counts_for_sides_only(name: str, expected: float) -> None:
    result = score_one([meeting(day="2001-03-04")], [meeting(day="2001-03-03")])
    assert figures(result)[name] == expected


def test_wrong_date_is_listed_as_a_miss() -> None:
    result = score_one([meeting(day="2001-03-04")], [meeting(day="2001-03-03")])
    wrong = [m for m in result.misses if m.kind == "wrong date"]
    assert [(m.gold, m.predicted) for m in wrong] == [("ARN+GON 2001-03-04", "ARN+GON 2001-03-03")]


@pytest.mark.parametrize(
    ("gold_day", "pred_day", "expected"),
    [(None, None, Counts(1, 0, 0)), (None, "2001-03-04", Counts(0, 1, 1))],
)
def test_null_dates_match_only_each_other(gold_day, pred_day, expected: Counts) -> None:
    assert score_one([meeting(day=gold_day)], [meeting(day=pred_day)]).meetings == expected


def test_sides_compare_as_sets() -> None:
    pred = meeting() | {"sides": ["GON", "ARN"]}
    assert score_one([meeting()], [pred]).meetings == Counts(1, 0, 0)


def test_date_objects_in_predictions_compare_with_iso_strings() -> None:
    pred = meeting() | {"date": date(2001, 3, 4)}
    assert score_one([meeting()], [pred]).meetings == Counts(1, 0, 0)


@pytest.mark.parametrize(
    ("pred", "expected"),
    [
        ([meeting()], Counts(1, 0, 0)),  # the planned gold meeting is not missed
        ([meeting(), meeting(("GON", "ROH"), status="planned")], Counts(1, 0, 0)),
        ([meeting(status="planned")], Counts(0, 0, 1)),  # held gold, predicted as planned
    ],
)
def test_planned_meetings_are_left_out_of_headline(pred: list[dict], expected: Counts) -> None:
    gold = [meeting(), meeting(("ARN", "ROH"), status="planned")]
    assert score_one(gold, pred).meetings == expected


def test_planned_meetings_are_counted_separately() -> None:
    gold = [meeting(status="planned"), meeting(("ARN", "ROH"), status="planned")]
    assert score_one(gold, [meeting(status="planned")]).planned == Counts(1, 0, 1)


@pytest.mark.parametrize(
    ("pred", "expected"),
    [
        ([meeting()], Counts(1, 0, 0)),  # the optional one is not missed
        ([meeting(), meeting(("ARN", "ROH"))], Counts(1, 0, 0)),  # nor rewarded
        ([meeting(("ARN", "ROH"))], Counts(0, 0, 1)),
        ([meeting(), meeting(("ARN", "ROH")), meeting(("ARN", "ROH"))], Counts(1, 1, 0)),
    ],
    ids=["omitted", "found", "only-optional", "optional-twice"],
)
def test_optional_gold_neither_rewards_nor_penalises(pred: list[dict], expected: Counts) -> None:
    gold = [meeting(), meeting(("ARN", "ROH"), optional=True)]
    assert score_one(gold, pred).meetings == expected


def test_required_gold_is_preferred_over_optional_twin() -> None:
    gold = [meeting(mode="phone", optional=True), meeting(mode="in_person")]
    assert score_one(gold, [meeting(mode="phone")]).meetings == Counts(1, 0, 0)


def test_duplicate_predictions_give_one_hit_and_one_false() -> None:
    assert score_one([meeting()], [meeting(), meeting()]).meetings == Counts(1, 1, 0)


def test_prediction_pairs_with_the_gold_it_resembles() -> None:
    gold = [meeting(mode="phone"), meeting(mode="video")]
    pred = [meeting(mode="video"), meeting(mode="phone")]
    assert score_one(gold, pred).modes == Ratio(2, 2)


def test_wrong_mode_lowers_mode_accuracy() -> None:
    assert score_one([meeting(mode="phone")], [meeting(mode="video")]).modes == Ratio(0, 1)


@pytest.mark.parametrize(
    ("gold_country", "pred_location", "expected"),
    [
        ("GON", {"city": "Minas Tirith", "country": "GON"}, Ratio(1, 1)),
        ("GON", {"city": None, "country": "ARN"}, Ratio(0, 1)),
        ("GON", None, Ratio(0, 1)),
        (None, {"city": None, "country": "ARN"}, Ratio(0, 0)),
    ],
)
def test_location_accuracy_compares_countries(gold_country, pred_location, expected) -> None:
    pred = meeting() | {"location": pred_location}
    assert score_one([meeting(country=gold_country)], [pred]).locations == expected


# --- Participants -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "side", "expected"),
    [
        ("Mira Tolan", "ARN", Counts(1, 0, 0)),
        ("M. Tolan", "ARN", Counts(1, 0, 0)),
        ("MIRA TOLÁN", "ARN", Counts(1, 0, 0)),
        ("Mira Tolan Jr.", "ARN", Counts(1, 0, 0)),
        ("Mira Tolan", "GON", Counts(0, 1, 1)),
        ("Tolan Mira", "ARN", Counts(0, 1, 1)),
    ],
)
def test_participants_match_on_surname_and_side(name: str, side: str, expected: Counts) -> None:
    pred = meeting(people=(person(name, side),))
    assert score_one([meeting(people=(TOLAN,))], [pred]).participants == expected


def test_participants_match_one_to_one() -> None:
    pred = meeting(people=(TOLAN, person("Ana Tolan", "ARN")))
    assert score_one([meeting(people=(TOLAN,))], [pred]).participants == Counts(1, 1, 0)


def test_participants_count_only_in_matched_meetings() -> None:
    pred = meeting(day="2001-03-03", people=(TOLAN,))
    assert score_one([meeting(people=(TOLAN,))], [pred]).participants == Counts()


# --- Statements ---------------------------------------------------------------------------

GOLD_SENTENCE = "Tolan said Arnor would reopen the northern border crossings next spring."


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (GOLD_SENTENCE, Counts(1, 0, 0)),
        ("Arnor would reopen the northern border crossings", Counts(1, 0, 0)),  # inside gold
        (f"Officials confirmed: {GOLD_SENTENCE} Talks follow.", Counts(1, 0, 0)),  # contains it
        (
            "“Tolan  said Arnor would reopen the northern border crossings next spring.”",
            Counts(1, 0, 0),
        ),
        (
            "Arnor will open its border crossings in spring, Tolan said.",
            Counts(1, 0, 0),
        ),  # 5 of 6 words
        ("Tolan praised the Gondor grain harvest.", Counts(0, 1, 1)),  # 1 of 5 words
        ("", Counts(0, 1, 1)),
    ],
    ids=["equal", "contained", "containing", "quotes-spaces", "half-words", "few-words", "empty"],
)
def test_statements_match_when_texts_overlap(sentence: str, expected: Counts) -> None:
    gold = [said("Mira Tolan", GOLD_SENTENCE)]
    assert score_statements(gold, [said("Mira Tolan", sentence)]) == expected


@pytest.mark.parametrize(
    ("speaker", "expected"),
    [("Tolan", Counts(1, 0, 0)), ("Ana Tolan", Counts(1, 0, 0)), ("Mira Venn", Counts(0, 1, 1))],
)
def test_statements_match_on_speaker_surname(speaker: str, expected: Counts) -> None:
    gold = [said("Mira Tolan", GOLD_SENTENCE)]
    assert score_statements(gold, [said(speaker, GOLD_SENTENCE)]) == expected


def test_statements_match_one_to_one() -> None:
    gold = [said("Mira Tolan", GOLD_SENTENCE)]
    pred = [said("Mira Tolan", GOLD_SENTENCE)] * 2
    assert score_statements(gold, pred) == Counts(1, 1, 0)


def test_sentence_with_two_speakers_matches_twice() -> None:
    both = "Tolan and Venn agreed to meet again in spring."
    gold = [said("Mira Tolan", both), said("Oskar Venn", both)]
    pred = [said("Oskar Venn", both), said("Mira Tolan", both)]
    assert score_statements(gold, pred) == Counts(2, 0, 0)


def test_statement_misses_name_speaker_and_start_of_sentence() -> None:
    result = score([line(statements=[said("Mira Tolan", "x" * 200)])], {})
    assert [m.gold for m in result.misses] == ["Mira Tolan: " + "x" * 80]


# --- Articles -----------------------------------------------------------------------------


def test_false_meetings_per_negative_article() -> None:
    gold = [line("n1.txt"), line("n2.txt"), line("p.txt", [meeting()])]
    predictions = {
        "n1.txt": line("n1.txt", [meeting(), meeting(("ARN", "ROH")), meeting(status="planned")]),
        "p.txt": line("p.txt", [meeting(), meeting(("ARN", "ROH"))]),
    }
    assert figures(score(gold, predictions))[NEGATIVE] == 1.5


def test_article_with_only_planned_gold_meetings_is_not_negative() -> None:
    result = score_one([meeting(status="planned")], [meeting()])
    assert result.negative_articles == 0


def test_article_without_prediction_predicts_nothing() -> None:
    result = score([line(meetings=[meeting()], statements=[said("Mira Tolan", "Hi.")])], {})
    assert (result.meetings, result.statements) == (Counts(0, 0, 1), Counts(0, 0, 1))


def test_predictions_for_unknown_files_are_ignored() -> None:
    result = score([line()], {"a.txt": line(), "z.txt": line("z.txt", [meeting()])})
    assert (result.ignored_files, result.meetings) == (("z.txt",), Counts())


def test_gold_with_a_file_twice_is_refused() -> None:
    with pytest.raises(ValueError, match=r"a\.txt more than once"):
        score([line(), line()], {})


# --- Self-checks --------------------------------------------------------------------------


def as_prediction(gold_line: dict) -> dict:
    """Return a gold line as the extractor would give it: no optional flags or notes."""
    meetings = [
        {k: v for k, v in m.items() if k not in ("optional", "note")} for m in gold_line["meetings"]
    ]
    return copy.deepcopy(gold_line) | {"meetings": meetings}


def perfect_figures(result: EvalResult) -> bool:
    values = figures(result)
    return values.pop(NEGATIVE) in (0.0, None) and all(v in (1.0, None) for v in values.values())


def test_dev_gold_scored_against_itself_is_perfect() -> None:
    if not DEV_GOLD.exists():
        pytest.skip(f"{DEV_GOLD} is absent")
    gold = load_gold(DEV_GOLD.read_text(encoding="utf-8").splitlines())
    result = score(gold, {g["file"]: as_prediction(g) for g in gold})
    assert figures(result) == {name: 1.0 for name in RATE_FIGURES} | {NEGATIVE: 0.0}


_SIDES = st.lists(st.sampled_from(["ARN", "GON", "ROH"]), min_size=2, max_size=3, unique=True)
_PEOPLE = st.lists(
    st.builds(
        person,
        st.sampled_from(["Mira Tolan", "Ana Tolan", "Oskar Venn"]),
        st.sampled_from(["ARN", "GON"]),
    ),
    max_size=3,
)
_MEETINGS = st.builds(
    meeting,
    _SIDES.map(tuple),
    st.sampled_from([None, "2001-03-04"]),
    status=st.sampled_from(["held", "planned"]),
    mode=st.sampled_from(["phone", "video"]),
    country=st.sampled_from([None, "GON"]),
    people=_PEOPLE.map(tuple),
    optional=st.booleans(),
)
_STATEMENTS = st.builds(
    said,
    st.sampled_from(["Mira Tolan", "Oskar Venn"]),
    st.sampled_from(["Tolan met Venn.", "Tolan met Venn in Gondor.", "Grain will flow."]),
)


@given(st.lists(_MEETINGS, max_size=5), st.lists(_STATEMENTS, max_size=4))
def test_any_gold_scored_against_itself_is_perfect(meetings, statements) -> None:
    gold = [line(meetings=meetings, statements=statements)]
    assert perfect_figures(score(gold, {"a.txt": as_prediction(gold[0])}))


# --- load_gold ----------------------------------------------------------------------------


def test_load_gold_skips_blank_lines() -> None:
    assert load_gold(['{"file": "a.txt"}', "  ", '{"file": "b.txt"}']) == [
        {"file": "a.txt"},
        {"file": "b.txt"},
    ]


@pytest.mark.parametrize("bad", ['{"file": "b.txt"', '["b.txt"]', '{"name": "b.txt"}'])
def test_load_gold_names_the_bad_line(bad: str) -> None:
    with pytest.raises(ValueError, match="gold line 3"):
        load_gold(['{"file": "a.txt"}', "", bad])


# --- Report -------------------------------------------------------------------------------


def test_report_shows_value_and_counts() -> None:
    report = format_report(score_one([meeting()], [meeting()]))
    assert re.search(r"^meeting F1 +1\.000  \(tp 1, fp 0, fn 0\)$", report, re.MULTILINE)


def test_report_says_n_a_for_figures_without_cases() -> None:
    report = format_report(score_one([meeting(country=None)], [meeting()]))
    assert re.search(r"^location accuracy +n/a  \(0 of 0\)$", report, re.MULTILINE)


def test_report_caps_misses_per_kind() -> None:
    result = score_one([], [meeting(day=f"2001-03-0{d}") for d in range(1, 6)])
    report = format_report(result, max_misses=2)
    shown = [r for r in report.splitlines() if "| predicted ARN+GON" in r]
    assert (len(shown), report.count("... and 3 more")) == (2, 1)


# --- to_prediction ------------------------------------------------------------------------


def mention_row(meeting_id: str, **columns: object) -> dict:
    """Return a `meeting_mentions` row of article a1; `columns` override the defaults."""
    row = {
        "meeting_id": meeting_id,
        "article_id": "a1",
        "evidence": "Tolan met Venn in Osgiliath on Sunday.",
        "evidence_start": 0,
        "evidence_end": 38,
        "meeting_date": date(2001, 3, 4),
        "date_basis": "relative",
        "mode": "in_person",
        "status": "held",
        "sides": ["GON", "ARN"],
        "city": "Osgiliath",
        "country": "GON",
        "name": None,
        "extractor_version": "0.1.0",
    }
    return row | columns


def participant_row(meeting_id: str, name: str, side: str, title: str | None = None) -> dict:
    return {
        "meeting_id": meeting_id,
        "name": name,
        "side": side,
        "title": title,
        "article_id": "a1",
    }


def statement_row(speaker: str, text: str) -> dict:
    return {
        "statement_id": "s1",
        "article_id": "a1",
        "meeting_id": None,
        "speaker": speaker,
        "side": "ARN",
        "title": None,
        "text": text,
        "start": 0,
        "end": len(text),
        "extractor_version": "0.1.0",
    }


def topic_row(topic: str, matched_text: str) -> dict:
    return {
        "article_id": "a1",
        "meeting_id": None,
        "topic": topic,
        "kind": "theme",
        "matched_text": matched_text,
        "start": 0,
        "end": len(matched_text),
    }


def test_to_prediction_builds_a_gold_line() -> None:
    article = Article("a1", "corpus/sample/007_arnor.txt", "text", published_date=date(2001, 3, 5))
    extraction = Extraction(
        "a1",
        meeting_mentions=[
            mention_row("m1"),
            mention_row(
                "m2",
                evidence="Tolan will call Hale.",
                meeting_date=None,
                mode="phone",
                status="planned",
                sides=["ROH", "ARN"],
                city=None,
                country=None,
                name="Northern talks",
            ),
        ],
        meeting_participants=[
            participant_row("m1", "Mira Tolan", "ARN", "Queen"),
            participant_row("m1", "Oskar Venn", "GON"),
        ],
        statements=[statement_row("Mira Tolan", "Tolan praised the talks.")],
        topics=[
            topic_row("grain trade", "grain"),
            topic_row("grain trade", "wheat"),
            topic_row("border crossings", "border"),
        ],
    )
    assert to_prediction(article, extraction) == {
        "file": "007_arnor.txt",
        "published": "2001-03-05",
        "meetings": [
            {
                "date": "2001-03-04",
                "mode": "in_person",
                "status": "held",
                "sides": ["ARN", "GON"],
                "participants": [
                    {"name": "Mira Tolan", "side": "ARN", "title": "Queen"},
                    {"name": "Oskar Venn", "side": "GON", "title": None},
                ],
                "location": {"city": "Osgiliath", "country": "GON"},
                "evidence": "Tolan met Venn in Osgiliath on Sunday.",
            },
            {
                "date": None,
                "mode": "phone",
                "status": "planned",
                "sides": ["ARN", "ROH"],
                "participants": [],
                "location": None,
                "evidence": "Tolan will call Hale.",
                "name": "Northern talks",
            },
        ],
        "statements": [
            {"speaker": "Mira Tolan", "side": "ARN", "sentence": "Tolan praised the talks."}
        ],
        "topics": ["grain trade", "border crossings"],
    }


@pytest.mark.parametrize(
    ("city", "country", "expected"),
    [
        (None, "GON", {"city": None, "country": "GON"}),
        ("Osgiliath", None, {"city": "Osgiliath", "country": None}),
        (None, None, None),
    ],
)
def test_to_prediction_location_is_null_only_when_city_and_country_are(city, country, expected):
    extraction = Extraction("a1", meeting_mentions=[mention_row("m1", city=city, country=country)])
    prediction = to_prediction(Article("a1", "a.txt", "text"), extraction)
    assert prediction["meetings"][0]["location"] == expected


def test_to_prediction_scores_perfectly_against_its_own_line() -> None:
    extraction = Extraction(
        "a1",
        meeting_mentions=[mention_row("m1")],
        meeting_participants=[participant_row("m1", "Mira Tolan", "ARN")],
        statements=[statement_row("Mira Tolan", "Tolan praised the talks.")],
    )
    prediction = to_prediction(Article("a1", "x/a.txt", "text"), extraction)
    assert perfect_figures(score([prediction], {"a.txt": prediction}))


def test_to_prediction_of_empty_extraction_is_a_negative_line() -> None:
    article = Article("a1", "b.txt", "text")
    assert to_prediction(article, Extraction("a1")) == {
        "file": "b.txt",
        "published": None,
        "meetings": [],
        "statements": [],
        "topics": [],
    }
