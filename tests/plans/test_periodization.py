"""Phases over whole blocks: fitting a race build minimum-first, deloads, taper, race week and
the rolling blocks without a race (COACHING.md "Precise definitions")."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.periodization import Build, fit_build, phase_for
from plans.profile import Distance, Experience, Profile, Race

START = dt.date(2027, 1, 4)  # a Monday
DAY = dt.timedelta(days=1)


def _profile(
    race_weeks: int | None,
    experience: Experience = "some",
    spw: int = 3,
    distance: Distance = "half",
) -> Profile:
    """A race on the Sunday `race_weeks` weeks after the plan's first Monday."""
    race = (
        None
        if race_weeks is None
        else Race(START + dt.timedelta(weeks=race_weeks, days=-1), distance)
    )
    return Profile(
        running_days=frozenset({0, 2, 4, 6}),
        long_run_day=6,
        hard_days=frozenset({2}),
        race=race,
        strength_experience=experience,
        equipment="gym",
        sessions_per_week=spw,
        session_minutes=45,
    )


def _weekly(profile: Profile, weeks: int) -> list[str]:
    """The phase of each plan week's Monday, as "name:week"."""
    out = []
    for w in range(weeks):
        phase = phase_for(profile, START + dt.timedelta(weeks=w), START)
        out.append(f"{phase.name}:{phase.week}")
    return out


AA, S, P, M, D = "anatomical_adaptation", "strength", "power", "maintenance", "deload"


def _run(*parts: tuple[str, int]) -> list[str]:
    """("strength", 3) -> ["strength:1", "strength:2", "strength:3"]."""
    return [f"{name}:{week}" for name, weeks in parts for week in range(1, weeks + 1)]


@pytest.mark.parametrize(
    ("weeks", "experience", "expected"),
    [
        (0, "some", Build(0, 0, 0, 0, ())),
        (4, "some", Build(0, 4, 0, 0, ())),  # too close for the minimums: strength and taper
        (10, "some", Build(0, 6, 3, 0, (3,))),  # adaptation goes first, then power
        (12, "none", Build(2, 6, 3, 0, (5,))),
        (14, "some", Build(3, 6, 3, 1, (6,))),  # a 16-week build: minimums, a deload
        (16, "some", Build(3, 8, 3, 0, (4, 9))),  # strength grows to 8 first
        (18, "some", Build(4, 8, 4, 0, (4, 10))),
        (24, "some", Build(4, 8, 4, 6, (4, 10))),  # the rest is maintenance
        (24, "none", Build(6, 8, 4, 4, (6, 12))),  # never-lifted: 6 weeks of adaptation
    ],
)
def test_phases_fit_minimum_first(weeks: int, experience: Experience, expected: Build) -> None:
    build = fit_build(weeks, experience)
    assert build == expected
    assert build.weeks == weeks


@pytest.mark.parametrize("weeks", range(0, 25))
@pytest.mark.parametrize("experience", ["none", "some", "experienced"])
def test_every_build_fills_its_weeks_with_short_training_runs(
    weeks: int, experience: Experience
) -> None:
    build = fit_build(weeks, experience)
    assert build.weeks == weeks
    edges = (0, *build.deload_after, build.training)
    assert all(b - a <= 6 for a, b in itertools.pairwise(edges))
    assert build.strength >= min(4, weeks)
    if build.strength + build.adaptation + build.power + len(build.deload_after) < weeks:
        assert build.maintenance > 0


def test_a_sixteen_week_build_holds_every_phase_and_a_deload() -> None:
    # A deload keeps the number of the week it follows; the phase then carries on.
    assert _weekly(_profile(16), 16) == [
        *_run((AA, 3), (S, 3)),
        "deload:3",
        "strength:4", "strength:5", "strength:6",
        *_run((P, 3), (M, 1)),
        "taper:1",
        "race_week:1",
    ]  # fmt: skip


def test_race_week_is_the_seven_days_before_the_race() -> None:
    profile = _profile(20)
    assert profile.race is not None
    race = profile.race.date
    assert phase_for(profile, race, START).name == "race_week"
    assert phase_for(profile, race - 7 * DAY, START).name == "race_week"
    assert phase_for(profile, race - 8 * DAY, START).name == "taper"
    assert phase_for(profile, race - 14 * DAY, START).name == "taper"
    assert phase_for(profile, race - 15 * DAY, START).name not in ("taper", "race_week")


def test_maintenance_is_one_heavy_session_a_week() -> None:
    profile = _profile(26, spw=3)
    assert profile.race is not None
    maintenance = phase_for(profile, profile.race.date - 15 * DAY, START)
    assert maintenance.name == "maintenance" and maintenance.sessions_cap == 1
    assert maintenance.pct_e1rm == (0.80, 0.85)
    assert (maintenance.rep_low, maintenance.rep_high, maintenance.sets_high) == (3, 5, 2)


