"""The pipeline: batch extraction without Prefect, then whole flow runs against Prefect."""

from __future__ import annotations

import duckdb
import pytest

from flows import pipeline
from flows.warehouse import CATALOG
from transforms.articles import content_hash, make_article
from transforms.records import Extraction
from transforms.schema import TABLES


def fake_extractor(article):
    """Report one meeting per article; fail on articles that say so."""
    if "explode" in article.text:
        raise KeyError("no such lexicon entry")
    mode = "telepathy" if "telepathy" in article.text else "in_person"
    mention = {
        "meeting_id": f"m-{article.article_id}",
        "article_id": article.article_id,
        "evidence": article.text,
        "evidence_start": 0,
        "evidence_end": len(article.text),
        "meeting_date": None,
        "date_basis": "unknown",
        "mode": mode,
        "status": "held",
        "sides": ["DEU", "FRA"],
        "city": None,
        "country": None,
        "name": None,
        "extractor_version": "test",
    }
    extraction = Extraction(article_id=article.article_id, meeting_mentions=[mention])
    if "stranger" in article.text:
        person = {"meeting_id": "elsewhere", "name": "A Stranger", "article_id": article.article_id}
        extraction.meeting_participants.append(person)
    return extraction


@pytest.fixture
def fake_extract(monkeypatch):
    monkeypatch.setattr(pipeline.extract, "extract_article", fake_extractor)


def test_failing_article_is_quarantined_kept_and_the_batch_goes_on(fake_extract):
    articles = [make_article(t, f"{i}.txt") for i, t in enumerate(["Talks.", "explode", "More."])]
    tables, refused = pipeline.extract_batch_tables(articles)
    assert tables["meeting_mentions"]["article_id"].to_pylist() == [
        articles[0].article_id,
        articles[2].article_id,
    ]
    assert tables["articles"].num_rows == 3  # its text stays, for `summitry reprocess`
    [row] = refused
    assert (row["source_ref"], row["reason"], row["kept"]) == ("1.txt", "extraction_failed", True)
    assert "KeyError" in row["detail"]


def test_article_whose_rows_do_not_fit_is_quarantined_naming_the_column(fake_extract):
    articles = [make_article(t, f"{i}.txt") for i, t in enumerate(["Talks.", "telepathy"])]
    tables, refused = pipeline.extract_batch_tables(articles)
    assert tables["meeting_mentions"]["article_id"].to_pylist() == [articles[0].article_id]
    assert tables["articles"]["source_ref"].to_pylist() == ["0.txt", "1.txt"]
    [row] = refused
    assert row["reason"] == "rows_do_not_fit"
    assert "table meeting_mentions, column mode" in row["detail"]


def test_article_naming_a_meeting_it_does_not_report_is_quarantined(fake_extract):
    articles = [make_article(t, f"{i}.txt") for i, t in enumerate(["Talks.", "a stranger"])]
    tables, [row] = pipeline.extract_batch_tables(articles)
    assert tables["meeting_participants"].num_rows == 0
    assert (row["source_ref"], row["reason"]) == ("1.txt", "rows_do_not_fit")
    assert "table meeting_participants, column meeting_id" in row["detail"]


def test_new_articles_skips_known_and_repeated_ids():
    first, again = make_article("Talks.", "a.txt"), make_article("Talks.", "copy/a.txt")
    other = make_article("Other talks.", "b.txt")
    known = {other.article_id}
    assert pipeline.new_articles([first, again, other], known) == [first]
    assert first.article_id in known


def test_new_articles_skips_known_content_under_another_title():
    stored = make_article("Talks.", "a.txt", title="Talks")
    retitled = make_article("Talks.", "b.txt", title="Talks in Bree")
    hashes = {content_hash(stored.text)}
    assert pipeline.new_articles([retitled], {stored.article_id}, hashes) == []


# --- Whole flow runs (Prefect) ------------------------------------------------------------------


def table_rows(warehouse) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse / CATALOG), read_only=True) as con:
        return {t: con.execute(f"select * from {t} order by all").fetchall() for t in TABLES}


@pytest.mark.flow
def test_flow_runs_end_to_end_and_is_idempotent(prefect_api, tiny_corpus, tmp_path):
    corpus, wh = tiny_corpus, tmp_path / "wh"

    first = pipeline.summitry_pipeline([str(corpus)], str(wh), batch_size=2)
    assert (first["files"], first["ignored_files"]) == (5, 1)
    assert (first["articles_read"], first["new_articles"], first["quarantined"]) == (4, 4, 2)
    assert first["meetings"] >= 1
    rows = table_rows(wh)
    assert len(rows["articles"]) == 4
    assert len(rows["quarantine"]) == 2

    second = pipeline.summitry_pipeline([str(corpus)], str(wh), batch_size=2)
    assert (second["articles_read"], second["new_articles"]) == (4, 0)
    assert table_rows(wh) == rows
    assert not (wh / "staging").exists()

    (corpus / "004_extra.txt").write_text(
        "date 2025-03-08\nSpanish Foreign Minister Lucia Ortega met her Portuguese "
        "counterpart Tiago Sousa in Madrid on Saturday.\n",
        encoding="utf-8",
    )
    third = pipeline.summitry_pipeline([str(corpus)], str(wh))
    assert (third["articles_read"], third["new_articles"]) == (5, 1)
    assert len(table_rows(wh)["articles"]) == 5
