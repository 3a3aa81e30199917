"""Hourly runs over a feed and a folder: only what is new, one meeting per row, bad input
quarantined and the run going on. Real Prefect flows against a local HTTP server."""

from __future__ import annotations

import json

import duckdb
import pytest
from news_server import NewsServer

from flows import cli, pipeline
from flows.warehouse import CATALOG

# Written for these tests: one meeting of Spain and Portugal reported by three outlets
# (a wire with a dateline, a readout with the date, a caption with no date at all), and
# a second meeting of the pair three days later.
WIRE = (
    "MADRID, March 4 - Spanish Foreign Minister Lucia Ortega met her Portuguese counterpart "
    "Tiago Sousa in Madrid on Tuesday to discuss water sharing on the Tagus.\n"
    '"We agreed to share data on river flows," Ortega told reporters.'
)
READOUT = (
    "Spanish Foreign Minister Lucia Ortega held talks with Portuguese Foreign Minister Tiago "
    "Sousa in Madrid on March 4, officials said.\n"
    "The two ministers discussed energy links and water management."
)
CAPTION = (
    "Portugal's Foreign Minister Tiago Sousa met Spanish Foreign Minister Lucia Ortega in "
    "Madrid, the ministry said in a statement."
)
SECOND_MEETING = (
    "Portuguese Foreign Minister Tiago Sousa hosted Spanish Foreign Minister Lucia Ortega in "
    "Lisbon on March 7 for a second round of talks on fisheries."
)
UNDATED_CALL = (
    "Kenyan President Samuel Otieno spoke by phone with Ghanaian President Kofi Mensah about "
    "regional trade, his office said."
)
QUICK_FETCH = {"timeout": 1.0, "retries": 1, "backoff": 0.0, "max_bytes": 20_000}


