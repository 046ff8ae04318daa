"""Workout history in and out as CSV: Strong and Hevy exports read, Hevy's layout written.

Pure: bytes in, rows out (and back). No database, no clock. Every problem with a row is an
error naming its line, so the athlete can fix the file; whole-file problems (too big, not a
CSV we know) raise `TransferError` with a friendly sentence.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from plans.units import LB_TO_KG

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 100_000
MAX_REPS = 1000
MAX_LOAD_KG = 1000.0
MAX_SECONDS = 24 * 3600

HEVY_COLUMNS: tuple[str, ...] = (
    "title",
    "start_time",
    "end_time",
    "description",
    "exercise_title",
    "superset_id",
    "exercise_notes",
    "set_index",
    "set_type",
    "weight_kg",
    "reps",
    "distance_km",
    "duration_seconds",
    "rpe",
)
HEVY_TIME = "%d %b %Y, %H:%M"  # "15 Jan 2023, 08:30", as Hevy writes it
_TIME_FORMATS = (
    HEVY_TIME,
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%d %B %Y, %H:%M",
)
# Spreadsheets run cells that start like a formula; OWASP adds tab and carriage return.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PER_SIDE_NOTE = "per side"

SetType = Literal["normal", "warmup", "failure", "dropset"]
Source = Literal["strong", "hevy"]
SIZE_HINT = "Send a CSV under 5 MB (export a shorter date range in Strong or Hevy)."


class TransferError(ValueError):
    """A file we cannot import at all; `message` is what the athlete should read."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ImportedSet(NamedTuple):
    """One set read from an export. Loads in kg; `set_index` counts from 1."""

    line: int
    exercise_name: str
    set_index: int
    set_type: SetType
    load_kg: float | None
    reps: int | None
    seconds: int | None
    rpe: float | None
    notes: str = ""
    per_side: bool = False

    @property
    def failed(self) -> bool:
        return self.set_type == "failure"


@dataclass(frozen=True)
class Workout:
    """One workout of an export: its title, start (local, naive) and sets in file order."""

    title: str
    started_at: dt.datetime
    description: str
    sets: tuple[ImportedSet, ...]

    @property
    def key(self) -> str:
        """Stable identity of the workout's content: the same rows give the same key."""
        parts = [self.started_at.isoformat(timespec="minutes"), _norm(self.title)]
        for s in self.sets:
            parts.append(
                "|".join(
                    (
                        _norm(s.exercise_name),
                        str(s.set_index),
                        s.set_type,
                        _num(s.load_kg),
                        str(s.reps if s.reps is not None else ""),
                        str(s.seconds if s.seconds is not None else ""),
                        _num(s.rpe),
                        "s" if s.per_side else "",
                    )
                )
            )
        digest = hashlib.sha1("\n".join(parts).encode(), usedforsecurity=False).hexdigest()
        return f"import:{digest}"


@dataclass
class ParsedExport:
    source: Source
    workouts: list[Workout] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rows: int = 0
    skipped: int = 0  # warm-ups, rest timers, cardio-only rows


@dataclass(frozen=True)
class ExportRow:
    """One set in Hevy's layout, values already in the file's units (kg, seconds)."""

    title: str
    start_time: dt.datetime
    end_time: dt.datetime
    description: str
    exercise_title: str
    exercise_notes: str
    set_index: int  # from 0, as Hevy counts
    set_type: SetType
    weight_kg: float | None
    reps: int | None
    duration_seconds: int | None
    rpe: float | None


# --- small helpers ----------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.lower()))


def _num(value: float | None) -> str:
    if value is None:
        return ""
    text = f"{round(value, 4):.4f}".rstrip("0").rstrip(".")
    return text or "0"


def check_size(size: int | None) -> str | None:
    """Why a file of `size` bytes is refused before downloading it, or None if it is fine."""
    if size is not None and size > MAX_BYTES:
        return f"That file is {size / 1024 / 1024:.1f} MB; the limit is 5 MB. {SIZE_HINT}"
    return None


