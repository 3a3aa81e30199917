"""Read feeds and the pages they link to into Articles, taking only what is new (no Prefect).

A run asks every feed for its entries (conditionally: an unchanged feed costs a 304), then
fetches the pages it has not fetched before, the pages whose entry changed since (again
conditionally) and the pages whose last request failed for a reason that may pass. What
each request found becomes a `fetch_state` row, so the next run knows all this; every
problem becomes a `quarantine` row, and nothing stops the run.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flows.fetch import Fetched, FetchSettings, Problem, Request, fetch_all
from flows.sources import ArticleBatch, quarantine_row
from transforms.articles import ArticleError, content_hash
from transforms.feeds import FeedEntry, FeedError, parse_feed
from transforms.pages import parse_html

# After this many runs in a row that failed for a reason that may pass, a URL is given up
# (until its feed entry changes).
MAX_FAILURES = 5
# Content types that may hold an article page; others (PDF, images, video) do not.
_PAGE_TYPES = ("html", "xml", "text/plain")

Sleep = Callable[[float], None]


@dataclass(frozen=True, slots=True)
class PageJob:
    """A page to fetch: its URL, the feed entry that links to it, its last known state."""

    url: str
    feed_url: str | None
    entry: FeedEntry | None = None
    previous: Mapping | None = None


@dataclass(slots=True)
class FeedRound:
    """What asking the feeds gave: the pages to fetch, and rows for the warehouse."""

    jobs: list[PageJob] = field(default_factory=list)
    quarantine: list[dict] = field(default_factory=list)
    fetch_state: list[dict] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)


def read_feeds(
    feed_urls: Sequence[str],
    state: Mapping[str, Mapping],
    settings: FetchSettings,
    now: datetime,
    *,
    sleep: Sleep | None = None,
) -> FeedRound:
    """Ask each feed for its entries and return the pages this run should fetch.

    `state` maps URLs to their last `fetch_state` row.
    """
    feed_urls = list(dict.fromkeys(feed_urls))
    requests = [_request(url, state.get(url)) for url in feed_urls]
    answers = fetch_all(requests, settings, **({"sleep": sleep} if sleep else {}))
    result = FeedRound()
    entries: dict[str, tuple[str, FeedEntry]] = {}
    for url, answer in zip(feed_urls, answers, strict=True):
        found = _read_feed(url, answer, state.get(url), now, result)
        for entry in found:
            entries.setdefault(entry.link, (url, entry))
    result.jobs = plan_pages(entries, state)
    result.counts["pages_known"] = len(entries) - sum(1 for j in result.jobs if j.entry)
    return result


def _read_feed(
    url: str, answer: Fetched, previous: Mapping | None, now: datetime, result: FeedRound
) -> list[FeedEntry]:
    """Record what one feed's answer gave; return its entries (none if unchanged or bad)."""
    problem, entries = answer.problem, []
    if problem is None and not answer.not_modified:
        try:
            feed = parse_feed(answer.body, answer.final_url or url, answer.content_type)
        except FeedError as err:
            problem = Problem("malformed_feed", str(err))
        else:
            entries = feed.entries
            result.quarantine += [quarantine_row(url, "invalid_entry", s) for s in feed.skipped]
            if feed.problem:
                detail = f"damaged feed, {len(entries)} entries read: {feed.problem}"
                result.quarantine.append(quarantine_row(url, "malformed_feed", detail, kept=True))
    digest = hashlib.sha256(answer.body).hexdigest() if entries else None
    row = state_row(url, "feed", None, answer, problem, previous, now, digest)
    result.fetch_state.append(row)
    if problem is not None:
        result.quarantine.append(_problem_row(url, problem, row["failures"]))
        result.counts["feeds_failed"] += 1
    else:
        result.counts["feeds_not_modified" if answer.not_modified else "feeds_read"] += 1
    return entries


def plan_pages(
    entries: Mapping[str, tuple[str, FeedEntry]], state: Mapping[str, Mapping]
) -> list[PageJob]:
    """Return the pages to fetch: new links, links whose entry changed, and pages whose
    last failure may pass (listed in a feed today or not), in a stable order."""
    jobs = []
    for link, (feed_url, entry) in entries.items():
        previous = state.get(link)
        changed = entry.stamp is not None and entry.stamp != (previous or {}).get("entry_stamp")
        if previous is None or changed or _retry(previous):
            jobs.append(PageJob(link, feed_url, entry, previous))
    for url in sorted(state):
        previous = state[url]
        if previous["kind"] == "page" and url not in entries and _retry(previous):
            jobs.append(PageJob(url, previous.get("feed_url"), None, previous))
    return jobs


