"""Read an RSS or Atom feed into the entries it links to (feedparser; no I/O).

A feed only says which pages to fetch, with their title and date; the article is the page.
"""

from __future__ import annotations

import email.utils
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

import feedparser

# Warnings feedparser raises for feeds it read correctly anyway.
_HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


class FeedError(ValueError):
    """The document is not a feed that can be read; the message says why."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed: the page it links to and what the feed says about it."""

    link: str
    title: str | None = None
    published: date | None = None
    # The entry's own date text (updated, else published): a new one means a changed page.
    stamp: str | None = None
    # Set when the entry gives a date that is not one ("Tue, 31 Feb 2025").
    date_problem: str | None = None


@dataclass(slots=True)
class Feed:
    """The entries of a feed, and what could not be read of it."""

    entries: list[FeedEntry] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # entries left out, and why
    problem: str | None = None  # the feed is damaged, but some entries could be read


def parse_feed(body: bytes, feed_url: str, content_type: str | None = None) -> Feed:
    """Return the entries of the RSS or Atom document `body`, fetched from `feed_url`.

    Relative links are resolved against `feed_url`; an entry repeated is read once.
    Raises FeedError when `body` is not a feed, or is too damaged to give any entry.
    """
    headers = {"content-location": feed_url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(body, response_headers=headers)
    damage = _damage(parsed)
    if not parsed.entries:
        if damage:
            raise FeedError(f"not a readable feed ({damage})")
        if not parsed.get("version"):
            raise FeedError("not an RSS or Atom feed")
    feed = Feed(problem=damage)
    seen: set[str] = set()
    for number, entry in enumerate(parsed.entries, 1):
        link = (entry.get("link") or "").strip()
        if urlsplit(link).scheme not in ("http", "https"):
            what = f"links to {link!r}" if link else "has no link"
            feed.skipped.append(f"entry {number} ({entry.get('title', 'untitled')!r}) {what}")
        elif link not in seen:
            seen.add(link)
            feed.entries.append(_entry(entry, link))
    return feed


def _damage(parsed: feedparser.FeedParserDict) -> str | None:
    error = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if error is None or isinstance(error, _HARMLESS):
        return None
    return str(error) or type(error).__name__


def _entry(entry: feedparser.FeedParserDict, link: str) -> FeedEntry:
    # dict.get: feedparser's own get() answers "updated" with "published" (and warns).
    published_text, updated_text = dict.get(entry, "published"), dict.get(entry, "updated")
    raw = published_text or updated_text
    published, problem = entry_date(raw) if raw else (None, None)
    title = (entry.get("title") or "").strip() or None
    return FeedEntry(link, title, published, updated_text or published_text, problem)


def entry_date(raw: str) -> tuple[date | None, str | None]:
    """Return the day a feed's date text names, as the publisher wrote it (not in UTC),
    or None and why not.

    >>> entry_date("Tue, 04 Mar 2025 23:30:00 -0500")
    (datetime.date(2025, 3, 4), None)
    >>> entry_date("2025-02-30T10:00:00Z")[1]
    "the feed's date '2025-02-30T10:00:00Z' is not a date"
    """
    text = raw.strip()
    try:
        return datetime.fromisoformat(text).date(), None
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text).date(), None
    except (TypeError, ValueError, IndexError):
        return None, f"the feed's date {raw!r} is not a date"
