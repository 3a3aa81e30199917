"""Merge per-article records into per-meeting rows (pure; lists of dicts in and out).

Every article that reports a dated meeting gives it the same `meeting_id`, so the rows of
`meetings` are rebuilt from all `meeting_mentions` at once, and `meeting_participants` is
deduplicated over all the articles that name the same person at the same meeting.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date

from transforms.schema import DATE_BASES

# A meeting one article reports as held happened, whatever earlier announcements said;
# a cancellation outranks the plan it cancels.
STATUS_PRIORITY = {"held": 0, "cancelled": 1, "planned": 2}
# The most direct basis any report gives for the date is the meeting's.
DATE_BASIS_PRIORITY = {basis: rank for rank, basis in enumerate(DATE_BASES)}


def build_meetings(mentions: Iterable[Mapping], published: Mapping[str, date | None]) -> list[dict]:
    """Return one `meetings` row per `meeting_id` of `mentions`, ordered by date then id.

    `published` maps article ids to publication dates, for `first_reported`. Sides, date
    and mode are the same in every mention of one id (they make the id), so the first
    mention's are taken.
    """
    grouped: dict[str, list[Mapping]] = {}
    for mention in mentions:
        grouped.setdefault(mention["meeting_id"], []).append(mention)
    rows = [_meeting_row(group, published) for group in grouped.values()]
    rows.sort(key=lambda row: (row["meeting_date"] is None, row["meeting_date"], row["meeting_id"]))
    return rows


def _meeting_row(group: list[Mapping], published: Mapping[str, date | None]) -> dict:
    first = group[0]
    article_ids = {m["article_id"] for m in group}
    known_days = [d for d in map(published.get, article_ids) if d is not None]
    return {
        "meeting_id": first["meeting_id"],
        "meeting_date": first["meeting_date"],
        "date_basis": min((m["date_basis"] for m in group), key=_date_basis_rank),
        "mode": first["mode"],
        "status": min((m["status"] for m in group), key=_status_rank),
        "sides": list(first["sides"]),
        "city": most_common(m.get("city") for m in group),
        "country": most_common(m.get("country") for m in group),
        "name": most_common(m.get("name") for m in group),
        "side_count": len(first["sides"]),
        "mention_count": len(article_ids),
        "first_reported": min(known_days, default=None),
    }


def most_common(values: Iterable[str | None]) -> str | None:
    """Return the most frequent non-null value, the smallest on ties (input order is moot).

    >>> most_common(["Rome", None, "Milan", "Milan", "Rome", "Pisa"])
    'Milan'
    """
    present = [v for v in values if v is not None]
    if not present or present.count(present[0]) == len(present):
        return present[0] if present else None
    counts = Counter(present)
    return min(counts, key=lambda value: (-counts[value], value))


def _status_rank(status: str) -> tuple[int, str]:
    return STATUS_PRIORITY.get(status, len(STATUS_PRIORITY)), status


def _date_basis_rank(basis: str) -> tuple[int, str]:
    return DATE_BASIS_PRIORITY.get(basis, len(DATE_BASIS_PRIORITY)), basis


def dedupe_participants(rows: Iterable[Mapping]) -> list[dict]:
    """Return one row per (meeting_id, name), in order of first appearance.

    A later row fills in the side or title the first row lacked; a value once set stays.
    """
    merged: dict[tuple[str, str], dict] = {}
    for row in rows:
        key = (row["meeting_id"], row["name"])
        kept = merged.get(key)
        if kept is None:
            merged[key] = dict(row)
            continue
        for column in ("side", "title"):
            if kept.get(column) is None and row.get(column) is not None:
                kept[column] = row[column]
    return list(merged.values())
