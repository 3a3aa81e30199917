"""Finding and reading input files: recursion, batching and quarantine."""

import json

import pytest

from flows.sources import SourceFile, discover, read_batches, read_file
from transforms.records import Article

ARNOR = "date 2025-03-04\ntitle Arnor and Gondor\n\nThe King of Arnor met the Steward of Gondor."


def write(path, content: str | bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def jsonl(*records) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def test_discover_recurses_and_counts_ignored_files(tmp_path):
    write(tmp_path / "b.txt", ARNOR)
    write(tmp_path / "deep" / "er" / "a.TXT", ARNOR)
    write(tmp_path / "feed.jsonl", jsonl({"text": "x"}))
    write(tmp_path / "notes.md", "ignored")
    write(tmp_path / "page.html", "<html></html>")
    write(tmp_path / "photo.jpg", b"\xff\xd8")
    write(tmp_path / ".hidden" / "c.txt", ARNOR)
    found = discover([tmp_path])
    assert [f.source_ref for f in found.files] == [
        "b.txt",
        "deep/er/a.TXT",
        "feed.jsonl",
        "page.html",
    ]
    assert found.ignored == 3


def test_discover_single_file_is_known_by_its_name(tmp_path):
    path = write(tmp_path / "sub" / "one.txt", ARNOR)
    assert discover([str(path)]).files == [SourceFile(path, "one.txt")]


def test_discover_missing_input_raises(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere"):
        discover([tmp_path / "nowhere"])


def read_one(path) -> list:
    return list(read_file(SourceFile(path, path.name)))


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty_file"),
        ("blank.txt", b" \n\t\n", "empty_file"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary_file"),
        ("latin1.txt", "date 2025-03-04\nCaf\xe9 talks in Bree.".encode("latin-1"), "undecodable"),
        ("baddate.txt", b"date 2025-02-30\nThe talks.", "invalid_article"),
        ("empty.jsonl", b"", "empty_file"),
        ("blank.jsonl", b"\n\n  \n", "empty_file"),
        ("binary.jsonl", b"\x00\x01\x02", "binary_file"),
        ("empty.html", b"", "empty_file"),
        ("binary.html", b"\x00\x01<html>", "binary_file"),
        ("menu.html", b"<html><body><nav>Home | World</nav></body></html>", "no_article_text"),
    ],
)
def test_bad_files_are_quarantined_with_a_reason(tmp_path, name, content, reason):
    [row] = read_one(write(tmp_path / name, content))
    assert (row["source_ref"], row["reason"], row["transient"]) == (name, reason, False)
    assert name in row["detail"]


def test_jsonl_lines_are_read_and_bad_lines_quarantined(tmp_path):
    path = write(
        tmp_path / "feed.jsonl",
        jsonl(
            {"id": "1", "url": "https://news.example/1", "published": "2025-03-04", "text": "A."},
            "{not json",
            {"id": "3", "title": "no text"},
            "",
            {"id": "5", "published": "2025-03-05T10:00:00Z", "text": "B."},
            {"id": "6", "url": "https://news.example/6", "text": ""},
        ),
    )
    items = read_one(path)
    articles = [i for i in items if isinstance(i, Article)]
    rows = [i for i in items if not isinstance(i, Article)]
    assert [a.source_ref for a in articles] == ["https://news.example/1", "feed.jsonl#L5"]
    assert [(r["source_ref"], r["reason"]) for r in rows] == [
        ("feed.jsonl#L2", "malformed_json"),
        ("feed.jsonl#L3", "invalid_article"),
        ("https://news.example/6", "invalid_article"),
    ]
    assert "line 6" in rows[2]["detail"]


def test_undecodable_jsonl_line_spoils_only_that_line(tmp_path):
    good = json.dumps({"text": "Talks in Bree."}).encode()
    path = write(tmp_path / "feed.jsonl", b'{"text": "caf\xe9"}\n' + good + b"\n")
    first, second = read_one(path)
    assert (first["source_ref"], first["reason"]) == ("feed.jsonl#L1", "undecodable")
    assert second.text == "Talks in Bree."


GONDOR_PAGE = (
    "<html><head><title>Arnor and Gondor</title>{meta}</head><body><nav>Home</nav>"
    "<article><p>The King of Arnor met the Steward of Gondor in Osgiliath to discuss trade and "
    "the fords.</p></article></body></html>"
)
DATE_META = '<meta property="article:published_time" content="2025-03-04">'


def test_html_page_is_read_as_an_article(tmp_path):
    [article] = read_one(write(tmp_path / "a.html", GONDOR_PAGE.format(meta=DATE_META)))
    assert article.text.startswith("The King of Arnor met")
    assert (article.title, article.published_date.isoformat()) == ("Arnor and Gondor", "2025-03-04")


def test_html_page_without_a_date_is_kept_with_a_warning(tmp_path):
    article, row = read_one(write(tmp_path / "a.htm", GONDOR_PAGE.format(meta="")))
    assert article.published_date is None
    assert (row["reason"], row["kept"]) == ("missing_date", True)


def test_unreadable_file_is_a_transient_quarantine(tmp_path):
    missing = SourceFile(tmp_path / "gone.txt", "gone.txt")
    [row] = read_file(missing)
    assert (row["reason"], row["transient"]) == ("unreadable", True)


def test_batches_are_bounded_and_keep_quarantine(tmp_path):
    for i in range(5):
        write(tmp_path / f"{i}.txt", f"date 2025-03-0{i + 1}\nMeeting number {i}.")
    write(tmp_path / "2b.txt", b"")
    write(tmp_path / "feed.jsonl", jsonl(*({"text": f"Line {i}."} for i in range(4))))
    batches = list(read_batches(discover([tmp_path]).files, batch_size=3))
    assert [len(b.articles) for b in batches] == [3, 3, 3]
    assert sum(len(b.quarantine) for b in batches) == 1
    texts = [a.text for b in batches for a in b.articles]
    assert len(set(texts)) == 9


def test_batch_of_only_quarantine_rows_is_yielded(tmp_path):
    write(tmp_path / "empty.txt", b"")
    [batch] = read_batches(discover([tmp_path]).files)
    assert (batch.articles, len(batch.quarantine)) == ([], 1)


def test_batch_size_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        list(read_batches([], batch_size=0))
