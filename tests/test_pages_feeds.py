"""Reading HTML pages (trafilatura) and RSS/Atom feeds (feedparser), without a network."""

from datetime import date

import pytest

from transforms.articles import ArticleError
from transforms.feeds import FeedError, entry_date, parse_feed
from transforms.pages import parse_html

LEAD = (
    "OSGILIATH, March 4 - The King of Arnor met the Steward of Gondor in Osgiliath on "
    "Tuesday to discuss trade and river security."
)
QUOTE = '"We agreed to reopen the fords," the Steward told reporters after the talks.'


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


ARTICLE_PAGE = page(
    "<nav>Home | World | Sport</nav>"
    f"<article><h1>Arnor and Gondor hold talks</h1><p>{LEAD}</p><p>{QUOTE}</p></article>"
    "<footer>Copyright Example News</footer>",
    head="<title>Arnor and Gondor hold talks | Example News</title>"
    '<meta property="og:title" content="Arnor and Gondor hold talks">'
    '<meta property="article:published_time" content="2025-03-04T08:00:00Z">'
    '<link rel="canonical" href="https://news.example/arnor-gondor">',
)


def test_page_gives_text_title_date_and_canonical_url():
    article = parse_html(ARTICLE_PAGE.encode(), "pages/a.html")
    assert article.text == f"{LEAD}\n{QUOTE}"  # no headline, menu or footer; lead first
    assert article.title == "Arnor and Gondor hold talks"
    assert article.published_date == date(2025, 3, 4)
    assert article.url == "https://news.example/arnor-gondor"
    assert article.source_ref == "pages/a.html"


def test_feed_title_and_date_win_over_the_pages():
    article = parse_html(
        ARTICLE_PAGE,
        "https://news.example/a",
        url="https://news.example/a",
        title="Talks at Osgiliath",
        published=date(2025, 3, 5),
    )
    assert (article.title, article.published_date) == ("Talks at Osgiliath", date(2025, 3, 5))
    assert article.url == "https://news.example/a"


def test_page_without_a_date_has_none():
    article = parse_html(page(f"<article><p>{LEAD}</p></article>"), "a.html")
    assert article.published_date is None


def test_page_in_its_declared_charset():
    html = page(
        "<article><p>The Minister of Arnor met the Minister of Gondor at the caf\xe9 in Bree.</p>"
        "</article>",
        head='<meta charset="iso-8859-1">',
    ).encode("latin-1")
    assert "café" in parse_html(html, "a.html").text


@pytest.mark.parametrize(
    "html",
    [
        b"",
        b"<html><body><nav>Home | World</nav></body></html>",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        page("<p>Please enable JavaScript.</p>").encode(),
    ],
    ids=["empty", "menu-only", "binary", "too-short"],
)
def test_page_without_article_text_is_refused(html):
    with pytest.raises(ArticleError, match="no article text"):
        parse_html(html, "a.html")


RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Gondor Herald</title><link>https://news.example/</link>
<item><title>Arnor and Gondor hold talks</title><link>/world/a1.html</link>
  <pubDate>Tue, 04 Mar 2025 23:30:00 -0500</pubDate></item>
<item><title>Rohan trade figures</title><link>https://news.example/world/a2.html</link>
  <pubDate>Tue, 31 Feb 2025 10:00:00 GMT</pubDate></item>
<item><title>A podcast</title></item>
<item><title>Mail us</title><link>mailto:desk@news.example</link></item>
<item><title>Arnor and Gondor hold talks</title><link>/world/a1.html</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Arnor Gazette</title><id>urn:x</id>
<updated>2025-03-05T09:00:00Z</updated>
<entry><title>Talks in Osgiliath</title><link href="stories/e1.html"/><id>urn:e1</id>
  <published>2025-03-04T09:00:00+05:00</published><updated>2025-03-05T09:00:00Z</updated></entry>
</feed>"""


def test_rss_entries_with_resolved_links_local_dates_and_problems():
    feed = parse_feed(RSS, "https://news.example/feeds/world.xml")
    first, second = feed.entries
    assert first.link == "https://news.example/world/a1.html"
    assert (first.title, first.published) == ("Arnor and Gondor hold talks", date(2025, 3, 4))
    assert first.stamp == "Tue, 04 Mar 2025 23:30:00 -0500"
    assert second.published is None
    assert "31 Feb 2025" in second.date_problem
    assert feed.skipped == [
        "entry 3 ('A podcast') has no link",
        "entry 4 ('Mail us') links to 'mailto:desk@news.example'",
    ]
    assert feed.problem is None


def test_atom_entries_use_updated_as_the_change_stamp():
    [entry] = parse_feed(ATOM, "https://gazette.example/atom.xml").entries
    assert entry.link == "https://gazette.example/stories/e1.html"
    assert (entry.published, entry.stamp) == (date(2025, 3, 4), "2025-03-05T09:00:00Z")


def test_a_truncated_feed_gives_what_it_can_and_says_so():
    feed = parse_feed(RSS[: RSS.index(b"<item><title>Rohan")], "https://news.example/f.xml")
    assert [e.title for e in feed.entries] == ["Arnor and Gondor hold talks"]
    assert feed.problem


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html><body><p>Not a feed.</p></body></html>", "not an RSS or Atom feed"),
        (b"\x00\x01\x02 garbage", "not a readable feed"),
        (b"", "not an RSS or Atom feed"),
    ],
    ids=["html", "garbage", "empty"],
)
def test_what_is_not_a_feed_is_refused(body, message):
    with pytest.raises(FeedError, match=message):
        parse_feed(body, "https://news.example/f.xml")


@pytest.mark.parametrize(
    ("raw", "day"),
    [
        ("Tue, 04 Mar 2025 23:30:00 -0500", date(2025, 3, 4)),
        ("2025-03-04T23:30:00-05:00", date(2025, 3, 4)),
        ("2025-03-04", date(2025, 3, 4)),
        ("yesterday", None),
        ("2025-02-30", None),
    ],
)
def test_entry_date(raw, day):
    assert entry_date(raw)[0] == day
