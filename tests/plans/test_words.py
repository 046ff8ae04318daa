"""Counts and coaching words as a coach says them (plans.words, plans.units.format_rounded)."""

from __future__ import annotations

import pytest

from plans.units import format_rounded, format_weight
from plans.words import PHASES, TERMS, Terms, glossary, phase_means, plural, word_for


@pytest.mark.parametrize(
    ("count", "one", "many", "said"),
    [
        (1, "session", None, "1 session"),
        (0, "session", None, "0 sessions"),
        (38, "set", None, "38 sets"),
        (1, "day", None, "1 day"),
        (1, "week", None, "1 week"),
        (1_000, "workout", None, "1,000 workouts"),
        (2, "more session", None, "2 more sessions"),
        (3, "series", "series", "3 series"),
    ],
)
def test_plural(count: int, one: str, many: str | None, said: str) -> None:
    assert plural(count, one, many) == said


def test_word_for_agrees_with_the_count() -> None:
    assert [word_for(n, "was", "were") for n in (0, 1, 2)] == ["were", "was", "were"]


@pytest.mark.parametrize(
    ("kg", "units", "said"),
    [
        (72.92, "kg", "73 kg"),  # issue 18: "e1RM 72.92 kg"
        (72.5, "kg", "73 kg"),  # halves up, not to even
        (1134.6, "kg", "1,135 kg"),
        (73.0, "lb", "161 lb"),  # 160.94 lb
        (0.0, "kg", "0 kg"),
    ],
)
def test_estimates_and_totals_read_in_whole_units(kg: float, units: str, said: str) -> None:
    assert format_rounded(kg, units) == said


def test_loads_stay_loadable_values() -> None:
    assert format_weight(61.25, "kg") == "61.25 kg"  # a prescribed load keeps its plates


def test_a_term_is_explained_the_first_time_a_reply_uses_it() -> None:
    terms = Terms()
    assert terms.say("e1rm", "76 kg") == "estimated max (e1RM) 76 kg"
    assert terms.say("e1rm", "73 kg") == "e1RM 73 kg"
    assert terms.say("rpe", "8") == "RPE 8 (effort out of 10)"
    assert terms.say("rpe", "9") == "RPE 9"
    assert Terms().say("e1rm") == "estimated max (e1RM)"  # each reply starts afresh


def test_the_glossary_explains_every_term_and_phase() -> None:
    rows = glossary()
    for term in TERMS.values():
        assert any(row.startswith(f"{term.word} — ") for row in rows)
    assert any(row.startswith("Anatomical adaptation — ") for row in rows)
    assert all(phase_means(name) for name in PHASES)
    assert phase_means("unknown") == ""
