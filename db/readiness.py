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


class RecentBody:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def around(self, athlete_id: int, day: dt.date, *, days: int = 1) -> Readiness:
        """What the plan of `day` (and the `days` - 1 after it) adapts to: runs and niggle
        reports from some weeks before it up to its last day."""
        last = day + dt.timedelta(days=days - 1)
        runs = await self.session.execute(
            select(
                RunLog.performed_on, RunLog.kind, RunLog.planned, RunLog.distance_km,
                RunLog.moving_s,
            )
            .where(
                RunLog.athlete_id == athlete_id,
                RunLog.performed_on.between(day - dt.timedelta(days=RUNS_BACK_DAYS), last),
            )
            .order_by(RunLog.performed_on, RunLog.id)
        )  # fmt: skip
        niggles = await self.session.execute(
            select(Niggle.reported_on, Niggle.region, Niggle.score)
            .where(
                Niggle.athlete_id == athlete_id,
                Niggle.reported_on.between(day - dt.timedelta(days=NIGGLES_BACK_DAYS), last),
            )
            .order_by(Niggle.reported_on, Niggle.id)
        )
        return Readiness(
            runs=tuple(_run(*found) for found in runs),
            niggles=tuple(NiggleReport(on, region, score) for on, region, score in niggles),
        )

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
            select(
                RunLog.athlete_id, RunLog.performed_on, RunLog.kind, RunLog.planned,
                RunLog.distance_km, RunLog.moving_s,
            )
            .where(
                RunLog.athlete_id.in_(ids),
                RunLog.performed_on.between(
                    first_day - dt.timedelta(days=RUNS_BACK_DAYS), last_day
                ),
            )
            .order_by(RunLog.performed_on, RunLog.id)
        )  # fmt: skip
        for athlete_id, on, kind, planned, km, moving in found:
            runs[athlete_id].append(_run(on, kind, planned, km, moving))
        niggles: dict[int, list[NiggleReport]] = defaultdict(list)
        reported = await self.session.execute(
            select(Niggle.athlete_id, Niggle.reported_on, Niggle.region, Niggle.score)
            .where(
                Niggle.athlete_id.in_(ids),
                Niggle.reported_on.between(
                    first_day - dt.timedelta(days=NIGGLES_BACK_DAYS), last_day
                ),
            )
            .order_by(Niggle.reported_on, Niggle.id)
        )
        for athlete_id, on, region, score in reported:
            niggles[athlete_id].append(NiggleReport(on, region, score))
        return {i: Readiness(tuple(runs.get(i, ())), tuple(niggles.get(i, ()))) for i in ids}

    async def runs_since(self, athlete_id: int, since: dt.date) -> list[RunDone]:
        """Every run from `since` on, oldest first (for weekly volume over a longer span)."""
        runs = await self.session.execute(
            select(
                RunLog.performed_on, RunLog.kind, RunLog.planned, RunLog.distance_km,
                RunLog.moving_s,
            )
            .where(RunLog.athlete_id == athlete_id, RunLog.performed_on >= since)
            .order_by(RunLog.performed_on, RunLog.id)
        )  # fmt: skip
        return [_run(*found) for found in runs]

    def add_niggle(self, row: Niggle) -> None:
        self.session.add(row)


def _run(day: dt.date, kind: str, planned: bool, km: float | None, moving_s: int | None) -> RunDone:
    return RunDone(day, run_kind(kind), planned, km, None if moving_s is None else moving_s / 60)
