"""The benchmark corpus generator is deterministic and writes articles the pipeline reads."""

import json
import os
import statistics
import sys
from datetime import date, timedelta

import pytest

from benchmarks.generate import FIRST_DAY, LAST_DAY, format_date, generate_articles, write_corpus
from benchmarks.measure import run_measured
from benchmarks.templates import DateRef
from flows.sources import discover, read_batches
from transforms.articles import parse_jsonl_record
from transforms.extract import extract_article


@pytest.fixture(scope="module")
def articles():
    return list(generate_articles(24, start=1000, seed=5))


def test_the_same_seed_gives_the_same_articles(articles):
    assert list(generate_articles(24, start=1000, seed=5)) == articles


def test_an_article_depends_only_on_its_index(articles):
    assert list(generate_articles(4, start=1020, seed=5)) == articles[20:]


def test_another_seed_gives_other_articles(articles):
    assert list(generate_articles(3, start=1000, seed=6)) != articles[:3]


def test_articles_are_valid_distinct_and_about_500_words(articles):
    parsed = [parse_jsonl_record(record, record["url"]) for record in articles]
    assert len({a.article_id for a in parsed}) == len(parsed)
    assert all(FIRST_DAY <= a.published_date <= LAST_DAY for a in parsed)
    assert 350 <= statistics.mean(len(a.text.split()) for a in parsed) <= 700


def test_most_articles_report_a_meeting(articles):
    parsed = [parse_jsonl_record(record, record["url"]) for record in articles[:8]]
    reporting = [a for a in parsed if extract_article(a).meeting_mentions]
    assert len(reporting) >= 6


def test_written_shards_are_read_back_whole(tmp_path):
    paths = write_corpus(tmp_path, 5, start=7, seed=5, shard_size=2)
    assert [p.name for p in paths] == [f"articles-{n:07d}.jsonl" for n in (7, 9, 11)]
    batches = list(read_batches(discover([tmp_path]).files))
    assert sum(len(b.articles) for b in batches) == 5
    assert not any(b.quarantine for b in batches)
    assert json.loads(paths[0].read_text().splitlines()[0])["id"] == "bench-0000007"


def test_a_date_range_moves_with_the_publication_date():
    june = DateRef((date(2025, 6, 3), date(2025, 6, 5)), True, False, False)
    assert format_date(june, timedelta(days=28)) == "July 1-3"
    assert format_date(june, timedelta(days=26)) == "June 29-July 1"


def test_measured_peak_memory_covers_what_the_command_allocates():
    done = run_measured([sys.executable, "-c", "block = bytearray(80_000_000)"])
    assert done.returncode == 0
    assert done.peak_rss >= 80_000_000


def test_the_extraction_section_reports_its_figures_and_the_plain_modules(tmp_path):
    import subprocess

    import transforms

    results = tmp_path / "results.json"
    command = [sys.executable, "-m", "benchmarks.run", "--only", "extraction", "--runs", "1"]
    command += ["--extract-articles", "20", "--out", str(tmp_path), "--results", str(results)]
    subprocess.run(command, check=True, capture_output=True, cwd=transforms.SOURCES.parent)
    figures = {f["name"]: f for f in json.loads(results.read_text())["figures"]}
    speed = figures["extraction, articles/s (1 core)"]
    assert speed["value"] > 0 and speed["target"] == ">= 1,000 articles/s"
    assert figures["extraction, MB/s (1 core)"]["value"] > 0
    compiled = transforms.compiled_build_is_current() and "SUMMITRY_PURE" not in os.environ
    assert ("compiled with mypyc" in speed["note"]) == compiled
    plain = figures.get("extraction, articles/s (1 core, plain modules)")
    assert (plain is not None) == compiled
    if plain:
        assert plain["value"] > 0 and "plain Python modules" in plain["note"]
