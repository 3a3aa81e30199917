"""The Prefect flows: read files and feeds, extract what is new batch by batch, publish.

`summitry_pipeline` takes only articles the warehouse has not seen (by id and content
hash; feeds ask only for new or changed pages); `summitry_reprocess` re-extracts the
stored articles with the current extractor, fetching nothing.

Tasks work on whole batches (a Prefect task costs ~15 ms), pass paths and counts rather
than rows, and write each batch to the run's staging folder, so memory stays bounded by
a few batches however large the input. Batches are extracted in parallel worker
processes, or on a Dask cluster (`flows.runners`), two per worker at most in flight.

A run holds the warehouse's lock from start to end (`flows.lock`), and first clears what
a run that died left behind. Only the tasks that read files or the network retry, and
only on an OSError that may pass (each fetch already retries its own requests). No task
caches its result: each reads inputs, feeds or the warehouse, which change between runs
without their arguments changing, and `extract-batch` and `publish` write files as they
go, which a cache hit would skip. The ledger (ids and content hashes) and conditional
requests are what spare a run from doing work twice.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import fields
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path

import pyarrow as pa
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows import progress
from flows.fetch import FetchSettings
from flows.lock import locked
from flows.report import log_event, publish_run_report, run_counts
from flows.runners import check_choice, run_batches
from flows.sources import (
    DEFAULT_BATCH_SIZE,
    ArticleBatch,
    Discovery,
    discover,
    quarantine_row,
    read_batches,
)
from flows.warehouse import (
    KnownArticles,
    PublishResult,
    SchemaMismatchError,
    discard_unfinished,
    known_articles,
    new_run_id,
    publish,
    read_fetch_state,
    row_count,
    rows_to_table,
    stage_batch,
    staging_dir,
    stored_articles,
)
from flows.web import FeedRound, PageJob, read_feeds, read_pages
from transforms import extract
from transforms.articles import article_row, content_hash
from transforms.records import EXTRACTOR_VERSION, Article

# The tables one article's extraction fills, in the order they are staged.
ARTICLE_TABLES = ("articles", "meeting_mentions", "meeting_participants", "statements", "topics")

ArticleRows = dict[str, list[dict]]


# --- Plain functions (testable without Prefect) ---------------------------------------------


def extract_rows(article: Article, ingested_at: datetime | None = None) -> ArticleRows:
    """Return the article's own row and every row extracted from it, keyed by table."""
    extraction = extract.extract_article(article)
    rows = {
        "articles": [_article_row(article, ingested_at)],
        "meeting_mentions": extraction.meeting_mentions,
        "meeting_participants": extraction.meeting_participants,
        "statements": extraction.statements,
        "topics": extraction.topics,
    }
    check_references(rows, article.article_id)
    return rows


def check_references(rows: ArticleRows, article_id: str) -> None:
    """Refuse rows that name another article, or a meeting this article does not report.

    Every count in the views must lead back to a sentence of the article it came from.
    """
    meetings = {row["meeting_id"] for row in rows["meeting_mentions"]}
    for table in ARTICLE_TABLES:
        for index, row in enumerate(rows[table]):
            if row.get("article_id") != article_id:
                problem = f"row {index} names article {row.get('article_id')!r}, not {article_id!r}"
                raise SchemaMismatchError(table, "article_id", problem)
            meeting = row.get("meeting_id")
            if table != "meeting_mentions" and meeting is not None and meeting not in meetings:
                problem = f"row {index} names meeting {meeting!r}, which no mention reports"
                raise SchemaMismatchError(table, "meeting_id", problem)


def _article_row(article: Article, ingested_at: datetime | None) -> dict:
    return article_row(article, EXTRACTOR_VERSION) | {"ingested_at": ingested_at}


def _article_only(article: Article, ingested_at: datetime | None) -> ArticleRows:
    rows: ArticleRows = {name: [] for name in ARTICLE_TABLES}
    rows["articles"].append(_article_row(article, ingested_at))
    return rows


