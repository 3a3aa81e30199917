"""Read an article once: its sentences with their actors, pronouns and groups resolved.

Every extractor (meetings, statements, topics) works on the `ReadSentence`s made here,
so each sentence is matched once, whatever asks about it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from transforms.actors import Actor, Cast, find_actors
from transforms.dates import find_dateline
from transforms.lexicon import side_on
from transforms.patterns import Anchors, SentencePattern
from transforms.places import Place, place_of
from transforms.text import Sentence, split_sentences

_PRONOUN_SUBJECT = re.compile(r"^(?:He|She)\b")
# Its marks as literals, not a class: a search skips to the next one (see _QUOTE_MARK).
_PRONOUN_SPEAKER = re.compile(
    r"(?:,|\"|”|'|'')\s*(?:he|she)\s+(?:said|added|told|noted|stressed|says|declared|insisted|"
    r"warned|asked|replied|explained|continued|wrote)\b"
)
# The words _PRONOUN_SPEAKER needs: a sentence without either (most) needs no search.
_PRONOUNS = frozenset({"he", "she"})
# On lower-cased text, from a look-behind: faster, same matches (see text.whole_words).
_GROUP = SentencePattern(
    r"(?<!\w)(?:the\s+(?:two|three|four|five)\s+(?:top\s+|heads?\s+of\s+)?(?:[a-z]+\s+)?"
    r"(?:leaders|ministers|sides|presidents|premiers|diplomats|officials|counterparts|"
    r"delegations|envoys|men|women|[a-z]{2,}s)|"
    r"both\s+(?:sides|leaders|ministers|men|women)|"
    r"the\s+(?:leaders|ministers|presidents|prime\s+ministers|foreign\s+ministers))\b"
)
_THEY = re.compile(r"(?:[A-Z][\w ]{0,20},\s+)?[Tt]hey\b")  # `match`ed: at the start only
_THE_TITLE = re.compile(
    r"\b[Tt]he\s+((?i:vice\s+president|president|prime\s+minister|chancellor|premier|"
    r"secretary(?:\s+of\s+state)?|king|queen|emir|crown\s+prince|foreign\s+minister|"
    r"(?:foreign\s+)?minister|secretary-general|secretary\s+general|ambassador|envoy))\b"
    r"(?!\s+(?:of|for)\b)(?!\s+[A-Z])"
)
_THE_TITLE_ANCHORS = Anchors.of(_THE_TITLE)
_DATELINE_CITY = re.compile(r"^\s*([A-Z][A-Z .'-]{2,40}|[A-Z][a-z]+(?: [A-Z][a-z]+)?),\s")


@dataclass(slots=True)
class ReadSentence:
    """A sentence with the actors found in it, pronouns and title-only mentions resolved."""

    sentence: Sentence
    actors: list[Actor]
    group_reference: bool = False  # 'the two ministers': the people of the meeting before
    they: bool = False

    def __init__(  # the dataclass's own, compiled by mypyc: faster than the generated one
        self,
        sentence: Sentence,
        actors: list[Actor],
        group_reference: bool = False,
        they: bool = False,
    ) -> None:
        self.sentence, self.actors = sentence, actors
        self.group_reference, self.they = group_reference, they

    @property
    def text(self) -> str:
        return self.sentence.text

    def people(self) -> list[Actor]:
        """Return the named people of the sentence."""
        return [a for a in self.actors if a.kind == "person" and a.name]


@dataclass(slots=True)
class ReadArticle:
    """An article's sentences, its cast of people, and its dateline if any."""

    published: date | None
    sentences: list[ReadSentence]
    cast: Cast
    dateline_date: date | None = None
    dateline_place: Place | None = None
    lead_paragraphs: frozenset[int] = frozenset()
    home_side: str | None = None
    author: Actor | None = None  # who speaks in the first person: 'Statement by X'
    text: str = ""


_AUTHORED = re.compile(r"^\s*(?:Joint\s+)?(?:Statement|Remarks|Op-Ed)\s+(?:by|from)\s+", re.I)


