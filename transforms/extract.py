"""Extraction entry point: an article in, its records out (no I/O, no Prefect)."""

from __future__ import annotations

from transforms.meetings import MeetingReport, find_meetings
from transforms.reading import ReadArticle, read_article
from transforms.records import EXTRACTOR_VERSION, Article, Extraction, stable_id
from transforms.statements import Statement, find_statements
from transforms.topics import TopicMention, canonical_topics, free_topics


def meeting_id(report: MeetingReport, article_id: str, index: int) -> str:
    """Return the id of the real meeting behind `report`.

    A dated meeting's id depends only on its sides, date and mode, so every article that
    reports it names the same meeting; an undated one is only known to its own article.
    """
    if report.date is not None:
        return stable_id("meeting", *report.sides, report.date.isoformat(), report.mode)
    return stable_id("meeting", article_id, index, *report.sides, report.mode, report.status)


def _meeting_ids(meetings: list[MeetingReport], article_id: str) -> dict[int, str]:
    """Return each report's meeting id; two meetings of one article that share sides, date
    and mode (the ministers' talks, then a call on the president) are told apart by who
    took part."""
    ids: dict[int, str] = {}
    for index, report in enumerate(meetings):
        candidate = meeting_id(report, article_id, index)
        if candidate in ids.values():
            names = sorted(p.name or "" for p in report.participants)
            candidate = stable_id(candidate, *names, index)
        ids[id(report)] = candidate
    return ids


def extract_article(article: Article) -> Extraction:
    """Return the meetings, participants, statements and topics found in `article`."""
    read = read_article(article.text, article.published_date, article.title)
    meetings = find_meetings(read)
    ids = _meeting_ids(meetings, article.article_id)
    statements = find_statements(read, meetings)
    extraction = Extraction(article_id=article.article_id)
    for report in meetings:
        extraction.meeting_mentions.append(_mention_row(report, ids[id(report)], article))
        extraction.meeting_participants.extend(_participant_rows(report, ids[id(report)], article))
    extraction.statements = [_statement_row(s, ids, article) for s in statements]
    extraction.topics = _topic_rows(read, meetings, statements, ids, article)
    return extraction


def _mention_row(report: MeetingReport, meeting: str, article: Article) -> dict:
    sentence = report.evidence.sentence
    return {
        "meeting_id": meeting,
        "article_id": article.article_id,
        "evidence": sentence.text,
        "evidence_start": sentence.start,
        "evidence_end": sentence.end,
        "meeting_date": report.date,
        "date_basis": report.date_basis,
        "mode": report.mode,
        "status": report.status,
        "sides": report.sides,
        "city": report.city,
        "country": report.country,
        "name": report.name,
        "extractor_version": EXTRACTOR_VERSION,
    }


def _participant_rows(report: MeetingReport, meeting: str, article: Article) -> list[dict]:
    """Return one row per person at the meeting, however often the article names them."""
    people = {person.name: person for person in reversed(report.participants)}
    return [
        {
            "meeting_id": meeting,
            "name": person.name,
            "side": person.side,
            "title": person.title,
            "article_id": article.article_id,
        }
        for person in reversed(people.values())
    ]


def _statement_row(statement: Statement, ids: dict[int, str], article: Article) -> dict:
    sentence = statement.sentence.sentence
    speaker = statement.speaker
    return {
        "statement_id": stable_id("statement", article.article_id, sentence.start, speaker.name),
        "article_id": article.article_id,
        "meeting_id": ids[id(statement.meeting)] if statement.meeting else None,
        "speaker": speaker.name,
        "side": speaker.side,
        "title": speaker.title,
        "text": sentence.text,
        "start": sentence.start,
        "end": sentence.end,
        "extractor_version": EXTRACTOR_VERSION,
    }


def _topic_rows(
    read: ReadArticle,
    meetings: list[MeetingReport],
    statements: list[Statement],
    ids: dict[int, str],
    article: Article,
) -> list[dict]:
    """Topics of the sentences that report a meeting or a statement, or list subjects."""
    relevant = {id(m.evidence) for m in meetings} | {id(s.sentence) for s in statements}
    rows, seen = [], set()
    for sentence in read.sentences:
        free = free_topics(sentence)
        if id(sentence) not in relevant and not free:
            continue
        meeting = _meeting_before(sentence.sentence.start, meetings)
        for mention in canonical_topics(sentence) + free:
            key = (mention.topic.lower(), mention.kind)
            if key in seen:
                continue
            seen.add(key)
            rows.append(_topic_row(mention, ids[id(meeting)] if meeting else None, article))
    return rows


def _meeting_before(offset: int, meetings: list[MeetingReport]) -> MeetingReport | None:
    before = [m for m in meetings if m.evidence.sentence.start <= offset]
    return before[-1] if before else None


def _topic_row(mention: TopicMention, meeting: str | None, article: Article) -> dict:
    return {
        "article_id": article.article_id,
        "meeting_id": meeting,
        "topic": mention.topic,
        "kind": mention.kind,
        "matched_text": mention.matched_text,
        "start": mention.start,
        "end": mention.end,
    }
