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
    # When this version first came in; the newest version of a URL or file is the article.
    _f("ingested_at", _TS),
    # The article_id of the newer version of the same URL or file; null for the current one,
    # which alone has meetings, statements and topics.
    _f("superseded_by", _STR),
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
    # True when the input was published all the same (e.g. a page without a date).
    _f("kept", pa.bool_()),
)

# One row per URL fetched (a feed or a page it links to): what the last request found,
# so the next run asks only for what is new, conditionally, and retries what failed.
FETCH_STATE = _schema(
    _f("url", _STR, False),
    _f("kind", _STR, False),
    _f("feed_url", _STR),
    _f("final_url", _STR),
    _f("outcome", _STR, False),
    _f("http_status", _INT),
    _f("etag", _STR),
    _f("last_modified", _STR),
    _f("entry_stamp", _STR),
    _f("content_hash", _STR),
    _f("failures", _INT, False),
    # Whether the last failure may pass, so that the next run asks again.
    _f("transient", pa.bool_()),
    _f("checked_at", _TS, False),
    _f("changed_at", _TS),
)

TABLES: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "meetings": MEETINGS,
    "meeting_mentions": MEETING_MENTIONS,
    "meeting_participants": MEETING_PARTICIPANTS,
    "statements": STATEMENTS,
    "topics": TOPICS,
    "quarantine": QUARANTINE,
    "fetch_state": FETCH_STATE,
}

MODES = ("in_person", "phone", "video")
STATUSES = ("held", "planned", "cancelled")
DATE_BASES = ("explicit", "relative", "dateline", "publication", "inferred", "unknown")
FETCH_KINDS = ("feed", "page")
FETCH_OUTCOMES = ("fetched", "not_modified", "failed")
