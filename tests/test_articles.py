"""Parsing `.txt` and `.jsonl` input into Articles."""

from datetime import date

import pytest

from transforms.articles import ArticleError, article_row, parse_jsonl_record, parse_txt

BODY = "The Foreign Minister of Arnor met her Gondorian counterpart in Minas Tirith."


@pytest.mark.parametrize(
    ("raw", "published", "title", "text"),
    [
        pytest.param(
            f" date 2025-07-14 {BODY}\n\nMore.",
            date(2025, 7, 14),
            None,
            f"{BODY}\n\nMore.",
            id="date-on-same-line-as-first-paragraph",
        ),
        pytest.param(
            f"date 2025-07-14\n\n{BODY}\n", date(2025, 7, 14), None, BODY, id="date-line-then-body"
        ),
        pytest.param(
            f"date 2025-07-14\ntitle Arnor and Gondor talk\n\n{BODY}",
            date(2025, 7, 14),
            "Arnor and Gondor talk",
            BODY,
            id="date-and-title-lines",
        ),
        pytest.param(
            f"date 2025-07-14  \r\ntitle  Spaced  \r\n\r\n{BODY}\r\n",
            date(2025, 7, 14),
            "Spaced",
            BODY,
            id="windows-newlines-and-trailing-spaces",
        ),
        pytest.param(
            f"\ufeffdate 2025-07-14\n{BODY}", date(2025, 7, 14), None, BODY, id="byte-order-mark"
        ),
        pytest.param(
            f"{BODY}\n\nSecond paragraph.",
            None,
            None,
            f"{BODY}\n\nSecond paragraph.",
            id="no-date-line",
        ),
        pytest.param(
            "date palms grow in Harad.",
            None,
            None,
            "date palms grow in Harad.",
            id="leading-word-date-is-not-a-header",
        ),
        pytest.param(
            f"{BODY}\ndate 2025-07-14",
            None,
            None,
            f"{BODY}\ndate 2025-07-14",
            id="date-line-not-first-is-body",
        ),
    ],
)
def test_parse_txt(raw, published, title, text):
    article = parse_txt(raw, "arnor/a.txt")
    assert (article.published_date, article.title, article.text) == (published, title, text)
    assert article.source_ref == "arnor/a.txt"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(f"date 2025-02-30 {BODY}", "does not exist", id="impossible-date"),
        pytest.param(f"date 2025-7-14 {BODY}", "not YYYY-MM-DD", id="short-date"),
        pytest.param("", "empty", id="empty"),
        pytest.param("  \n\t \n", "empty", id="whitespace-only"),
        pytest.param("date 2025-07-14\n\n   \n", "empty", id="header-without-body"),
        pytest.param("date 2025-07-14\ntitle Only a title\n", "empty", id="title-without-body"),
    ],
)
def test_parse_txt_rejects(raw, message):
    with pytest.raises(ArticleError, match=message) as caught:
        parse_txt(raw, "bad.txt")
    assert "bad.txt" in str(caught.value)


def test_article_id_is_stable_and_depends_on_content():
    first = parse_txt(f"date 2025-07-14\n{BODY}", "a.txt")
    again = parse_txt(f"date 2025-07-14\n\n{BODY}\n", "elsewhere/b.txt")
    other_day = parse_txt(f"date 2025-07-15\n{BODY}", "a.txt")
    assert first.article_id == again.article_id
    assert first.article_id != other_day.article_id


def test_same_article_from_txt_and_jsonl_has_one_id():
    from_txt = parse_txt(f"date 2025-07-14\ntitle T\n{BODY}", "a.txt")
    from_jsonl = parse_jsonl_record({"title": "T", "published": "2025-07-14", "text": BODY}, "b")
    assert from_txt.article_id == from_jsonl.article_id


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("2025-07-14", date(2025, 7, 14)),
        ("2025-07-14T23:10:00Z", date(2025, 7, 14)),
        ("2025-07-14T08:00:00+02:00", date(2025, 7, 14)),
        (None, None),
        ("", None),
    ],
)
def test_parse_jsonl_published(published, expected):
    record = {"id": "x1", "url": "https://news.example/a", "title": "T", "published": published}
    article = parse_jsonl_record({**record, "text": f"  {BODY}  "}, "feed.jsonl#L1")
    assert article.published_date == expected
    assert article.text == BODY
    assert (article.url, article.title) == ("https://news.example/a", "T")


@pytest.mark.parametrize(
    ("record", "message"),
    [
        pytest.param({"title": "T", "published": "2025-07-14"}, '"text"', id="missing-text"),
        pytest.param({"text": "   "}, "empty", id="blank-text"),
        pytest.param({"text": 42}, '"text" must be a string', id="text-not-string"),
        pytest.param({"text": BODY, "published": "2025-02-30"}, "does not exist", id="bad-day"),
        pytest.param({"text": BODY, "published": "July 14"}, "ISO datetime", id="bad-published"),
        pytest.param({"text": BODY, "published": 20250714}, "must be a string", id="number-date"),
        pytest.param([BODY], "JSON object", id="not-an-object"),
    ],
)
def test_parse_jsonl_rejects(record, message):
    with pytest.raises(ArticleError, match=message) as caught:
        parse_jsonl_record(record, "feed.jsonl#L7")
    assert "feed.jsonl#L7" in str(caught.value)
    assert "feed.jsonl#L7" not in caught.value.problem


def test_article_error_is_a_value_error():
    assert issubclass(ArticleError, ValueError)


def test_article_row_hashes_the_body():
    article = parse_txt(f"date 2025-07-14\n{BODY}", "a.txt")
    row = article_row(article, "9.9")
    assert row["text"] == BODY
    assert len(row["content_hash"]) == 64
    assert row["extractor_version"] == "9.9"
