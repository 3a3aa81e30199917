"""`summitry export` and `summitry dashboard` on the command line."""

from __future__ import annotations

import csv
import sys

import pyarrow.parquet as pq
import pytest
from warehouse_builders import publish_corpus

from dashboard import APP, WAREHOUSE_ENV
from flows import cli
from flows.export import ExportError, export_format, export_view


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    from conftest import write_tiny_corpus

    root = tmp_path_factory.mktemp("export")
    return publish_corpus(write_tiny_corpus(root / "corpus"), root / "wh")


@pytest.mark.parametrize("command", ["dashboard", "export"])
def test_new_commands_have_help(command, capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main([command, "--help"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: summitry {command}")


def test_export_csv_has_a_header_and_every_row(warehouse, tmp_path, capsys):
    out = tmp_path / "out" / "pairs.csv"
    view = "meeting_frequency_by_country_pair"
    argv = ["export", "--warehouse", str(warehouse), "--view", view, "--out", str(out)]
    assert cli.main(argv) == 0
    assert f"Wrote 3 rows of {view} to {out}" in capsys.readouterr().out
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {(r["side_a_name"], r["side_b_name"]) for r in rows} == {
        ("Germany", "France"),
        ("Ghana", "Kenya"),
        ("India", "Japan"),
    }


def test_export_parquet_round_trips_the_view(warehouse, tmp_path):
    out = tmp_path / "meetings.data"
    assert export_view(warehouse, "meetings", out, "parquet") == 3
    table = pq.read_table(out)
    assert table.num_rows == 3
    assert "sides" in table.column_names
    assert not list(tmp_path.glob(".*partial"))


@pytest.mark.parametrize(
    ("view", "out", "message"),
    [
        ("nope", "x.csv", "no view named 'nope'; choose one of: articles, countries"),
        ("meetings", "x.txt", "cannot tell the format"),
    ],
)
def test_export_refuses_clearly(warehouse, tmp_path, view, out, message):
    with pytest.raises(ExportError, match=message):
        export_view(warehouse, view, tmp_path / out)


def test_export_never_writes_into_the_warehouse(warehouse):
    with pytest.raises(ExportError, match="inside the warehouse"):
        export_view(warehouse, "meetings", warehouse / "meetings.csv")


def test_export_without_a_warehouse_exits_2(tmp_path, capsys):
    argv = ["export", "--warehouse", str(tmp_path), "--view", "meetings", "--out", "m.csv"]
    assert cli.main(argv) == 2
    assert "run `summitry run` first" in capsys.readouterr().err


def test_format_comes_from_the_suffix_unless_given(tmp_path):
    assert export_format(tmp_path / "a.PARQUET", None) == "parquet"
    assert export_format(tmp_path / "a.csv", "parquet") == "parquet"


def test_dashboard_becomes_a_headless_streamlit_on_the_warehouse(monkeypatch, tmp_path, capsys):
    calls = []
    monkeypatch.setattr(cli.os, "execve", lambda *args: calls.append(args))
    argv = ["dashboard", "--warehouse", str(tmp_path), "--port", "8600"]
    cli.main(argv)
    [(program, command, env)] = calls
    assert program == sys.executable
    assert command[1:5] == ["-m", "streamlit", "run", str(APP)]
    assert command[command.index("--server.port") + 1] == "8600"
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    assert command[command.index("--browser.gatherUsageStats") + 1] == "false"
    assert env[WAREHOUSE_ENV] == str(tmp_path.resolve())
    assert "No warehouse at" in capsys.readouterr().out


def test_dashboard_refuses_a_port_out_of_range(capsys):
    with pytest.raises(SystemExit):
        cli.main(["dashboard", "--port", "70000"])
    assert "between 1 and 65535" in capsys.readouterr().err
