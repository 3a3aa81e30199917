"""Plain records passed between the transforms and the flows.

An `Article` goes in; an `Extraction` comes out. Every row of an `Extraction` is a dict
keyed by the column names of `transforms.schema`, so the flows write them unchanged.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

EXTRACTOR_VERSION = "0.1.0"


@dataclass(frozen=True, slots=True)
class Article:
    """One news article: its body text and what is known about it."""

    article_id: str
    source_ref: str
    text: str
    title: str | None = None
    published_date: date | None = None
    url: str | None = None


@dataclass(slots=True)
class Extraction:
    """Rows found in one article, keyed like the tables of `transforms.schema`.

    `meeting_mentions` rows carry the meeting as this article reports it;
    `meeting_participants`, `statements` and `topics` refer to it by `meeting_id`.
    """

    article_id: str
    meeting_mentions: list[dict] = field(default_factory=list)
    meeting_participants: list[dict] = field(default_factory=list)
    statements: list[dict] = field(default_factory=list)
    topics: list[dict] = field(default_factory=list)


def stable_id(*parts: object, length: int = 16) -> str:
    """Return a short hex id that depends only on `parts`.

    >>> stable_id("CHN", "RUS") == stable_id("CHN", "RUS")
    True
    """
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:length]