def escape_cell(value: str) -> str:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ gets a leading quote."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _unescape(value: str) -> str:
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


class _RowError(ValueError):
    pass


def _float(raw: str, what: str, *, comma_decimal: bool = False) -> float | None:
    text = raw.strip()
    if not text:
        return None
    if comma_decimal:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        raise _RowError(f"{what} '{raw.strip()[:20]}' is not a number") from None
    if not math.isfinite(value):
        raise _RowError(f"{what} '{raw.strip()[:20]}' is not a number")
    if value < 0:
        raise _RowError(f"{what} {text} is negative")
    return value


def _int(raw: str, what: str, limit: int, *, comma_decimal: bool = False) -> int | None:
    value = _float(raw, what, comma_decimal=comma_decimal)
    if value is None:
        return None
    if value != int(value):
        raise _RowError(f"{what} '{raw.strip()[:20]}' is not a whole number")
    if value > limit:
        raise _RowError(f"{what} {int(value)} is more than {limit}")
    return int(value)


@functools.lru_cache(maxsize=4096)  # a workout's rows repeat its start time
def _time(raw: str, what: str) -> dt.datetime:
    text = raw.strip()
    if text[:4].isdigit():
        try:  # ISO: Strong's "2024-01-15 08:30:00"; with an offset, keep the wall time
            return dt.datetime.fromisoformat(text).replace(tzinfo=None)
        except ValueError:
            pass
    for fmt in _TIME_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise _RowError(f"{what} '{text[:30]}' is not a date and time")


# --- reading ----------------------------------------------------------------------------


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return content.decode("cp1252")
        except UnicodeDecodeError:
            raise TransferError(
                "I couldn't read that file as text. Send the CSV exactly as Strong or Hevy "
                "exported it."
            ) from None


def _delimiter(first_line: str) -> str:
    return ";" if first_line.count(";") > first_line.count(",") else ","


def parse_export(content: bytes) -> ParsedExport:
    """Read a Strong or Hevy CSV export into workouts; row problems land in `errors`."""
    if len(content) > MAX_BYTES:
        raise TransferError(check_size(len(content)) or SIZE_HINT)
    text = _decode(content)
    first = text.split("\n", 1)[0]
    delimiter = _delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise TransferError(_UNKNOWN) from None
    columns = [h.strip().lower() for h in header]
    if {"title", "start_time", "exercise_title"} <= set(columns):
        return _read(reader, columns, "hevy", delimiter)
    if {"date", "exercise name"} <= set(columns) and "reps" in columns:
        return _read(reader, columns, "strong", delimiter)
    raise TransferError(_UNKNOWN)


_UNKNOWN = (
    "That doesn't look like a Strong or Hevy export. In Strong: Settings → Export data; in "
    "Hevy: Settings → Export & import data → Export workouts. Then send me the CSV file."
)


class _Columns:
    """Where each field sits in a row, by header name."""

    def __init__(self, columns: Sequence[str]) -> None:
        self.index = {name: i for i, name in enumerate(columns)}

    def get(self, row: Sequence[str], *names: str) -> str:
        for name in names:
            i = self.index.get(name)
            if i is not None and i < len(row):
                return _unescape(row[i].strip())
        return ""

    def has(self, name: str) -> bool:
        return name in self.index


