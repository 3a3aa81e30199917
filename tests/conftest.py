"""Shared fixtures: hand-written input folders and one Prefect API for all flow tests."""

from __future__ import annotations

import json
import shutil
import tempfile
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


# `summitry serve` starts its own Prefect server (~20 s here): when a `serve` test is
# selected, the process starts as soon as tests are collected, beside the other tests.
SERVE_PROCESS = pytest.StashKey[object]()


def pytest_collection_finish(session: pytest.Session) -> None:
    if any(item.get_closest_marker("serve") for item in session.items):
        from serve_process import ServeProcess

        root = Path(tempfile.mkdtemp(prefix="summitry-serve-"))
        session.config.stash[SERVE_PROCESS] = ServeProcess(root)


def pytest_sessionfinish(session: pytest.Session) -> None:
    served = session.config.stash.get(SERVE_PROCESS, None)
    if served is not None:
        served.stop()
        shutil.rmtree(served.root, ignore_errors=True)


@pytest.fixture
def served(request: pytest.FixtureRequest):
    """The `summitry serve` process started at collection (see above)."""
    return request.config.stash[SERVE_PROCESS]