def read_article(text: str, published: date | None, title: str | None = None) -> ReadArticle:
    """Split `text` into sentences and find each one's actors.

    >>> read = read_article("Chinese Premier Li Qiang met Kenyan President Jon Ole. He smiled.",
    ...                     date(2025, 1, 2))
    >>> [a.name for a in read.sentences[1].actors]
    ['Li Qiang']
    """
    cast = Cast(year=published.year if published else None)
    author = _author(title, cast)
    sentences = [
        _read_sentence(s, cast, quoted=_opens_inside_quote(text, s)) for s in split_sentences(text)
    ]
    first = sentences[0].text if sentences else ""
    dateline_place = None
    city = _DATELINE_CITY.match(first)
    dateline_date = find_dateline(first, published)
    if city and dateline_date is not None:
        dateline_place = place_of(city.group(1))
    _sides_learned_later(sentences, cast)
    home = _home_side(sentences)
    _give_home_side(sentences, home)
    _as_of(sentences, published)
    home = side_on(home, published)
    return ReadArticle(
        published,
        sentences,
        cast,
        dateline_date,
        dateline_place,
        _lead(sentences),
        home,
        author,
        text,
    )


def _author(title: str | None, cast: Cast) -> Actor | None:
    """Return the person a 'Statement by President X on ...' title names as its author."""
    if not title or not _AUTHORED.match(title):
        return None
    people = [a for a in find_actors(title, cast) if a.kind == "person" and a.name]
    return people[0] if people else None


def _lead(sentences: list[ReadSentence]) -> frozenset[int]:
    """Return the first two paragraphs with prose in them (a bare dateline is not prose)."""
    prose: list[int] = []
    paragraph, words = -1, 0
    for s in sentences:  # in paragraph order
        if s.sentence.paragraph != paragraph:
            if words >= 8:
                prose.append(paragraph)
                if len(prose) == 2:
                    return frozenset(prose)
            paragraph, words = s.sentence.paragraph, 0
        words += len(s.text.split())
    if words >= 8:
        prose.append(paragraph)
    return frozenset(prose)


def _home_side(sentences: list[ReadSentence]) -> str | None:
    """Return the article's own side, or None.

    That is the side of at least twice as many named people as any other (a readout names
    its own officials most) or, where no named person has a side, the state named twice as
    often as any other.
    """
    actors = [a for s in sentences for a in s.actors]
    people = [a.side for a in actors if a.kind == "person" and a.name and a.side]
    states = [a.side for a in actors if a.kind == "state" and a.side]
    return _dominant(people) if people else _dominant(states)


def _dominant(sides: list[str]) -> str | None:
    ranked = Counter([s for s in sides if not s.startswith("ORG:")]).most_common(2)
    if not ranked or (len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]):
        return None
    return ranked[0][0]


def _side_ranking(sentences: list[ReadSentence]) -> list[str]:
    """Return the states most present in the article first (a named person counts twice)."""
    weights: Counter[str] = Counter()
    for actor in [a for s in sentences for a in s.actors]:
        if actor.side and not actor.side.startswith("ORG:"):
            weights[actor.side] += 2 if actor.kind == "person" else 1
    return [side for side, weight in weights.most_common() if weight >= 2]


def _give_home_side(sentences: list[ReadSentence], home: str | None) -> None:
    """Give office-holders named without a country the article's own side.

    A readout says "Secretary Blinken" for its own officials and qualifies the others
    ("Türkiye's Minister of Foreign Affairs"), so an unqualified official is of the home
    side, or else of the most present side that is not the one they meet.
    """
    ranking = _side_ranking(sentences)
    for sentence in sentences:
        people = [a for a in sentence.actors if a.kind == "person" and a.name]
        others = {a.side for a in people if a.side}
        for index, actor in enumerate(people):
            if actor.side is not None or actor.title is None:
                continue
            if home is not None and home not in others:
                actor.side = home
            elif home is None and index == 0 and len(others) == 1:  # the subject
                actor.side = next((side for side in ranking if side not in others), None)


def _as_of(sentences: list[ReadSentence], published: date | None) -> None:
    """Name sides as they were when the article was written: 'Russian' in 1987 is Soviet."""
    if published is None:
        return
    for sentence in sentences:
        for actor in sentence.actors:
            actor.side = side_on(actor.side, published)


