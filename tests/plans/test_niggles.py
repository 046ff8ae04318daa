from __future__ import annotations

import datetime as dt
import math

import pytest

from plans.exercises import LIBRARY
from plans.niggles import (
    REGIONS,
    Niggle,
    NiggleStatus,
    active_niggles,
    adapt_for_niggles,
    bare_score,
    check_in_due,
    needs_professional,
    parse_niggle,
    parse_niggles,
    region_name,
    trend,
    without_niggles,
)
from plans.prescription import Prescription
from plans.profile import Profile, Race
from plans.programs import DayPlan, plan_day
from plans.readiness import NiggleReport, Readiness
from plans.sessions import estimate_minutes
from tests.plans.profiles import profile as _profile

START = dt.date(2027, 1, 4)  # a Monday
DAY = dt.timedelta(days=1)

# --- the parser ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "region", "score"),
    [
        ("knee 3/10", "knee", 3),
        ("Knee 3 out of 10", "knee", 3),
        ("achilles sore", "achilles", None),
        ("Achilles is a bit tight today", "achilles", None),
        ("my knee hurts after squats", "knee", None),
        ("calf pain 4", "calf", 4),
        ("hamstring 7 of 10", "hamstring", 7),
        ("4/10 pain in my shin", "shin", 4),
        ("pain in my left knee", "knee", None),
        ("kneecap aching", "knee", None),
        ("patella tendon sore 2/10", "knee", 2),
        ("runner's knee acting up", "knee", None),
        ("runner’s knee again", "knee", None),
        ("IT band tight", "it_band", None),
        ("ITB niggle", "it_band", None),
        ("shin splints again", "shin", None),
        ("plantar fascia aching", "foot", None),
        ("sore heel this morning", "foot", None),
        ("arch hurting", "foot", None),
        ("tweaked my ankle", "ankle", None),
        ("lower back tight", "lower_back", None),
        ("lower-back pain 3/10", "lower_back", 3),
        ("my back is sore", "lower_back", None),
        ("back sore after deadlifts", "lower_back", None),
        ("glute twinge", "glute", None),
        ("quads sore from squats", "quad", None),
        ("tweaked my groin", "groin", None),
        ("hip flexor tight", "hip", None),
        ("hammy injured", "hamstring", None),
        ("squats 3x5 60kg, knee sore", "knee", None),
        ("calf raises hurt my achilles", "achilles", None),
        ("knee pain 12/10", "knee", None),  # not a score, still pain
        ("knee feels better but still 2/10", "knee", 2),
        ("achilles 10/10", "achilles", 10),
        # A score in a clause of its own belongs to the region before it.
        ("knee hurts, 6/10", "knee", 6),
        ("my knee hurts, about 6/10 on stairs", "knee", 6),
        ("achilles is sore, pain 5", "achilles", 5),
        ("left knee, 6/10", "knee", 6),
        # How hard a set or run felt is not how much it hurts.
        ("knee hurts, rpe 8/10", "knee", None),
        ("squat 3x5 60kg, knee sore, effort 8 of 10", "knee", None),
        # A region and a score alone, as the coach asks for it.
        ("knee 2", "knee", 2),
        ("left achilles: 4", "achilles", 4),
        ("lower back 5", "lower_back", 5),
    ],
)
def test_parse_niggle(text: str, region: str, score: int | None) -> None:
    assert parse_niggle(text) == Niggle(region, score, False)


