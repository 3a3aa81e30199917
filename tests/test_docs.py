"""The README describes every table and view the warehouse publishes."""

from pathlib import Path

import pytest

from transforms.schema import TABLES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
VIEWS = sorted(p.stem for p in (ROOT / "sql").glob("*.sql"))


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_table_and_its_columns_are_in_the_readme(table):
    assert f"`{table}`" in README
    for column in TABLES[table].names:
        assert f"`{column}`" in README, f"{table}.{column}"


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_is_in_the_readme(view):
    assert f"`{view}`" in README


def test_the_readme_gives_the_two_commands():
    assert "make run" in README and "make test" in README
