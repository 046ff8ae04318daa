"""Reading what runners type in answer to a question. Each parser returns the value or
raises InputError with a short line saying what works, with an example."""

from __future__ import annotations

import contextlib
import datetime as dt
import re

from plans.profile import WEEKDAY_LABELS, WEEKDAY_NAMES


class InputError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_TIME = re.compile(
    r"^(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?\s*(?P<ampm>a\.?m\.?|p\.?m\.?)?$", re.IGNORECASE
)
_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_WEEKDAY_WORDS = {
    **{name: i for i, name in enumerate(WEEKDAY_NAMES)},
    **{
        full: i
        for i, full in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}


def parse_time_of_day(text: str) -> int:
    """`07:00`, `7am`, `7:30 pm`, `19.30` → minutes after midnight."""
    match = _TIME.match(text.strip())
    if not match:
        raise InputError("I need a time like 07:00 or 7:30 pm.")
    hour, minute = int(match["h"]), int(match["m"] or 0)
    ampm = (match["ampm"] or "").lower().replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            raise InputError("With am/pm the hour goes from 1 to 12, e.g. 7am or 6:30 pm.")
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59:
        raise InputError(f"{text.strip()} isn't a time of day; use 24 h like 07:00 or 18:30.")
    return hour * 60 + minute


def format_minute(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def parse_date(text: str, today: dt.date | None = None) -> dt.date:
    """`2027-04-18`, `18 Apr 2027`, `April 18th, 2027`, `18.04.2027` → a date. With `today`,
    a day and month alone (`18 April`, `apr 18th`, `the 18th of April`) is the next one from
    today on."""
    raw = text.strip().lower().replace(",", " ")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    parts = [p for p in raw.replace("/", " ").replace(".", " ").split() if p not in ("the", "of")]
    try:
        if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
            return dt.date(int(parts[2]), int(parts[1]), int(parts[0]))  # day month year
        if len(parts) in (2, 3):
            words = [re.sub(r"(?<=\d)(st|nd|rd|th)$", "", p) for p in parts]
            day_first = words[0].isdigit() and words[1] in _MONTHS
            month_first = words[0] in _MONTHS and words[1].isdigit()
            if day_first or month_first:
                day = int(words[0] if day_first else words[1])
                month = _MONTHS[words[1] if day_first else words[0]]
                if len(words) == 3 and words[2].isdigit():
                    return dt.date(int(words[2]), month, day)
                if len(words) == 2 and today is not None:
                    return _next(month, day, today)
    except ValueError:
        raise InputError(f"{text.strip()} isn't a real date; try 2027-04-18.") from None
    raise InputError("I need a date like 2027-04-18, 18 Apr 2027 or 18 April.")


def _next(month: int, day: int, today: dt.date) -> dt.date:
    """The first `day` of `month` from today on (29 February: the next leap year's)."""
    dt.date(2000, month, day)  # ValueError for a day no year has (31 April)
    year = today.year
    while True:
        with contextlib.suppress(ValueError):  # 29 February in a common year
            if (found := dt.date(year, month, day)) >= today:
                return found
        year += 1


def parse_race_date(text: str, today: dt.date) -> dt.date:
    day = parse_date(text, today)
    if day == today:
        raise InputError("That's today! Send the date of your next race, e.g. 2027-04-18.")
    if day < today:
        raise InputError(
            f"{day:%d %b %Y} has already passed; send the date of a race still to come, "
            "e.g. 2027-04-18."
        )
    if day > today + dt.timedelta(days=730):
        raise InputError(
            f"{day:%d %b %Y} is more than two years away — too far to plan towards. Pick a race "
            "within two years, or tap “No race, general fitness”."
        )
    return day


def parse_weekday(text: str) -> int:
    word = text.strip().lower().rstrip(".")
    if word in _WEEKDAY_WORDS:
        return _WEEKDAY_WORDS[word]
    raise InputError("I need a weekday like Sunday or sun.")


def parse_weekdays(text: str) -> list[int]:
    """`tue thu`, `Tuesday, Thursday`, `none` → weekday numbers."""
    words = [w for w in re.split(r"[\s,;/&+]+|\band\b", text.strip().lower()) if w]
    if words in (["none"], ["no"], ["-"], ["nothing"]):
        return []
    try:
        return sorted({parse_weekday(w) for w in words})
    except InputError:
        raise InputError("I need weekdays like “tue, thu”, or “none”.") from None


def parse_int_choice(text: str, options: tuple[int, ...], what: str) -> int:
    raw = text.strip().lower()
    match = re.match(r"^(\d+)", raw)
    if match and int(match[1]) in options:
        return int(match[1])
    listed = ", ".join(map(str, options[:-1])) + f" or {options[-1]}"
    raise InputError(
        f"Please send {what} as a number: {listed} (e.g. {options[len(options) // 2]})."
    )


def weekday_list(days: list[int] | tuple[int, ...]) -> str:
    return ", ".join(WEEKDAY_LABELS[d] for d in sorted(days)) if days else "none"
