"""The warehouse contract: one Arrow schema per published table, declared once.

Everything else (the extractor's records, the Parquet writer, the DuckDB views, the
tests and the README) refers to these names. Columns may be added; the columns named
in the README's output contract are never renamed.
"""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = "1"

_STR = pa.string()
_DATE = pa.date32()
_INT = pa.int32()
_TS = pa.timestamp("us", tz="UTC")


def _schema(*fields: pa.Field) -> pa.Schema:
    return pa.schema(list(fields), metadata={"schema_version": SCHEMA_VERSION})


def _f(name: str, type_: pa.DataType, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable)


ARTICLES = _schema(
    _f("article_id", _STR, False),
    _f("source_ref", _STR, False),
    _f("title", _STR),
    _f("published_date", _DATE),
    _f("url", _STR),
    _f("content_hash", _STR, False),
    _f("text", _STR, False),
    _f("extractor_version", _STR, False),
)

# One row per report of a meeting in an article (lead, body and caption of one article
# count once). The meeting's own attributes as this article gives them travel with it,
# so `meetings` can be rebuilt from the mentions alone.
MEETING_MENTIONS = _schema(
    _f("meeting_id", _STR, False),
    _f("article_id", _STR, False),
    _f("evidence", _STR, False),
    _f("evidence_start", _INT, False),
    _f("evidence_end", _INT, False),
    _f("meeting_date", _DATE),
    _f("date_basis", _STR, False),
    _f("mode", _STR, False),
    _f("status", _STR, False),
    _f("sides", pa.list_(_STR), False),
    _f("city", _STR),
    _f("country", _STR),
    _f("name", _STR),
    _f("extractor_version", _STR, False),
)

# One row per real meeting, merged over every article that reports it.
MEETINGS = _schema(
    _f("meeting_id", _STR, False),
    _f("meeting_date", _DATE),
    _f("date_basis", _STR, False),
    _f("mode", _STR, False),
    _f("status", _STR, False),
    _f("sides", pa.list_(_STR), False),
    _f("city", _STR),
    _f("country", _STR),
    _f("name", _STR),
    _f("side_count", _INT, False),
    _f("mention_count", _INT, False),
    _f("first_reported", _DATE),
)

MEETING_PARTICIPANTS = _schema(
    _f("meeting_id", _STR, False),
    _f("name", _STR, False),
    _f("side", _STR),
    _f("title", _STR),
    _f("article_id", _STR, False),
)

STATEMENTS = _schema(
    _f("statement_id", _STR, False),
    _f("article_id", _STR, False),
    _f("meeting_id", _STR),
    _f("speaker", _STR, False),
    _f("side", _STR),
    _f("title", _STR),
    _f("text", _STR, False),
    _f("start", _INT, False),
    _f("end", _INT, False),
    _f("extractor_version", _STR, False),
)

TOPICS = _schema(
    _f("article_id", _STR, False),
    _f("meeting_id", _STR),
    _f("topic", _STR, False),
    _f("kind", _STR, False),
    _f("matched_text", _STR, False),
    _f("start", _INT, False),
    _f("end", _INT, False),
)

QUARANTINE = _schema(
    _f("source_ref", _STR, False),
    _f("reason", _STR, False),
    _f("detail", _STR),
    _f("transient", pa.bool_(), False),
    _f("detected_at", _TS, False),
)

TABLES: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "meetings": MEETINGS,
    "meeting_mentions": MEETING_MENTIONS,
    "meeting_participants": MEETING_PARTICIPANTS,
    "statements": STATEMENTS,
    "topics": TOPICS,
    "quarantine": QUARANTINE,
}

MODES = ("in_person", "phone", "video")
STATUSES = ("held", "planned", "cancelled")
DATE_BASES = ("explicit", "relative", "dateline", "publication", "inferred", "unknown")
