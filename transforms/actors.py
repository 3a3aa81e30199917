"""Find the actors of a sentence: named people with title and side, offices, bodies, states.

Matching (`find_actors`) only looks at one sentence plus the people already met in the
article (`Cast`); deciding who took part in a meeting is left to `transforms.meetings`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache

from transforms import lexicon
from transforms.patterns import Anchors, leading_words
from transforms.text import lowered, whole_words, words_of

# (start, end, side code or title as written) of a side or title named in a sentence
_Span = tuple[int, int, str]

_PARTICLES = r"(?:bin|ibn|al|el|de|da|di|do|dos|du|van|von|der|den|la|le|del|y|ben)"
# A capitalised word: 'McCain', "O'Neill", 'Li', 'Jean-Yves', 'J.', 'XIV'. Its capital is
# matched first and told apart after by a look-behind ('Mc' is 'M' then 'c'), so a search
# for a name skips to the next capital instead of trying every character.
_TOKEN = (
    r"[A-ZÀ-ÞĀ-Ž](?:(?<=M)(?:c|ac)[A-Z][a-zß-ÿā-ž]+|(?<=O)['’][A-Z][a-zß-ÿā-ž]+"
    r"|[a-zß-ÿā-ž]+(?:[-'’][A-Za-zß-ÿĀ-ž]+)*|(?<=[A-Z])\.(?:[A-Z]\.)*|(?<=[IVX])[IVX]{1,3}\b)"
)
_NAME = re.compile(rf"{_TOKEN}(?:\s+(?:{_PARTICLES}[\s-]+)?{_TOKEN}){{0,12}}(?:,?\s+Jr\.?)?")
_BODY_WORDS = (
    r"officials?|delegations?|leaders?|leadership|government|authorities|negotiators?|"
    r"counterparts?|ministers?|diplomats?|envoys?|representatives?|team|side|allies|Allies|"
    r"partners|Partners|military\s+leaders|Committee|Council|Commission|Secretariat|"
    r"central\s+bank"
)
_STOP_TOKENS = frozenset(
    """The A An He She They It His Her Their We Our I In On At For With And But Or As By From
    To Of After Before During While When Where This That These Those Today Yesterday Tomorrow
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
    June July August September October November December Mr Mrs Ms Dr Mr. Mrs. Ms. Dr. Also
    Both Two Meanwhile However Earlier Later Last Next Photo Reuters Xinhua AFP AP REUTER Reuter
    Jan. Feb. Mar. Apr. Aug. Sept. Sep. Oct. Nov. Dec. Lt. Gen. Adm. Col. Maj. Sen. Rep. St.
    Gov. Amb. Prof. Sheikh Excellency His Her Majesty Highness Royal Party Communist
    Ministry Foreign Affairs Office House Council Assembly Parliament Congress Senate Cabinet
    Administration Department State Summit Conference Meeting Talks Commission Committee
    Bureau Central Government National Federal Republic Kingdom Union United Organization
    Organisation Security Agency Bank Fund Forum Group Minister Ministers Secretary President
    Premier Chancellor King Queen Prince Emir Crown Chairman Speaker Ambassador Envoy Deputy
    Vice Prime General Director High Representative Chief Head Army Navy Force Forces Palace
    White Kremlin Downing Street Hall Centre Center Square Day Week Year Readout Statement
    Fact Sheet Joint Press North South East West New Old Great Greater Upper Lower Global
    International World Western Eastern Northern Southern Middle Asia Asian Europe European
    Africa African America Americas Pacific Atlantic Indian Ocean Sea Gulf Arab Islamic Muslim
    Christian Jewish Strait Peninsula Island Islands Region Regional Affairs Trade Economic
    Lt Gen Adm Col Maj Capt Cmdr Sgt Dr Armed Military Defense Defence Allies Partners Staff
    Intelligence Presidential Service External Action Permanent Political Global Commander
    Supreme Joint Chiefs Chair Mission Embassy Consulate Society Association Institute News
    Times Post Daily Journal Television Radio Agency Company Corporation Group Foundation
    Herald Tribune Gazette Beijing Moscow Washington Tokyo London Paris Berlin Treasury
    Although Though Because Since Despite If Unless Whether Asked According Speaking Yet So
    Still Then Now Here There Under Over Among Amid Following Addressing Responding Visiting
    Meeting Talking Earlier Later Separately Together Instead Indeed Nonetheless
    Policy Relations Cooperation Development Integration Planning Finance Justice Health
    Education Energy Environment Agriculture Industry Commerce Interior Culture Tourism
    Labour Labor Transport Infrastructure Communications Information""".split()
)
# Each word here and in _HONORIFIC and _VERB_BEFORE starts with its letter, a look-behind
# making it a word's start: a search skips to the next of those letters instead of trying
# every character (see _TOKEN).
_LEADERS_OF = re.compile(
    r"(?:l(?<!\wl)eaders?|c(?<!\wc)ounterparts?|o(?<!\wo)fficials|m(?<!\wm)inisters?|"
    r"p(?<!\wp)(?:residents?|rime\s+ministers?)|h(?<!\wh)eads?\s+of\s+(?:state|government))\s+"
    r"(?:of|from)\s+(?:the\s+)?"
    r"(?:[A-Z][\w.’']*(?:\s+[A-Z][\w.’']*)*,?\s+(?:and\s+)?(?:the\s+)?)*$"
)
PRONOUNS = re.compile(r"^(?:He|She)\b|\b(?:he|she) (?:said|added|told|noted|stressed)\b")


@dataclass(slots=True)
class Actor:
    """Someone (or some body) acting in a sentence, with offsets into the sentence."""

    start: int
    end: int
    kind: str  # person | office | body | state
    side: str | None = None
    name: str | None = None
    title: str | None = None
    reach_start: int | None = None  # where its title and side qualifiers begin
    reach_end: int | None = None

    def __init__(  # the dataclass's own, compiled by mypyc: faster than the generated one
        self,
        start: int,
        end: int,
        kind: str,
        side: str | None = None,
        name: str | None = None,
        title: str | None = None,
        reach_start: int | None = None,
        reach_end: int | None = None,
    ) -> None:
        self.start, self.end, self.kind = start, end, kind
        self.side, self.name, self.title = side, name, title
        self.reach_start, self.reach_end = reach_start, reach_end


@dataclass(slots=True)
class Cast:
    """The people an article has named so far, for surnames, titles and pronouns."""

    year: int | None = None
    people: list[Actor] = field(default_factory=list)
    last_subject: Actor | None = None
    # id(person) -> (the name folded, its folded full name and name keys), for `lookup`
    _folded: dict[int, tuple[str | None, str, frozenset[str]]] = field(
        default_factory=dict, repr=False
    )

    def remember(self, actor: Actor, known: Actor | None) -> Actor:
        """Record `actor` (a named person) and return the known record it merges into:
        `known`, what `lookup` gives for its name."""
        if known is None:
            self.people.append(actor)
            return actor
        self.people.remove(known)  # most recently mentioned last
        self.people.append(known)
        if known.side is None:
            known.side = actor.side
        if known.title is None:
            known.title = actor.title
        if len(actor.name or "") > len(known.name or ""):
            known.name = actor.name
        return known

    def lookup(self, name: str) -> Actor | None:
        """Return the person already named whose full name or surname is `name`."""
        key = fold(_bare(name))
        if not key:
            return None
        keys = _name_keys(key)
        for person in self.people:
            folded = self._folded.get(id(person))
            if folded is None or folded[0] is not person.name:  # new, or renamed
                full = fold(person.name or "")
                folded = self._folded[id(person)] = (person.name, full, _name_keys(full))
            _, full, its_keys = folded
            if key == full or full in keys or key in its_keys:
                return person
        return None

    def by_title(self, title: str) -> Actor | None:
        """Return the latest person whose title is `title` ('President', 'minister')."""
        wanted = fold(title)
        for person in reversed(self.people):
            held = fold(person.title or "")
            if held == wanted or (wanted == "minister" and held.endswith("minister")):
                return person
        return None

    def by_side(self, side: str, title: str | None = None) -> Actor | None:
        """Return the latest person of `side` (with `title`'s level if given)."""
        for person in reversed(self.people):
            if person.side == side and (title is None or _same_level(person.title, title)):
                return person
        return None


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower-case `text` and strip accents: 'Zelenskyy' -> 'zelenskyy', 'Émile' -> 'emile'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


@lru_cache(maxsize=1 << 16)
def _name_keys(full: str) -> frozenset[str]:
    tokens = [t for t in re.split(r"[\s,]+", full) if t and t not in {"jr", "jr."}]
    tokens = [t for t in tokens if len(t.rstrip(".")) > 1]
    return frozenset({tokens[0], tokens[-1]}) if tokens else frozenset()


def _same_level(title: str | None, wanted: str) -> bool:
    levels = lexicon.titles()
    return title is not None and levels.get(title.lower()) == levels.get(wanted.lower())


def _side_forms() -> str:
    return lexicon.alternation(set(lexicon.side_names())).replace("'", "['’]")


@cache
def _side_pattern() -> re.Pattern[str]:
    return re.compile(rf"(?<![\w.])(?:the\s+)?({_side_forms()})(?:'s|’s)?(?![\w])")


@cache
def _side_anchors() -> Anchors:
    """Where side names can start: at the lower-cased first word of a name. ('the' before
    a name only lengthens the match, not the name's span, so it is not an anchor.)"""
    names = leading_words(rf"(?<![\w.])(?:{_side_forms()})(?:'s|’s)?(?![\w])")
    starts = None if names is None else frozenset(word.lower() for word in names)
    return Anchors([starts], lambda _: _side_pattern())  # not Anchors.of: 'the' is no anchor


@cache
def _title_pattern() -> re.Pattern[str]:
    forms = lexicon.alternation(set(lexicon.titles()) | {"counterpart"})
    return whole_words(f"(?:{forms})s?")


@cache
def _title_anchors() -> Anchors:
    return Anchors.of(_title_pattern())


@cache
def _body_pattern() -> re.Pattern[str]:
    return re.compile(rf"\s+(?:[A-Z][a-z]+\s+)?(?:{_BODY_WORDS})\b")


def side_spans(
    text: str, lower: str | None = None, words: frozenset[str] | None = None
) -> list[_Span]:
    """Return (start, end, side) of every country or organisation named in `text`;
    `lower` and `words`, `lowered(text)` and its words, if the caller has them."""
    names = lexicon.side_names()
    spans = []
    if lower is None or words is None:
        lower = lowered(text)
        words = words_of(lower)
    matches = _side_anchors().finditer(text, words, lower)
    for match in matches:
        form = match.group(1)
        code = names.get(form)  # as written, mostly; else with spaces and quotes evened out
        if code is None:
            code = names[" ".join(form.split()).replace("’", "'")]
        spans.append((match.start(1), match.end(), code))
    return spans


def _title_spans(text: str, lower: str, words: frozenset[str]) -> list[_Span]:
    return [
        (match.start(), match.end(), text[match.start() : match.end()])
        for match in _title_anchors().finditer(lower, words)
    ]


def _name_candidates(text: str, blocked: list[_Span]) -> list[tuple[int, int]]:
    """Return spans of capitalised runs that could be a person's name."""
    out: list[tuple[int, int]] = []
    for match in _NAME.finditer(text):
        whole = match.group()
        if whole in _STOP_TOKENS:  # a lone 'The' or 'He': most runs
            continue
        run_start, run_end = match.span()
        near = [(s, e) for s, e, _ in blocked if s < run_end and run_start < e]
        # A run without white space (every other kind is unprintable) is its only token.
        one = " " not in whole and whole.isprintable()
        tokens = (match,) if one else _TOKENS.finditer(text, run_start, run_end)
        run: list[re.Match[str]] = []
        for token in tokens:
            word = token.group()
            start, end = token.span()
            if word.rstrip(",") in _STOP_TOKENS or any(s <= start and end <= e for s, e in near):
                if run:
                    _flush(out, run)
                    run = []
                continue
            run.append(token)
            if word.endswith(_POSSESSIVE_ENDINGS):
                _flush(out, run)
                run = []
        if run:
            _flush(out, run)
    return out


def _flush(out: list[tuple[int, int]], run: list[re.Match[str]]) -> None:
    while run and _NOT_A_FIRST_NAME.fullmatch(run[0].group()):
        run = run[1:]
    if run:
        out.append((run[0].start(), run[-1].end()))


def _left_context(
    text: str, start: int, titles: list[_Span], sides: list[_Span]
) -> tuple[str | None, str | None, int]:
    """Return (title, side, where they start) written before a name.

    'Chinese Foreign Minister |Wang Yi' and 'Chairman of the National Assembly |Vuong Dinh Hue'.
    """
    title = side = None
    cursor = start
    for t_start, t_end, word in titles:
        if t_end > start:
            continue
        gap = text[t_end:start]
        if (gap.strip() == "" and len(gap) <= 2) or _HONORIFICS.fullmatch(gap):
            title, cursor = word, t_start
            break
        if _TITLE_COMPLEMENT.fullmatch(gap):
            title, cursor = text[t_start:start].strip(), t_start
            break
    for s_start, s_end, code in sides:
        gap = text[s_end:cursor]
        if s_end <= cursor and (
            (gap.strip() == "" and len(gap) <= 2)
            or (title is not None and _ORG_QUALIFIER.fullmatch(gap))
        ):
            side, cursor = code, s_start
            break
    if side is None and title is not None:
        side = next((code for s, e, code in sides if cursor <= s and e <= start), None)
    return title, side, cursor


_TOKENS = re.compile(r"\S+")
_SUFFIX = re.compile(r",?\s+Jr\.?$")
_POSSESSIVE_ENDINGS = ("'", "’", "'s", "’s")
_NOT_A_FIRST_NAME = re.compile(r"[a-z]+|Jr\.?|[A-Z]\.")
_HONORIFICS = re.compile(r"\s+(?:(?:Dr|Mr|Mrs|Ms|Lt|Gen|Adm|Col|Maj|Capt|Prof)\.?\s+)+")
_ORG_QUALIFIER = re.compile(r"\s+(?:[A-Z][\w.’'-]*\s+){1,4}")
_TITLE_COMPLEMENT = re.compile(
    r"\s+(?:of|for)\s+(?:the\s+)?(?:(?:[A-Z][\w.’'-]*|and)\s+){0,5}[A-Z][\w.’'-]*,?\s+"
)


_OF_SIDE = re.compile(r"\s+of\s+(?:the\s+)?")
_APPOSITION = re.compile(r",\s+(?:the\s+|a\s+|who\s+is\s+)?")


def _right_context(
    text: str, end: int, titles: list[_Span], sides: list[_Span]
) -> tuple[str | None, str | None, int]:
    """Return (title, side, where they end) after a name: 'Lavrov, Russia's foreign minister'."""
    of_side = _OF_SIDE.match(text, end)
    if of_side:
        for s_start, s_end, code in sides:
            if s_start in (of_side.end(), of_side.end() - 4):
                return None, code, s_end
    apposition = _APPOSITION.match(text, end)
    if not apposition:
        return None, None, end
    cursor = apposition.end()
    side = None
    for s_start, s_end, code in sides:
        if s_start == cursor or (s_start == cursor + 4 and text[cursor:s_start] == "the "):
            side, cursor = code, s_end + (1 if text[s_end : s_end + 1] == " " else 0)
            break
    for t_start, t_end, word in titles:
        if t_start == cursor:
            return word, side or _side_after_title(text, t_start, sides), t_end
    return None, None, end


def _side_after_title(text: str, title_start: int, sides: list[_Span]) -> str | None:
    window = text[title_start : title_start + 60]
    match = re.match(r"[\w\s-]+?\s+of\s+(?:the\s+)?", window)
    if match:
        for s_start, _, code in sides:
            if s_start == title_start + match.end():
                return code
    return None


def _canonical_title(word: str | None) -> str | None:
    if word is None or word.lower().startswith("counterpart"):
        return None
    cleaned = " ".join(word.split())
    return cleaned[:1].upper() + cleaned[1:] if cleaned.islower() else cleaned


def find_actors(
    text: str, cast: Cast, lower: str | None = None, words: frozenset[str] | None = None
) -> list[Actor]:
    """Return the actors of sentence `text`, resolving names against `cast`; `lower` and
    `words` are `lowered(text)` and its words if the caller has them.

    >>> [(a.name, a.side, a.title) for a in find_actors(
    ...     "Chinese Foreign Minister Wang Yi met Sergey Lavrov, Russia's foreign minister.",
    ...     Cast())]
    [('Wang Yi', 'CHN', 'Foreign Minister'), ('Sergey Lavrov', 'RUS', 'Foreign minister')]
    """
    if lower is None or words is None:
        lower = lowered(text)
        words = words_of(lower)
    sides = side_spans(text, lower, words)
    titles = _title_spans(text, lower, words)
    actors: list[Actor] = []
    subject_title: str | None = None
    for start, end in _name_candidates(text, sides + titles):
        actor = _person_at(text, start, end, titles, sides, cast, subject_title, words)
        if actor is None:
            continue
        if subject_title is None:
            subject_title = actor.title
        actors.append(actor)
    actors.extend(_offices_and_bodies(text, titles, sides, actors))
    actors.sort(key=lambda a: a.start)
    return actors


def _without_possessive(name: str) -> str:
    """'Lavrov's' -> 'Lavrov'; 'Jones'' -> 'Jones'."""
    if name.endswith(("'s", "’s")):
        return name[:-2]
    return name[:-1] if name.endswith(("'", "’")) else name


def _person_at(
    text: str,
    start: int,
    end: int,
    titles: list[_Span],
    sides: list[_Span],
    cast: Cast,
    subject_title: str | None,
    words: frozenset[str],
) -> Actor | None:
    name = _without_possessive(text[start:end].rstrip(","))
    end = start + len(name)
    title, side, left = _left_context(text, start, titles, sides)
    counterpart = title is not None and title.lower().startswith("counterpart")
    right = end
    if title is None or side is None:
        r_title, r_side, right = _right_context(text, end, titles, sides)
        title, side = title or r_title, side or r_side
    known = in_cast = cast.lookup(name)
    if known is None or known.side is None:
        known = _famous(name, cast.year, title) or known
    if title is None and known is None and not _speaks_or_addressed(text, start, end, words):
        return None
    if counterpart:
        title = subject_title
    actor = Actor(start, end, "person", side, name, _canonical_title(title), left, right)
    if known is not None:
        actor.side = actor.side or known.side
        actor.title = actor.title or known.title
        if len(known.name or "") > len(name) and fold(_bare(name)) in _name_keys(
            fold(known.name or "")
        ):
            actor.name = known.name
    person = Actor(start, end, "person", actor.side, actor.name, actor.title)
    if actor.name != name:
        in_cast = cast.lookup(actor.name or "")
    remembered = cast.remember(person, in_cast)
    actor.name, actor.side = remembered.name, actor.side or remembered.side
    actor.title = actor.title or remembered.title
    return actor


_HONORIFIC = re.compile(r"(?:M(?<!\wM)(?:r|rs|s|me|adam)|D(?<!\wD)r|S(?<!\wS)ir)\.?\s+$")
# The verbs that make a name right before them a speaker: 'Ana Ruiz said'.
_SPEECH_VERBS = """said says told added stressed urged noted warned insisted declared announced
    asked replied wrote""".split()
_VERB_AFTER = re.compile(
    r"^(?:,[^,]{1,80},|,)?\s+(?:also\s+|later\s+|then\s+)?(?:" + "|".join(_SPEECH_VERBS) + r")\b"
)
_VERB_BEFORE = re.compile(r"(?:s(?<!\ws)(?:aid|ays)|a(?<!\wa)(?:dded|ccording\s+to))\s+$")
_WORDS_BEFORE = 40  # characters: more than either pattern above spans but in freak spacing
# The words, lower case, that each of those patterns needs: a sentence without any of them
# needs no search.
_HONORIFIC_WORDS = frozenset({"mr", "mrs", "ms", "mme", "madam", "dr", "sir"})
_VERB_BEFORE_WORDS = frozenset({"said", "says", "added", "according"})
_VERB_AFTER_WORDS = frozenset(_SPEECH_VERBS)


def _speaks_or_addressed(text: str, start: int, end: int, words: frozenset[str]) -> bool:
    """Return whether an untitled name is a person by its grammar: 'Mr Li', 'Ana Ruiz said'.
    `words`: the `\\w+` words of the lower-cased sentence."""
    window = max(0, start - _WORDS_BEFORE)  # both end at the name: no need to scan further
    if not _HONORIFIC_WORDS.isdisjoint(words) and _HONORIFIC.search(text, window, start):
        return True
    if not _VERB_BEFORE_WORDS.isdisjoint(words) and _VERB_BEFORE.search(text, window, start):
        return True
    return (
        not _VERB_AFTER_WORDS.isdisjoint(words)
        and len(text[start:end].split()) > 1
        and bool(_VERB_AFTER.match(text[end:]))
    )


def _bare(name: str) -> str:
    """Drop a generational suffix: 'Joseph R. Biden, Jr.' -> 'Joseph R. Biden'."""
    return _SUFFIX.sub("", name) if "Jr" in name else name


# Sides whose people are named surname first: 'Wang' is Wang Yi, 'Xi' is Xi Jinping.
_SURNAME_FIRST = frozenset({"CHN", "TWN", "HKG", "PRK", "KOR", "VNM", "SGP"})


@cache
def _people_by_surname() -> dict[str, list[tuple[list[str], lexicon.Person]]]:
    """Index the well-known office-holders by folded surname and, where names are written
    surname first, by their first token too."""
    index: dict[str, list[tuple[list[str], lexicon.Person]]] = {}
    for person in lexicon.people():
        full = fold(person.name).split()
        index.setdefault(full[-1], []).append((full, person))
        if person.side in _SURNAME_FIRST:
            index.setdefault(full[0], []).append((full, person))
    return index


def _famous(name: str, year: int | None, title: str | None = None) -> Actor | None:
    """Return the well-known office-holder `name` refers to in `year`, by full name or surname."""
    key = fold(_bare(name)).split()
    if not key or len(key[-1]) < 3:
        return None
    for full, person in _people_by_surname().get(key[-1], ()):
        if year is not None and not person.first_year <= year <= person.last_year:
            continue
        surname_first = (
            person.side in _SURNAME_FIRST
            and key == full[:1]
            and (title is None or _same_level(person.title, title))
        )
        if (
            key == full
            or surname_first
            or (key[-1] == full[-1] and (len(key) == 1 or key[0][:3] in full[0]))
        ):
            return Actor(0, 0, "person", person.side, person.name, person.title)
    return None


def _offices_and_bodies(
    text: str,
    titles: list[_Span],
    sides: list[_Span],
    people: list[Actor],
) -> list[Actor]:
    """Return unnamed office-holders and bodies with a side: 'the Japanese foreign minister'.

    In a list of adjectives ('French, German, and UK Foreign Ministers') each side takes
    the office of the last one.
    """
    taken = [(_first(a.reach_start, a.start), _first(a.reach_end, a.end)) for a in people]
    free = [span for span in sides if not any(a <= span[0] < b for a, b in taken)]
    out: list[Actor] = []
    chain: list[_Span] = []
    for index, (s_start, s_end, code) in enumerate(free):
        chain.append((s_start, s_end, code))
        following = free[index + 1] if index + 1 < len(free) else None
        if following and _LIST_GLUE.fullmatch(text[s_end : following[0]]):
            continue
        kind, title, end = _what_follows(text, s_start, s_end, titles, taken)
        out.extend(
            Actor(a, end if kind != "state" else b, kind, c, None, title) for a, b, c in chain
        )
        chain = []
    return out


_LIST_GLUE = re.compile(r",?\s+(?:and\s+)?(?:the\s+)?|,\s*")


def _what_follows(
    text: str,
    s_start: int,
    s_end: int,
    titles: list[_Span],
    taken: list[tuple[int, int]],
) -> tuple[str, str | None, int]:
    """Return (kind, title, end) of what a side names: an office, a body, or the state."""
    before = text[:s_start]
    if ("of" in before or "from" in before) and _LEADERS_OF.search(before):
        return "body", None, s_end
    title = next((t for t in titles if t[0] in (s_end, s_end + 1)), None)
    if title and not any(a <= title[0] < b for a, b in taken):
        return "office", _canonical_title(title[2]), title[1]
    body = _body_pattern().match(text[s_end:])
    if body:
        return "body", None, s_end + body.end()
    return "state", None, s_end


def _first(value: int | None, default: int) -> int:
    return default if value is None else value
