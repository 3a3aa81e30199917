"""Find input files and read them into batches of Articles (no Prefect).

Files are `.txt` (the seed format), `.jsonl` (one article per line) and `.html` pages
(their main text, title and date, read with trafilatura).

Anything that cannot be read becomes a quarantine row naming the file (and line) and the
reason; reading never raises for bad content, so one broken file cannot stop a run.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from transforms.articles import ArticleError, parse_jsonl_record, parse_txt
from transforms.pages import parse_html
from transforms.records import Article

ARTICLE_SUFFIXES = (".txt", ".jsonl", ".html", ".htm")
_HTML_SUFFIXES = (".html", ".htm")
DEFAULT_BATCH_SIZE = 500
# A news article is a few KB; a bigger .txt is a misplaced dump, not an article.
MAX_TXT_BYTES = 5_000_000
# NUL bytes never occur in text; this much of the head is enough to tell.
_SNIFF_BYTES = 8192


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One input file and the name it is known by in the warehouse."""

    path: Path
    source_ref: str


@dataclass(slots=True)
class Discovery:
    """The article files found under the inputs, and how many other files were skipped."""

    files: list[SourceFile]
    ignored: int = 0


@dataclass(slots=True)
class ArticleBatch:
    """Articles read from the inputs, with the quarantine rows met along the way."""

    articles: list[Article] = field(default_factory=list)
    quarantine: list[dict] = field(default_factory=list)
    # Rows of `fetch_state` for the URLs these articles were fetched from.
    fetch_state: list[dict] = field(default_factory=list)
    # When each article (by id) first came in; new ones are stamped with the run's start.
    ingested_at: dict[str, datetime] = field(default_factory=dict)


def discover(inputs: Iterable[str | Path]) -> Discovery:
    """Return the article files of `inputs` (folders recursively), sorted.

    Raises FileNotFoundError when an input does not exist.
    """
    discovery = Discovery(files=[])
    for given in inputs:
        root = Path(given)
        if root.is_dir():
            candidates = sorted(p for p in root.rglob("*") if p.is_file())
            named = [(p, p.relative_to(root).as_posix()) for p in candidates]
        elif root.is_file():
            named = [(root, root.name)]
        else:
            raise FileNotFoundError(f"input {given!s} does not exist")
        for path, source_ref in named:
            if _is_article_file(path, source_ref):
                discovery.files.append(SourceFile(path, source_ref))
            else:
                discovery.ignored += 1
    return discovery


def _is_article_file(path: Path, source_ref: str) -> bool:
    hidden = any(part.startswith(".") for part in source_ref.split("/"))
    return not hidden and path.suffix.lower() in ARTICLE_SUFFIXES


def read_batches(
    files: Iterable[SourceFile], batch_size: int = DEFAULT_BATCH_SIZE
) -> Iterator[ArticleBatch]:
    """Yield batches of at most `batch_size` articles, reading files lazily.

    Quarantine rows ride with the batch that was being filled; a last batch may hold only
    quarantine rows.
    """
    if batch_size < 1:
        raise ValueError(f"batch size must be at least 1, got {batch_size}")
    batch = ArticleBatch()
    for source in files:
        for item in read_file(source):
            if isinstance(item, Article):
                batch.articles.append(item)
            else:
                batch.quarantine.append(item)
            if len(batch.articles) >= batch_size:
                yield batch
                batch = ArticleBatch()
    if batch.articles or batch.quarantine:
        yield batch


def read_file(source: SourceFile) -> Iterator[Article | dict]:
    """Yield the articles of one file, or quarantine rows for what cannot be read."""
    try:
        suffix = source.path.suffix.lower()
        if suffix == ".jsonl":
            yield from _read_jsonl(source)
        elif suffix in _HTML_SUFFIXES:
            yield from _read_html(source)
        else:
            yield _read_txt(source)
    except OSError as err:
        # The file may be back next time (permissions, a network share): a transient fault.
        yield quarantine_row(source.source_ref, "unreadable", f"{source.path}: {err}", True)


