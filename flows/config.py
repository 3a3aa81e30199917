"""`sources.toml`: the folders, files and feeds a run reads, and how to fetch (no Prefect).

    warehouse = "warehouse"                 # optional; --warehouse wins
    inputs = ["articles", "more/feed.jsonl"]  # folders or files, relative to this file
    feeds = ["https://news.example/world/rss.xml"]

    [fetch]                                 # optional; see flows.fetch.FetchSettings
    user_agent = "Summitry/0.1 (research; contact: you@example.org)"
    timeout = 20

See sources.example.toml for every setting.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

from flows.fetch import FetchSettings

_KEYS = ("warehouse", "inputs", "feeds", "fetch")
_MAY_BE_ZERO = frozenset({"retries", "backoff"})


class ConfigError(ValueError):
    """The sources file cannot be used; the message names the file, the key and the fix."""


@dataclass(slots=True)
class Sources:
    """What one run reads, and how it fetches."""

    inputs: list[Path] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    fetch: dict = field(default_factory=dict)  # FetchSettings fields, as given
    warehouse: Path | None = None


def load_sources(path: Path) -> Sources:
    """Return the sources `path` declares; relative paths are taken from its folder.

    Raises ConfigError for a file that is missing, not TOML, or has a wrong key or value.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"{path}: cannot read it ({err.strerror})") from err
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: not valid TOML ({err})") from err
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise ConfigError(f"{path}: unknown key {unknown[0]!r}; use {', '.join(_KEYS)}")
    base = path.parent
    warehouse = data.get("warehouse")
    if warehouse is not None and not isinstance(warehouse, str):
        raise ConfigError(f"{path}: warehouse must be a path in quotes")
    return Sources(
        inputs=[base / p for p in _strings(data, "inputs", path)],
        feeds=[check_feed_url(u, f"{path}: feeds") for u in _strings(data, "feeds", path)],
        fetch=_fetch(data.get("fetch", {}), path),
        warehouse=base / warehouse if warehouse else None,
    )


def check_feed_url(url: str, where: str = "feed") -> str:
    """Return `url` if it is an http(s) URL, else raise ConfigError saying `where`."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{where}: {url!r} is not an http(s) URL")
    return url.strip()


def _strings(data: dict, key: str, path: Path) -> list[str]:
    values = data.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ConfigError(f'{path}: {key} must be a list of strings, e.g. {key} = ["..."]')
    return values


def _fetch(table: object, path: Path) -> dict:
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: fetch must be a table, [fetch]")
    types = {f.name: type(getattr(FetchSettings(), f.name)) for f in fields(FetchSettings)}
    for key, value in table.items():
        expected = types.get(key)
        if expected is None:
            raise ConfigError(f"{path}: [fetch] has no {key!r}; known: {', '.join(sorted(types))}")
        if not _is_a(value, expected):
            raise ConfigError(f"{path}: [fetch] {key} must be a {expected.__name__}")
        if expected in (int, float) and (value < 0 or (value == 0 and key not in _MAY_BE_ZERO)):
            least = "0 or more" if key in _MAY_BE_ZERO else "more than 0"
            raise ConfigError(f"{path}: [fetch] {key} must be {least}")
    return dict(table)


def run_sources(
    sources_file: Path | None,
    inputs: list[Path] | None,
    feeds: list[str] | None,
    warehouse: Path | None,
    default_warehouse: Path,
) -> Sources:
    """Return what a run reads: the sources file's, plus the inputs and feeds given as
    flags; a warehouse given as a flag wins over the file's, else `default_warehouse`.

    Raises ConfigError for a bad file or URL, or when nothing at all is to be read.
    """
    sources = load_sources(sources_file) if sources_file else Sources()
    sources.inputs += inputs or []
    sources.feeds += [check_feed_url(u, "--feed") for u in feeds or []]
    sources.warehouse = warehouse or sources.warehouse or default_warehouse
    if not sources.inputs and not sources.feeds:
        raise ConfigError("nothing to read: give --input, --feed or --sources")
    return sources


def _is_a(value: object, expected: type) -> bool:
    """Whether a TOML value fits a setting's type: an int does for a float, a bool for
    nothing but a bool (in Python, True is an int)."""
    if isinstance(value, bool) or expected is bool:
        return isinstance(value, bool) and expected is bool
    return isinstance(value, expected) or (expected is float and isinstance(value, int))
