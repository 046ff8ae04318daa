"""When a daily message is due: local wall-clock time → UTC instant, DST-correct.

Pure functions: the timezone comes in as a tzinfo, the dates as parameters.
"""

from __future__ import annotations

import datetime as dt

UTC = dt.UTC


def _wall(instant: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    return instant.astimezone(tz).replace(tzinfo=None)


def local_due(day: dt.date, minute: int, tz: dt.tzinfo) -> dt.datetime:
    """The UTC instant of `minute` (after local midnight) on local `day`.

    A wall time inside a spring-forward gap maps to the first valid instant after it (the
    moment the clocks jump); one inside a repeated fall-back hour maps to its first occurrence.
    """
    if not 0 <= minute < 24 * 60:
        raise ValueError(f"minute of day out of range: {minute}")
    wall = dt.datetime.combine(day, dt.time(minute // 60, minute % 60))
    first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    earliest = min(first, second)
    if _wall(earliest, tz) == wall:
        return earliest  # exists (first occurrence when repeated)
    # In a gap: find the first instant whose local wall time is at or after `wall`.
    lo, hi = earliest, max(first, second)
    while hi - lo > dt.timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        if _wall(mid, tz) >= wall:
            hi = mid
        else:
            lo = mid
    return hi.replace(microsecond=0) if hi.microsecond == 0 else _ceil_second(hi)


def _ceil_second(instant: dt.datetime) -> dt.datetime:
    return instant.replace(microsecond=0) + dt.timedelta(seconds=1)


def local_date(instant: dt.datetime, tz: dt.tzinfo) -> dt.date:
    return instant.astimezone(tz).date()


def local_midnight_after(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """The UTC instant the local `day` ends."""
    return local_due(day + dt.timedelta(days=1), 0, tz)


def next_due(after: dt.datetime, minute: int, tz: dt.tzinfo) -> tuple[dt.date, dt.datetime]:
    """The first local day whose delivery instant is at or after `after`, and that instant."""
    day = local_date(after, tz) - dt.timedelta(days=1)
    while True:
        due = local_due(day, minute, tz)
        if due >= after:
            return day, due
        day += dt.timedelta(days=1)


def catchup_deadline(day: dt.date, due: dt.datetime, tz: dt.tzinfo, hours: float) -> dt.datetime:
    """Until when a missed message may still be sent late: `hours` after it was due, never past
    the athlete's local midnight."""
    return min(due + dt.timedelta(hours=hours), local_midnight_after(day, tz))