def _read(
    reader: Iterator[list[str]], columns: Sequence[str], source: Source, delimiter: str
) -> ParsedExport:
    cols = _Columns(columns)
    result = ParsedExport(source)
    order: list[tuple[str, dt.datetime]] = []
    grouped: dict[tuple[str, dt.datetime], tuple[str, list[ImportedSet]]] = {}
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise TransferError(
                f"Line {line + 1} of that file is broken ({error}). Send the CSV exactly as "
                "Strong or Hevy exported it."
            ) from None
        start_line = line + 1
        line = int(getattr(reader, "line_num", start_line))  # a quoted cell may span lines
        if not any(cell.strip() for cell in row):
            continue
        result.rows += 1
        if result.rows > MAX_ROWS:
            raise TransferError(
                f"That file has more than {MAX_ROWS:,} rows. Export a shorter date range and "
                "send the parts one by one."
            )
        try:
            read = (
                _hevy_row(cols, row, start_line)
                if source == "hevy"
                else _strong_row(cols, row, start_line, comma_decimal=delimiter == ";")
            )
        except _RowError as error:
            result.errors.append(f"line {start_line}: {error}")
            continue
        if read is None:
            result.skipped += 1
            continue
        title, started, description, entry = read
        workout_id = (title, started)
        if workout_id not in grouped:
            order.append(workout_id)
            grouped[workout_id] = (description, [])
        grouped[workout_id][1].append(entry)
    for workout_id in order:
        description, sets = grouped[workout_id]
        workout = Workout(workout_id[0], workout_id[1], description, tuple(sets))
        result.workouts.append(numbered(workout))
    return result


def _measured(
    exercise: str, reps: int | None, seconds: int | None, load: float | None
) -> tuple[int | None, int | None]:
    """Strong writes 0 for an empty field: a set has reps, or failing that seconds."""
    if not exercise:
        raise _RowError("the exercise name is empty")
    if reps == 0 and seconds:
        reps = None
    if seconds == 0 and reps is not None:
        seconds = None
    if load is not None and load > MAX_LOAD_KG:
        raise _RowError(f"weight {_num(load)} kg is more than {MAX_LOAD_KG:g} kg")
    return reps, seconds


def _hevy_row(
    cols: _Columns, row: Sequence[str], line: int
) -> tuple[str, dt.datetime, str, ImportedSet] | None:
    title = cols.get(row, "title") or "Workout"
    started = _time(cols.get(row, "start_time"), "start time")
    set_type = (cols.get(row, "set_type") or "normal").lower()
    if set_type not in ("normal", "warmup", "failure", "dropset"):
        raise _RowError(f"set type '{set_type[:20]}' is not normal, warmup, failure or dropset")
    if set_type == "warmup":
        return None
    if cols.has("weight_lbs") and not cols.has("weight_kg"):
        lbs = _float(cols.get(row, "weight_lbs"), "weight")
        load = None if lbs is None else lbs * LB_TO_KG
    else:
        load = _float(cols.get(row, "weight_kg"), "weight")
    reps = _int(cols.get(row, "reps"), "reps", MAX_REPS)
    seconds = _int(cols.get(row, "duration_seconds"), "duration", MAX_SECONDS)
    rpe = _rpe(cols.get(row, "rpe"))
    index = _int(cols.get(row, "set_index"), "set index", 10_000)
    exercise = cols.get(row, "exercise_title")
    reps, seconds = _measured(exercise, reps, seconds, load)
    distance = _float(cols.get(row, "distance_km", "distance_miles"), "distance")
    if reps is None and (seconds is None or distance):
        return None  # cardio: not strength work
    notes = cols.get(row, "exercise_notes")
    per_side = notes == PER_SIDE_NOTE or notes.startswith(PER_SIDE_NOTE + "; ")
    if per_side:
        notes = notes[len(PER_SIDE_NOTE) + 2 :]
    entry = ImportedSet(
        line=line,
        exercise_name=exercise,
        set_index=(index or 0) + 1,
        set_type="failure" if set_type == "failure" else "normal",
        load_kg=load,
        reps=reps,
        seconds=seconds,
        rpe=rpe,
        notes=notes,
        per_side=per_side,
    )
    return title, started, cols.get(row, "description"), entry