@pytest.mark.parametrize(
    "text",
    [
        "squat 3x5 60kg",
        "calf raise 3x15",
        "single-leg calf raises 3x12 @20",
        "hamstring curl 3x10",
        "knee drive 3x10",
        "hip thrust 3x8 60kg",
        "back squat 5x5",
        "/run 10k hard",
        "done",
        "how far should my long run be?",
        "knees to chest stretch",
        "knee 12/10",
        "calf raise hold 3x30s",
        "glute bridge 3x12",
        "hip flexor stretch 2x30s",
        "got back home, legs tired",
        "back from my run, all good",
        "heel drops 3x15",
        "short foot 2x30s",
        "ran 10k with my knee strapped, effort 8 of 10",
        "calf 8",  # eight calf raises, maybe: "calf" is an exercise's name too
        "hamstring 3",
        "knee 12",
        "",
    ],
)
def test_not_a_niggle(text: str) -> None:
    assert parse_niggle(text) is None
    assert parse_niggles(text) == []


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("knee fine", "knee"),
        ("knee 0/10", "knee"),
        ("Achilles better", "achilles"),
        ("no pain in my knee", "knee"),
        ("knee pain free now", "knee"),
        ("my knee doesn't hurt anymore", "knee"),
        ("calf ok now", "calf"),
        ("hamstring pain 0", "hamstring"),
    ],
)
def test_resolution(text: str, region: str) -> None:
    assert parse_niggle(text) == Niggle(region, 0, True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("knee and achilles sore", [("knee", None, False), ("achilles", None, False)]),
        ("knee, achilles and calf sore", [("knee", None, False), ("achilles", None, False),
                                          ("calf", None, False)]),
        ("knee 3/10, achilles 5/10", [("knee", 3, False), ("achilles", 5, False)]),
        ("knee fine but achilles sore 4/10", [("knee", 0, True), ("achilles", 4, False)]),
        ("knee sore and achilles fine", [("knee", None, False), ("achilles", 0, True)]),
        ("knee fine, sore achilles", [("knee", 0, True), ("achilles", None, False)]),
        ("sore knee and painful achilles", [("knee", None, False), ("achilles", None, False)]),
        ("knee sore, knee 3/10", [("knee", None, False)]),  # one per region: the first
        ("knee sore, achilles 3/10", [("knee", None, False), ("achilles", 3, False)]),
        ("knee hurts, 6/10, achilles fine", [("knee", 6, False), ("achilles", 0, True)]),
    ],
)  # fmt: skip
def test_parse_niggles(text: str, expected: list[tuple[str, int | None, bool]]) -> None:
    assert parse_niggles(text) == [Niggle(*row) for row in expected]
    assert parse_niggle(text) == Niggle(*expected[0])


@pytest.mark.parametrize(
    ("region", "name"),
    [("knee", "knee"), ("achilles", "Achilles"), ("lower_back", "lower back"),
     ("it_band", "IT band")],
)  # fmt: skip
def test_region_name(region: str, name: str) -> None:
    assert region_name(region) == name


def test_region_ids_fit_the_column() -> None:
    assert all(len(region) <= 16 and region.isidentifier() for region in REGIONS)


def test_a_resolution_reports_score_zero() -> None:
    assert Niggle("knee", 0, True).report(START) == NiggleReport(START, "knee", 0)
    assert Niggle("knee", 3, False).report(START) == NiggleReport(START, "knee", 3)


# --- over time ----------------------------------------------------------------------------


def _reports(*rows: tuple[int, str, int | None]) -> tuple[NiggleReport, ...]:
    return tuple(
        NiggleReport(START + offset * DAY, region, score) for offset, region, score in rows
    )


@pytest.mark.parametrize(
    ("rows", "offset", "expected"),
    [
        ([], 0, {}),
        ([(0, "knee", 3)], 0, {"knee": (3, 0, 0)}),
        ([(0, "knee", 3)], 7, {"knee": (3, 0, 0)}),  # a week old: still active
        ([(0, "knee", 3)], 8, {}),  # over a week: gone
        ([(0, "knee", 3)], -1, {}),  # reported later than the day
        ([(0, "knee", 3), (2, "knee", None)], 3, {"knee": (None, 0, 2)}),  # latest score
        ([(0, "knee", 3), (2, "knee", 0)], 3, {}),  # fine again
        ([(0, "knee", 3), (2, "knee", 0), (4, "knee", 2)], 5, {"knee": (2, 4, 4)}),
        ([(0, "knee", 3), (10, "knee", 2)], 11, {"knee": (2, 10, 10)}),  # a gap: new niggle
        ([(0, "knee", 3), (6, "knee", 2), (12, "knee", 2)], 13, {"knee": (2, 0, 12)}),
        ([(0, "knee", 3), (1, "achilles", 4)], 2, {"knee": (3, 0, 0), "achilles": (4, 1, 1)}),
        ([(0, "knee", 3), (0, "knee", 0)], 1, {}),  # same day: the later report counts
    ],
)
def test_active_niggles(
    rows: list[tuple[int, str, int | None]],
    offset: int,
    expected: dict[str, tuple[int | None, int, int]],
) -> None:
    found = active_niggles(_reports(*rows), START + offset * DAY)
    assert found == {
        region: NiggleStatus(region, score, START + since * DAY, START + last * DAY)
        for region, (score, since, last) in expected.items()
    }
    assert list(found) == list(expected)


