"""How far a run has got, for the command line: the flow says, a reporter shows it.

The flow calls `begin`, `advance` and `end` as it goes; they do nothing unless a reporter
is installed with `reporting()`, which only `summitry run` and `reprocess` do (served runs
and tests have none). `RichReporter` draws progress bars on a terminal.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

from flows.sources import ArticleBatch, SourceFile

if TYPE_CHECKING:
    from rich.console import Console

# Files that hold exactly one article: a run over these can count files against a total.
_ONE_ARTICLE_SUFFIXES = (".txt", ".html", ".htm")


class Reporter(Protocol):
    def begin(self, stage: str, total: int | None) -> None: ...
    def advance(self, stage: str, amount: int) -> None: ...
    def end(self, stage: str) -> None: ...


_reporter: Reporter | None = None


@contextmanager
def reporting(reporter: Reporter) -> Iterator[Reporter]:
    """Show the progress of the runs made inside the block with `reporter`."""
    global _reporter
    before, _reporter = _reporter, reporter
    try:
        yield reporter
    finally:
        _reporter = before


def begin(stage: str, total: int | None = None) -> None:
    """Say that `stage` starts, with `total` steps if known."""
    if _reporter is not None:
        _reporter.begin(stage, total)


def advance(stage: str, amount: int = 1) -> None:
    """Say that `amount` more steps of `stage` are done."""
    if _reporter is not None and amount:
        _reporter.advance(stage, amount)


def end(stage: str) -> None:
    """Say that `stage` is over."""
    if _reporter is not None:
        _reporter.end(stage)


def reading(batches: Iterable[ArticleBatch], files: Sequence[SourceFile]) -> Iterator[ArticleBatch]:
    """Yield `batches`, counting the files read (out of all of them) as they come.

    When some file may hold many articles (`.jsonl`), articles are counted instead.
    """
    by_file = all(f.path.suffix.lower() in _ONE_ARTICLE_SUFFIXES for f in files)
    stage = "files" if by_file else "articles"
    begin(stage, len(files) if by_file else None)
    for batch in batches:
        yield batch
        if by_file:  # a file gives one article or one problem, both named by its source_ref
            refs = {a.source_ref for a in batch.articles}
            advance(stage, len(refs | {row["source_ref"] for row in batch.quarantine}))
        else:
            advance(stage, len(batch.articles))
    end(stage)


_LABELS = {
    "files": "Reading files",
    "articles": "Reading articles",
    "articles-stored": "Re-extracting articles",
    "pages": "Fetching pages",
    "publish": "Publishing",
}


class RichReporter:
    """Progress bars on a terminal (nothing elsewhere), gone when the run ends."""

    def __init__(self, console: Console | None = None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        console = console or Console(stderr=True)
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<22}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self.tasks: dict[str, int] = {}

    def __enter__(self) -> RichReporter:
        self.progress.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.progress.stop()

    def begin(self, stage: str, total: int | None) -> None:
        self.tasks[stage] = self.progress.add_task(_LABELS.get(stage, stage), total=total)

    def advance(self, stage: str, amount: int) -> None:
        if stage in self.tasks:
            self.progress.advance(self.tasks[stage], amount)

    def end(self, stage: str) -> None:
        if stage not in self.tasks:
            return
        task = next(t for t in self.progress.tasks if t.id == self.tasks[stage])
        done = task.total if task.total is not None else task.completed
        self.progress.update(task.id, total=done, completed=done)
