"""The `summitry` command line."""

from __future__ import annotations

import json

import pytest

from flows import cli, pipeline
from flows.lock import locked
from flows.sources import discover, read_batches
from flows.warehouse import publish, rows_to_table, stage_batch
from transforms import extract
from transforms.records import Extraction


@pytest.mark.parametrize(
    "command", [[], ["run"], ["reprocess"], ["serve"], ["query"], ["evaluate"]], ids=str
)
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main([*command, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: summitry {' '.join(command)}".rstrip())
    assert len(out.splitlines()) > 3


def test_run_with_a_missing_input_fails_clearly(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    assert cli.main(["run", "--input", str(missing), "--warehouse", str(tmp_path)]) == 2
    assert f"input {missing} does not exist" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "nothing to read: give --input, --feed or --sources"),
        (["--feed", "news.example/rss"], "--feed: 'news.example/rss' is not an http(s) URL"),
        (["--sources", "none.toml"], "none.toml: cannot read it"),
    ],
    ids=["nothing", "bad-feed", "no-sources-file"],
)
def test_run_refuses_what_it_cannot_read(tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["run", *args]) == 2
    assert message in capsys.readouterr().err


def test_run_on_a_busy_warehouse_says_so_and_exits_75(tiny_corpus, tmp_path, capsys):
    wh = tmp_path / "wh"
    with locked(wh):
        assert cli.main(["run", "--input", str(tiny_corpus), "--warehouse", str(wh)]) == 75
    assert f"warehouse {wh} is in use by another run" in capsys.readouterr().err


@pytest.mark.parametrize("wait", ["-1", "nan", "soon"])
def test_run_refuses_a_wait_that_is_not_seconds(tiny_corpus, capsys, wait):
    with pytest.raises(SystemExit):
        cli.main(["run", "--input", str(tiny_corpus), "--wait", wait])
    assert "--wait" in capsys.readouterr().err


def test_reprocess_without_a_warehouse(tmp_path, capsys):
    assert cli.main(["reprocess", "--warehouse", str(tmp_path)]) == 2
    assert "run `summitry run` first" in capsys.readouterr().err


def test_run_refuses_a_batch_size_below_one(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["run", "--input", str(tmp_path), "--batch-size", "0"])
    assert exited.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err


@pytest.fixture
def warehouse(tiny_corpus, tmp_path):
    """A warehouse published from the tiny corpus, without Prefect."""
    wh, staging = tmp_path / "wh", tmp_path / "wh" / "staging" / "r1"
    for number, batch in enumerate(read_batches(discover([tiny_corpus]).files)):
        tables, refused = pipeline.extract_batch_tables(batch.articles)
        tables["quarantine"] = rows_to_table("quarantine", batch.quarantine + refused)
        stage_batch(staging, number, tables)
    publish(wh, staging, "r1")
    return wh


def test_query_prints_a_table(warehouse, capsys):
    assert cli.main(["query", "--warehouse", str(warehouse), "select count(*) from articles"]) == 0
    out = capsys.readouterr().out
    assert "count_star()" in out
    assert "│" in out
    assert " 4 " in out


def test_query_prints_csv(warehouse, capsys):
    sql = "select source_ref, reason from quarantine order by 1"
    assert cli.main(["query", "--warehouse", str(warehouse), "--format", "csv", sql]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "source_ref,reason",
        "empty.txt,empty_file",
        "feed.jsonl#L2,invalid_article",
    ]


def test_query_reports_bad_sql(warehouse, capsys):
    assert cli.main(["query", "--warehouse", str(warehouse), "select * from nothing"]) == 1
    assert "summitry query:" in capsys.readouterr().err


def test_query_without_a_warehouse(tmp_path, capsys):
    assert cli.main(["query", "--warehouse", str(tmp_path), "select 1"]) == 2
    assert "run `summitry run` first" in capsys.readouterr().err


def one_meeting_per_french_article(article):
    """A stand-in extractor, so the test is about the wiring, not the extractor."""
    extraction = Extraction(article_id=article.article_id)
    if "French" in article.text:
        extraction.meeting_mentions.append(
            {
                "meeting_id": "m1",
                "article_id": article.article_id,
                "evidence": article.text.splitlines()[0],
                "meeting_date": None,
                "mode": "in_person",
                "status": "held",
                "sides": ["FRA", "DEU"],
                "city": None,
                "country": None,
            }
        )
    return extraction


def test_evaluate_scores_predictions_keyed_by_file_name(tiny_corpus, monkeypatch, capsys):
    monkeypatch.setattr(extract, "extract_article", one_meeting_per_french_article)
    gold = [
        {
            "file": "001_france-germany.txt",
            "meetings": [
                {"date": None, "mode": "in_person", "status": "held", "sides": ["DEU", "FRA"]}
            ],
        },
        {"file": "003_no-meeting.txt", "meetings": []},
    ]
    gold_path = tiny_corpus / "gold.jsonl"  # beside the articles, as in corpus/sample
    gold_path.write_text("".join(json.dumps(line) + "\n" for line in gold), encoding="utf-8")

    assert cli.main(["evaluate", "--gold", str(gold_path), "--input", str(tiny_corpus)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Scored 2 articles.")
    [f1] = [line for line in out.splitlines() if line.startswith("meeting F1")]
    assert "1.000" in f1
    assert "gold.jsonl" not in err  # the gold file is not read as articles


def test_evaluate_with_a_missing_gold_file(tiny_corpus, capsys):
    args = ["evaluate", "--gold", str(tiny_corpus / "none.jsonl"), "--input", str(tiny_corpus)]
    assert cli.main(args) == 2
    assert "none.jsonl does not exist" in capsys.readouterr().err


@pytest.mark.flow
def test_run_prints_a_summary(prefect_api, tiny_corpus, tmp_path, capsys, monkeypatch):
    for name in cli.RUN_QUIET_DEFAULTS:
        monkeypatch.delenv(name, raising=False)  # restored after the test
    wh = tmp_path / "wh"
    assert cli.main(["run", "--input", str(tiny_corpus), "--warehouse", str(wh)]) == 0
    out = capsys.readouterr().out
    assert "Read 4 articles from 5 files (1 other file ignored): 4 new, 2 quarantined." in out
    assert "summitry query --warehouse" in out
    assert (wh / "summitry.duckdb").is_file()
