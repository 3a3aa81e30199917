"""Fetch feeds and pages over HTTP, politely and defensively (httpx; no Prefect).

Every request names Summitry in its user agent, keeps to what the host's robots.txt
allows, has timeouts and an overall deadline, is retried with backoff when the failure
may pass (timeouts, dropped connections, 408, 429 and 5xx), asks conditionally when the
last answer gave an ETag or Last-Modified, stops reading past a size limit, and waits for
a free slot of its host (a few at a time per host). Fetching never raises for what the
web sends: each answer is a `Fetched`, with the problem named when there is one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx


def _user_agent() -> str:
    try:
        release = version("summitry")
    except PackageNotFoundError:  # run from a source tree that was never installed
        release = "dev"
    # Operators should add a contact (`user_agent` in sources.toml); this names the tool.
    return f"Summitry/{release} (diplomatic news research pipeline; python-httpx)"


USER_AGENT = _user_agent()
# 408 Request Timeout and 429 Too Many Requests pass with time; so may any 5xx.
_TRANSIENT_STATUSES = frozenset({408, 425, 429})


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How to fetch: identity, patience, retries, politeness and limits."""

    user_agent: str = USER_AGENT
    timeout: float = 20.0  # seconds to connect, and between two reads
    deadline: float = 60.0  # seconds for a whole answer, against servers that trickle
    retries: int = 2  # further tries after a failure that may pass
    backoff: float = 1.0  # seconds before the first retry, doubled for each next one
    max_backoff: float = 60.0  # the longest wait, also for a server's Retry-After
    per_host: int = 2  # requests at once to one host
    workers: int = 8  # requests at once in all
    max_bytes: int = 5_000_000  # a bigger answer is not a news page or feed
    max_redirects: int = 5
    respect_robots: bool = True  # ask each host's robots.txt first, once per run


