"""Golden cases: whole articles, written for the tests, and what must be read from them.

Each file in tests/golden/ is one behaviour: an id, a text, its publication date, and the
expected meetings (exactly), statements (speaker and how the sentence starts, exactly) and
topics (at least these).
"""

import json
from datetime import date
from pathlib import Path

import pytest

from transforms.extract import extract_article
from transforms.records import Article

CASES = sorted(Path(__file__).parent.joinpath("golden").glob("*.json"))


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def run(case: dict):
    article = Article(
        article_id=case["id"],
        source_ref=f"{case['id']}.txt",
        text=case["text"],
        published_date=date.fromisoformat(case["published"]),
    )
    return extract_article(article)


def meetings_of(extraction) -> list[dict]:
    people: dict[str, list[str]] = {}
    for row in extraction.meeting_participants:
        people.setdefault(row["meeting_id"], []).append(row["name"])
    return [
        {
            "sides": row["sides"],
            "date": row["meeting_date"].isoformat() if row["meeting_date"] else None,
            "mode": row["mode"],
            "status": row["status"],
            "country": row["country"],
            "participants": sorted(people.get(row["meeting_id"], [])),
        }
        for row in extraction.meeting_mentions
    ]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_meetings(path):
    case = load(path)
    expected = [{**m, "participants": sorted(m["participants"])} for m in case["meetings"]]
    assert meetings_of(run(case)) == expected


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_statements(path):
    case = load(path)
    found = sorted((row["speaker"], row["text"]) for row in run(case).statements)
    expected = case["statements"]
    assert len(found) == len(expected)
    for speaker, start in expected:
        assert any(s == speaker and t.startswith(start) for s, t in found), (speaker, start)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_topics(path):
    case = load(path)
    labels = {row["topic"] for row in run(case).topics}
    assert set(case.get("topics", [])) <= labels


def test_every_record_carries_its_evidence():
    for path in CASES:
        case = load(path)
        extraction = run(case)
        for row in extraction.meeting_mentions:
            assert case["text"][row["evidence_start"] : row["evidence_end"]] == row["evidence"]
        for row in extraction.statements:
            assert case["text"][row["start"] : row["end"]] == row["text"]


def test_meeting_ids_are_unique_within_an_article():
    for path in CASES:
        ids = [row["meeting_id"] for row in run(load(path)).meeting_mentions]
        assert len(ids) == len(set(ids)), path.stem


def test_two_meetings_of_one_day_get_two_ids():
    text = (
        "Kenyan Foreign Minister Ann Wafula met Ugandan Foreign Minister Joy Okello in Kampala "
        "on Monday.\n\nLater on Monday, Wafula was received by Ugandan President Sam Kato."
    )
    case = {"id": "two-meetings", "published": "2025-03-05", "text": text}
    rows = run(case).meeting_mentions
    assert len(rows) == 2 and rows[0]["meeting_id"] != rows[1]["meeting_id"]


def test_each_participant_once_per_meeting():
    for path in CASES:
        rows = run(load(path)).meeting_participants
        keys = [(row["meeting_id"], row["name"]) for row in rows]
        assert len(keys) == len(set(keys)), path.stem
