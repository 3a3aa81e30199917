"""Incremental re-merge: publishing in increments gives the tables of one publish."""

from __future__ import annotations

import random
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from flows import remerge
from flows.remerge import MEETING_IDS
from tests.test_warehouse import all_rows, article, mention, participant, publish_rows, topic

SIDES = (("DEU", "FRA"), ("ESP", "ITA"), ("DEU", "ITA"), ("FRA", "ITA", "ORG:EU"))
MODES = ("in_person", "phone")
BASES = ("explicit", "relative", "dateline", "publication", "inferred", "unknown")
START = date(2025, 3, 1)


def _article_rows(
    number: int, rng: random.Random, version: str = "", days: int = 20
) -> dict[str, list[dict]]:
    """One article with a few reports of meetings of a few kinds, near each other in time
    (published over `days` days)."""
    article_id = f"a{number:03d}{version}"
    published = START + timedelta(days=rng.randrange(days))
    ingested = datetime(2025, 4, 1, tzinfo=UTC) + timedelta(hours=number)
    rows: dict[str, list[dict]] = {
        "articles": [
            article(article_id, published, source_ref=f"s{number}.txt", ingested_at=ingested)
        ],
        "meeting_mentions": [],
        "meeting_participants": [],
        "statements": [],
        "topics": [],
    }
    for index in range(rng.randrange(1, 4)):
        sides, mode = rng.choice(SIDES), rng.choice(MODES)
        basis = rng.choice(BASES)
        day = None if basis == "unknown" else published - timedelta(days=rng.randrange(4))
        meeting = f"m-{'-'.join(sides)}-{day}-{mode}" if day else f"u-{article_id}-{index}"
        if any(m["meeting_id"] == meeting for m in rows["meeting_mentions"]):
            continue
        city = rng.choice([None, "Rome", "Paris"])
        status = rng.choice(["held", "held", "planned", "cancelled"])
        rows["meeting_mentions"].append(
            mention(
                article_id, meeting, sides, meeting_date=day, date_basis=basis, mode=mode,
                city=city, status=status,
            )
        )  # fmt: skip
        side, title = rng.choice([None, sides[0]]), rng.choice([None, "Minister"])
        name = rng.choice(["Ana Ruiz", "Jonas Weber"])
        rows["meeting_participants"].append(participant(article_id, meeting, name, side, title))
        rows["topics"].append(topic(article_id, meeting, rng.choice(["energy", "trade"])))
    return rows


def _corpus(seed: int, count: int, days: int = 20) -> list[dict[str, list[dict]]]:
    rng = random.Random(seed)
    return [_article_rows(number, rng, days=days) for number in range(count)]


def _joined(batches: list[dict[str, list[dict]]]) -> dict[str, list[dict]]:
    tables: dict[str, list[dict]] = {}
    for rows in batches:
        for table, table_rows in rows.items():
            tables.setdefault(table, []).extend(table_rows)
    return tables


def _publish_in(wh: Path, runs: list[list[dict]], forget_map: bool = False) -> None:
    for number, batches in enumerate(runs):
        publish_rows(wh, f"r{number}", **_joined(batches))
        if forget_map:
            shutil.rmtree(wh / "current" / MEETING_IDS.parent)


@pytest.mark.parametrize(("seed", "days"), [(1, 20), (2, 20), (3, 90), (4, 150)])
def test_three_increments_give_the_tables_of_one_publish(tmp_path, seed, days):
    """Dense dates make whole kinds one island, sparse ones many (`remerge._touched`)."""
    corpus = _corpus(seed, 60, days)
    rng = random.Random(seed + 100)
    replaced = _article_rows(7, rng, days=days)  # article 7 re-extracted: the same id
    newer = _article_rows(12, rng, version="v2", days=days)  # a new version of article 12
    newer["articles"][0]["ingested_at"] = datetime(2025, 6, 1, tzinfo=UTC)
    increments = [corpus[:20], [*corpus[20:40], replaced], [*corpus[40:], newer]]
    # The ledger order of the increments: participants keep their first appearance.
    once = [[*corpus[:7], *corpus[8:40], replaced, *corpus[40:], newer]]

    _publish_in(tmp_path / "steps", increments)
    _publish_in(tmp_path / "once", once)
    _publish_in(tmp_path / "no-map", increments, forget_map=True)

    expected = all_rows(tmp_path / "once")
    assert expected["meetings"], "the corpus must report meetings"
    assert len(expected["meetings"]) < len(expected["meeting_mentions"]), "and merge some"
    assert all_rows(tmp_path / "steps") == expected
    assert all_rows(tmp_path / "no-map") == expected


def test_a_run_without_reports_links_meetings_and_re_merges_nothing(tmp_path, monkeypatch):
    wh = tmp_path / "wh"
    _publish_in(wh, [_corpus(5, 10)])

    def fail(*args, **kwargs):
        raise AssertionError("nothing to re-merge")

    monkeypatch.setattr(remerge, "_merge_touched", fail)
    publish_rows(wh, "r9", articles=[article("quiet", source_ref="quiet.txt")])
    before, after = (wh / "snapshots" / r / "meetings" for r in ("r0", "r9"))
    [old], [new] = (list(folder.glob("*.parquet")) for folder in (before, after))
    assert old.stat().st_ino == new.stat().st_ino


@pytest.fixture
def merged_groups(monkeypatch) -> list[list[str]]:
    """The meeting ids of each group of mentions publishing re-merges, as it goes."""
    seen: list[list[str]] = []
    merge_group = remerge._merge_group

    def spy(mentions):
        seen.append(sorted({m["meeting_id"] for m in mentions}))
        return merge_group(mentions)

    monkeypatch.setattr(remerge, "_merge_group", spy)
    return seen


def test_only_the_kinds_a_run_touches_are_re_merged(tmp_path, merged_groups):
    wh = tmp_path / "wh"
    publish_rows(
        wh,
        "r1",
        articles=[article("a1"), article("a2")],
        meeting_mentions=[mention("a1", "m1"), mention("a2", "m2", sides=("ESP", "ITA"))],
    )
    merged_groups.clear()  # only the second publish counts
    publish_rows(wh, "r2", articles=[article("a3")], meeting_mentions=[mention("a3", "m1")])
    assert merged_groups == [["m1"]]
    rows = all_rows(wh)
    assert [(m[0], m[10]) for m in rows["meetings"]] == [("m1", 2), ("m2", 1)]


def test_only_reports_within_the_window_of_new_ones_are_re_merged(tmp_path, merged_groups):
    wh = tmp_path / "wh"
    early, late = date(2025, 3, 1), date(2025, 3, 20)
    publish_rows(
        wh,
        "r1",
        articles=[article("a1", early), article("a2", late)],
        meeting_mentions=[
            mention("a1", "m-early", meeting_date=early),
            mention("a2", "m-late", meeting_date=late),
        ],
    )
    merged_groups.clear()  # only the second publish counts
    borrowed = mention("a3", "m-wire", meeting_date=late + timedelta(days=2), date_basis="dateline")
    publish_rows(
        wh, "r2", articles=[article("a3", late + timedelta(days=2))], meeting_mentions=[borrowed]
    )
    assert merged_groups == [["m-late", "m-wire"]]
    assert [(m[0], m[10]) for m in all_rows(wh)["meetings"]] == [("m-early", 1), ("m-late", 2)]