@pytest.mark.parametrize(
    ("score", "since", "offset", "expected"),
    [
        (None, 0, 0, False),
        (3, 0, 0, False),
        (4, 0, 14, False),
        (5, 0, 0, True),
        (8, 0, 0, True),
        (None, 0, 14, False),
        (None, 0, 15, True),  # over two weeks
        (2, 3, 18, True),
    ],
)
def test_needs_professional(score: int | None, since: int, offset: int, expected: bool) -> None:
    status = NiggleStatus("knee", score, START + since * DAY, START + offset * DAY)
    assert needs_professional(status, START + offset * DAY) is expected


@pytest.mark.parametrize(
    ("rows", "offset", "expected"),
    [
        ([(0, "knee", 3)], 1, []),
        ([(0, "knee", 3)], 2, ["knee"]),
        ([(0, "knee", 3)], 3, ["knee"]),
        ([(0, "knee", 3)], 4, []),
        ([(0, "knee", 3), (2, "knee", 2)], 3, []),  # asked and answered
        ([(0, "knee", 3), (1, "knee", 0)], 3, []),  # fine again
        ([(0, "knee", 3), (1, "achilles", None)], 3, ["knee", "achilles"]),
    ],
)
def test_check_in_due(
    rows: list[tuple[int, str, int | None]], offset: int, expected: list[str]
) -> None:
    assert check_in_due(_reports(*rows), START + offset * DAY) == expected


def test_trend() -> None:
    reports = _reports((2, "knee", 2), (0, "knee", 4), (1, "achilles", 3), (5, "knee", 0))
    assert trend(reports, "knee") == [(START, 4), (START + 2 * DAY, 2), (START + 5 * DAY, 0)]
    assert trend(reports, "calf") == []


# --- the plan reacts ----------------------------------------------------------------------


def _niggle(region: str, score: int | None, day: dt.date, *, days: int = 1) -> Readiness:
    return Readiness(niggles=(NiggleReport(day - days * DAY, region, score),))


def _strength_days(profile: Profile, first: dt.date, n: int = 28) -> list[dt.date]:
    days = [first + i * DAY for i in range(n)]
    return [d for d in days if plan_day(profile, {}, d, plan_start=START).kind == "strength"]


def _patterns(plan: DayPlan) -> set[str]:
    return {LIBRARY[p.exercise].pattern for p in plan.exercises}


_KNEE_LOADING = {"squat", "single_leg", "plyometric"}
_HOLDS = {"spanish_squat", "wall_sit", "glute_bridge_hold"}


def _check_adapted(plain: DayPlan, adapted: DayPlan, profile: Profile) -> None:
    assert adapted.kind == plain.kind == "strength"
    assert adapted.minutes <= max(plain.minutes, profile.session_minutes)
    assert adapted.minutes == math.ceil(estimate_minutes(adapted.exercises, adapted.warmup_min))
    assert adapted.notes[: len(plain.notes)] == plain.notes
    for rx in adapted.exercises:
        assert LIBRARY[rx.exercise].available_with(
            "none" if profile.session_minutes <= 10 else profile.equipment
        )
    assert len({rx.exercise for rx in adapted.exercises}) == len(adapted.exercises)
    assert all(not any(w in n.lower() for w in ("tendin", "you have")) for n in adapted.notes)


