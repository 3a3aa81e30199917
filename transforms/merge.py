"""Merge per-article records into per-meeting rows (pure; lists of dicts in and out).

Every article that reports a dated meeting gives it the same reported id (a hash of sides,
date and mode). `canonical_meeting_ids` then joins the reports of one meeting whose dates
differ only because some were borrowed (see its rule), the rows of `meetings` are rebuilt
from all `meeting_mentions` at once, and `meeting_participants` is deduplicated over all
the articles that name the same person at the same meeting.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from operator import itemgetter

from transforms.schema import DATE_BASES

# A meeting one article reports as held happened, whatever earlier announcements said;
# a cancellation outranks the plan it cancels.
STATUS_PRIORITY = {"held": 0, "cancelled": 1, "planned": 2}
# The most direct basis any report gives for the date is the meeting's.
DATE_BASIS_PRIORITY = {basis: rank for rank, basis in enumerate(DATE_BASES)}
# Dates an article states itself; the other bases borrow a day (dateline, publication,
# another meeting of the article) or have none, so they may be a few days off.
STRONG_DATE_BASES = frozenset({"explicit", "relative"})
# How far a borrowed date may be from the meeting's: a wire story of the next morning,
# a weekly round-up.
WEAK_DATE_WINDOW = timedelta(days=3)


@dataclass(slots=True)
class _Reported:
    """The mentions that share one reported id: one meeting as the extractor saw it."""

    meeting_id: str
    day: date | None
    strong: bool
    articles: set[str]
    first_reported: date | None
    basis_rank: int
    held_by: date | None = None  # the latest publication of an article reporting it held


def canonical_meeting_ids(
    mentions: Iterable[Mapping], published: Mapping[str, date | None]
) -> dict[str, str]:
    """Return, for every reported `meeting_id` of `mentions`, the id of its real meeting.

    The rule: reports of the same sides and mode are one meeting when their dates are
    equal (they share an id already), or when one date is borrowed (a basis other than
    explicit or relative) and within `WEAK_DATE_WINDOW` of the other. Two written dates
    that differ are two meetings; a borrowed date joins the nearest written one (the
    earlier on ties), else the earliest borrowed one within the window; an undated report
    stays alone; two reports from one article stay apart (the article told them apart);
    a report of a held meeting joins none dated after its article was published.
    The merged meeting keeps the id of its earliest-published report (then the strongest
    basis, then the smallest id), so ids don't change as later reports arrive, and the
    result depends only on the set of mentions, never on their order.
    """
    reports: dict[str, list[Mapping]] = {}
    for mention in mentions:
        reports.setdefault(mention["meeting_id"], []).append(mention)
    kinds: dict[tuple, list[str]] = {}
    for meeting_id, group in reports.items():
        kinds.setdefault(_kind(group[0]), []).append(meeting_id)
    canonical: dict[str, str] = {}
    for same_kind in kinds.values():
        if len(same_kind) == 1:  # most kinds: one report, which nothing can join
            canonical[same_kind[0]] = same_kind[0]
            continue
        reported = _reported_meetings(
            (mention for meeting_id in same_kind for mention in reports[meeting_id]), published
        )
        for cluster in _clusters(list(reported.values())):
            senior = min(cluster, key=_seniority).meeting_id
            canonical.update((meeting.meeting_id, senior) for meeting in cluster)
    return canonical


def _kind(mention: Mapping) -> tuple:
    """Return a report's kind, (sorted sides, mode): only reports of one kind can merge."""
    return tuple(sorted(mention["sides"])), mention["mode"]


def _reported_meetings(
    mentions: Iterable[Mapping], published: Mapping[str, date | None]
) -> dict[str, _Reported]:
    reported: dict[str, _Reported] = {}
    for mention in mentions:
        day = published.get(mention["article_id"])
        rank = _date_basis_rank(mention["date_basis"])[0]
        meeting = reported.get(mention["meeting_id"])
        if meeting is None:
            meeting = _Reported(
                meeting_id=mention["meeting_id"],
                day=mention["meeting_date"],
                strong=False,
                articles=set(),
                first_reported=day,
                basis_rank=rank,
            )
            reported[meeting.meeting_id] = meeting
        meeting.strong |= mention["date_basis"] in STRONG_DATE_BASES
        meeting.articles.add(mention["article_id"])
        meeting.basis_rank = min(meeting.basis_rank, rank)
        if day is not None and (meeting.first_reported is None or day < meeting.first_reported):
            meeting.first_reported = day
        if mention["status"] == "held" and day is not None:
            meeting.held_by = max(meeting.held_by or day, day)
    return reported


def _clusters(same_kind: list[_Reported]) -> list[list[_Reported]]:
    """Group reports of one kind into real meetings (the rule of `canonical_meeting_ids`)."""
    ordered = sorted(same_kind, key=lambda m: (m.day is None, m.day, m.meeting_id))
    written = [[m] for m in ordered if m.day is not None and m.strong]
    written_days = [cluster[0].day for cluster in written]
    borrowed: list[list[_Reported]] = []
    open_borrowed: list[list[_Reported]] = []  # those whose window still reaches this day
    for meeting in (m for m in ordered if m.day is not None and not m.strong):
        low = bisect_left(written_days, meeting.day - WEAK_DATE_WINDOW)
        high = bisect_right(written_days, meeting.day + WEAK_DATE_WINDOW)
        near = [c for c in written[low:high] if _may_join(meeting, c)]
        if near:
            min(near, key=lambda c: (abs(c[0].day - meeting.day), c[0].day)).append(meeting)
            continue
        # Borrowed clusters start at their earliest day, so the window is from there.
        open_borrowed = [c for c in open_borrowed if meeting.day - c[0].day <= WEAK_DATE_WINDOW]
        joined = next((c for c in open_borrowed if _may_join(meeting, c)), None)
        if joined is None:
            joined = [meeting]
            borrowed.append(joined)
            open_borrowed.append(joined)
        else:
            joined.append(meeting)
    return written + borrowed + [[m] for m in ordered if m.day is None]


