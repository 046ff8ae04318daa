"""What runners type for a race date, read as they mean it."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.coach.inputs import InputError, parse_race_date

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("typed", "race"),
    [
        ("2027-04-18", dt.date(2027, 4, 18)),
        ("18 Apr 2027", dt.date(2027, 4, 18)),
        ("April 18th, 2027", dt.date(2027, 4, 18)),
        ("18.04.2027", dt.date(2027, 4, 18)),
        # A day and month alone: the next one to come.
        ("april 18th", dt.date(2027, 4, 18)),
        ("18 April", dt.date(2027, 4, 18)),
        ("Apr 18", dt.date(2027, 4, 18)),
        ("the 18th of April", dt.date(2027, 4, 18)),
        ("dec 31st", dt.date(2026, 12, 31)),
        ("nov 24", dt.date(2026, 11, 24)),
        ("nov 22", dt.date(2027, 11, 22)),
        ("29 feb", dt.date(2028, 2, 29)),
    ],
)
def test_race_dates_with_or_without_a_year(typed: str, race: dt.date) -> None:
    assert parse_race_date(typed, TODAY) == race


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("nov 23", "That's today"),
        ("2026-11-01", "has already passed"),
        ("31 april", "isn't a real date"),
        ("feb 30th", "isn't a real date"),
        ("18", "18 April"),
        ("april", "18 April"),
        ("someday", "2027-04-18"),
        ("2030-01-01", "more than two years away"),
    ],
)
def test_a_date_that_cannot_be_a_race_says_what_works(typed: str, says: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_race_date(typed, TODAY)
    assert says in refused.value.message