def _too_large(source: SourceFile) -> dict | None:
    size = source.path.stat().st_size
    if size > MAX_TXT_BYTES:
        detail = f"{source.path}: {size} bytes; an article is at most {MAX_TXT_BYTES}"
        return quarantine_row(source.source_ref, "too_large", detail)
    return None


def _read_html(source: SourceFile) -> Iterator[Article | dict]:
    """Yield the article of an HTML page, and a kept warning if it has no date."""
    problem = _too_large(source)
    raw = b"" if problem else source.path.read_bytes()
    problem = problem or _binary_or_empty(raw, source)
    if problem:
        yield problem
        return
    try:
        article = parse_html(raw, source.source_ref)
    except ArticleError as err:
        yield quarantine_row(source.source_ref, "no_article_text", f"{source.path}: {err.problem}")
        return
    yield article
    if article.published_date is None:
        detail = f"{source.path}: no publication date in the page; kept without one"
        yield quarantine_row(source.source_ref, "missing_date", detail, kept=True)


def _read_txt(source: SourceFile) -> Article | dict:
    problem = _too_large(source)
    if problem:
        return problem
    raw = source.path.read_bytes()
    problem = _binary_or_empty(raw, source)
    if problem:
        return problem
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        detail = f"{source.path}: byte {err.start} is not UTF-8 ({err.reason}); re-save as UTF-8"
        return quarantine_row(source.source_ref, "undecodable", detail)
    try:
        return parse_txt(text, source.source_ref)
    except ArticleError as err:
        return quarantine_row(source.source_ref, "invalid_article", str(err))


def _read_jsonl(source: SourceFile) -> Iterator[Article | dict]:
    with source.path.open("rb") as stream:
        head = stream.read(_SNIFF_BYTES)
        problem = _binary_or_empty(head, source)
        if problem and (problem["reason"] == "binary_file" or not stream.read(1)):
            yield problem
            return
        stream.seek(0)
        any_record = False
        for number, raw in enumerate(stream, 1):
            if raw.strip():
                any_record = True
                yield _read_jsonl_line(source, number, raw)
        if not any_record:
            yield quarantine_row(source.source_ref, "empty_file", f"{source.path}: no records")


def _read_jsonl_line(source: SourceFile, number: int, raw: bytes) -> Article | dict:
    line_ref = f"{source.source_ref}#L{number}"
    where = f"{source.path} line {number}"
    try:
        obj = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        detail = f"{where}: byte {err.start} is not UTF-8 ({err.reason})"
        return quarantine_row(line_ref, "undecodable", detail)
    except json.JSONDecodeError as err:
        detail = f"{where}: not valid JSON ({err.msg} at column {err.colno})"
        return quarantine_row(line_ref, "malformed_json", detail)
    url = obj.get("url") if isinstance(obj, dict) else None
    ref = url.strip() if isinstance(url, str) and url.strip() else line_ref
    try:
        return parse_jsonl_record(obj, ref)
    except ArticleError as err:
        return quarantine_row(ref, "invalid_article", f"{where}: {err.problem}")


def _binary_or_empty(head: bytes, source: SourceFile) -> dict | None:
    """Return a quarantine row if `head` is binary data or blank, else None."""
    if b"\x00" in head[:_SNIFF_BYTES]:
        detail = f"{source.path}: contains NUL bytes, so it is not text"
        return quarantine_row(source.source_ref, "binary_file", detail)
    if not head.strip():
        return quarantine_row(source.source_ref, "empty_file", f"{source.path}: no text")
    return None


def quarantine_row(
    source_ref: str, reason: str, detail: str, transient: bool = False, *, kept: bool = False
) -> dict:
    """Return a row of the `quarantine` table, stamped now.

    `transient`: trying again later may help (the next run does); `kept`: the input was
    published all the same, and the row only warns.
    """
    return {
        "source_ref": source_ref,
        "reason": reason,
        "detail": detail,
        "transient": transient,
        "detected_at": datetime.now(UTC),
        "kept": kept,
    }
