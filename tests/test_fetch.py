"""Fetching over real HTTP from a local server: retries, limits, conditional requests."""

from __future__ import annotations

import pytest
from news_server import NewsServer

from flows.fetch import FetchSettings, Request, fetch_all

# Short waits: a slow route sleeps past the timeout; nothing here measures time.
QUICK = FetchSettings(timeout=2, retries=2, backoff=0, max_bytes=10_000, per_host=2)


@pytest.fixture
def server():
    with NewsServer() as running:
        yield running


def get(url: str, settings: FetchSettings = QUICK, **validators):
    [answer] = fetch_all([Request(url, **validators)], settings, sleep=lambda _: None)
    return answer


def test_a_page_comes_back_with_its_validators_and_our_user_agent(server):
    url = server.route("/a.html", "<p>Talks.</p>", etag='"v1"', last_modified="Tue, 04 Mar 2025")
    answer = get(url)
    assert (answer.status, answer.body, answer.problem) == (200, b"<p>Talks.</p>", None)
    assert (answer.etag, answer.last_modified) == ('"v1"', "Tue, 04 Mar 2025")
    [headers] = server.headers_of("/a.html")
    assert headers["user-agent"].startswith("Summitry/")


@pytest.mark.parametrize(
    "validators",
    [{"etag": '"v1"'}, {"last_modified": "Tue, 04 Mar 2025"}],
    ids=["etag", "last-modified"],
)
def test_a_conditional_request_for_an_unchanged_page_is_not_modified(server, validators):
    url = server.route("/a.html", "<p>Talks.</p>", etag='"v1"', last_modified="Tue, 04 Mar 2025")
    answer = get(url, **validators)
    assert answer.not_modified and answer.problem is None and answer.body == b""
    assert (answer.etag, answer.last_modified) == ('"v1"', "Tue, 04 Mar 2025")


@pytest.mark.parametrize(
    ("status", "transient"), [(404, False), (410, False), (429, True), (500, True), (503, True)]
)
def test_http_errors_are_problems_transient_or_not(server, status, transient):
    answer = get(server.route("/x", "no", status=status))
    assert answer.problem.reason == "http_error"
    assert answer.problem.detail.startswith(f"HTTP {status}")
    assert answer.problem.transient is transient
    assert answer.attempts == (3 if transient else 1)


def test_a_failure_that_passes_is_retried(server):
    url = server.route("/flaky.html", "<p>Talks.</p>", fail_first=2)
    answer = get(url)
    assert (answer.status, answer.attempts, answer.problem) == (200, 3, None)


@pytest.mark.parametrize(
    ("retry_after", "waits"),
    [(None, [1, 2, 4, 6]), ("3", [3, 3, 4, 6]), ("soon", [1, 2, 4, 6])],
    ids=["doubling", "retry-after", "retry-after-not-seconds"],
)
def test_backoff_doubles_up_to_a_limit_and_honours_retry_after(server, retry_after, waits):
    headers = {"Retry-After": retry_after} if retry_after else {}
    url = server.route("/busy", "busy", status=503, headers=headers)
    seen = []
    fetch_all([Request(url)], FetchSettings(retries=4, backoff=1, max_backoff=6), sleep=seen.append)
    assert seen == waits


def test_a_slow_server_times_out_as_a_transient_problem(server):
    url = server.route("/slow", "late", delay=2)
    answer = get(url, FetchSettings(timeout=0.2, retries=0))
    assert (answer.problem.reason, answer.problem.transient) == ("timeout", True)


def test_a_dropped_connection_is_a_transient_problem(server):
    answer = get(server.route("/drop", drop=True), FetchSettings(timeout=2, retries=0))
    assert (answer.problem.reason, answer.problem.transient) == ("connection_error", True)


def test_a_redirect_loop_is_a_problem(server):
    server.redirect("/loop", "/loop-2")
    server.redirect("/loop-2", "/loop")
    answer = get(server.url("/loop"))
    assert (answer.problem.reason, answer.problem.transient) == ("redirect_loop", False)


def test_redirects_are_followed_to_the_final_url(server):
    target = server.route("/new.html", "<p>Talks.</p>")
    answer = get(server.redirect("/old.html", "/new.html", status=301))
    assert (answer.status, answer.final_url, answer.url) == (200, target, server.url("/old.html"))


@pytest.mark.parametrize("announce_length", [True, False], ids=["announced", "streamed"])
def test_an_oversized_document_is_refused(server, announce_length):
    url = server.route("/big", b"x" * 50_000, announce_length=announce_length)
    answer = get(url)
    assert (answer.problem.reason, answer.problem.transient, answer.body) == (
        "too_large",
        False,
        b"",
    )


@pytest.mark.parametrize("url", ["ftp://news.example/a", "file:///etc/passwd", "not a url"])
def test_only_http_urls_are_fetched(url):
    answer = get(url)
    assert (answer.problem.reason, answer.attempts) == ("invalid_url", 0)


def test_a_redirect_off_the_web_is_refused(server):
    answer = get(server.redirect("/to-file", "file:///etc/passwd"))
    assert answer.problem.reason == "invalid_url"


def test_answers_come_back_in_request_order_whatever_finishes_first(server):
    urls = [server.route(f"/{i}", f"page {i}", delay=0.05 * (3 - i)) for i in range(4)]
    answers = fetch_all([Request(u) for u in urls], FetchSettings(per_host=4, workers=4))
    assert [a.body for a in answers] == [f"page {i}".encode() for i in range(4)]


def test_pages_robots_txt_disallows_are_not_fetched(server):
    server.route("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    open_page, private = (
        server.route("/news.html", "<p>Talks.</p>"),
        server.route("/private/a.html"),
    )
    answers = fetch_all([Request(open_page), Request(private)], QUICK)
    assert [a.problem.reason if a.problem else a.status for a in answers] == [
        200,
        "robots_disallowed",
    ]
    assert server.hits("/private/a.html") == 0 and server.hits("/robots.txt") == 1


def test_robots_txt_for_another_agent_does_not_apply(server):
    server.route("/robots.txt", "User-agent: OtherBot\nDisallow: /\n", content_type="text/plain")
    assert get(server.route("/news.html", "<p>Talks.</p>")).status == 200


def test_a_host_whose_robots_txt_fails_is_left_alone_until_the_next_run(server):
    server.route("/robots.txt", "busy", status=503)
    answer = get(server.route("/news.html", "<p>Talks.</p>"))
    assert (answer.problem.reason, answer.problem.transient) == ("robots_unavailable", True)
    assert server.hits("/news.html") == 0


def test_robots_txt_can_be_ignored(server):
    server.route("/robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
    settings = FetchSettings(respect_robots=False)
    assert get(server.route("/news.html", "<p>Talks.</p>"), settings).status == 200
    assert server.requests[0][0] == "/news.html"
