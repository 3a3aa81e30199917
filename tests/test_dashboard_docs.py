"""The README's dashboard section stays true: commands, storage version and screenshot."""

from __future__ import annotations

import re
from pathlib import Path

from flows.cli import build_parser
from flows.warehouse import CATALOG_STORAGE_VERSION

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Dashboard and BI tools", 1)[-1].split("\n## ", 1)[0]


def test_the_readme_has_the_dashboard_section():
    assert "## Dashboard and BI tools" in README
    assert "summitry dashboard" in SECTION and "summitry export" in SECTION


def test_the_storage_version_in_the_readme_is_the_one_written():
    assert f"STORAGE_VERSION '{CATALOG_STORAGE_VERSION}'" in SECTION


def test_every_summitry_command_in_the_readme_exists():
    commands = build_parser()._subparsers._group_actions[0].choices
    used = set(re.findall(r"summitry (\w+) --", README))
    assert used and used <= set(commands), used - set(commands)


def test_the_screenshot_is_a_committed_png():
    [path] = re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", SECTION)
    assert (ROOT / path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
