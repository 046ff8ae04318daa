"""A multi-week look ahead at the plan, for onboarding and the plan-preview command."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from plans.profile import Profile
from plans.programs import DayPlan, plan_day
from plans.render import render_day, render_week
from plans.state import ExerciseState

_NO_STATES: Mapping[str, ExerciseState] = MappingProxyType({})


def preview(
    profile: Profile,
    start: dt.date,
    weeks: int,
    states: Mapping[str, ExerciseState] = _NO_STATES,
) -> list[DayPlan]:
    """Every day of `weeks` weeks from `start`, treating `start` as the plan's first day."""
    return [
        plan_day(profile, states, start + dt.timedelta(days=i), plan_start=start)
        for i in range(max(0, weeks) * 7)
    ]


def preview_json(
    profile: Profile,
    start: dt.date,
    weeks: int,
    states: Mapping[str, ExerciseState] = _NO_STATES,
) -> list[dict[str, Any]]:
    return [day.to_json() for day in preview(profile, start, weeks, states)]


def preview_text(
    profile: Profile,
    start: dt.date,
    weeks: int,
    states: Mapping[str, ExerciseState] = _NO_STATES,
) -> str:
    """Plain text for coaches: each week at a glance, then every strength session in full."""
    days = preview(profile, start, weeks, states)
    blocks: list[str] = []
    for i in range(0, len(days), 7):
        week = days[i : i + 7]
        blocks.append(render_week(week, profile.units).plain)
        blocks.extend(
            render_day(day, profile.units).plain for day in week if day.kind == "strength"
        )
    return "\n\n".join(blocks) + "\n"