@pytest.mark.parametrize("equipment", ["gym", "home", "none"])
@pytest.mark.parametrize("minutes", [20, 30, 45])
def test_knee_niggle_swaps_squats_lunges_and_jumps(equipment: str, minutes: int) -> None:
    race = Race(START + 12 * 7 * DAY, "10k")  # 10k strength phase: jumps in every session
    profile = _profile(equipment=equipment, session_minutes=minutes, race=race)
    for day in _strength_days(profile, START + 42 * DAY):
        plain = plan_day(profile, {}, day, plan_start=START)
        adapted = plan_day(profile, {}, day, plan_start=START, readiness=_niggle("knee", 3, day))
        _check_adapted(plain, adapted, profile)
        moved = {p.exercise for p in plain.exercises} - {p.exercise for p in adapted.exercises}
        kept = {p.exercise for p in adapted.exercises if p.exercise not in _HOLDS}
        assert not {LIBRARY[e].pattern for e in kept} & _KNEE_LOADING, adapted.exercises
        if _patterns(plain) & _KNEE_LOADING:
            assert moved
        if _patterns(plain) & {"squat", "single_leg"}:
            assert any(p.exercise in _HOLDS for p in adapted.exercises)
            note = next(n for n in adapted.notes if n.startswith("Knee niggle (3/10): "))
            if "plyometric" in _patterns(plain):
                assert "no jumps today" in note
        if equipment != "none" and "squat" in _patterns(plain):
            assert "spanish_squat" in {p.exercise for p in adapted.exercises}
        if equipment == "none":
            assert "spanish_squat" not in {p.exercise for p in adapted.exercises}
        assert not any("physio" in n for n in adapted.notes)


@pytest.mark.parametrize("equipment", ["gym", "home", "none"])
def test_achilles_niggle_holds_the_calves(equipment: str) -> None:
    race = Race(START + 12 * 7 * DAY, "5k")
    profile = _profile(equipment=equipment, race=race)
    for day in _strength_days(profile, START + 42 * DAY, 14):
        plain = plan_day(profile, {}, day, plan_start=START)
        adapted = plan_day(
            profile, {}, day, plan_start=START, readiness=_niggle("achilles", None, day)
        )
        _check_adapted(plain, adapted, profile)
        ids = [p.exercise for p in adapted.exercises]
        assert not {"calf_raise", "single_leg_calf_raise", "eccentric_calf_raise"} & set(ids)
        assert "plyometric" not in _patterns(adapted)
        if {"calf_raise", "single_leg_calf_raise"} & {p.exercise for p in plain.exercises}:
            hold = adapted.prescription("isometric_calf_hold")
            assert hold is not None and hold.seconds == 45 and hold.reps_low is None
            assert "isometric_calf_hold" in adapted.bodyweight
        assert any(n.startswith("Achilles niggle: ") for n in adapted.notes)


@pytest.mark.parametrize("equipment", ["gym", "home", "none"])
def test_hamstring_niggle_at_six_sends_to_a_physio(equipment: str) -> None:
    profile = _profile(equipment=equipment)
    for day in _strength_days(profile, START, 14):
        plain = plan_day(profile, {}, day, plan_start=START)
        readiness = _niggle("hamstring", 6, day)
        adapted = plan_day(profile, {}, day, plan_start=START, readiness=readiness)
        _check_adapted(plain, adapted, profile)
        hinges = [p.exercise for p in adapted.exercises if LIBRARY[p.exercise].pattern == "hinge"]
        assert set(hinges) <= {"hamstring_bridge_hold", "glute_bridge_hold"}
        assert "hamstring_bridge_hold" in hinges
        assert "Hamstring at 6/10: please see a physio or doctor." in adapted.notes


def test_long_niggle_sends_to_a_physio() -> None:
    profile = _profile()
    day = _strength_days(profile, START + 21 * DAY)[0]
    reports = tuple(NiggleReport(day - k * DAY, "calf", 2) for k in (16, 10, 4))
    adapted = plan_day(profile, {}, day, plan_start=START, readiness=Readiness(niggles=reports))
    assert any(
        n.startswith("Calf niggle for 2 weeks now: please see a physio") for n in adapted.notes
    )


