"""The extractor compiled with mypyc (compile_extractor.py): used when current, never when
stale, and reading every article exactly as the plain modules do."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import transforms

SHARED_CORPUS = transforms.SOURCES.parents[1] / "shared" / "corpus"
SAMPLE_CORPUS = transforms.SOURCES.parent / "corpus" / "sample"
needs_build = pytest.mark.skipif(
    not transforms.compiled_build_is_current() and not os.environ.get("SUMMITRY_REQUIRE_COMPILED"),
    reason="no current build of the compiled extractor (`make setup` makes one)",
)
# Extracts every article of the folders given and prints the rows as JSON.
_DUMP = """
import json, sys
from benchmarks.generate import generate_articles
from flows.sources import discover, read_batches
from transforms.articles import parse_jsonl_record
from transforms.extract import extract_article
articles = [a for b in read_batches(discover(sys.argv[1:]).files, 500) for a in b.articles]
articles += [parse_jsonl_record(r, r["url"]) for r in generate_articles(150, seed=5)]
rows = {}
for article in articles:
    found = extract_article(article)
    rows[article.article_id] = [found.meeting_mentions, found.meeting_participants,
                                found.statements, found.topics]
import transforms.extract as extract
print(json.dumps({"module": extract.__file__, "rows": rows}, default=str, sort_keys=True))
"""


def _module_file(package_root: Path, env: dict[str, str] | None = None) -> str:
    """Return where a fresh interpreter, importing from `package_root`, finds transforms.actors."""
    done = subprocess.run(
        [sys.executable, "-c", "import transforms.actors as m; print(m.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=package_root,
        env={**os.environ, **(env or {}), "PYTHONPATH": str(package_root)},
    )
    return done.stdout.strip()


@needs_build
def test_the_current_build_is_what_runs():
    assert transforms.compiled_build_is_current(), "the compiled extractor is missing or stale"
    actors = importlib.import_module("transforms.actors")
    records = importlib.import_module("transforms.records")
    assert actors.__file__.endswith(sysconfig.get_config_var("EXT_SUFFIX"))
    assert records.__file__.endswith(".py")  # kept plain: its records cross processes


@needs_build
def test_an_edited_source_or_summitry_pure_runs_the_plain_modules(tmp_path):
    shutil.copytree(transforms.SOURCES, tmp_path / "transforms")
    shutil.copytree(transforms.COMPILED, tmp_path / ".compiled")
    assert _module_file(tmp_path).startswith(str(tmp_path / ".compiled"))
    assert _module_file(tmp_path, {"SUMMITRY_PURE": "1"}) == str(tmp_path / "transforms/actors.py")

    with (tmp_path / "transforms" / "records.py").open("a") as source:
        source.write("# an edit the build has not seen\n")
    assert _module_file(tmp_path) == str(tmp_path / "transforms/actors.py")


@needs_build
def test_compiled_and_plain_extractors_give_the_same_rows():
    folders = [str(SAMPLE_CORPUS)] + ([str(SHARED_CORPUS)] if SHARED_CORPUS.exists() else [])
    dumps = {}
    for mode, env in (("compiled", {}), ("plain", {"SUMMITRY_PURE": "1"})):
        done = subprocess.run(
            [sys.executable, "-c", _DUMP, *folders],
            capture_output=True,
            text=True,
            check=True,
            cwd=transforms.SOURCES.parent,
            env={**os.environ, **env},
        )
        dumps[mode] = json.loads(done.stdout)
    assert dumps["compiled"]["module"].startswith(str(transforms.COMPILED))
    assert dumps["plain"]["module"] == str(transforms.SOURCES / "extract.py")
    assert len(dumps["plain"]["rows"]) >= 150
    assert dumps["compiled"]["rows"] == dumps["plain"]["rows"]
