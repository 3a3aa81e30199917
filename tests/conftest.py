"""Shared fixtures: hand-written input folders and one Prefect API for all flow tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

# Written for the tests (never copied from a corpus): plain, unambiguous meeting reports.
TINY_ARTICLES = {
    "2025/001_france-germany.txt": (
        "date 2025-03-04\n"
        "title France and Germany talk energy\n\n"
        "PARIS, March 4 - French Foreign Minister Claire Dubois met her German counterpart "
        "Jonas Weber in Paris on Tuesday to discuss energy and trade.\n\n"
        '"We agreed to work together on gas storage," Dubois told reporters.\n'
    ),
    "2025/002_kenya-ghana.txt": (
        "date 2025-03-06 Kenyan President Samuel Otieno held talks with Ghanaian President "
        "Kofi Mensah in Nairobi on Wednesday, officials said.\n\n"
        "The two leaders discussed trade and regional security.\n"
    ),
    "003_no-meeting.txt": (
        "Heavy rain closed several roads in the capital on Tuesday, the city council said.\n"
    ),
}
TINY_FEED = [
    {
        "id": "f1",
        "url": "https://news.example/japan-india",
        "title": "Japan and India hold call",
        "published": "2025-03-07T09:30:00Z",
        "text": "Japanese Prime Minister Hiroshi Tanaka spoke by phone with Indian Prime "
        "Minister Ravi Kumar on Thursday about maritime security.",
    },
    {"id": "f2", "title": "a record without text"},
]


def write_tiny_corpus(root: Path) -> Path:
    """Write the tiny articles, a `.jsonl` feed, an empty file and a stray file under `root`."""
    for name, text in TINY_ARTICLES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "feed.jsonl").write_text(
        "".join(json.dumps(record) + "\n" for record in TINY_FEED), encoding="utf-8"
    )
    (root / "empty.txt").write_bytes(b"")
    (root / "notes.md").write_text("not an article", encoding="utf-8")
    return root


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    """A folder of four good articles (three .txt, one .jsonl line) and two bad inputs."""
    return write_tiny_corpus(tmp_path / "corpus")


@pytest.fixture(scope="session")
def prefect_api():
    """One temporary Prefect API for the whole session (it takes 12-26 s to start here);
    yields its URL, for runs in other processes."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield PREFECT_API_URL.value()
