"""Read an HTML page into an `Article`: its main text, title and date (trafilatura; no I/O).

Navigation, footers, comments and tables are left out; one paragraph of the page is one
line of `Article.text`, as in the `.txt` format, so the lead and its dateline come first.
"""

from __future__ import annotations

import logging
from datetime import date

import trafilatura

from transforms.articles import ArticleError, make_article
from transforms.records import Article

# Less than this is a cookie wall, a video caption or an index page, not an article.
MIN_TEXT_CHARS = 40

# trafilatura logs every page it finds too short at WARNING; the quarantine says it.
logging.getLogger("trafilatura").setLevel(logging.ERROR)


def parse_html(
    html: bytes | str,
    source_ref: str,
    *,
    url: str | None = None,
    title: str | None = None,
    published: date | None = None,
) -> Article:
    """Return the article of the page `html`, known as `source_ref`.

    `title` and `published` (say, from the feed entry that links to the page) win over
    what the page's own metadata says; `url` is the page's address, else its canonical
    link. Raises ArticleError when the page has no article text.
    """
    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        deduplicate=False,
        favor_precision=True,  # a menu line in the text is worse than a lost caption
    )
    text = (document.text or "") if document is not None else ""
    if len(text.strip()) < MIN_TEXT_CHARS:
        raise ArticleError(source_ref, "the page has no article text")
    page_title = (document.title or "").strip() or None
    return make_article(
        _without_headline(text, page_title, title),
        source_ref,
        title=title or page_title,
        published_date=published or _page_date(document.date),
        url=url or document.url,
    )


def _without_headline(text: str, *titles: str | None) -> str:
    """Drop a first line that repeats the headline: the lead must be the first paragraph."""
    first, _, rest = text.strip().partition("\n")
    headlines = {t.strip().casefold() for t in titles if t}
    return rest if rest.strip() and first.strip().casefold() in headlines else text


def _page_date(value: str | None) -> date | None:
    """Return the page's date (trafilatura gives YYYY-MM-DD), or None if it has none."""
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