def extract_batch_tables(
    articles: list[Article], ingested_at: Mapping[str, datetime] | None = None
) -> tuple[dict[str, pa.Table], list[dict]]:
    """Return the batch's rows as Arrow tables, and quarantine rows for refused records.

    An article whose extraction raises, or whose rows do not fit the schemas, keeps its
    own row (its text, for `summitry reprocess`) without records, and is quarantined
    alone; the rest of the batch goes on. `ingested_at` stamps the article rows by id.
    """
    when = ingested_at or {}
    extracted: list[tuple[Article, ArticleRows]] = []
    refused: list[dict] = []
    for article in articles:
        arrived = when.get(article.article_id)
        try:
            extracted.append((article, extract_rows(article, arrived)))
            continue
        except SchemaMismatchError as err:
            refused.append(_refused(article, "rows_do_not_fit", str(err)))
        # Any bug in the extractor must cost one article, not a 100k-article run.
        except Exception as err:
            refused.append(_refused(article, "extraction_failed", f"{type(err).__name__}: {err}"))
        extracted.append((article, _article_only(article, arrived)))
    try:
        return _tables([rows for _, rows in extracted]), refused
    except SchemaMismatchError:
        fitting = []
        for article, rows in extracted:
            try:
                _tables([rows])
                fitting.append(rows)
            except SchemaMismatchError as err:
                refused.append(_refused(article, "rows_do_not_fit", str(err)))
                fitting.append(_article_only(article, when.get(article.article_id)))
        return _tables(fitting), refused


def _refused(article: Article, reason: str, problem: str) -> dict:
    detail = (
        f"{article.source_ref}: {problem}; the article is kept, `summitry reprocess` retries it"
    )
    return quarantine_row(article.source_ref, reason, detail, kept=True)


def _tables(extracted: Iterable[ArticleRows]) -> dict[str, pa.Table]:
    by_table: dict[str, list[dict]] = {name: [] for name in ARTICLE_TABLES}
    for rows in extracted:
        for name in ARTICLE_TABLES:
            by_table[name].extend(rows[name])
    return {name: rows_to_table(name, rows) for name, rows in by_table.items()}


def new_articles(
    articles: Iterable[Article], known: set[str], hashes: set[str] | None = None
) -> list[Article]:
    """Return the articles whose ids are not in `known` and whose text's content hash is
    not in `hashes` (if given), adding theirs to both."""
    fresh = []
    for article in articles:
        digest = content_hash(article.text) if hashes is not None else None
        if article.article_id in known or (hashes is not None and digest in hashes):
            continue
        known.add(article.article_id)
        if hashes is not None:
            hashes.add(digest)
        fresh.append(article)
    return fresh


def summarise(
    totals: Counter,
    discovery: Discovery,
    result: PublishResult,
    warehouse: Path,
    merged_before: int = 0,
) -> dict:
    """Return the run's summary: what was read, what is new, what the warehouse now holds.

    `merged_before` is how many reports had been merged into another's meeting before.
    """
    counts = result.row_counts
    merged = counts.get("meeting_mentions", 0) - counts.get("meetings", 0)
    return {
        "run_id": result.run_id,
        "warehouse": str(warehouse),
        "files": len(discovery.files),
        "ignored_files": discovery.ignored,
        "feeds": totals["feeds"],
        "feeds_read": totals["feeds_read"],
        "feeds_not_modified": totals["feeds_not_modified"],
        "feeds_failed": totals["feeds_failed"],
        "pages_read": totals["pages_read"],
        "pages_not_modified": totals["pages_not_modified"],
        "pages_failed": totals["pages_failed"],
        "pages_known": totals["pages_known"],
        "articles_read": totals["articles_read"],
        "new_articles": totals["new_articles"],
        "updated_articles": result.superseded,
        "quarantined": totals["quarantined"],
        "kept_with_warning": totals["kept"],
        "new_meeting_mentions": totals["meeting_mentions"],
        "meetings": counts.get("meetings", 0),
        "new_meetings": result.new_meetings,
        "merged_reports": merged,
        "newly_merged_reports": merged - merged_before,
        "stale_articles": totals["stale_articles"],
        "top_country_pairs": result.top_country_pairs,
    }


# --- Tasks and the flow -----------------------------------------------------------------------

# Files on a network share and sockets fail for a moment; a missing input does not come back.
_LASTING_OS_ERRORS = (FileNotFoundError, NotADirectoryError, IsADirectoryError)
IO_RETRIES = {"retries": 2, "retry_delay_seconds": [2, 10]}


def retry_on_passing_io_error(task, task_run, state) -> bool:
    """Whether a failed I/O task may succeed when tried again: an OSError that may pass."""
    error = state.data
    return isinstance(error, OSError) and not isinstance(error, _LASTING_OS_ERRORS)


@task(
    name="discover-inputs",
    cache_policy=NO_CACHE,
    retry_condition_fn=retry_on_passing_io_error,
    **IO_RETRIES,
)
def discover_inputs(inputs: list[str]) -> Discovery:
    """Return the article files of `inputs`."""
    return discover(inputs)


