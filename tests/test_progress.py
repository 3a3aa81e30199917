"""Progress of a run: what the flow reports, and the bars the command line draws."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from flows import progress
from flows.sources import ArticleBatch, SourceFile, quarantine_row
from transforms.articles import make_article


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def begin(self, stage, total):
        self.calls.append(("begin", stage, total))

    def advance(self, stage, amount):
        self.calls.append(("advance", stage, amount))

    def end(self, stage):
        self.calls.append(("end", stage))


def files(*names: str) -> list[SourceFile]:
    return [SourceFile(path=Path(name), source_ref=name) for name in names]


def test_reading_single_article_files_counts_files_against_their_number():
    batches = [
        ArticleBatch(articles=[make_article("Talks.", "a.txt")], quarantine=[]),
        ArticleBatch(quarantine=[quarantine_row("b.txt", "empty_file", "b.txt: no text")]),
    ]
    with progress.reporting(Recorder()) as recorder:
        assert list(progress.reading(batches, files("a.txt", "b.txt"))) == batches
    assert recorder.calls == [
        ("begin", "files", 2),
        ("advance", "files", 1),
        ("advance", "files", 1),
        ("end", "files"),
    ]


def test_reading_jsonl_counts_articles_without_a_total():
    batch = ArticleBatch(articles=[make_article(t, "f.jsonl#L1") for t in ("One.", "Two.")])
    with progress.reporting(Recorder()) as recorder:
        list(progress.reading([batch], files("f.jsonl")))
    assert recorder.calls[0] == ("begin", "articles", None)
    assert ("advance", "articles", 2) in recorder.calls


def test_without_a_reporter_progress_costs_nothing():
    progress.begin("publish")
    progress.advance("publish", 3)
    progress.end("publish")


def test_bars_are_drawn_on_a_terminal_only():
    for terminal in (True, False):
        out = io.StringIO()
        console = Console(file=out, force_terminal=terminal, width=100)
        with progress.RichReporter(console) as reporter, progress.reporting(reporter):
            progress.begin("pages", 4)
            progress.advance("pages", 4)
            progress.end("pages")
        assert ("Fetching pages" in out.getvalue()) is terminal