def _retry(previous: Mapping) -> bool:
    failed = previous["outcome"] == "failed" and bool(previous.get("transient"))
    return failed and previous["failures"] < MAX_FAILURES


def read_pages(
    jobs: Sequence[PageJob], settings: FetchSettings, now: datetime, *, sleep: Sleep | None = None
) -> tuple[ArticleBatch, Counter]:
    """Fetch the pages of `jobs`; return their articles with quarantine and state rows."""
    requests = [_request(job.url, job.previous) for job in jobs]
    answers = fetch_all(requests, settings, **({"sleep": sleep} if sleep else {}))
    batch, counts = ArticleBatch(), Counter()
    for job, answer in zip(jobs, answers, strict=True):
        outcome = _read_page(job, answer, now, batch)
        counts[f"pages_{outcome}"] += 1
    return batch, counts


def _read_page(job: PageJob, answer: Fetched, now: datetime, batch: ArticleBatch) -> str:
    """Add what one page's answer gave to `batch`; return 'read', 'not_modified' or 'failed'."""
    problem, article = answer.problem, None
    if problem is None and not answer.not_modified:
        problem = _not_a_page(answer.content_type)
    if problem is None and not answer.not_modified:
        entry = job.entry or FeedEntry(job.url)
        try:
            article = parse_html(
                answer.body, job.url, url=job.url, title=entry.title, published=entry.published
            )
        except ArticleError as err:
            problem = Problem("no_article_text", err.problem)
    digest = content_hash(article.text) if article else None
    row = state_row(job.url, "page", job.feed_url, answer, problem, job.previous, now, digest)
    if job.entry is not None:  # what the entry said when the page was asked for
        row["entry_stamp"] = job.entry.stamp
    batch.fetch_state.append(row)
    if problem is not None:
        batch.quarantine.append(_problem_row(job.url, problem, row["failures"]))
        return "failed"
    if article is None:
        return "not_modified"
    batch.articles.append(article)
    batch.quarantine += date_warnings(job.url, article.published_date, job.entry)
    return "read"


def date_warnings(source_ref: str, published, entry: FeedEntry | None) -> list[dict]:
    """Return kept quarantine rows for a page's missing or impossible date."""
    problem = entry.date_problem if entry else None
    if published is None:
        detail = "no publication date in the page or its feed entry; kept without one"
        if problem:
            detail += f" ({problem})"
        return [quarantine_row(source_ref, "missing_date", detail, kept=True)]
    if problem:
        detail = f"{problem}; the page's own date is used"
        return [quarantine_row(source_ref, "invalid_date", detail, kept=True)]
    return []


def _not_a_page(content_type: str | None) -> Problem | None:
    kind = (content_type or "").split(";")[0].strip().lower()
    if not kind or any(t in kind for t in _PAGE_TYPES):
        return None
    return Problem("not_html", f"content type {kind}, not a web page")


def _request(url: str, previous: Mapping | None) -> Request:
    if previous is None:
        return Request(url)
    return Request(url, etag=previous.get("etag"), last_modified=previous.get("last_modified"))


def _problem_row(url: str, problem: Problem, failures: int) -> dict:
    if problem.transient and failures >= MAX_FAILURES:
        detail = f"{problem.detail} (gave up after {failures} runs; retried when its entry changes)"
        return quarantine_row(url, problem.reason, detail)
    return quarantine_row(url, problem.reason, problem.detail, problem.transient)


def state_row(
    url: str,
    kind: str,
    feed_url: str | None,
    answer: Fetched,
    problem: Problem | None,
    previous: Mapping | None,
    now: datetime,
    digest: str | None,
) -> dict:
    """Return the `fetch_state` row of `url` after this answer."""
    previous = previous or {}
    row = {
        "url": url,
        "kind": kind,
        "feed_url": feed_url or previous.get("feed_url"),
        "final_url": answer.final_url or previous.get("final_url"),
        "http_status": answer.status,
        "etag": previous.get("etag"),
        "last_modified": previous.get("last_modified"),
        "entry_stamp": previous.get("entry_stamp"),
        "content_hash": previous.get("content_hash"),
        "checked_at": now,
        "changed_at": previous.get("changed_at"),
    }
    if problem is not None:
        failures = (previous.get("failures") or 0) + 1
        transient = problem.transient and failures < MAX_FAILURES
        return row | {"outcome": "failed", "failures": failures, "transient": transient}
    row |= {"etag": answer.etag, "last_modified": answer.last_modified}
    if answer.not_modified:
        return row | {"outcome": "not_modified", "failures": 0, "transient": False}
    if digest is not None and digest != previous.get("content_hash"):
        row |= {"content_hash": digest, "changed_at": now}
    return row | {"outcome": "fetched", "failures": 0, "transient": False}
