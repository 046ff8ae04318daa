"""The profile most plan tests start from, changed field by field."""

from __future__ import annotations

from plans.profile import Profile

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def profile(**changes: object) -> Profile:
    """Runs Tue, Thu (hard), Sat and Sun (long); some lifting, a gym, two 45-minute
    sessions; any field replaced by `changes`."""
    base: dict[str, object] = dict(
        running_days=frozenset({TUE, THU, SAT, SUN}),
        long_run_day=SUN,
        hard_days=frozenset({THU}),
        race=None,
        strength_experience="some",
        equipment="gym",
        sessions_per_week=2,
        session_minutes=45,
    )
    base.update(changes)
    return Profile(**base)  # type: ignore[arg-type]
