"""The Prefect flow: find inputs, extract them batch by batch, publish the warehouse.

Tasks work on whole batches (a Prefect task costs ~15 ms), pass paths and counts rather
than rows, and write each batch to the run's staging folder, so memory stays bounded by
one batch however large the input.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

import pyarrow as pa
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.sources import (
    DEFAULT_BATCH_SIZE,
    ArticleBatch,
    Discovery,
    discover,
    quarantine_row,
    read_batches,
)
from flows.warehouse import (
    PublishResult,
    SchemaMismatchError,
    known_article_ids,
    locked,
    new_run_id,
    publish,
    rows_to_table,
    stage_batch,
    staging_dir,
)
from transforms import extract
from transforms.articles import article_row
from transforms.records import EXTRACTOR_VERSION, Article

# The tables one article's extraction fills, in the order they are staged.
ARTICLE_TABLES = ("articles", "meeting_mentions", "meeting_participants", "statements", "topics")

ArticleRows = dict[str, list[dict]]


# --- Plain functions (testable without Prefect) ---------------------------------------------


def extract_rows(article: Article) -> ArticleRows:
    """Return the article's own row and every row extracted from it, keyed by table."""
    extraction = extract.extract_article(article)
    rows = {
        "articles": [article_row(article, EXTRACTOR_VERSION)],
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


def extract_batch_tables(articles: list[Article]) -> tuple[dict[str, pa.Table], list[dict]]:
    """Return the batch's rows as Arrow tables, and quarantine rows for refused articles.

    An article whose extraction raises, or whose rows do not fit the schemas, is
    quarantined alone; the rest of the batch goes on.
    """
    extracted: list[tuple[Article, ArticleRows]] = []
    refused: list[dict] = []
    for article in articles:
        try:
            extracted.append((article, extract_rows(article)))
        except SchemaMismatchError as err:
            detail = f"{article.source_ref}: {err}"
            refused.append(quarantine_row(article.source_ref, "rows_do_not_fit", detail))
        # Any bug in the extractor must cost one article, not a 100k-article run.
        except Exception as err:
            detail = f"{article.source_ref}: {type(err).__name__}: {err}"
            refused.append(quarantine_row(article.source_ref, "extraction_failed", detail))
    try:
        return _tables([rows for _, rows in extracted]), refused
    except SchemaMismatchError:
        fitting = []
        for article, rows in extracted:
            try:
                _tables([rows])
                fitting.append(rows)
            except SchemaMismatchError as err:
                detail = f"{article.source_ref}: {err}"
                refused.append(quarantine_row(article.source_ref, "rows_do_not_fit", detail))
        return _tables(fitting), refused


def _tables(extracted: Iterable[ArticleRows]) -> dict[str, pa.Table]:
    by_table: dict[str, list[dict]] = {name: [] for name in ARTICLE_TABLES}
    for rows in extracted:
        for name in ARTICLE_TABLES:
            by_table[name].extend(rows[name])
    return {name: rows_to_table(name, rows) for name, rows in by_table.items()}


def new_articles(articles: Iterable[Article], known: set[str]) -> list[Article]:
    """Return the articles whose ids are not in `known`, adding theirs to it."""
    fresh = []
    for article in articles:
        if article.article_id not in known:
            known.add(article.article_id)
            fresh.append(article)
    return fresh


def summarise(
    totals: Counter, discovery: Discovery, result: PublishResult, warehouse: Path
) -> dict:
    """Return the run's summary: what was read, what is new, what the warehouse now holds."""
    return {
        "run_id": result.run_id,
        "warehouse": str(warehouse),
        "files": len(discovery.files),
        "ignored_files": discovery.ignored,
        "articles_read": totals["articles_read"],
        "new_articles": totals["new_articles"],
        "quarantined": totals["quarantined"],
        "new_meeting_mentions": totals["meeting_mentions"],
        "meetings": result.row_counts.get("meetings", 0),
        "top_country_pairs": result.top_country_pairs,
    }


# --- Tasks and the flow -----------------------------------------------------------------------


@task(name="discover-inputs", cache_policy=NO_CACHE)
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
    tables, refused = extract_batch_tables(batch.articles)
    quarantine = batch.quarantine + refused
    tables["quarantine"] = rows_to_table("quarantine", quarantine)
    stage_batch(staging, batch_number, tables)
    return {
        "new_articles": tables["articles"].num_rows,
        "meeting_mentions": tables["meeting_mentions"].num_rows,
        "quarantined": len(quarantine),
    }


@task(name="publish", cache_policy=NO_CACHE)
def publish_warehouse(warehouse: Path, staging: Path, run_id: str) -> PublishResult:
    """Merge, write the new snapshot and catalog, and swap them in."""
    return publish(warehouse, staging, run_id)


@flow(name="summitry-pipeline")
def summitry_pipeline(
    inputs: list[str], warehouse: str, batch_size: int = DEFAULT_BATCH_SIZE
) -> dict:
    """Read `inputs` (folders or files), extract new articles and publish to `warehouse`.

    Returns a summary: articles read, new and quarantined, meetings, top country pairs.
    """
    logger = get_run_logger()
    root = Path(warehouse).resolve()
    run_id = new_run_id()
    totals: Counter = Counter()
    with locked(root):
        staging = staging_dir(root, run_id)
        try:
            discovery = discover_inputs(inputs)
            known = known_article_ids(root)
            for number, batch in enumerate(read_batches(discovery.files, batch_size)):
                totals["articles_read"] += len(batch.articles)
                fresh = ArticleBatch(new_articles(batch.articles, known), batch.quarantine)
                if fresh.articles or fresh.quarantine:  # a re-run skips known batches whole
                    totals.update(extract_batch(fresh, staging, number))
                logger.info(
                    "batch %d: %d read, %d new", number, len(batch.articles), len(fresh.articles)
                )
            result = publish_warehouse(root, staging, run_id)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            with suppress(OSError):  # other runs' leftovers stay for inspection
                staging.parent.rmdir()
    return summarise(totals, discovery, result, root)