@task(
    name="extract-batch",
    task_run_name="extract-batch-{batch_number}",
    cache_policy=NO_CACHE,
)
def extract_batch(batch: ArticleBatch, staging: Path, batch_number: int) -> dict[str, int]:
    """Extract a batch of new articles, stage its rows as Parquet and return row counts."""
    tables, refused = extract_batch_tables(batch.articles, batch.ingested_at)
    quarantine = batch.quarantine + refused
    tables["quarantine"] = rows_to_table("quarantine", quarantine)
    tables["fetch_state"] = rows_to_table("fetch_state", batch.fetch_state)
    stage_batch(staging, batch_number, tables)
    return {
        "new_articles": tables["articles"].num_rows,
        "meeting_mentions": tables["meeting_mentions"].num_rows,
        "quarantined": len(quarantine),
        "kept": sum(1 for row in quarantine if row.get("kept")),
    }


@task(
    name="read-feeds",
    cache_policy=NO_CACHE,
    retry_condition_fn=retry_on_passing_io_error,
    **IO_RETRIES,
)
def read_feeds_task(
    feeds: list[str], state: dict[str, dict], settings: FetchSettings, now: datetime
) -> FeedRound:
    """Ask every feed for its entries; return the pages to fetch."""
    return read_feeds(feeds, state, settings, now)


@task(
    name="read-pages",
    task_run_name="read-pages-{batch_number}",
    cache_policy=NO_CACHE,
    retry_condition_fn=retry_on_passing_io_error,
    **IO_RETRIES,
)
def read_pages_task(
    jobs: list[PageJob], settings: FetchSettings, now: datetime, batch_number: int
) -> tuple[ArticleBatch, Counter]:
    """Fetch a batch of pages and read their articles."""
    return read_pages(jobs, settings, now)


@task(name="publish", cache_policy=NO_CACHE)
def publish_warehouse(
    warehouse: Path, staging: Path, run_id: str, reread: bool = True
) -> PublishResult:
    """Merge, write the new snapshot and catalog, and swap them in."""
    return publish(warehouse, staging, run_id, reread=reread)


def fetch_settings(options: Mapping | None) -> FetchSettings:
    """Return fetch settings from a mapping of `FetchSettings` field names (from TOML)."""
    known = {f.name for f in fields(FetchSettings)}
    unknown = sorted(set(options or {}) - known)
    if unknown:
        raise ValueError(f"unknown fetch setting {unknown[0]!r}; known: {', '.join(sorted(known))}")
    return FetchSettings(**(options or {}))


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@flow(name="summitry-pipeline")
def summitry_pipeline(
    inputs: list[str],
    warehouse: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    feeds: list[str] | None = None,
    fetch: dict | None = None,
    wait_seconds: float = 0.0,
    workers: int | None = None,
    dask_address: str | None = None,
) -> dict:
    """Read `inputs` (folders or files) and `feeds` (RSS/Atom URLs), extract the articles
    the warehouse has not seen and publish to `warehouse`. `fetch` holds `FetchSettings`;
    `wait_seconds` is how long to wait for another run to let go of the warehouse.
    Batches are extracted by `workers` local processes (default: one per usable CPU; 1:
    in this process), or on the Dask cluster at `dask_address` (`flows.runners`).

    Returns a summary: articles read, new and quarantined, feeds and pages, meetings new
    and merged reports, top country pairs, duration. It is also the run's artifacts.
    """
    started = time.monotonic()
    logger = get_run_logger()
    settings = fetch_settings(fetch)
    check_choice(workers, dask_address)
    root = Path(warehouse).resolve()
    totals: Counter = Counter()
    with _writing(root, wait_seconds, logger) as (run_id, staging):
        now = datetime.now(UTC)
        known = known_articles(root, EXTRACTOR_VERSION)
        totals["stale_articles"] = known.stale
        merged_before = row_count(root, "meeting_mentions") - row_count(root, "meetings")
        discovery = discover_inputs(inputs)
        files = progress.reading(read_batches(discovery.files, batch_size), discovery.files)
        batches: Iterator[tuple[ArticleBatch, Counter]] = ((batch, Counter()) for batch in files)
        if feeds:
            batches = chain(batches, _web_batches(feeds, root, settings, now, batch_size))
            totals["feeds"] = len(set(feeds))
        calls = _extraction_calls(batches, known, now, staging, totals, logger)
        for counts in run_batches(extract_batch, calls, workers, dask_address, _articles_in):
            totals.update(counts)
        progress.begin("publish")
        result = publish_warehouse(root, staging, run_id)
        progress.end("publish")
    return _report(summarise(totals, discovery, result, root, merged_before), started, logger)


