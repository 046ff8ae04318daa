from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.periodization import countdown, phase_for
from plans.profile import Experience, Profile, Race

START = dt.date(2027, 1, 4)  # a Monday


def _profile(race_weeks: int | None, experience: Experience = "some", spw: int = 3) -> Profile:
    race = None if race_weeks is None else Race(START + dt.timedelta(weeks=race_weeks), "half")
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
    out = []
    for w in range(weeks):
        phase = phase_for(profile, START + dt.timedelta(weeks=w), START)
        out.append(f"{phase.name}:{phase.week}")
    return out


AA, S, P, M = "anatomical_adaptation", "strength", "power", "maintenance"


def _run(*parts: tuple[str, int]) -> list[str]:
    """("strength", 3) -> ["strength:1", "strength:2", "strength:3"]."""
    return [f"{name}:{week}" for name, weeks in parts for week in range(1, weeks + 1)]


BLOCK = ["base:1", "base:2", "base:3", "deload:4"]
END = _run(("taper", 1), ("race_week", 1))


@pytest.mark.parametrize(
    ("race_weeks", "experience", "expected"),
    [
        (2, "some", [*_run((S, 1)), *END]),
        (8, "some", [*_run((S, 4), (P, 2), (M, 1)), *END]),
        (16, "some", [*_run((AA, 1), (S, 8), (P, 4), (M, 2)), *END]),
        (16, "none", [*_run((AA, 2), (S, 8), (P, 4), (M, 1)), *END]),
        (
            30,
            "some",
            [*BLOCK, *BLOCK, "base:1", "base:2", *_run((AA, 4), (S, 8), (P, 4), (M, 3)), *END],
        ),
        (None, "some", BLOCK * 3),
        (None, "none", [f"{AA}:1", f"{AA}:2", f"{AA}:3", "deload:4", "base:1", "base:2"]),
    ],
)
def test_phase_table(race_weeks: int | None, experience: Experience, expected: list[str]) -> None:
    profile = _profile(race_weeks, experience)
    assert _weekly(profile, len(expected)) == expected


def test_taper_and_race_week_are_the_last_fourteen_days() -> None:
    profile = _profile(20)
    assert profile.race is not None
    race = profile.race.date
    assert phase_for(profile, race, START).name == "race_week"
    assert phase_for(profile, race - dt.timedelta(days=6), START).name == "race_week"
    assert phase_for(profile, race - dt.timedelta(days=7), START).name == "taper"
    assert phase_for(profile, race - dt.timedelta(days=13), START).name == "taper"
    assert phase_for(profile, race - dt.timedelta(days=14), START).name == "maintenance"


def test_maintenance_is_one_session_a_week_and_taper_halves() -> None:
    profile = _profile(20, spw=3)
    assert profile.race is not None
    race = profile.race.date
    maintenance = phase_for(profile, race - dt.timedelta(days=15), START)
    assert maintenance.name == "maintenance" and maintenance.sessions_cap == 1
    taper = phase_for(profile, race - dt.timedelta(days=10), START)
    assert taper.sessions_cap == 2 and taper.sets_high <= 2
    assert not phase_for(profile, race - dt.timedelta(days=3), START).plyometrics_allowed


def test_deload_cuts_sets_and_load() -> None:
    profile = _profile(None)
    base = phase_for(profile, START, START)
    deload = phase_for(profile, START + dt.timedelta(weeks=3), START)
    assert deload.deload and deload.name == "deload"
    assert deload.sets_high < base.sets_high
    assert base.pct_e1rm is not None and deload.pct_e1rm is not None
    assert deload.pct_e1rm[1] == pytest.approx(base.pct_e1rm[1] * 0.9)
    assert deload.rpe < base.rpe


def test_after_the_race_blocks_restart() -> None:
    profile = _profile(6)
    assert profile.race is not None
    after = phase_for(profile, profile.race.date + dt.timedelta(days=1), START)
    assert after.name == "base" and after.week == 1 and after.weeks_to_race is None


def test_race_far_away_is_base_until_the_countdown() -> None:
    profile = _profile(40)
    assert phase_for(profile, START, START).name == "base"
    # 40 weeks out: 19 countdown weeks + taper + race week leave 19 weeks of base first.
    assert phase_for(profile, START + dt.timedelta(weeks=19), START).name == "deload"
    assert phase_for(profile, START + dt.timedelta(weeks=20), START).name == AA


def test_countdown_shortens_from_the_front() -> None:
    full = countdown(_profile(None), 30)
    assert full == [(AA, 4), (S, 8), (P, 4), (M, 3)]
    assert countdown(_profile(None), 16) == [(AA, 1), (S, 8), (P, 4), (M, 3)]
    assert countdown(_profile(None), 9) == [(AA, 1), (S, 5), (P, 2), (M, 1)]
    assert countdown(_profile(None), 7) == [(S, 4), (P, 2), (M, 1)]
    assert countdown(_profile(None), 3) == [(S, 3)]
    assert countdown(_profile(None), 0) == []


@settings(max_examples=60, deadline=None)
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
    assert phase == phase_for(profile, START + dt.timedelta(day_offset), START)