def _sides_learned_later(sentences: list[ReadSentence], cast: Cast) -> None:
    """Give a person named before their side was known the side the article gave later."""
    for sentence in sentences:
        for actor in sentence.actors:
            if actor.kind == "person" and actor.side is None and actor.name:
                known = cast.lookup(actor.name)
                if known is not None:
                    actor.side = known.side


# Every alternative starts with a literal character, not a class: the engine then skips
# to the next quotation mark instead of trying a match at every character.
_QUOTE_MARK = re.compile(r"\"|“|”|``|''")
# "...", “...” or ``...'': its opening mark is matched first, so a search skips to the next
# mark instead of trying every character.
_QUOTED_SPAN = re.compile(r"[\"“`](?:(?<=[\"“])[^\"”]*[\"”]|(?<=`)`.*?'')")


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) of every quotation in `text`."""
    if '"' not in text and "“" not in text and "`" not in text:
        return []  # no opening mark: most sentences, which so need no search
    return [m.span() for m in _QUOTED_SPAN.finditer(text)]


def _opens_inside_quote(text: str, sentence: Sentence) -> bool:
    """Return whether `sentence` starts inside a quotation opened earlier in its line."""
    line_start = text.rfind("\n", 0, sentence.start) + 1
    return len(_QUOTE_MARK.findall(text, line_start, sentence.start)) % 2 == 1


def _read_sentence(sentence: Sentence, cast: Cast, *, quoted: bool = False) -> ReadSentence:
    actors = find_actors(sentence.text, cast, sentence.lower, sentence.words)
    _resolve_offices(actors, cast)
    _resolve_bare_titles(sentence, actors, cast)
    pronoun = _PRONOUN_SUBJECT.match(sentence.text)
    if pronoun is None and not _PRONOUNS.isdisjoint(sentence.words):
        pronoun = _PRONOUN_SPEAKER.search(sentence.text)
    if pronoun and cast.last_subject is not None:
        subject = cast.last_subject
        word = re.search(r"\b(?:[Hh]e|[Ss]he)\b", pronoun.group())
        offset = pronoun.start() + (word.start() if word else 0)
        length = len(word.group()) if word else 2
        actors.insert(
            0, Actor(offset, offset + length, "person", subject.side, subject.name, subject.title)
        )
        actors.sort(key=lambda a: a.start)
    first = _first_named_outside_quotes(sentence.text, actors, quoted)
    if first is not None:
        cast.last_subject = first
    group = bool(_GROUP.search(sentence))
    they = "they" in sentence.words and _THEY.match(sentence.text) is not None
    return ReadSentence(sentence, actors, group, they)


def _first_named_outside_quotes(text: str, actors: list[Actor], quoted: bool) -> Actor | None:
    """Return the first named person outside quotations: only they can be the subject a
    later 'he' or 'she' refers to. `quoted`: the sentence opens inside a quotation."""
    named = [a for a in actors if a.kind == "person" and a.name]
    if not named:
        return None
    inside = quotation_spans(text)
    if quoted:  # the quotation opened before goes on up to its first closing mark
        close = _QUOTE_MARK.search(text)
        inside.append((0, close.end() if close else len(text)))
    return next((a for a in named if not any(x <= a.start < y for x, y in inside)), None)


def _resolve_bare_titles(sentence: Sentence, actors: list[Actor], cast: Cast) -> None:
    """Turn 'The President' into the president the article already named."""
    for match in _THE_TITLE_ANCHORS.finditer(sentence.text, sentence.words, sentence.lower):
        if any(a.start <= match.start(1) < a.end for a in actors):
            continue
        known = cast.by_title(re.sub(r"\s+", " ", match.group(1)))
        if known is not None:
            actors.append(
                Actor(match.start(), match.end(), "person", known.side, known.name, known.title)
            )
    actors.sort(key=lambda a: a.start)


def _resolve_offices(actors: list[Actor], cast: Cast) -> None:
    """Turn 'the Chinese minister' into the Chinese minister the article already named."""
    for actor in actors:
        if actor.kind != "office" or actor.side is None or actor.title is None:
            continue
        if actor.title.lower().endswith("s"):  # plural: 'Foreign Ministers'
            continue
        known = cast.by_side(actor.side, actor.title)
        if known is not None:
            actor.kind, actor.name = "person", known.name
            actor.title = known.title or actor.title
