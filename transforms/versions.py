"""Versions of one article: which stored article a new one replaces (pure; no I/O).

An article is known by where it came from (its `source_ref`): the URL of a fetched page
or of a `.jsonl` line that gives one, the path of a `.txt` or `.html` file (not the
page's canonical link, which sites get wrong). When a new text arrives under the same
name, the newest version is the article and the older ones are kept, marked
`superseded_by` it, without records of their own. A `.jsonl` line without a URL has no
name to be known by (line numbers move), so it is never superseded: it is only ever a
duplicate of the same content, or a new article.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

_LINE_REF = "#L"
_NEVER = datetime.min.replace(tzinfo=UTC)


def article_key(source_ref: str) -> str | None:
    """Return the name an article is known by across runs, or None if it has none.

    >>> article_key("https://news.example/a"), article_key("2025/001.txt")
    ('https://news.example/a', '2025/001.txt')
    >>> article_key("feed.jsonl#L3") is None
    True
    """
    return None if _LINE_REF in source_ref else source_ref


def supersessions(stored: Iterable[Mapping], new: Iterable[Mapping]) -> dict[str, str]:
    """Return {old article_id: newest article_id} for the articles `new` rows replace.

    Rows carry `article_id`, `source_ref`, `ingested_at` and (stored ones)
    `superseded_by`. Among the current versions of a name, the latest `ingested_at` wins,
    then the later row (stored rows come before new ones). A stored row with the id of a
    new row is the same article re-extracted, not another version.
    """
    new = list(new)
    new_ids = {row["article_id"] for row in new}
    keys = {article_key(row["source_ref"]) for row in new} - {None}
    versions: dict[str, list[tuple[datetime, int, str]]] = {}
    current = [r for r in stored if not r.get("superseded_by") and r["article_id"] not in new_ids]
    for position, row in enumerate([*current, *new]):
        key = article_key(row["source_ref"])
        if key in keys:
            when = row.get("ingested_at") or _NEVER
            versions.setdefault(key, []).append((when, position, row["article_id"]))
    replaced: dict[str, str] = {}
    for candidates in versions.values():
        *older, (_, _, newest) = sorted(candidates)
        replaced.update((article_id, newest) for _, _, article_id in older if article_id != newest)
    return replaced
