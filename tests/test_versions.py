"""Versions of one article: which stored article a newer one supersedes."""

from datetime import UTC, datetime

import pytest

from transforms.versions import article_key, supersessions


def row(article_id, url=None, source_ref="a.txt", hour=1, superseded_by=None) -> dict:
    return {
        "article_id": article_id,
        "url": url,
        "source_ref": source_ref,
        "ingested_at": None if hour is None else datetime(2025, 3, 4, hour, tzinfo=UTC),
        "superseded_by": superseded_by,
    }


@pytest.mark.parametrize(
    ("source_ref", "key"),
    [
        ("https://news.example/a", "https://news.example/a"),
        ("2025/a.txt", "2025/a.txt"),
        ("pages/a.html", "pages/a.html"),
        ("feed.jsonl#L2", None),
    ],
)
def test_article_key(source_ref, key):
    assert article_key(source_ref) == key


def test_a_new_text_at_the_same_url_supersedes_the_stored_one():
    a, b = "https://news.example/a", "https://x.example/b"
    stored = [row("old", url=a, source_ref=a), row("other", url=b, source_ref=b)]
    new = [row("new", url=a, source_ref=a, hour=2)]
    assert supersessions(stored, new) == {"old": "new"}


def test_two_files_with_the_same_canonical_link_are_two_articles():
    link = "https://news.example/"  # a site whose every page claims its home page
    stored = [row("a", url=link, source_ref="saved/a.html")]
    assert supersessions(stored, [row("b", url=link, source_ref="saved/b.html", hour=2)]) == {}


def test_a_changed_file_supersedes_its_previous_text():
    assert supersessions([row("old")], [row("new", hour=2)]) == {"old": "new"}


def test_already_superseded_versions_are_left_alone():
    stored = [row("v1", superseded_by="v2"), row("v2", hour=2)]
    assert supersessions(stored, [row("v3", hour=3)]) == {"v2": "v3"}


def test_two_new_versions_in_one_run_the_later_row_wins():
    new = [row("first", hour=2), row("second", hour=2)]
    assert supersessions([row("old")], new) == {"old": "second", "first": "second"}


def test_a_re_extracted_article_is_not_another_version():
    assert supersessions([row("same")], [row("same", hour=5)]) == {}


def test_jsonl_lines_without_url_are_never_superseded():
    stored = [row("old", source_ref="feed.jsonl#L1")]
    assert supersessions(stored, [row("new", source_ref="feed.jsonl#L1", hour=2)]) == {}


def test_a_stored_version_without_ingestion_time_counts_as_older():
    assert supersessions([row("old", hour=None)], [row("new", hour=None)]) == {"old": "new"}
