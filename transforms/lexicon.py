"""Lexicons loaded once from the data files in transforms/lexicons/ and from packages.

Country names come from pycountry plus our aliases and demonyms; organisations, titles,
well-known office-holders, cue words and topics are our own TSV files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

import pycountry

_HISTORICAL = {"SUN": "Soviet Union", "YUG": "Yugoslavia", "CSK": "Czechoslovakia"}
_HISTORICAL |= {"DDR": "East Germany", "XKX": "Kosovo"}


@dataclass(frozen=True, slots=True)
class Person:
    """A well-known office-holder: name, side, usual title and years in office."""

    name: str
    side: str
    title: str
    first_year: int
    last_year: int


def read_rows(name: str) -> list[list[str]]:
    """Return the tab-separated rows of lexicon file `name`, without comments and blanks."""
    text = resources.files("transforms").joinpath("lexicons", name).read_text("utf-8")
    return [
        line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def _pycountry_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value and "," not in value and "(" not in value:
                names[value] = country.alpha_3
    return names


@cache
def side_names() -> dict[str, str]:
    """Map every surface form of a country or organisation (name or adjective) to its side.

    >>> side_names()["Chinese"], side_names()["NATO"]
    ('CHN', 'ORG:NATO')
    """
    names = _pycountry_names()
    for code, name in _HISTORICAL.items():
        names.setdefault(name, code)
    for file in ("countries.tsv", "organisations.tsv"):
        for row in read_rows(file):
            code = row[0]
            for cell in row[1:3]:
                for form in _split(cell):
                    names[form] = code
    return names


@cache
def adjective_forms() -> frozenset[str]:
    """Return the surface forms that are adjectives or demonyms ("Chinese", "U.S.")."""
    forms = set()
    for file in ("countries.tsv", "organisations.tsv"):
        for row in read_rows(file):
            if len(row) > 2:
                forms.update(_split(row[2]))
    return frozenset(forms)


@cache
def country_name(code: str) -> str:
    """Return a readable name for a side code: 'CHN' -> 'China', 'ORG:UN' -> 'UN'."""
    if code.startswith("ORG:"):
        return code[4:]
    if code in _HISTORICAL:
        return _HISTORICAL[code]
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


@cache
def titles() -> dict[str, str]:
    """Map each title (lower case) to its level ("foreign_minister", ...)."""
    return {row[0].lower(): row[1] for row in read_rows("titles.tsv")}


@cache
def people() -> tuple[Person, ...]:
    """Return the well-known office-holders of people.tsv."""
    return tuple(
        Person(row[0], row[1], row[2], int(row[3]), int(row[4])) for row in read_rows("people.tsv")
    )


@cache
def cue_words(name: str) -> dict[str, str]:
    """Map each phrase of cue file `name` (lower case) to its label."""
    return {row[0].lower(): row[1] for row in read_rows(name)}


@cache
def _former_states() -> dict[str, tuple[str, date]]:
    return {row[0]: (row[1], date.fromisoformat(row[2])) for row in read_rows("historical.tsv")}


def side_on(code: str | None, day: date | None) -> str | None:
    """Return the side `code` stood for on `day`: Russia before 1992 is the Soviet Union.

    >>> side_on("RUS", date(1987, 4, 13)), side_on("RUS", date(2025, 1, 1))
    ('SUN', 'RUS')
    """
    if not code or day is None:
        return code
    former = _former_states().get(code)
    return former[0] if former and day <= former[1] else code


def alternation(phrases: list[str] | set[str] | frozenset[str]) -> str:
    """Return a regex matching any of `phrases`, the longest where several match.

    The phrases are folded into a trie, so a lexicon of thousands of forms costs little
    more to search than one; spaces match any run of white space.

    >>> re.fullmatch(alternation({"Prime Minister", "President"}), "Prime  Minister") is not None
    True
    """
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_pattern(trie)


def _trie_pattern(node: dict) -> str:
    ends_here = "" in node
    branches = [
        (r"\s+" if char == " " else re.escape(char)) + _trie_pattern(child)
        for char, child in sorted(node.items())
        if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if ends_here else body
