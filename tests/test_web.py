"""Feeds and their pages over real HTTP from a local server, as plain functions."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from news_server import NewsServer

from flows.fetch import FetchSettings
from flows.web import MAX_FAILURES, plan_pages, read_feeds, read_pages
from transforms.feeds import FeedEntry

NOW = datetime(2025, 3, 5, 12, tzinfo=UTC)
QUICK = FetchSettings(timeout=1, retries=1, backoff=0, max_bytes=20_000)


def rss(*items: tuple[str, str, str | None]) -> str:
    """An RSS feed of (title, link, pubDate) items."""
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link>"
        + (f"<pubDate>{when}</pubDate>" if when else "")
        + "</item>"
        for title, link, when in items
    )
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>Herald</title>'
    return f"{head}{body}</channel></rss>"


def article_page(text: str, date_meta: str | None = None) -> str:
    meta = f'<meta property="article:published_time" content="{date_meta}">' if date_meta else ""
    return f"<html><head>{meta}</head><body><article><p>{text}</p></article></body></html>"


LEAD = "The King of Arnor met the Steward of Gondor in Osgiliath on Tuesday to discuss trade."


@pytest.fixture
def server():
    with NewsServer() as running:
        yield running


def feed_round(server, state=None, feeds=("/feed.xml",)):
    urls = [server.url(f) for f in feeds]
    return read_feeds(urls, state or {}, QUICK, NOW, sleep=lambda _: None)


def pages(jobs):
    return read_pages(jobs, QUICK, NOW, sleep=lambda _: None)


def state_of(*rows) -> dict:
    return {row["url"]: row for row in rows}


def test_a_feed_lists_new_pages_to_fetch_with_their_entries(server):
    server.route(
        "/feed.xml",
        rss(("One", "/a.html", "Tue, 04 Mar 2025 10:00:00 GMT"), ("Two", "/b.html", None)),
    )
    found = feed_round(server)
    assert [job.url for job in found.jobs] == [server.url("/a.html"), server.url("/b.html")]
    assert found.jobs[0].entry.published == date(2025, 3, 4)
    [row] = found.fetch_state
    assert (row["kind"], row["outcome"], row["http_status"]) == ("feed", "fetched", 200)
    assert found.counts["feeds_read"] == 1 and not found.quarantine


def test_an_unchanged_feed_is_asked_conditionally_and_lists_nothing(server):
    server.route("/feed.xml", rss(("One", "/a.html", None)), etag='"f1"')
    first = feed_round(server)
    again = feed_round(server, state_of(*first.fetch_state))
    assert server.headers_of("/feed.xml")[1]["if-none-match"] == '"f1"'
    assert again.jobs == [] and again.counts["feeds_not_modified"] == 1
    assert again.fetch_state[0]["outcome"] == "not_modified"


def test_a_page_is_fetched_again_only_when_its_entry_changes():
    link, feed = "https://news.example/a.html", "https://news.example/feed.xml"
    seen = {"url": link, "kind": "page", "outcome": "fetched", "entry_stamp": "Mon", "failures": 0}
    same = {link: (feed, FeedEntry(link, stamp="Mon"))}
    changed = {link: (feed, FeedEntry(link, stamp="Tue"))}
    assert plan_pages(same, state_of(seen)) == []
    [job] = plan_pages(changed, state_of(seen))
    assert job.previous == seen  # asked conditionally, with its validators


@pytest.mark.parametrize(
    ("outcome", "transient", "failures", "retried"),
    [
        ("failed", True, 1, True),
        ("failed", True, MAX_FAILURES, False),
        ("failed", False, 1, False),
        ("fetched", False, 0, False),
    ],
)
def test_pages_that_failed_for_a_passing_reason_are_retried(outcome, transient, failures, retried):
    url = "https://news.example/gone-from-the-feed.html"
    row = {
        "url": url,
        "kind": "page",
        "outcome": outcome,
        "transient": transient,
        "failures": failures,
        "feed_url": "https://news.example/feed.xml",
    }
    assert [job.url for job in plan_pages({}, state_of(row))] == ([url] if retried else [])


def test_pages_become_articles_with_the_entrys_title_and_date(server):
    server.route(
        "/feed.xml", rss(("Talks in Osgiliath", "/a.html", "Tue, 04 Mar 2025 10:00:00 GMT"))
    )
    server.route("/a.html", article_page(LEAD), etag='"a1"')
    batch, counts = pages(feed_round(server).jobs)
    [article] = batch.articles
    assert (article.title, article.published_date) == ("Talks in Osgiliath", date(2025, 3, 4))
    assert (article.url, article.source_ref) == (server.url("/a.html"),) * 2
    [row] = batch.fetch_state
    assert (row["outcome"], row["etag"], row["feed_url"]) == (
        "fetched",
        '"a1"',
        server.url("/feed.xml"),
    )
    assert row["entry_stamp"] == "Tue, 04 Mar 2025 10:00:00 GMT"
    assert row["content_hash"] and row["changed_at"] == NOW
    assert counts["pages_read"] == 1 and not batch.quarantine


BAD_PAGES = {
    "/missing.html": ({"body": "gone", "status": 404}, "http_error", False),
    "/broken.html": ({"body": "oops", "status": 500}, "http_error", True),
    "/slow.html": ({"body": article_page(LEAD), "delay": 3}, "timeout", True),
    "/big.html": ({"body": article_page(LEAD * 400)}, "too_large", False),
    "/empty.html": (
        {"body": "<html><body><nav>Home</nav></body></html>"},
        "no_article_text",
        False,
    ),
    "/report.pdf": ({"body": b"%PDF-1.7", "content_type": "application/pdf"}, "not_html", False),
    "/drop.html": ({"drop": True}, "connection_error", True),
}


def test_every_bad_page_is_quarantined_with_its_reason(server):
    server.redirect("/loop.html", "/loop.html")
    for path, (options, _, _) in BAD_PAGES.items():
        server.route(path, **options)
    links = [*BAD_PAGES, "/loop.html"]
    server.route("/feed.xml", rss(*((p, p, None) for p in links)))
    batch, counts = pages(feed_round(server).jobs)
    found = {row["source_ref"]: (row["reason"], row["transient"]) for row in batch.quarantine}
    expected = {
        server.url(p): (reason, transient) for p, (_, reason, transient) in BAD_PAGES.items()
    }
    expected[server.url("/loop.html")] = ("redirect_loop", False)
    assert found == expected
    assert batch.articles == [] and counts["pages_failed"] == len(links)
    assert {row["outcome"] for row in batch.fetch_state} == {"failed"}
    assert all(row["failures"] == 1 for row in batch.fetch_state)


def test_a_transient_failure_is_given_up_after_max_failures(server):
    url = server.route("/broken.html", "oops", status=503)
    row = {
        "url": url,
        "kind": "page",
        "outcome": "failed",
        "transient": True,
        "failures": MAX_FAILURES - 1,
        "feed_url": None,
    }
    batch, _ = pages(plan_pages({}, state_of(row)))
    [problem] = batch.quarantine
    assert problem["transient"] is False and "gave up after 5 runs" in problem["detail"]
    assert batch.fetch_state[0]["transient"] is False


@pytest.mark.parametrize(
    ("pub_date", "page_date", "reason"),
    [(None, None, "missing_date"), ("Tue, 31 Feb 2025 10:00:00 GMT", "2025-03-04", "invalid_date")],
)
def test_date_problems_are_kept_with_a_warning(server, pub_date, page_date, reason):
    server.route("/feed.xml", rss(("Talks", "/a.html", pub_date)))
    server.route("/a.html", article_page(LEAD, page_date))
    batch, _ = pages(feed_round(server).jobs)
    [article] = batch.articles
    [row] = batch.quarantine
    assert (row["reason"], row["kept"], row["transient"]) == (reason, True, False)
    assert article.published_date == (date(2025, 3, 4) if page_date else None)


@pytest.mark.parametrize(
    ("route", "reason", "transient"),
    [
        ({"body": "<html><body>Not a feed</body></html>"}, "malformed_feed", False),
        (
            {"body": "<rss><channel><title>Her", "content_type": "application/rss+xml"},
            "malformed_feed",
            False,
        ),
        ({"body": "busy", "status": 503}, "http_error", True),
        ({"body": "x" * 30_000}, "too_large", False),
    ],
    ids=["not-a-feed", "truncated", "server-error", "oversized"],
)
def test_a_bad_feed_is_quarantined_and_the_others_go_on(server, route, reason, transient):
    server.route("/bad.xml", **route)
    server.route("/feed.xml", rss(("One", "/a.html", None)))
    found = feed_round(server, feeds=("/bad.xml", "/feed.xml"))
    [row] = found.quarantine
    assert (row["source_ref"], row["reason"], row["transient"]) == (
        server.url("/bad.xml"),
        reason,
        transient,
    )
    assert [job.url for job in found.jobs] == [server.url("/a.html")]
    assert found.counts["feeds_failed"] == 1 and found.counts["feeds_read"] == 1


def test_a_damaged_feed_gives_its_readable_entries_with_a_kept_warning(server):
    body = rss(("One", "/a.html", None), ("Two", "/b.html", None))
    server.route("/feed.xml", body[: body.index("<item><title>Two")])
    found = feed_round(server)
    [row] = found.quarantine
    assert (row["reason"], row["kept"]) == ("malformed_feed", True)
    assert [job.url for job in found.jobs] == [server.url("/a.html")]