def test_routine_and_race_week_adapt_too() -> None:
    routine = _profile(session_minutes=10, equipment="gym")
    for day in (START + i * DAY for i in range(7)):
        plain = plan_day(routine, {}, day, plan_start=START)
        adapted = plan_day(routine, {}, day, plan_start=START, readiness=_niggle("knee", 4, day))
        _check_adapted(plain, adapted, routine)
        assert not _patterns(adapted) & {"single_leg", "plyometric"}
        assert any(n.startswith("Knee niggle (4/10)") for n in adapted.notes)
    race = Race(START + 9 * 7 * DAY + 6 * DAY, "half")
    profile = _profile(race=race)
    week = [race.date - k * DAY for k in range(2, 8)]
    sessions = [
        d
        for d in week
        if plan_day(profile, {}, d, plan_start=START).title == "Race-week activation"
    ]
    assert sessions
    for day in sessions:
        plain = plan_day(profile, {}, day, plan_start=START)
        adapted = plan_day(profile, {}, day, plan_start=START, readiness=_niggle("knee", 2, day))
        _check_adapted(plain, adapted, profile)
        assert "single_leg" in _patterns(plain)
        assert "single_leg" not in _patterns(adapted)
        assert any(p.exercise in _HOLDS for p in adapted.exercises)


def test_mobility_and_rest_days_untouched() -> None:
    profile = _profile()
    for day in (START + i * DAY for i in range(14)):
        plain = plan_day(profile, {}, day, plan_start=START)
        if plain.kind == "strength":
            continue
        adapted = plan_day(profile, {}, day, plan_start=START, readiness=_niggle("knee", 7, day))
        assert adapted == plain


@pytest.mark.parametrize(
    ("reports", "changed"),
    [
        ((), False),
        ((NiggleReport(START - 9 * DAY, "knee", 3),), False),  # over a week old
        ((NiggleReport(START - 3 * DAY, "knee", 3), NiggleReport(START - DAY, "knee", 0)), False),
        ((NiggleReport(START + 5 * DAY, "knee", 3),), False),  # reported after the day
        ((NiggleReport(START - DAY, "knee", 3),), True),
    ],
)
def test_only_active_niggles_change_the_plan(
    reports: tuple[NiggleReport, ...], changed: bool
) -> None:
    profile = _profile()
    plain = plan_day(profile, {}, START, plan_start=START)
    adapted = plan_day(profile, {}, START, plan_start=START, readiness=Readiness(niggles=reports))
    assert plain.kind == "strength"
    assert (adapted != plain) is changed


@pytest.mark.parametrize(
    ("region", "equipment", "gone", "into"),
    [
        ("knee", "gym", {"back_squat", "reverse_lunge"}, {"spanish_squat", "wall_sit"}),
        ("knee", "none", {"split_squat", "reverse_lunge"}, {"wall_sit", "glute_bridge_hold"}),
        ("it_band", "home", {"goblet_squat", "reverse_lunge"}, {"spanish_squat", "wall_sit"}),
        ("quad", "gym", {"back_squat", "reverse_lunge"}, {"spanish_squat", "wall_sit"}),
        ("achilles", "gym", {"single_leg_calf_raise"}, {"isometric_calf_hold"}),
        ("calf", "none", {"single_leg_calf_raise"}, {"isometric_calf_hold"}),
        ("shin", "gym", {"single_leg_calf_raise"}, {"isometric_calf_hold"}),
        ("hamstring", "gym", {"hip_thrust"}, {"hamstring_bridge_hold"}),
        ("lower_back", "gym", {"back_squat", "hip_thrust"}, {"wall_sit", "glute_bridge_hold"}),
        ("lower_back", "none", set(), set()),
        ("glute", "gym", {"hip_thrust"}, {"glute_bridge_hold"}),
        ("hip", "gym", {"reverse_lunge"}, {"glute_bridge_hold"}),
        ("groin", "gym", set(), set()),
    ],
)
def test_swap_table_on_session_a(
    region: str, equipment: str, gone: set[str], into: set[str]
) -> None:
    profile = _profile(equipment=equipment)
    plain = plan_day(profile, {}, START, plan_start=START)
    assert plain.session_label == "A"
    adapted = plan_day(profile, {}, START, plan_start=START, readiness=_niggle(region, 3, START))
    _check_adapted(plain, adapted, profile)
    before = {p.exercise for p in plain.exercises}
    after = {p.exercise for p in adapted.exercises}
    assert before - after == gone
    assert after - before == into
    assert any(n.startswith(f"{region_name(region)[:1].upper()}") for n in adapted.notes)