@dataclass(frozen=True, slots=True)
class Request:
    """A URL to get, with the validators of the last answer, if any."""

    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a request gave no usable answer; `transient` if trying again later may help."""

    reason: str
    detail: str
    transient: bool = False


@dataclass(slots=True)
class Fetched:
    """The answer to one request: a body, 'not modified', or a problem."""

    url: str
    status: int | None = None
    final_url: str | None = None
    body: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    problem: Problem | None = None
    attempts: int = 0
    retry_after: float | None = field(default=None, repr=False)

    @property
    def not_modified(self) -> bool:
        """Whether the server said the document has not changed since the last answer."""
        return self.status == 304


def fetch_all(
    requests: Sequence[Request],
    settings: FetchSettings | None = None,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Fetched]:
    """Return the answer to every request, in the order of `requests`.

    `sleep` waits between retries (tests pass one that does not).
    """
    settings = settings or FetchSettings()
    hosts = _HostSlots(settings.per_host, settings.respect_robots)
    client = httpx.Client(
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        timeout=httpx.Timeout(settings.timeout),
        follow_redirects=True,
        max_redirects=settings.max_redirects,
        limits=httpx.Limits(max_connections=settings.workers),
        trust_env=False,  # no proxies or .netrc from the environment: a run must be repeatable
    )
    with client, ThreadPoolExecutor(max(1, settings.workers)) as pool:
        return list(pool.map(lambda r: fetch(client, r, settings, hosts, sleep), requests))


def fetch(
    client: httpx.Client,
    request: Request,
    settings: FetchSettings,
    hosts: _HostSlots,
    sleep: Callable[[float], None] = time.sleep,
) -> Fetched:
    """Return the answer to one request, retrying failures that may pass."""
    parts = urlsplit(request.url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problem = Problem("invalid_url", f"{request.url!r} is not an http(s) URL")
        return Fetched(request.url, problem=problem)
    refused = hosts.robots_problem(client, request.url, settings)
    if refused is not None:
        return Fetched(request.url, problem=refused)
    for attempt in range(settings.retries + 1):
        with hosts.slot(parts.hostname):
            answer = _get_once(client, request, settings)
        answer.attempts = attempt + 1
        if answer.problem is None or not answer.problem.transient or attempt == settings.retries:
            return answer
        sleep(_delay(attempt, answer.retry_after, settings))
    raise AssertionError("unreachable: the last attempt returns")


def _delay(attempt: int, retry_after: float | None, settings: FetchSettings) -> float:
    wait = settings.backoff * 2**attempt
    if retry_after is not None:
        wait = max(wait, retry_after)
    return min(wait, settings.max_backoff)


def _get_once(client: httpx.Client, request: Request, settings: FetchSettings) -> Fetched:
    headers = {}
    if request.etag:
        headers["If-None-Match"] = request.etag
    if request.last_modified:
        headers["If-Modified-Since"] = request.last_modified
    try:
        with client.stream("GET", request.url, headers=headers) as response:
            return _read(response, request, settings)
    except httpx.TooManyRedirects:
        detail = f"more than {settings.max_redirects} redirects (a redirect loop?)"
        return Fetched(request.url, problem=Problem("redirect_loop", detail))
    except httpx.TimeoutException as err:
        detail = f"no answer within {settings.timeout:g} s ({type(err).__name__})"
        return Fetched(request.url, problem=Problem("timeout", detail, transient=True))
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as err:
        return Fetched(request.url, problem=Problem("invalid_url", str(err)))
    except httpx.TransportError as err:
        detail = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
        return Fetched(request.url, problem=Problem("connection_error", detail, transient=True))


def _read(response: httpx.Response, request: Request, settings: FetchSettings) -> Fetched:
    answer = Fetched(
        request.url,
        status=response.status_code,
        final_url=str(response.url),
        content_type=response.headers.get("content-type"),
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
    )
    if response.status_code == 304:
        answer.etag = answer.etag or request.etag
        answer.last_modified = answer.last_modified or request.last_modified
        return answer
    if not 200 <= response.status_code < 300:
        answer.problem = _status_problem(response)
        answer.retry_after = _retry_after(response.headers.get("retry-after"))
        return answer
    answer.problem = _too_large(response.headers.get("content-length"), settings)
    if answer.problem is None:
        body, answer.problem = _read_body(response, settings)
        answer.body = bytes(body)
    return answer


def _status_problem(response: httpx.Response) -> Problem:
    code = response.status_code
    detail = f"HTTP {code} {response.reason_phrase}".rstrip()
    return Problem("http_error", detail, transient=code >= 500 or code in _TRANSIENT_STATUSES)


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:  # an HTTP date: the backoff will do
        return None


def _too_large(content_length: str | None, settings: FetchSettings) -> Problem | None:
    if content_length and content_length.isdigit() and int(content_length) > settings.max_bytes:
        detail = f"{content_length} bytes announced; the limit is {settings.max_bytes}"
        return Problem("too_large", detail)
    return None


def _read_body(
    response: httpx.Response, settings: FetchSettings
) -> tuple[bytearray, Problem | None]:
    body, started = bytearray(), time.monotonic()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > settings.max_bytes:
            detail = f"more than {settings.max_bytes} bytes; stopped reading"
            return body[:0], Problem("too_large", detail)
        if time.monotonic() - started > settings.deadline:
            detail = f"the answer took longer than {settings.deadline:g} s; stopped reading"
            return body[:0], Problem("timeout", detail, transient=True)
    return body, None


class _HostSlots:
    """At most `per_host` requests at once to one host, and each host's robots.txt."""

    def __init__(self, per_host: int, respect_robots: bool = True) -> None:
        self._per_host = max(1, per_host)
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._robots: dict[str, RobotFileParser | Problem | None] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._respect_robots = respect_robots
        self._lock = threading.Lock()

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        with self._lock:
            semaphore = self._slots.setdefault(host, threading.BoundedSemaphore(self._per_host))
        with semaphore:
            yield

    def robots_problem(
        self, client: httpx.Client, url: str, settings: FetchSettings
    ) -> Problem | None:
        """Return why robots.txt keeps `url` from being fetched, or None if it may be."""
        if not self._respect_robots:
            return None
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            lock = self._robots_locks.setdefault(origin, threading.Lock())
        with lock:  # one request for robots.txt per host and run
            if origin not in self._robots:
                with self.slot(parts.hostname or ""):
                    self._robots[origin] = _read_robots(client, origin, settings)
        rules = self._robots[origin]
        if isinstance(rules, Problem) or rules is None:
            return rules
        if rules.can_fetch(settings.user_agent, url):
            return None
        return Problem("robots_disallowed", f"{origin}/robots.txt disallows it for Summitry")


def _read_robots(
    client: httpx.Client, origin: str, settings: FetchSettings
) -> RobotFileParser | Problem | None:
    """Return the rules of `origin`'s robots.txt; None (anything goes) when it has none
    (4xx) or is unusable (too large, a redirect loop); a transient problem when the host
    cannot say (5xx, no answer), as RFC 9309 asks a crawler to stay away then."""
    answer = _get_once(client, Request(f"{origin}/robots.txt"), settings)
    if answer.problem is None:
        rules = RobotFileParser()
        rules.parse(answer.body.decode("utf-8", errors="replace").splitlines())
        return rules
    if not answer.problem.transient:
        return None
    detail = f"{origin}/robots.txt could not be read ({answer.problem.detail}); retried next run"
    return Problem("robots_unavailable", detail, transient=True)
