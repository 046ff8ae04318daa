"""The runs and niggles a day's plan adapts to, read as `plans.readiness` values."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Niggle, RunLog
from plans.readiness import NiggleReport, Readiness, RunDone, run_kind

RUNS_BACK_DAYS = 35  # five weeks: this week's running volume against the four before
NIGGLES_BACK_DAYS = 28  # a niggle reported longer ago than this, and not since, is over

_RUNS = select(
    RunLog.athlete_id, RunLog.performed_on, RunLog.kind, RunLog.planned, RunLog.distance_km,
    RunLog.moving_s,
).order_by(RunLog.performed_on, RunLog.id)  # fmt: skip
_NIGGLES = select(Niggle.athlete_id, Niggle.reported_on, Niggle.region, Niggle.score).order_by(
    Niggle.reported_on, Niggle.id
)


class RecentBody:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def around(self, athlete_id: int, day: dt.date, *, days: int = 1) -> Readiness:
        """What the plan of `day` (and the `days` - 1 after it) adapts to: runs and niggle
        reports from some weeks before it up to its last day."""
        last = day + dt.timedelta(days=days - 1)
        return (await self.for_many([athlete_id], day, last))[athlete_id]

    async def for_many(
        self, athlete_ids: Collection[int], first_day: dt.date, last_day: dt.date
    ) -> dict[int, Readiness]:
        """`around` for a batch of athletes whose days lie between `first_day` and
        `last_day`, in two queries (daily delivery composes hundreds at once)."""
        if not athlete_ids:
            return {}
        ids = list(athlete_ids)
        runs: dict[int, list[RunDone]] = defaultdict(list)
        found = await self.session.execute(
            _RUNS.where(
                RunLog.athlete_id.in_(ids),
                RunLog.performed_on.between(
                    first_day - dt.timedelta(days=RUNS_BACK_DAYS), last_day
                ),
            )
        )
        for athlete_id, on, kind, planned, km, moving in found:
            runs[athlete_id].append(run_done(on, kind, planned, km, moving))
        niggles: dict[int, list[NiggleReport]] = defaultdict(list)
        reported = await self.session.execute(
            _NIGGLES.where(
                Niggle.athlete_id.in_(ids),
                Niggle.reported_on.between(
                    first_day - dt.timedelta(days=NIGGLES_BACK_DAYS), last_day
                ),
            )
        )
        for athlete_id, on, region, score in reported:
            niggles[athlete_id].append(NiggleReport(on, region, score))
        return {i: Readiness(tuple(runs[i]), tuple(niggles[i])) for i in ids}

    async def runs_since(self, athlete_id: int, since: dt.date) -> list[RunDone]:
        """Every run from `since` on, oldest first (for weekly volume over a longer span)."""
        found = await self.session.execute(
            _RUNS.where(RunLog.athlete_id == athlete_id, RunLog.performed_on >= since)
        )
        return [
            run_done(on, kind, planned, km, moving) for _, on, kind, planned, km, moving in found
        ]

    def add_niggle(self, row: Niggle) -> None:
        self.session.add(row)


def run_done(
    day: dt.date, kind: str, planned: bool, km: float | None, moving_s: int | None
) -> RunDone:
    """A stored run as the plans read it (moving time in minutes)."""
    return RunDone(day, run_kind(kind), planned, km, None if moving_s is None else moving_s / 60)