def page(text: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n"))
    return f"<html><body><nav>Home | World</nav><article>{paragraphs}</article></body></html>"


def rss(*items: tuple[str, str | None]) -> str:
    entries = "".join(
        f"<item><title>{path}</title><link>{path}</link>"
        + (f"<pubDate>{when}</pubDate>" if when else "")
        + "</item>"
        for path, when in items
    )
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>H</title>'
    return f"{head}{entries}</channel></rss>"


FEED_ITEMS = [
    ("/wire.html", "Tue, 04 Mar 2025 12:00:00 GMT"),
    ("/caption.html", "Wed, 05 Mar 2025 08:00:00 GMT"),
    ("/call.html", None),  # no date anywhere: kept, with a warning
    ("/missing.html", "Wed, 05 Mar 2025 08:00:00 GMT"),
    ("/broken.html", "Wed, 05 Mar 2025 08:00:00 GMT"),
    ("/slow.html", "Wed, 05 Mar 2025 08:00:00 GMT"),
    ("/loop.html", "Wed, 05 Mar 2025 08:00:00 GMT"),
    ("/big.html", "Wed, 05 Mar 2025 08:00:00 GMT"),
    ("/menu.html", "Wed, 05 Mar 2025 08:00:00 GMT"),
]
BAD_FILES = {
    "empty.txt": b"",
    "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "latin1.txt": "date 2025-03-04\nCaf\xe9 talks in Madrid.".encode("latin-1"),
    "impossible-date.txt": b"date 2025-02-30\nThe talks went on.",
    "outlets.jsonl": (
        json.dumps(
            {"url": "https://outlet.example/readout", "published": "2025-03-05", "text": READOUT}
        )
        + "\n{not json\n"
    ).encode(),
}


def serve_news(server: NewsServer) -> None:
    server.route("/world.xml", rss(*FEED_ITEMS), etag='"w1"', content_type="application/rss+xml")
    server.route("/bad-feed.xml", "<rss><channel><title>Her", content_type="application/rss+xml")
    server.route("/wire.html", page(WIRE), etag='"wire-1"')
    server.route("/caption.html", page(CAPTION))
    server.route("/call.html", page(UNDATED_CALL))
    server.route("/missing.html", "gone", status=404)
    server.route("/broken.html", "oops", status=500)
    server.route("/slow.html", page(WIRE), delay=3)
    server.redirect("/loop.html", "/loop.html")
    server.route("/big.html", page(READOUT * 200))
    server.route("/menu.html", "<html><body><nav>Home | World | Sport</nav></body></html>")


def query(wh, sql: str) -> list[tuple]:
    with duckdb.connect(str(wh / CATALOG), read_only=True) as con:
        return con.execute(sql).fetchall()


def records(wh) -> dict[str, list[tuple]]:
    """Every published row but the fetch log and the quarantine."""
    tables = ["articles", "meetings", "meeting_mentions", "meeting_participants"]
    tables += ["statements", "topics"]
    return {t: query(wh, f"select * from {t} order by all") for t in tables}


SPAIN_PORTUGAL = "list_sort(sides) = ['ESP', 'PRT']"


@pytest.fixture
def news():
    with NewsServer() as server:
        serve_news(server)
        yield server


@pytest.mark.flow
def test_hourly_runs_over_a_feed(prefect_api, news, tmp_path):
    inbox, wh = tmp_path / "inbox", tmp_path / "wh"
    inbox.mkdir()
    for name, content in BAD_FILES.items():
        (inbox / name).write_bytes(content)
    feeds = [news.url("/world.xml"), news.url("/bad-feed.xml")]

    def run():
        return pipeline.summitry_pipeline([str(inbox)], str(wh), feeds=feeds, fetch=QUICK_FETCH)

    first = run()
    # Three good pages and one good line; the rest is quarantined and the run went on.
    assert (first["new_articles"], first["pages_read"], first["pages_failed"]) == (4, 3, 6)
    [(meeting_id, mentions, day, basis)] = query(
        wh,
        "select meeting_id, mention_count, meeting_date, date_basis from meetings "
        f"where {SPAIN_PORTUGAL}",
    )
    assert (mentions, str(day), basis) == (3, "2025-03-04", "explicit")
    assert query(
        wh, f"select count(*) from meeting_mentions where meeting_id = '{meeting_id}'"
    ) == [(3,)]
    assert first["newly_merged_reports"] >= 1
    reasons = dict(query(wh, "select reason, count(*) from quarantine group by all"))
    assert reasons == {
        "http_error": 2,  # 404 and 500
        "timeout": 1,
        "redirect_loop": 1,
        "too_large": 1,
        "no_article_text": 1,
        "malformed_feed": 1,
        "missing_date": 1,  # kept
        "empty_file": 1,
        "binary_file": 1,
        "undecodable": 1,
        "invalid_article": 1,  # 30 February
        "malformed_json": 1,
    }
    assert first["quarantined"] == sum(reasons.values())
    before = records(wh)

    # An hour later: one new item in the feed, everything else as it was.
    news.route(
        "/world.xml",
        rss(*FEED_ITEMS, ("/second.html", "Sat, 08 Mar 2025 08:00:00 GMT")),
        etag='"w2"',
        content_type="application/rss+xml",
    )
    news.route("/second.html", page(SECOND_MEETING))
    wire_hits, broken_hits = news.hits("/wire.html"), news.hits("/broken.html")
    second = run()
    assert second["new_articles"] == 1 and second["pages_read"] == 1
    assert news.hits("/wire.html") == wire_hits  # known pages are not asked again
    assert news.hits("/broken.html") > broken_hits  # a 500 may pass: retried
    after = records(wh)
    for table, rows in before.items():
        assert set(map(repr, rows)) <= set(map(repr, after[table])), table  # none changed or lost
    pair = query(
        wh,
        f"select meeting_id, meeting_date, mention_count from meetings where {SPAIN_PORTUGAL} "
        "order by meeting_date",
    )
    assert [(m == meeting_id, str(day), n) for m, day, n in pair] == [
        (True, "2025-03-04", 3),
        (False, "2025-03-07", 1),  # the same pair three days later: another meeting
    ]

    # And again, with nothing new: no row added, no id changed; the feed answered 304.
    third = run()
    assert (third["new_articles"], third["feeds_not_modified"]) == (0, 1)
    assert records(wh) == after


@pytest.mark.flow
def test_a_changed_page_supersedes_its_old_version_and_reprocess_keeps_every_id(
    prefect_api, news, tmp_path, capsys, monkeypatch
):
    for name in cli.RUN_QUIET_DEFAULTS:
        monkeypatch.delenv(name, raising=False)  # restored after the test
    wh, sources = tmp_path / "wh", tmp_path / "sources.toml"
    sources.write_text(
        f'warehouse = "wh"\nfeeds = ["{news.url("/world.xml")}"]\n'
        "[fetch]\ntimeout = 1.0\nretries = 0\nmax_bytes = 20000\n",
        encoding="utf-8",
    )
    assert cli.main(["run", "--sources", str(sources)]) == 0
    out = capsys.readouterr().out
    assert "Asked 1 feed: 1 read, 0 unchanged, 0 failed; pages: 3 fetched" in out
    assert "3 new, 7 quarantined (1 kept with a warning)." in out
    [(old_wire,)] = query(wh, "select article_id from articles where url like '%/wire.html'")
    [(first_id,)] = query(wh, f"select meeting_id from meetings where {SPAIN_PORTUGAL}")

    # The wire story is rewritten; its feed entry says so.
    rewritten = "Tue, 04 Mar 2025 18:00:00 GMT"
    items = [(path, rewritten if path == "/wire.html" else when) for path, when in FEED_ITEMS]
    news.route("/world.xml", rss(*items), etag='"w2"', content_type="application/rss+xml")
    new_text = WIRE.replace("the Tagus", "the Tagus and the Douro")
    news.route("/wire.html", page(new_text), etag='"wire-2"')
    feeds = [news.url("/world.xml")]
    summary = pipeline.summitry_pipeline([], str(wh), feeds=feeds, fetch=QUICK_FETCH)
    assert (summary["new_articles"], summary["updated_articles"]) == (1, 1)
    versions = query(wh, "select article_id, superseded_by from articles where url like '%wire%'")
    [new_wire] = [article for article, newer in versions if newer is None]
    assert (old_wire, new_wire) in versions  # the old text stays, marked
    for table in ("meeting_mentions", "statements", "topics", "meeting_participants"):
        assert query(wh, f"select count(*) from {table} where article_id = '{old_wire}'") == [(0,)]
    [(meeting_id, mentions)] = query(
        wh, f"select meeting_id, mention_count from meetings where {SPAIN_PORTUGAL}"
    )
    reporters = query(
        wh, f"select article_id from meeting_mentions where meeting_id = '{meeting_id}'"
    )
    assert mentions == 2 and (new_wire,) in reporters  # the new wire and the caption
    assert meeting_id == first_id

    # Re-extracting with the same extractor changes no row and no id.
    before = records(wh)
    assert cli.main(["reprocess", "--warehouse", str(wh)]) == 0
    assert "Re-extracted 3 articles" in capsys.readouterr().out
    assert records(wh) == before
    assert cli.main(["reprocess", "--warehouse", str(wh), "--stale-only"]) == 0
    assert "Re-extracted 0 articles" in capsys.readouterr().out
