"""Parse raw input into `Article`s: the `.txt` header format and `.jsonl` records (no I/O).

A `.txt` article starts with `date YYYY-MM-DD`, then either a newline or, on the same line,
the first paragraph; an optional `title ...` line may follow a date on its own line; the
rest is the body. `Article.text` is the body only, because extracted records give
character offsets into it.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime

from transforms.records import Article, stable_id

# A header is `date` followed by something date-like; "date palms ..." is ordinary text.
_DATE_LINE = re.compile(r"date[ \t]+(?P<value>[0-9][^\s]*)(?:[ \t]*\n|[ \t]+|$)")
_TITLE_LINE = re.compile(r"title(?:[ \t]+(?P<value>[^\n]*))?(?:\n|$)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ArticleError(ValueError):
    """The input cannot be read as an article; the message names it and says why."""

    def __init__(self, source_ref: str, problem: str) -> None:
        super().__init__(f"{source_ref}: {problem}")
        self.source_ref, self.problem = source_ref, problem


def parse_txt(raw: str, source_ref: str) -> Article:
    """Return the article in `raw`, the text of a `.txt` file named `source_ref`.

    >>> parse_txt("date 2025-07-14 Ministers met.", "a.txt").published_date
    datetime.date(2025, 7, 14)
    """
    text = _normalise_newlines(raw).lstrip()
    published, title = None, None
    header = _DATE_LINE.match(text)
    if header:
        published = _parse_date(header["value"], source_ref)
        text = text[header.end() :]
        if header.group(0).endswith("\n"):
            title, text = _split_title(text)
    return make_article(text, source_ref, title=title, published_date=published)


def parse_jsonl_record(obj: object, source_ref: str) -> Article:
    """Return the article of one `.jsonl` record with keys id, url, title, published, text.

    The record's own `id` is not used: ids come from the content, as for `.txt` files.
    """
    if not isinstance(obj, dict):
        raise ArticleError(source_ref, f"expected a JSON object, got {type(obj).__name__}")
    text = obj.get("text")
    if text is None:
        raise ArticleError(source_ref, 'no "text" field')
    published = obj.get("published")
    if isinstance(published, str) and not published.strip():
        published = None
    return make_article(
        _string_field(obj, "text", source_ref),
        source_ref,
        title=_string_field(obj, "title", source_ref),
        published_date=None if published is None else _parse_published(published, source_ref),
        url=_string_field(obj, "url", source_ref),
    )


def make_article(
    body: str,
    source_ref: str,
    *,
    title: str | None = None,
    published_date: date | None = None,
    url: str | None = None,
) -> Article:
    """Return an `Article` whose id depends only on its date, title and body."""
    body = _normalise_newlines(body).strip()
    if not body:
        raise ArticleError(source_ref, "the article body is empty")
    title = (title.strip() or None) if title else None
    return Article(
        article_id=article_id(body, title, published_date),
        source_ref=source_ref,
        text=body,
        title=title,
        published_date=published_date,
        url=(url.strip() or None) if url else None,
    )


def article_id(text: str, title: str | None, published_date: date | None) -> str:
    """Return the stable id of an article: the same content gives the same id on every run."""
    day = published_date.isoformat() if published_date else None
    return stable_id("article", day, title, text)


def content_hash(text: str) -> str:
    """Return the SHA-256 of `text`, to tell a changed article from the one it replaces."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def article_row(article: Article, extractor_version: str) -> dict:
    """Return `article` as a row of the `articles` table."""
    return {
        "article_id": article.article_id,
        "source_ref": article.source_ref,
        "title": article.title,
        "published_date": article.published_date,
        "url": article.url,
        "content_hash": content_hash(article.text),
        "text": article.text,
        "extractor_version": extractor_version,
    }


def _normalise_newlines(text: str) -> str:
    return text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")


def _split_title(text: str) -> tuple[str | None, str]:
    """Return the title of a leading `title ...` line (if any) and the text after it."""
    line = _TITLE_LINE.match(text)
    if not line:
        return None, text
    return (line["value"] or "").strip() or None, text[line.end() :]


def _parse_date(value: str, source_ref: str) -> date:
    if not _ISO_DATE.fullmatch(value):
        raise ArticleError(source_ref, f"date line {value!r} is not YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise ArticleError(source_ref, f"date {value!r} does not exist ({err})") from err


def _parse_published(value: object, source_ref: str) -> date:
    """Return the day of a `published` value: YYYY-MM-DD or an ISO datetime."""
    if not isinstance(value, str):
        raise ArticleError(source_ref, f'"published" must be a string, got {value!r}')
    if _ISO_DATE.fullmatch(value.strip()):
        return _parse_date(value.strip(), source_ref)
    try:
        return datetime.fromisoformat(value.strip()).date()
    except ValueError as err:
        problem = f'"published" {value!r} is neither YYYY-MM-DD nor an ISO datetime'
        raise ArticleError(source_ref, problem) from err


def _string_field(obj: dict, key: str, source_ref: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise ArticleError(source_ref, f'"{key}" must be a string, got {type(value).__name__}')
    return value
