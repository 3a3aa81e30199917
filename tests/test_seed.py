"""The user's seed article, read from ../shared (skipped where it is absent)."""

import json
from pathlib import Path

import pytest

from transforms.articles import parse_txt
from transforms.extract import extract_article

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED = SHARED / "corpus" / "seed" / "000_seed.txt"
GOLD = SHARED / "eval" / "dev-gold.jsonl"

pytestmark = pytest.mark.skipif(not SEED.exists(), reason="../shared/corpus/seed is absent")


@pytest.fixture(scope="module")
def extraction():
    article = parse_txt(SEED.read_text(encoding="utf-8"), SEED.name)
    return extract_article(article)


@pytest.fixture(scope="module")
def gold() -> dict:
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["file"] == SEED.name:
            return record
    pytest.skip("the seed has no gold line")


def test_one_held_in_person_meeting_as_the_gold_reads_it(extraction, gold):
    [expected] = gold["meetings"]
    [meeting] = extraction.meeting_mentions
    assert meeting["sides"] == expected["sides"]
    assert meeting["meeting_date"].isoformat() == expected["date"]
    assert (meeting["mode"], meeting["status"]) == (expected["mode"], expected["status"])
    assert (meeting["city"], meeting["country"]) == (
        expected["location"]["city"],
        expected["location"]["country"],
    )


def test_participants_with_their_titles(extraction, gold):
    [expected] = gold["meetings"]
    found = {(p["name"], p["side"], p["title"]) for p in extraction.meeting_participants}
    assert found == {(p["name"], p["side"], p["title"]) for p in expected["participants"]}


def test_each_statement_is_credited_to_the_right_minister(extraction, gold):
    found = {(s["speaker"], s["text"]) for s in extraction.statements}
    expected = {(s["speaker"], s["sentence"]) for s in gold["statements"]}
    assert expected <= found
    lavrov = [t for who, t in found if who == "Sergey Lavrov"]
    assert any(t.startswith("He expressed full support") for t in lavrov)


def test_topics_include_the_issues_discussed(extraction):
    labels = {t["topic"] for t in extraction.topics}
    assert {
        "Shanghai Cooperation Organisation",
        "Ukraine crisis",
        "Iranian nuclear issue",
    } <= labels