def _rx(exercise: str, group: str, sets: int = 3, **kw: object) -> Prescription:
    return Prescription(exercise, sets, 6, 8, None, 60.0, 8.0, 150, group=group, **kw)  # type: ignore[arg-type]


def test_adapt_regroups_and_keeps_the_minutes() -> None:
    jumps = Prescription("pogo_hops", 3, None, None, None, None, 7.0, 60, foot_contacts=30,
                         group="A")  # fmt: skip
    lines = [
        jumps,
        _rx("back_squat", "B1"),
        _rx("dumbbell_row", "B2", 2),
        _rx("reverse_lunge", "C1"),
        _rx("plank", "C2", 2),
    ]
    status = {"knee": NiggleStatus("knee", 3, START, START)}
    rxs, notes = adapt_for_niggles(lines, "gym", status, START)
    assert [(p.exercise, p.group) for p in rxs] == [
        ("spanish_squat", "A1"), ("dumbbell_row", "A2"), ("wall_sit", "B1"), ("plank", "B2"),
    ]  # fmt: skip
    assert estimate_minutes(rxs) <= estimate_minutes(lines[1:])
    squat = rxs[0]
    assert (squat.sets, squat.seconds, squat.load_kg, squat.mode) == (3, 45, None, "hold")
    assert notes[0] == (
        "Knee niggle (3/10): back squat and reverse lunge swapped for Spanish squat and "
        "wall sit, no jumps today."
    )
    assert adapt_for_niggles(lines, "gym", {}, START) == (lines, [])


def test_two_niggles_and_nothing_left_to_swap() -> None:
    lines = [_rx("back_squat", "A"), _rx("split_squat", "B"), _rx("bulgarian_split_squat", "C")]
    statuses = {
        "knee": NiggleStatus("knee", None, START, START),
        "hamstring": NiggleStatus("hamstring", 5, START, START),
    }
    rxs, notes = adapt_for_niggles(lines, "none", statuses, START)
    # no kit: wall sit, then glute bridge hold; the third has no variant left and goes
    assert [(p.exercise, p.group) for p in rxs] == [("wall_sit", "A"), ("glute_bridge_hold", "B")]
    assert notes[0].startswith("Knee niggle: back squat, split squat and Bulgarian split squat")
    assert notes[1] == "Hamstring niggle (5/10): today's session goes easy on it."
    assert notes[2] == "Hamstring at 5/10: please see a physio or doctor."


@pytest.mark.parametrize(
    ("said", "rest"),
    [
        ("squat 3x5 60kg, knee 4/10", "squat 3x5 60kg"),
        ("rdl 8,8,7 @40, knee 3/10", "rdl 8,8,7 @40"),
        ("pushups 20, 18, 15, knee sore", "pushups 20, 18, 15"),
        ("squat 3x5 60kg\nrdl 3x8 40kg\nknee a bit sore 3/10", "squat 3x5 60kg\nrdl 3x8 40kg"),
        ("calf raise 3x15, calf tight", "calf raise 3x15"),
        ("long run 25k, achilles sore", "long run 25k"),
        ("knee 4/10", ""),
        ("calf tight after long run", ""),
        ("squat 3x5 60", "squat 3x5 60"),
    ],
)
def test_without_niggles_leaves_what_the_message_also_logs(said: str, rest: str) -> None:
    assert without_niggles(said) == rest


def test_a_bare_score_for_an_exercise_word_counts_only_while_that_region_niggles() -> None:
    assert bare_score("calf 2") is None  # two calf raises, maybe
    assert bare_score("calf 2", {"calf"}) == Niggle("calf", 2, False)
    assert bare_score("calf 2", {"knee"}) is None
    assert bare_score("knee 2") == Niggle("knee", 2, False)
    assert bare_score("calf 12", {"calf"}) is None
    assert bare_score("squat 2", {"calf"}) is None