def _strong_row(
    cols: _Columns, row: Sequence[str], line: int, *, comma_decimal: bool
) -> tuple[str, dt.datetime, str, ImportedSet] | None:
    started = _time(cols.get(row, "date"), "date")
    title = cols.get(row, "workout name") or "Workout"
    order = cols.get(row, "set order").strip()
    set_type: SetType = "normal"
    if order.upper() == "W":
        return None
    if order.lower() in ("rest timer", "note"):
        return None
    if order.upper() in ("F", "D"):
        set_type = "failure" if order.upper() == "F" else "dropset"
        index = None
    else:
        index = _int(order, "set order", 10_000)
    weight = _float(cols.get(row, "weight", "weight (kg)", "weight (lbs)"), "weight",
                    comma_decimal=comma_decimal)  # fmt: skip
    unit = cols.get(row, "weight unit").lower()
    in_lbs = unit in ("lb", "lbs") or (cols.has("weight (lbs)") and not unit)
    load = weight * LB_TO_KG if weight is not None and in_lbs else weight
    if load == 0:
        load = None
    reps = _int(cols.get(row, "reps"), "reps", MAX_REPS, comma_decimal=comma_decimal)
    seconds = _int(cols.get(row, "seconds"), "seconds", MAX_SECONDS, comma_decimal=comma_decimal)
    rpe = _rpe(cols.get(row, "rpe"), comma_decimal=comma_decimal)
    exercise = cols.get(row, "exercise name")
    reps, seconds = _measured(exercise, reps, seconds, load)
    distance = _float(cols.get(row, "distance"), "distance", comma_decimal=comma_decimal)
    if reps is None and (seconds is None or distance):
        return None  # cardio: not strength work
    entry = ImportedSet(
        line=line,
        exercise_name=exercise,
        set_index=index or 0,
        set_type=set_type if set_type == "failure" else "normal",
        load_kg=load,
        reps=reps,
        seconds=seconds,
        rpe=rpe,
        notes=cols.get(row, "notes"),
    )
    return title, started, cols.get(row, "workout notes"), entry


def _rpe(raw: str, *, comma_decimal: bool = False) -> float | None:
    value = _float(raw, "RPE", comma_decimal=comma_decimal)
    if value is None or value == 0:
        return None
    if value > 10:
        raise _RowError(f"RPE {_num(value)} is above 10")
    return value


def numbered(workout: Workout) -> Workout:
    """Fill in set numbers a file left out (Strong's drop and failure sets): 1, 2, 3 …"""
    counts: dict[str, int] = {}
    sets = []
    for s in workout.sets:
        key = _norm(s.exercise_name)
        n = s.set_index if s.set_index > 0 else counts.get(key, 0) + 1
        counts[key] = max(counts.get(key, 0), n)
        sets.append(s if n == s.set_index else s._replace(set_index=n))
    return Workout(workout.title, workout.started_at, workout.description, tuple(sets))


def error_summary(errors: Sequence[str], limit: int = 10) -> str:
    """The first `limit` row errors, one a line, and how many more there are."""
    shown = list(errors[:limit])
    if len(errors) > limit:
        shown.append(f"…and {len(errors) - limit} more")
    return "\n".join(shown)


# --- writing ----------------------------------------------------------------------------


def hevy_csv(rows: Iterable[ExportRow]) -> bytes:
    """Hevy's export layout, one row per set, formula-looking cells escaped."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEVY_COLUMNS)
    for r in rows:
        notes = r.exercise_notes
        cells = (
            r.title,
            r.start_time.strftime(HEVY_TIME),
            r.end_time.strftime(HEVY_TIME),
            r.description,
            r.exercise_title,
            "",
            notes,
            str(r.set_index),
            r.set_type,
            _num(r.weight_kg),
            "" if r.reps is None else str(r.reps),
            "",
            "" if r.duration_seconds is None else str(r.duration_seconds),
            _num(r.rpe),
        )
        writer.writerow([escape_cell(c) for c in cells])
    return out.getvalue().encode("utf-8")


def set_notes(notes: str, per_side: bool) -> str:
    """The exercise_notes cell for a set: its note, marked when the set was per side."""
    if not per_side:
        return notes
    return f"{PER_SIDE_NOTE}; {notes}" if notes else PER_SIDE_NOTE
