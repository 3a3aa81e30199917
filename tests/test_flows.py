"""The pipeline: batch extraction without Prefect, then whole flow runs against Prefect."""

from __future__ import annotations

import json
import os
from datetime import date

import duckdb
import pytest

from flows import pipeline, report
from flows.warehouse import CATALOG, WarehouseError
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


@pytest.mark.flow
def test_each_run_publishes_its_report_as_a_markdown_and_a_table_artifact(
    prefect_api, tiny_corpus, tmp_path
):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    wh = str(tmp_path / "wh")
    first = pipeline.summitry_pipeline([str(tiny_corpus)], wh, return_state=True)
    second = pipeline.summitry_pipeline([str(tiny_corpus)], wh, return_state=True)
    for state, new in ((first, 4), (second, 0)):
        run = ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])
        with get_client(sync_client=True) as client:
            artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=run))
        by_key = {artifact.key: artifact for artifact in artifacts}
        assert sorted(by_key) == sorted([report.REPORT_KEY, report.COUNTS_KEY])
        [row] = json.loads(by_key[report.COUNTS_KEY].data)
        assert row == report.run_counts(state.result()) and row["articles_new"] == new
        assert "| articles seen | 4 |" in by_key[report.REPORT_KEY].data


def held_next_year(article):
    """Report a held meeting a year after the article: a mistake the checks must stop."""
    extraction = fake_extractor(article)
    extraction.meeting_mentions[0]["meeting_date"] = date(2026, 3, 1)
    extraction.meeting_mentions[0]["date_basis"] = "explicit"
    return extraction


@pytest.mark.flow
def test_a_failing_data_check_fails_the_run_and_keeps_the_previous_publish(
    prefect_api, tiny_corpus, tmp_path, monkeypatch
):
    wh = tmp_path / "wh"
    pipeline.summitry_pipeline([str(tiny_corpus)], str(wh))
    before, published = table_rows(wh), os.readlink(wh / "current")

    (tiny_corpus / "004_extra.txt").write_text("date 2025-03-08\nTalks.\n", encoding="utf-8")
    monkeypatch.setattr(pipeline.extract, "extract_article", held_next_year)
    with pytest.raises(WarehouseError, match=r"held_meetings_after_publication\.sql failed"):
        pipeline.summitry_pipeline([str(tiny_corpus)], str(wh))

    assert table_rows(wh) == before
    assert os.readlink(wh / "current") == published
    assert not (wh / "staging").exists() and not (wh / f"{CATALOG}.tmp").exists()


@pytest.mark.parametrize(
    ("error", "retried"),
    [
        (ConnectionResetError("reset by peer"), True),
        (TimeoutError("slow share"), True),
        (FileNotFoundError("no such input"), False),
        (ValueError("a bug"), False),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_io_tasks_retry_only_errors_that_may_pass(error, retried):
    from prefect.states import Failed

    state = Failed(data=error)
    assert pipeline.retry_on_passing_io_error(None, None, state) is retried


def test_only_io_tasks_retry_and_no_task_caches():
    from prefect.cache_policies import NO_CACHE

    tasks = [
        pipeline.discover_inputs,
        pipeline.read_feeds_task,
        pipeline.read_pages_task,
        pipeline.extract_batch,
        pipeline.publish_warehouse,
    ]
    retries = {task.name: task.retries for task in tasks}
    assert retries == {
        "discover-inputs": 2,
        "read-feeds": 2,
        "read-pages": 2,
        "extract-batch": 0,
        "publish": 0,
    }
    assert all(task.cache_policy is NO_CACHE for task in tasks)