def test_taper_halves_the_week_before_it_and_keeps_the_intensity() -> None:
    profile = _profile(26, spw=3)
    assert profile.race is not None
    before = phase_for(profile, profile.race.date - 15 * DAY, START)
    taper = phase_for(profile, profile.race.date - 10 * DAY, START)
    assert taper.name == "taper" and taper.volume == 0.5 and taper.load == 1.0
    assert taper.sessions_cap == before.sessions_cap
    assert taper.pct_e1rm == (0.80, 0.85)
    assert not taper.plyometrics_allowed
    assert not phase_for(profile, profile.race.date - 3 * DAY, START).plyometrics_allowed


def test_deloads_cut_sets_load_and_jumps() -> None:
    profile = _profile(None)
    base = phase_for(profile, START, START)
    deload = phase_for(profile, START + dt.timedelta(weeks=3), START)
    assert deload.deload and deload.name == "deload"
    assert (deload.volume, deload.load, deload.plyo) == (0.6, 0.9, 0.6)
    assert deload.rep_low == base.rep_low  # the same work, less of it
    assert deload.rpe < base.rpe


def test_without_a_race_volume_and_heavy_blocks_alternate() -> None:
    some = [phase_for(_profile(None), START + dt.timedelta(weeks=w), START) for w in range(16)]
    assert [p.block for p in some[::4]] == ["volume", "heavy", "volume", "heavy"]
    heavy = some[4]
    assert (heavy.rep_low, heavy.rep_high) == (3, 5) and heavy.rpe == 8.0
    assert all(p.deload for p in some[3::4])
    novice = [phase_for(_profile(None, "none"), START + dt.timedelta(weeks=w), START)
              for w in range(12)]  # fmt: skip
    assert [p.block for p in novice[::4]] == ["adaptation", "volume", "heavy"]


def test_after_the_race_blocks_restart() -> None:
    profile = _profile(6)
    assert profile.race is not None
    after = phase_for(profile, profile.race.date + DAY, START)
    assert after.name == "base" and after.week == 1 and after.weeks_to_race is None


def test_a_race_far_away_is_base_until_the_countdown() -> None:
    profile = _profile(40)
    assert phase_for(profile, START, START).name == "base"
    assert profile.race is not None
    countdown_start = profile.race.date - dt.timedelta(weeks=26)
    assert phase_for(profile, countdown_start - DAY, START).name in ("base", "deload")
    assert phase_for(profile, countdown_start, START).name == AA


@pytest.mark.parametrize(
    ("distance", "block"), [("5k", "power"), ("marathon", "power"), ("ultra", "endurance")]
)
def test_race_distance_shapes_the_conversion_phase(distance: Distance, block: str) -> None:
    profile = _profile(20, distance=distance)
    assert profile.race is not None
    conversion = [phase_for(profile, START + dt.timedelta(weeks=w), START) for w in range(20)]
    found = [p for p in conversion if p.name == "power"]
    assert found and all(p.block == block for p in found)
    if block == "endurance":
        assert found[0].pct_e1rm == (0.20, 0.40)


@settings(max_examples=80, deadline=None)
@given(
    race_offset=st.integers(min_value=-30, max_value=400),
    day_offset=st.integers(min_value=0, max_value=400),
    experience=st.sampled_from(("none", "some", "experienced")),
)
def test_phase_fields_are_sane(race_offset: int, day_offset: int, experience: Experience) -> None:
    profile = _profile(None, experience)
    profile = Profile(
        **{**profile.__dict__, "race": Race(START + dt.timedelta(race_offset), "10k")}
    )
    phase = phase_for(profile, START + dt.timedelta(day_offset), START)
    assert 1 <= phase.week <= 8
    assert 1 <= phase.rep_low <= phase.rep_high <= 15
    assert 1 <= phase.sets_low <= phase.sets_high <= 5
    assert phase.rpe <= 8  # rule 5: never to failure
    assert phase.deload == (phase.name == "deload")
    assert 0 < phase.volume <= 1 and 0 < phase.load <= 1
    assert phase == phase_for(profile, START + dt.timedelta(day_offset), START)


def test_signing_up_on_the_last_day_of_a_race_week_does_not_use_up_week_1() -> None:
    """Issue 18: a race on a Monday makes the countdown weeks run Monday to Sunday; signing up
    on a Sunday put that one day in week 1 and the first full week in week 2. A first week
    with at most LEAD_IN_DAYS days left leads into the next one instead."""
    race = Race(dt.date(2027, 4, 19), "half")  # a Monday, 20 weeks after the sign-up
    profile = Profile(**{**_profile(None).__dict__, "race": race})
    sunday = dt.date(2026, 11, 29)
    monday = sunday + DAY

    def week(day: dt.date, start: dt.date) -> tuple[str, int]:
        phase = phase_for(profile, day, start)
        return phase.name, phase.week

    assert week(sunday, sunday) == week(monday, sunday) == (AA, 1)
    assert week(monday + 7 * DAY, sunday) == (AA, 2)
    assert phase_for(profile, sunday, sunday).weeks_to_race == 20  # the calendar's count
    assert phase_for(profile, monday, sunday).weeks_to_race == 19
    # Four days or more left: a week of its own, as before.
    thursday = sunday - 3 * DAY
    assert week(thursday, thursday) == (AA, 1)
    assert week(monday, thursday) == (AA, 2)
