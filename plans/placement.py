"""Which weekdays get strength sessions (COACHING.md rule 2).

No heavy lower-body work on the long-run day, the day before it, or the day before a hard
session; at least 48 h between strength sessions (the weekly cycle wraps Sun -> Mon);
easy-run and rest days preferred. Date-specific rules (the day before a race, race week)
are applied by the program builder, which knows the calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

from plans.profile import WEEKDAY_LABELS, Profile


def _prev(day: int) -> int:
    return (day - 1) % 7


def heavy_lower_blockers(profile: Profile, weekday: int) -> list[str]:
    """Why heavy lower-body work on this weekday would hurt the running ([] if it is fine)."""
    name = WEEKDAY_LABELS[weekday]
    reasons: list[str] = []
    if profile.long_run_day is not None:
        long_name = WEEKDAY_LABELS[profile.long_run_day]
        if weekday == profile.long_run_day:
            reasons.append(f"{name} is your long-run day")
        elif weekday == _prev(profile.long_run_day):
            reasons.append(f"{name} is the day before your long run ({long_name})")
    nxt = (weekday + 1) % 7
    if nxt in profile.hard_days and nxt != profile.long_run_day:
        reasons.append(f"{name} is the day before your hard session on {WEEKDAY_LABELS[nxt]}")
    return reasons


def heavy_lower_ok(profile: Profile, weekday: int) -> bool:
    return not heavy_lower_blockers(profile, weekday)


def cyclic_gaps(days: Iterable[int]) -> list[int]:
    """Days between consecutive sessions around the week (a single day gives [7])."""
    ordered = sorted(set(days))
    if not ordered:
        return []
    return [(ordered[(i + 1) % len(ordered)] - d) % 7 or 7 for i, d in enumerate(ordered)]


def spaced(days: Iterable[int]) -> bool:
    """True when every pair of sessions is at least 48 h apart, week after week."""
    return all(gap >= 2 for gap in cyclic_gaps(days))


def _score(profile: Profile, days: tuple[int, ...]) -> tuple[int, int, int, int, tuple[int, ...]]:
    blocked = sum(1 for d in days if not heavy_lower_ok(profile, d))
    on_hard = sum(1 for d in days if d in profile.hard_days)
    on_run = sum(1 for d in days if d in profile.running_days)
    uneven = sum(g * g for g in cyclic_gaps(days))
    return (blocked, on_hard, uneven, on_run, days)


def propose_strength_days(profile: Profile) -> tuple[int, ...]:
    """`sessions_per_week` weekdays, ≥ 48 h apart, avoiding blocked days where possible.

    Ranking: fewest days that break rule 2, then fewest hard-run days (lifting after a hard
    run is allowed but second best), then the most even spread, then rest over easy-run days.
    """
    count = max(1, min(3, profile.sessions_per_week))
    options = [c for c in combinations(range(7), count) if spaced(c)]
    return min(options, key=lambda c: _score(profile, c))


def placement_problems(profile: Profile, days: Iterable[int]) -> list[str]:
    """Friendly reasons why these strength days break rule 2; [] if they are fine."""
    chosen = sorted(set(days))
    problems: list[str] = []
    if not chosen:
        return ["Pick at least one day for strength work."]
    if len(chosen) > 3:
        problems.append("Three strength sessions a week is the most that helps your running.")
    for day in chosen:
        for reason in heavy_lower_blockers(profile, day):
            problems.append(f"{reason}: keep heavy leg work off it.")
    for i, day in enumerate(chosen):
        nxt = chosen[(i + 1) % len(chosen)]
        if len(chosen) > 1 and (nxt - day) % 7 < 2:
            problems.append(
                f"{WEEKDAY_LABELS[day]} and {WEEKDAY_LABELS[nxt]} are less than 48 h apart."
            )
    return problems


def strength_days(profile: Profile) -> tuple[int, ...]:
    """The athlete's chosen days (spaced ≥ 48 h, later clashes dropped) or the proposal."""
    if not profile.strength_days:
        return propose_strength_days(profile)
    kept: list[int] = []
    for day in sorted(set(profile.strength_days)):
        if spaced([*kept, day]):
            kept.append(day)
    return tuple(kept)


def planned_run(profile: Profile, weekday: int, kind: str) -> bool:
    """A hard run on one of the athlete's hard-run days, or a long run on the long-run day:
    the plan already placed the lifting around it (rule 2), so it holds nothing. An
    unplanned hard or long run within 24 h holds the next heavy lift (COACHING.md
    "Running load vs placement")."""
    if kind == "hard":
        return weekday in profile.hard_days
    if kind == "long":
        return weekday == profile.long_run_day
    return True
