"""Extraction entry point: an article in, its records out (no I/O)."""

from __future__ import annotations

from transforms.records import Article, Extraction


def extract_article(article: Article) -> Extraction:
    """Return the meetings, participants, statements and topics found in `article`."""
    return Extraction(article_id=article.article_id)
