"""Date expressions resolved against the publication date."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.dates import WEEKDAYS, find_dateline, find_dates

MONDAY = date(2025, 7, 14)


@pytest.mark.parametrize(
    ("text", "forward", "expected", "basis"),
    [
        ("met on Sunday", False, date(2025, 7, 13), "relative"),
        ("met on Monday", False, date(2025, 7, 14), "relative"),
        ("will meet on Wednesday", True, date(2025, 7, 16), "relative"),
        ("will meet next Monday", True, date(2025, 7, 21), "relative"),
        ("talked yesterday", False, date(2025, 7, 13), "relative"),
        ("speaks today", False, MONDAY, "relative"),
        ("meets tomorrow", True, date(2025, 7, 15), "relative"),
        ("met on July 3", False, date(2025, 7, 3), "explicit"),
        ("met on 3 July", False, date(2025, 7, 3), "explicit"),
        ("met on March 12, 2024", False, date(2024, 3, 12), "explicit"),
        ("the summit on June 3-5", False, date(2025, 6, 3), "explicit"),
        ("in Rome from June 3 to 6", False, date(2025, 6, 3), "explicit"),
        ("met on December 30", False, date(2024, 12, 30), "explicit"),
        ("will meet on January 8", True, date(2026, 1, 8), "explicit"),
    ],
)
def test_resolves(text, forward, expected, basis):
    [mention] = find_dates(text, MONDAY, forward=forward)
    assert (mention.value, mention.basis) == (expected, basis)


def test_may_the_verb_is_not_a_month():
    assert find_dates("they may 5 times disagree", MONDAY) == []


def test_relative_words_need_a_publication_date():
    assert find_dates("met on Sunday", None) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BERNE, March 4 - Ministers met.", date(1987, 3, 4)),
        ("BEIJING, July 13 (Xinhua) -- Wang met Lavrov.", date(1987, 7, 13)),
        ("TIRANA, April 2, 1997 (AFP)", date(1987, 4, 2)),
        ("Ministers met in Berne on March 4.", None),
    ],
)
def test_dateline(text, expected):
    assert find_dateline(text, date(1987, 7, 20)) == expected


@given(st.dates(date(1950, 1, 1), date(2090, 1, 1)), st.sampled_from(WEEKDAYS))
def test_a_held_weekday_is_the_latest_such_day_on_or_before_publication(published, weekday):
    [mention] = find_dates(f"met on {weekday.title()}", published)
    assert mention.value.weekday() == WEEKDAYS.index(weekday)
    assert published - timedelta(days=6) <= mention.value <= published


@given(st.dates(date(1950, 1, 1), date(2090, 1, 1)), st.sampled_from(WEEKDAYS))
def test_a_planned_weekday_is_on_or_after_publication(published, weekday):
    [mention] = find_dates(f"will meet on {weekday.title()}", published, forward=True)
    assert mention.value.weekday() == WEEKDAYS.index(weekday)
    assert published <= mention.value <= published + timedelta(days=6)


def test_every_month_name_passes_the_quick_month_test():
    """find_dates skips the month patterns when the quick test fails: it must never miss."""
    from transforms.dates import _MONTH_WORDS, MONTHS
    from transforms.text import lowered, words_of

    for name in MONTHS:
        assert words_of(lowered(f"on {name.capitalize()}. 5")) & _MONTH_WORDS, name
