"""Coming back after a quiet week (issue 18): the weekly summary checks in once, kindly, and
the next session is a lighter one; a second quiet week is not nagged about."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from bot.coach.planning import plan_for
from bot.coach.summary import compose_weekly
from db.models import SetLog
from fakes.athletes import PROFILE, make_athlete
from plans import loads
from plans.exercises import LIBRARY, round_load
from plans.periodization import phase_for
from plans.profile import Profile
from plans.programs import DayPlan, plan_day
from plans.reentry import REENTRY_NOTE, checks_in, ease_back, returning
from plans.render import render_day
from plans.state import ExerciseState
from tests.conftest import BotHarness
from tests.test_delivery import RecordingSender

PLAN_START = dt.date(2026, 11, 9)  # a Monday: 23–29 Nov is week 3 of the first base block
# PROFILE: strength on Wed and Fri, weekly summary on Sunday, daily message at 07:00 Berlin.
WED_11, FRI_13 = dt.date(2026, 11, 11), dt.date(2026, 11, 13)
SUN_22, WED_25, FRI_27, SUN_29 = (dt.date(2026, 11, d) for d in (22, 25, 27, 29))


def at(day: dt.date, hour: int = 6, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, 5), tzinfo=dt.UTC)


# --- the pure rules ---------------------------------------------------------------------------


def test_a_comeback_follows_a_summary_week_with_nothing_logged() -> None:
    assert not returning(WED_25, None)  # never logged: the first session starts light anyway
    assert not returning(WED_25, dt.date(2026, 11, 16))  # logged in the week of 16–22 Nov
    assert returning(WED_25, dt.date(2026, 11, 15))  # nothing in 16–22 Nov, nor since
    assert returning(dt.date(2026, 11, 23), dt.date(2026, 11, 15))  # even the Monday after
    assert not returning(SUN_29, dt.date(2026, 11, 16))  # its own week is not over yet
    # Nine days apart but the week before was logged in: the usual rhythm, not a comeback.
    assert not returning(dt.date(2026, 12, 4), WED_25)
    # Weeks ending on Wednesday (summary_day 2): Thu 12 – Wed 18 Nov was empty.
    assert returning(dt.date(2026, 11, 20), dt.date(2026, 11, 11), summary_day=2)
    assert not returning(dt.date(2026, 11, 20), dt.date(2026, 11, 12), summary_day=2)


def test_checks_in_once_per_quiet_spell() -> None:
    assert checks_in(planned=2, logged=False, logged_week_before=True, new_to_plan=False)
    assert checks_in(planned=2, logged=False, logged_week_before=False, new_to_plan=True)
    assert not checks_in(planned=2, logged=False, logged_week_before=False, new_to_plan=False)
    assert not checks_in(planned=2, logged=True, logged_week_before=True, new_to_plan=False)
    assert not checks_in(planned=0, logged=False, logged_week_before=True, new_to_plan=False)


def test_ease_back_is_a_lighter_loadable_session() -> None:
    profile = profile_of_dict()
    for day in (WED_25, FRI_27):  # two templates: one with jumps
        bare = plan_day(profile, {}, day, plan_start=PLAN_START)
        states = {  # every loaded lift with a working load on record
            p.exercise: ExerciseState(p.exercise, working_load_kg=43.0, target_reps=8,
                                      reps_low=8, reps_high=10, sessions=4)
            for p in bare.exercises
            if LIBRARY[p.exercise].load_type == "external"
        }  # fmt: skip
        plan = plan_day(profile, states, day, plan_start=PLAN_START)
        assert plan.kind == "strength" and not plan.phase.holds_progress
        easy = ease_back(plan, equipment="gym", units="kg")
        assert easy.notes[0] == REENTRY_NOTE and easy.minutes < plan.minutes
        assert sum(p.sets for p in easy.exercises) <= 0.7 * sum(p.sets for p in plan.exercises)
        full = {p.exercise: p for p in plan.exercises}
        lighter = 0
        for p in easy.exercises:
            before = full[p.exercise]
            assert 1 <= p.sets <= before.sets and p.mode == "hold" and p.rpe <= 7
            if before.load_kg is not None:
                assert p.load_kg is not None and p.load_kg <= before.load_kg
                kit = loads.kit(LIBRARY[p.exercise], "gym")
                assert round_load(p.load_kg, kit) == p.load_kg  # still loadable
                lighter += p.load_kg < before.load_kg
        assert lighter >= 2
        jumps = sum(p.foot_contacts or 0 for p in plan.exercises)
        fewer = sum(p.foot_contacts or 0 for p in easy.exercises)
        assert fewer == 10 * round(jumps * 0.6 / 10)  # −40 % in whole sets of 10

    deload_day = next(
        PLAN_START + dt.timedelta(days=7 * w + 2)
        for w in range(12)
        if phase_for(profile, PLAN_START + dt.timedelta(days=7 * w + 2), PLAN_START).deload
    )
    deload = plan_day(profile, {}, deload_day, plan_start=PLAN_START)
    assert ease_back(deload, equipment="gym", units="kg") == deload  # easy already
    rest = plan_day(profile, {}, dt.date(2026, 11, 24), plan_start=PLAN_START)
    assert ease_back(rest, equipment="gym", units="kg") == rest


def profile_of_dict() -> Profile:
    return Profile.from_dict(dict(PROFILE))


# --- in the chat ------------------------------------------------------------------------------


async def athlete_who_went_quiet(bot: BotHarness, user: int = 950) -> int:
    """Logged Wed 11 and Fri 13 Nov, then nothing."""
    athlete_id = await make_athlete(bot.db, user, now=at(PLAN_START), plan_start=PLAN_START)
    for day in (WED_11, FRI_13):
        bot.clock.at = at(day, 17)
        (reply,) = await bot.say(user, "squat 3x5 60kg")
        assert "Logged" in reply, reply
    return athlete_id


async def summary_of(bot: BotHarness, athlete_id: int, week_end: dt.date) -> str:
    async with bot.storage.read() as unit:
        athlete = await unit.athletes.by_id(athlete_id)
        assert athlete is not None
        return (await compose_weekly(unit, athlete, week_end)).plain


async def test_a_quiet_week_is_checked_in_on_once(bot: BotHarness) -> None:
    athlete_id = await athlete_who_went_quiet(bot)
    logged_week = await summary_of(bot, athlete_id, dt.date(2026, 11, 15))
    assert "👋" not in logged_week and "Sessions: 2 of 2 planned done" in logged_week
    # Base again next week: the phase was explained when the athlete met it, not every week.
    assert "Next week: Base · volume (week 2) — focus" in logged_week

    quiet = await summary_of(bot, athlete_id, SUN_22)
    assert "Sessions: 0 of 2 planned done" in quiet
    assert "Nothing logged this week — that's fine" in quiet
    assert "your next session (Wed 25 Nov) is a lighter one to ease back in" in quiet
    assert "tonnage" not in quiet  # nothing lifted, nothing to explain

    again = await summary_of(bot, athlete_id, SUN_29)  # still quiet: no second check-in
    assert "Sessions: 0 of 2 planned done" in again
    assert "👋" not in again and "Reply with what you did" not in again


async def test_a_new_athlete_who_logged_nothing_hears_once_too(bot: BotHarness) -> None:
    athlete_id = await make_athlete(bot.db, 951, now=at(dt.date(2026, 11, 16)))
    first = await summary_of(bot, athlete_id, SUN_22)
    assert "Nothing logged yet — no worries" in first and "(Wed 25 Nov)" in first
    assert "lighter" not in first  # a first session is not a comeback
    assert "👋" not in await summary_of(bot, athlete_id, SUN_29)


async def test_the_next_session_after_a_quiet_week_is_lighter(bot: BotHarness) -> None:
    athlete_id = await athlete_who_went_quiet(bot)
    async with bot.storage.read() as unit:
        athlete = await unit.athletes.by_id(athlete_id)
        assert athlete is not None
        full = (await plan_for(unit, athlete, WED_25)).plan
    sender = RecordingSender()
    sender.clock = bot.clock
    bot.clock.at = at(WED_25, 5)
    async with bot.storage.write() as unit:
        athlete = await unit.athletes.by_id(athlete_id)
        assert athlete is not None
        await bot.core.delivery.schedule(unit, athlete)
    bot.clock.at = at(WED_25)  # Wednesday's message, 07:00 in Berlin
    await bot.core.delivery.tick(sender)
    (wednesday,) = sender.to(950)
    assert "Welcome back: a lighter session" in wednesday.text
    first = full.exercises[0]
    name = LIBRARY[first.exercise].name
    assert first.sets == 3 and f"{name} 3×" in full_text(full)
    assert f"{name} 2×" in wednesday.text  # 3 sets − 40 %

    (today,) = await bot.say(950, "/today")
    assert "Welcome back: a lighter session" in today
    (week,) = await bot.say(950, "/week")
    assert week.count(f"{full.title} · {full.minutes} min") == 0  # shorter on Wednesday

    # "Done" would log the full prescription: it asks for what was done instead.
    (asked,) = await bot.press(950, f"dl:done:{WED_25.isoformat()}")
    example = f"{name.lower()} 2x{first.target}"
    assert "reply e.g." in asked and example in asked
    assert await sets_on(bot, athlete_id, WED_25) == 0

    (logged,) = await bot.say(950, example + " 60kg")
    assert "Logged" in logged
    for day in (26, 27):  # back in the rhythm: Friday is a full session again
        bot.clock.at = at(dt.date(2026, 11, day))
        await bot.core.delivery.tick(sender)
    friday = sender.to(950)[-1]
    assert friday.text.startswith("Session")
    assert "Welcome back" not in friday.text


def full_text(plan: DayPlan) -> str:
    return render_day(plan, "kg").plain


async def sets_on(bot: BotHarness, athlete_id: int, day: dt.date) -> int:
    async with bot.db.read() as session:
        query = select(func.count()).where(SetLog.athlete_id == athlete_id,
                                           SetLog.performed_on == day)  # fmt: skip
        return int((await session.execute(query)).scalar_one())


async def test_next_weeks_phase_reads_in_plain_words(bot: BotHarness) -> None:
    """Issue 18 read "1 weeks to race day": counts agree, and a phase met for the first time is
    said in plain words."""
    race = {"date": "2026-12-13", "distance": "half"}  # Sunday: 30 Nov – 6 Dec is 1 week out
    athlete_id = await make_athlete(
        bot.db, 952, now=at(dt.date(2026, 9, 7)), plan_start=dt.date(2026, 9, 7),
        profile={**PROFILE, "race": race},
    )  # fmt: skip
    profile = Profile.from_dict({**PROFILE, "race": race})
    phase = phase_for(profile, dt.date(2026, 11, 30), dt.date(2026, 9, 7))
    assert phase.name == "taper" and phase.weeks_to_race == 1
    said = await summary_of(bot, athlete_id, SUN_29)
    assert "1 week to race day" in said and "1 weeks" not in said
    assert "Taper (week 1, 1 week to race day): half the lifting before the race" in said


async def test_a_phase_is_explained_the_first_time_the_plan_reaches_it(bot: BotHarness) -> None:
    athlete_id = await make_athlete(bot.db, 953, now=at(dt.date(2026, 11, 1)),
                                    plan_start=dt.date(2026, 11, 2))  # fmt: skip
    first = await summary_of(bot, athlete_id, dt.date(2026, 11, 1))  # the Sunday before
    assert "Next week: Base · volume (week 1): all-round strength" in first
    assert "all-round strength" not in await summary_of(bot, athlete_id, dt.date(2026, 11, 8))
    deload = await summary_of(bot, athlete_id, dt.date(2026, 11, 22))
    assert "Next week: Deload (week 4): an easy week to recover" in deload
    # Base again after the deload, and the next deload: said before, not said again.
    assert "all-round strength" not in await summary_of(bot, athlete_id, SUN_29)
    again = await summary_of(bot, athlete_id, dt.date(2026, 12, 20))
    assert "Next week: Deload (week 4) — focus" in again
