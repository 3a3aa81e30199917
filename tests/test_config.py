"""The sources file and the run's flags: what a run reads and how it fetches."""

import re
from pathlib import Path

import pytest

from flows.config import ConfigError, load_sources, run_sources
from flows.pipeline import fetch_settings

ROOT = Path(__file__).resolve().parents[1]


def sources_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "conf" / "sources.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_paths_are_relative_to_the_file_and_fetch_settings_kept(tmp_path):
    path = sources_file(
        tmp_path,
        'warehouse = "../wh"\ninputs = ["articles", "/abs/feed.jsonl"]\n'
        'feeds = ["https://news.example/rss.xml"]\n[fetch]\ntimeout = 5\nper_host = 1\n'
        "respect_robots = false\n",
    )
    sources = load_sources(path)
    assert sources.inputs == [path.parent / "articles", Path("/abs/feed.jsonl")]
    assert sources.feeds == ["https://news.example/rss.xml"]
    assert sources.warehouse == path.parent / "../wh"
    settings = fetch_settings(sources.fetch)
    assert (settings.timeout, settings.respect_robots) == (5, False)


def test_the_example_file_is_valid():
    sources = load_sources(ROOT / "sources.example.toml")
    assert sources.feeds and sources.inputs
    assert fetch_settings(sources.fetch).user_agent.startswith("Summitry/")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("inputs = [", "not valid TOML"),
        ('input = ["a"]', "unknown key 'input'"),
        ('inputs = "a"', "inputs must be a list of strings"),
        ('feeds = ["ftp://news.example/rss"]', "is not an http(s) URL"),
        ("[fetch]\ntimeout = 'soon'", "timeout must be a float"),
        ("[fetch]\nper_host = 0", "per_host must be more than 0"),
        ("[fetch]\nretries = -1", "retries must be 0 or more"),
        ("[fetch]\nagent = 'x'", "[fetch] has no 'agent'"),
        ("[fetch]\nrespect_robots = 1", "respect_robots must be a bool"),
        ("[fetch]\nretries = true", "retries must be a int"),
        ("warehouse = 3", "warehouse must be a path"),
    ],
)
def test_a_bad_sources_file_is_refused_naming_the_file_and_key(tmp_path, text, message):
    path = sources_file(tmp_path, text)
    with pytest.raises(ConfigError, match=re.escape(message)) as caught:
        load_sources(path)
    assert str(path) in str(caught.value)


def test_a_missing_sources_file_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="cannot read it"):
        load_sources(tmp_path / "none.toml")


def test_flags_add_to_the_file_and_a_warehouse_flag_wins(tmp_path):
    path = sources_file(tmp_path, 'warehouse = "wh"\ninputs = ["a"]\n')
    default = Path("warehouse")
    both = run_sources(path, [Path("b")], ["https://x.example/f"], None, default)
    assert both.inputs == [path.parent / "a", Path("b")]
    assert both.warehouse == path.parent / "wh"
    assert run_sources(path, None, None, Path("other"), default).warehouse == Path("other")
    assert run_sources(None, [Path("b")], None, None, default).warehouse == default


def test_nothing_to_read_is_refused():
    with pytest.raises(ConfigError, match="nothing to read"):
        run_sources(None, None, None, None, Path("warehouse"))


def test_unknown_fetch_setting_is_refused():
    with pytest.raises(ValueError, match="unknown fetch setting 'speed'"):
        fetch_settings({"speed": 3})