def _may_join(meeting: _Reported, cluster: list[_Reported]) -> bool:
    anchor = cluster[0]
    if abs(meeting.day - anchor.day) > WEAK_DATE_WINDOW:
        return False
    if meeting.held_by is not None and anchor.day > meeting.held_by:
        return False  # a meeting reported as held had taken place when that was published
    return not any(meeting.articles & other.articles for other in cluster)


def _seniority(meeting: _Reported) -> tuple:
    first = meeting.first_reported
    return (first is None, first or date.min, meeting.basis_rank, meeting.meeting_id)


def merge_mentions(
    mentions: Iterable[Mapping], published: Mapping[str, date | None]
) -> tuple[list[dict], dict[str, str]]:
    """Return `mentions` with each `meeting_id` replaced by its real meeting's id, and the
    map from reported to real ids (see `canonical_meeting_ids`)."""
    mentions = list(mentions)
    canonical = canonical_meeting_ids(mentions, published)
    merged = [dict(m) | {"meeting_id": canonical[m["meeting_id"]]} for m in mentions]
    return merged, canonical


def build_meetings(
    mentions: Iterable[Mapping],
    published: Mapping[str, date | None],
    canonical: Mapping[str, str] | None = None,
) -> list[dict]:
    """Return one `meetings` row per `meeting_id` of `mentions`, ordered by date then id.

    `published` maps article ids to publication dates, for `first_reported`. Sides and
    mode are the same in every mention of one id; the date is the one the strongest basis
    gives (see `meeting_date`). Given `canonical` (reported -> real ids), the rows are
    those of the merged mentions, as if `merge_mentions` had renamed them first.
    """
    grouped: dict[str, list[Mapping]] = {}
    for mention in mentions:
        meeting_id = mention["meeting_id"]
        if canonical is not None:
            meeting_id = canonical[meeting_id]
        grouped.setdefault(meeting_id, []).append(mention)
    rows = [_meeting_row(meeting_id, group, published) for meeting_id, group in grouped.items()]
    # By date then id (unique), undated last.
    dated = sorted((r for r in rows if r["meeting_date"] is not None), key=_DATE_THEN_ID)
    undated = sorted((r for r in rows if r["meeting_date"] is None), key=_ID)
    return dated + undated


_DATE_THEN_ID = itemgetter("meeting_date", "meeting_id")
_ID = itemgetter("meeting_id")


def _meeting_row(
    meeting_id: str, group: list[Mapping], published: Mapping[str, date | None]
) -> dict:
    first = group[0]
    if len(group) == 1:  # most meetings: one report, whose values are the meeting's
        return _row(
            meeting_id,
            first,
            (first["meeting_date"], first["date_basis"]),
            first["status"],
            (first.get("city"), first.get("country"), first.get("name")),
            1,
            published.get(first["article_id"]),
        )
    article_ids = {m["article_id"] for m in group}
    known_days = [d for d in map(published.get, article_ids) if d is not None]
    return _row(
        meeting_id,
        first,
        meeting_date(group),
        min((m["status"] for m in group), key=_status_rank),
        tuple(most_common(m.get(column) for m in group) for column in _PLACE_COLUMNS),
        len(article_ids),
        min(known_days, default=None),
    )


_PLACE_COLUMNS = ("city", "country", "name")


def _row(
    meeting_id: str,
    first: Mapping,
    dated: tuple[date | None, str],
    status: str,
    place: tuple[str | None, str | None, str | None],
    mention_count: int,
    first_reported: date | None,
) -> dict:
    """Return a `meetings` row; sides and mode are those of `first`, any of its reports."""
    return {
        "meeting_id": meeting_id,
        "meeting_date": dated[0],
        "date_basis": dated[1],
        "mode": first["mode"],
        "status": status,
        "sides": list(first["sides"]),
        "city": place[0],
        "country": place[1],
        "name": place[2],
        "side_count": len(first["sides"]),
        "mention_count": mention_count,
        "first_reported": first_reported,
    }


def meeting_date(mentions: Iterable[Mapping]) -> tuple[date | None, str]:
    """Return the (date, basis) of a meeting: the best-founded date its reports give.

    The strongest basis wins; among reports of that basis, the date most of them give,
    the earliest on ties. A dated report outranks an undated one.

    >>> meeting_date([{"meeting_date": date(2025, 3, 5), "date_basis": "publication"},
    ...               {"meeting_date": date(2025, 3, 4), "date_basis": "relative"}])
    (datetime.date(2025, 3, 4), 'relative')
    """
    mentions = list(mentions)
    dated = [m for m in mentions if m["meeting_date"] is not None] or mentions
    basis = min((m["date_basis"] for m in dated), key=_date_basis_rank)
    days = Counter(m["meeting_date"] for m in dated if m["date_basis"] == basis)
    if None in days:
        return None, basis
    return min(days, key=lambda day: (-days[day], day)), basis


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