@contextmanager
def _writing(root: Path, wait_seconds: float, logger) -> Iterator[tuple[str, Path]]:
    """Hold the warehouse's lock, clear what dead runs left, and yield this run's id and
    staging folder, which goes at the end whatever happens."""
    with locked(root, wait=wait_seconds):
        cleared = discard_unfinished(root)
        if cleared:
            log_event(logger, "leftovers-removed", paths=",".join(cleared))
        run_id = new_run_id()  # taken holding the lock, so snapshots sort in publish order
        staging = staging_dir(root, run_id)
        try:
            yield run_id, staging
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            with suppress(OSError):
                staging.parent.rmdir()


def _report(summary: dict, started: float, logger) -> dict:
    """Add the run's duration to its summary, log it and publish it as artifacts."""
    summary["duration_seconds"] = round(time.monotonic() - started, 3)
    log_event(logger, "run-finished", **run_counts(summary))
    try:
        publish_run_report(summary)
    # The warehouse is published by now: a report Prefect cannot take must not fail the run.
    except Exception as err:
        logger.warning("could not create the run's artifacts: %s: %s", type(err).__name__, err)
    return summary


def _web_batches(
    feeds: list[str], root: Path, settings: FetchSettings, now: datetime, batch_size: int
) -> Iterator[tuple[ArticleBatch, Counter]]:
    """Yield the feeds' problems and state first, then the new pages batch by batch, each
    with counts of what fetching did."""
    state = read_fetch_state(root)
    round_ = read_feeds_task(feeds, state, settings, now)
    yield ArticleBatch(quarantine=round_.quarantine, fetch_state=round_.fetch_state), round_.counts
    progress.begin("pages", len(round_.jobs))
    for number, jobs in enumerate(_chunks(round_.jobs, batch_size)):
        yield read_pages_task(jobs, settings, now, number)
        progress.advance("pages", len(jobs))
    progress.end("pages")


def _extraction_calls(
    batches: Iterable[tuple[ArticleBatch, Counter]],
    known: KnownArticles,
    now: datetime,
    staging: Path,
    totals: Counter,
    logger,
) -> Iterator[dict]:
    """Yield the `extract_batch` arguments of each batch with something new, numbered by
    its place in the input (which names its staged parts, so results do not depend on
    which batch finishes first). Known articles are left out here, in read order."""
    for number, (batch, counts) in enumerate(batches):
        totals.update(counts)
        totals["articles_read"] += len(batch.articles)
        fresh = new_articles(batch.articles, known.ids, known.content_hashes)
        log_event(logger, "batch-read", batch=number, read=len(batch.articles), new=len(fresh))
        if fresh or batch.quarantine or batch.fetch_state:  # a re-run skips known batches
            ingested = {article.article_id: now for article in fresh}
            todo = ArticleBatch(fresh, batch.quarantine, batch.fetch_state, ingested)
            yield {"batch": todo, "staging": staging, "batch_number": number}


@flow(name="summitry-reprocess")
def summitry_reprocess(
    warehouse: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    stale_only: bool = False,
    wait_seconds: float = 0.0,
    workers: int | None = None,
    dask_address: str | None = None,
) -> dict:
    """Re-extract the warehouse's current articles from their stored text with the current
    extractor (only those an older extractor made, with `stale_only`), and publish.
    `workers` and `dask_address` are the pipeline's.

    Nothing is fetched or read from the inputs. Returns a summary like the pipeline's.
    """
    started = time.monotonic()
    logger = get_run_logger()
    check_choice(workers, dask_address)
    root = Path(warehouse).resolve()
    totals: Counter = Counter()
    with _writing(root, wait_seconds, logger) as (run_id, staging):
        merged_before = row_count(root, "meeting_mentions") - row_count(root, "meetings")
        only = EXTRACTOR_VERSION if stale_only else None
        progress.begin("articles-stored")
        calls = _stored_calls(stored_articles(root, batch_size, skip_version=only), staging)
        for counts in run_batches(extract_batch, calls, workers, dask_address, _articles_in):
            totals.update(counts)
            totals["articles_read"] += counts["new_articles"]
            progress.advance("articles-stored", counts["new_articles"])
        progress.end("articles-stored")
        progress.begin("publish")
        result = publish_warehouse(root, staging, run_id, reread=False)
        progress.end("publish")
    summary = summarise(totals, Discovery(files=[]), result, root, merged_before)
    summary["reprocessed_articles"] = summary.pop("new_articles")
    summary["extractor_version"] = EXTRACTOR_VERSION
    return _report(summary, started, logger)


def _stored_calls(batches: Iterable[ArticleBatch], staging: Path) -> Iterator[dict]:
    """Yield the `extract_batch` arguments of each batch of stored articles, numbered."""
    for number, batch in enumerate(batches):
        yield {"batch": batch, "staging": staging, "batch_number": number}


def _articles_in(call: dict) -> int:
    """Return how many articles an `extract_batch` call extracts."""
    return len(call["batch"].articles)
