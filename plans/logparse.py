"""Read what an athlete types after a session ("squat 3x5 60kg") into structured set logs.

Pure: no I/O and no clock reads (the caller passes `today`, the athlete's local date).
Every failure is a `LogParseError` whose `.message` is a
short, friendly sentence with an example of what works, so the bot can show it as is.

Grammar, one exercise per line (`;` also separates lines), case-insensitive:

    [date] name numbers [markers] [# note | (note)]

A set is failed when marked, when it has 0 reps, or (with a prescription) when it falls short
of `reps_low` / `seconds`. With a prescription, a line without a load takes the prescribed
load (unless marked `bw`) and sets are per side when the prescription is.

* date: `today`, `yesterday`/`yday`, `day before yesterday`, `N days ago`, `YYYY-MM-DD`; a
  date applies to its line and every line after it (a line that is only a date sets it).
* numbers: `3x5`, `3 sets of 5`, `100x5` (load × reps), `100x5x3` (load × reps × sets),
  `3x5x100` (sets × reps × load when the last number is the larger one), `8,8,7` / `8/8/7`
  / `8 8 7` (reps per set), `2x12kg` next to a set count (two implements: 24 kg), `45s`,
  `1:30`, `2 min` (holds). Loads: `60kg`, `135lb`, `@ 60`, `+10kg` (added to body weight),
  `bw`; a number without a unit is in the athlete's unit.
* markers: `rpe 8`, `rir 2`, `rpe 7,8,9`, `@8` after a load with a unit (RPE), `f`/`fail`
  after a set (that set failed; elsewhere: the last set), `each`, `per leg`, `/leg`,
  `a side` (per side).

Ambiguity (see `LogEntry.alternatives`): a bare `a x b` on a loaded exercise is sets × reps
when `a` is a plausible set count (≤ 10) and load × reps when `a` is a plausible load for
the implement (a barbell weighs at least 20 kg). `a` ≤ 5 is always a set count (`squat 5x5`),
`squat 60x5` is always 60 kg × 5; both readings are kept only for 6 ≤ a ≤ 10 on non-barbell
work (`goblet squat 8x10`: 8 kg × 10, else 8 sets of 10). A bare number list on a loaded
exercise whose first or last number stands out (larger than all the others and a plausible
load) is read as reps plus that load, with "all reps" as the alternative unless the load is
more than twice the largest rep count (`curl 10 8 8`). With a `prescription` for the
exercise the reading closest to it wins and no alternatives are returned.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from plans import exercises
from plans.exercises import Exercise
from plans.prescription import Prescription
from plans.units import LB_TO_KG, MILE_KM

__all__ = [
    "DoneCommand",
    "LogEntry",
    "LogParseError",
    "RunLog",
    "SetEntry",
    "entries_from_prescriptions",
    "parse_done",
    "parse_log",
    "parse_run",
    "suggestions_for",
]

MAX_REPS = 100
MAX_LOAD_KG = 500.0
MAX_SETS = 20
MAX_SECONDS = 3600
PLAUSIBLE_SETS = 10
TYPICAL_SETS = 5
BARBELL_MIN_KG = 20.0

EXAMPLE = "e.g. “squat 3x5 60kg”, “rdl 8,8,7 @40” or “plank 3x45s”"
MAX_DAYS_BACK = 366  # a log may be dated this far back, no further
TOO_OLD = "That's more than a year ago; I only keep logs from the last 12 months."


class LogParseError(ValueError):
    """Text that is not a workout log; `message` is what the athlete should read."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SetEntry:
    """One logged set. `load_kg` is the external load, or the added load for bodyweight work
    (None for plain bodyweight or when no load was given); `seconds` is set for holds."""

    reps: int | None = None
    seconds: int | None = None
    load_kg: float | None = None
    rpe: float | None = None
    per_side: bool = False
    failed: bool = False


@dataclass(frozen=True)
class LogEntry:
    """One exercise of a log: canonical library id or `custom:<name>`, its sets, the day
    relative to `today` (0 today, -1 yesterday), free-text notes and other plausible readings
    of an ambiguous line (each with no alternatives of its own)."""

    exercise: str
    sets: tuple[SetEntry, ...]
    day_offset: int = 0
    notes: str = ""
    alternatives: tuple[LogEntry, ...] = ()


@dataclass(frozen=True)
class DoneCommand:
    """`done` (log today's prescription as shown) with exercises that went differently."""

    exceptions: tuple[LogEntry, ...] = ()
    day_offset: int = 0


@dataclass(frozen=True)
class RunLog:
    """A run the athlete reports, so the coach can hold heavy lifting after hard running."""

    kind: Literal["easy", "hard", "long"]
    distance_km: float | None
    day_offset: int = 0


# ---------------------------------------------------------------------------------------
# words

_KG_WORDS = frozenset({"kg", "kgs", "kilo", "kilos", "kilogram", "kilograms"})
_LB_WORDS = frozenset({"lb", "lbs", "pound", "pounds"})
_SEC_WORDS = frozenset({"s", "sec", "secs", "second", "seconds"})
_MIN_WORDS = frozenset({"min", "mins", "minute", "minutes"})
_SIDE_WORDS = frozenset({"leg", "legs", "side", "sides", "arm", "arms", "hand", "foot"})
_FAIL_WORDS = frozenset({"f", "fail", "failed", "failure"})
_BW_WORDS = frozenset({"bw", "bodyweight"})
# Words that carry no meaning outside the exercise name.
_FILLER_WORDS = frozenset(
    {
        "reps",
        "rep",
        "of",
        "with",
        "for",
        "and",
        "then",
        "total",
        "added",
        "weighted",
        "db",
        "dbs",
        "dumbbell",
        "dumbbells",
        "kb",
        "kbs",
        "kettlebell",
        "kettlebells",
        "plates",
        "working",
        "work",
        "sets",
        "set",
        "rounds",
        "round",
        "hold",
        "holds",
        "x",
        "rpe",
        "rir",
        "each",
        "per",
        "at",
        "plus",
    }
)
# How people start telling what they did ("did 3 sets of 10 split squats", "just did squats
# 3x5 60kg"): no exercise name holds one of these words.
_LEAD_WORDS = frozenset(
    {"i", "ive", "i've", "did", "just", "also", "finished", "completed", "managed", "got", "had",
     "my", "some", "was", "were"}
)  # fmt: skip
_FILLER_WORDS |= _LEAD_WORDS
# Words trimmed from the ends of a name ("squat at 60kg", "did squats 3x5").
_NAME_TRIM = (
    frozenset(
        {"at", "of", "with", "for", "and", "then", "plus", "reps", "rep", "sets", "set", "total"}
    )
    | _LEAD_WORDS
)

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# A weekday is the last such day (today's if it is that day; "last monday" the one before). A
# possessive ("sunday's long run") tells of another day, so it dates nothing; a short name
# only opening the text or with a colon ("fri squat 3x5", "sun: long run 25k"): "sat" and
# "sun" are words too.
_SHORT_DAYS = tuple(day[:3] for day in _WEEKDAYS)
_WEEKDAY = (
    r"|(?:(?P<last>last)\s+|on\s+)?(?:(?P<wday>" + "|".join(_WEEKDAYS) + r")(?!['’]s)"
    r"|(?P<wshort>" + "|".join(_SHORT_DAYS) + r")(?=\s*:)"
    r"|^(?P<wstart>" + "|".join(_SHORT_DAYS) + r")(?=\s))"
)
_DATE_RE = re.compile(
    r"(?<![\w-])(?:(?P<iso>[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})|(?P<dby>day before yesterday)"
    r"|(?P<yday>yesterday|yday)|(?P<today>today|tonight|this morning)|(?P<tomorrow>tomorrow)"
    r"|(?P<ago>(?P<n>[0-9]{1,4})\s*days?\s+ago)" + _WEEKDAY + r")(?![\w-])\s*[:,]?"
)
_BULLET_RE = re.compile(r"^\s*(?:[-•*]|[0-9]{1,2}[.)])\s+")
_COMMA_DECIMAL_RE = re.compile(r"(?<![0-9,])([0-9]+),([0-9]{1,2})(?=\s*(?:kgs?|lbs?)(?![a-z]))")
_UNIT_X_RE = re.compile(r"(?<=[0-9])(kgs?|lbs?|s|secs?)x(?=\s*[0-9])")
_NEGATIVE_RE = re.compile(r"(?<![^\sx@+,/:(])-[0-9]")
_TOKEN_RE = re.compile(
    r"(?P<clock>[0-9]{1,3}:[0-9]{2})"
    r"|(?P<num>[0-9]+(?:\.[0-9]+)?)"
    r"|(?P<word>[^\W\d_](?:[^\W\d_]|')*(?:-[^\W\d_]+)*)"
    r"|(?P<sym>[x×*@+/,;&-])"
    r"|(?P<other>\S)"
)


# ---------------------------------------------------------------------------------------
# atoms: numbers with their unit, and markers


@dataclass
class _Q:
    """A number as written: its unit ("kg", "lb", "s" or None) and prefix ("@", "+")."""

    value: float
    unit: str | None = None
    prefix: str | None = None
    failed: bool = False

    @property
    def bare(self) -> bool:
        return self.unit is None and self.prefix is None

    @property
    def weight(self) -> bool:
        return self.unit in ("kg", "lb") or self.prefix in ("@", "+")


@dataclass
class _Mark:
    kind: Literal["x", "sep", "fail", "side", "bw", "rpe"]
    values: list[float] = field(default_factory=list)


_Atom = _Q | _Mark | str  # str: a word that is not a marker


@dataclass
class _Set:
    reps: int | None
    seconds: int | None
    load_kg: float | None
    failed: bool = False


def _number(text: str) -> float:
    if len(text.split(".")[0]) > 6:
        raise LogParseError(f"{text} is far too big a number. Try {EXAMPLE}.")
    return float(text)


def _atoms(text: str) -> list[_Atom]:
    """Tokenize one line (without date and notes) into numbers, markers and words."""
    text = _COMMA_DECIMAL_RE.sub(r"\1.\2", text)
    text = _UNIT_X_RE.sub(r"\1 x", text)
    if _NEGATIVE_RE.search(text):
        raise LogParseError(f"Negative numbers can't be logged. Try {EXAMPLE}.")
    toks = [(m.lastgroup or "other", m.group()) for m in _TOKEN_RE.finditer(text)]
    atoms: list[_Atom] = []
    prefix: str | None = None
    seen_unit_load = False
    i = 0

    def next_word(k: int) -> str | None:
        return toks[k][1] if k < len(toks) and toks[k][0] == "word" else None

    while i < len(toks):
        kind, tok = toks[i]
        i += 1
        if kind in ("num", "clock"):
            if kind == "clock":
                minutes, secs = tok.split(":")
                if int(secs) >= 60:
                    raise LogParseError(f"{tok} is not a time; write 1:30 for 90 seconds.")
                q = _Q(float(int(minutes) * 60 + int(secs)), "s")
            else:
                q = _Q(_number(tok))
                unit_word = next_word(i)
                if unit_word in _KG_WORDS:
                    q.unit, i = "kg", i + 1
                elif unit_word in _LB_WORDS:
                    q.unit, i = "lb", i + 1
                elif unit_word in _SEC_WORDS:
                    q.unit, i = "s", i + 1
                elif unit_word in _MIN_WORDS:
                    q.unit, q.value, i = "s", q.value * 60, i + 1
                elif unit_word in ("plate", "plates"):  # "2 plates" is no weight of 2
                    raise LogParseError(
                        "I can't tell the weight from plates (bars and plates differ): write "
                        f"the total on the bar, {EXAMPLE}."
                    )
            if prefix == "@" and q.unit is None and seen_unit_load and q.value <= 10:
                atoms.append(_Mark("rpe", [q.value]))
                prefix = None
                continue
            q.prefix, prefix = prefix, None
            seen_unit_load = seen_unit_load or q.unit in ("kg", "lb")
            atoms.append(q)
        elif kind == "sym":
            if tok in ("x", "×", "*"):
                atoms.append(_Mark("x"))
            elif tok in ("@", "+"):
                prefix = tok
            elif tok == "/" and next_word(i) in _SIDE_WORDS:
                atoms.append(_Mark("side"))
                i += 1
            else:
                atoms.append(_Mark("sep"))
        elif kind == "word":
            i = _word_atom(tok, toks, i, atoms)
            # "@"/"+" mark the number right after them: a word in between ends that
            # ("+cmd 3x5" is three sets of five, not five reps at 3 kg).
            prefix = {"at": "@", "plus": "+"}.get(tok)
    return atoms


def _word_atom(word: str, toks: list[tuple[str, str]], i: int, atoms: list[_Atom]) -> int:
    """Append the atom for `word` (already consumed); return the index after it."""

    def word_at(k: int) -> str | None:
        return toks[k][1] if k < len(toks) and toks[k][0] == "word" else None

    if word == "x":
        atoms.append(_Mark("x"))
    elif word in ("rpe", "rir"):
        values: list[float] = []
        while i < len(toks):
            kind, tok = toks[i]
            if kind == "num":
                after = toks[i + 1][1] if i + 1 < len(toks) else ""
                if after in ("x", "×", "*") or word_at(i + 1) in (_KG_WORDS | _LB_WORDS):
                    break
                values.append(_number(tok))
                i += 1
            elif kind == "sym" and tok in (",", "/") and values:
                i += 1
            else:
                break
        if not values:
            raise LogParseError(f"“{word}” needs a number, e.g. “squat 3x5 60kg {word} 8”.")
        if word == "rir":
            values = [10 - v for v in values]
        atoms.append(_Mark("rpe", values))
    elif word in ("each", "ea", "per"):
        atoms.append(_Mark("side"))
        if word_at(i) in _SIDE_WORDS:
            i += 1
    elif word == "a" and word_at(i) in _SIDE_WORDS:
        atoms.append(_Mark("side"))
        i += 1
    elif word in _FAIL_WORDS:
        last = atoms[-1] if atoms else None
        if isinstance(last, _Q) and not last.weight:
            last.failed = True
        else:
            atoms.append(_Mark("fail"))
    elif word in ("sets", "set") and atoms and isinstance(atoms[-1], _Q):
        if word_at(i) == "of":
            i += 1
        atoms.append(_Mark("x"))
    elif word in _BW_WORDS:
        atoms.append(word)  # may be part of a name ("bw squat"); decided later
    elif word in _KG_WORDS | _LB_WORDS | _SEC_WORDS | _MIN_WORDS:
        pass
    else:
        atoms.append(word)
    return i


# ---------------------------------------------------------------------------------------
# exercise names


def _norm_name(name: str) -> str:
    words = re.findall(r"[^\W_]+", name.lower())
    return " ".join(words)


def _resolve(name: str) -> tuple[str, Exercise | None]:
    """Canonical id via the library (`exercises.identify`) or `custom:<name>`."""
    found = exercises.identify(name)
    if found is not None:
        return found.id, found
    return f"custom:{_norm_name(name)}", None


def suggestions_for(entry: LogEntry, limit: int = 3) -> list[str]:
    """Exercise ids to offer as "did you mean" buttons for a custom entry (empty otherwise)."""
    if not entry.exercise.startswith("custom:"):
        return []
    return [ex.id for ex in exercises.suggest(entry.exercise[len("custom:") :], limit)]


# ---------------------------------------------------------------------------------------
# dates and notes


def _date_offset(match: re.Match[str], today: dt.date) -> int:
    if match.group("yday"):
        return -1
    if match.group("dby"):
        return -2
    if match.group("today"):
        return 0
    if match.group("tomorrow"):
        return 1
    if match.group("ago"):
        return _within_a_year(-int(match.group("n")))
    name = match.group("wday") or match.group("wshort") or match.group("wstart")
    if name:
        back = (today.weekday() - _SHORT_DAYS.index(name[:3])) % 7
        return -(back or (7 if match.group("last") else 0))
    try:
        when = dt.date.fromisoformat(
            "-".join(part.zfill(2) for part in match.group("iso").split("-"))
        )
    except ValueError:
        raise LogParseError(
            f"{match.group('iso')} is not a date; write it like 2026-11-19."
        ) from None
    return _within_a_year((when - today).days)


def _no_odd_numerals(line: str) -> None:
    """Numerals such as ①, ² or ٣ that loads and reps can't be read from: refused, not
    skipped, since the line read without them would log something else."""
    odd = next((c for c in line if c.isnumeric() and not "0" <= c <= "9"), None)
    if odd is not None:
        raise LogParseError(f"I can't read “{odd}”: write numbers with 0-9, {EXAMPLE}.")


def _within_a_year(offset: int) -> int:
    """Logs go back a year at most (and a date far back would not even be a day the coach
    can count from)."""
    if offset < -MAX_DAYS_BACK:
        raise LogParseError(TOO_OLD)
    return offset


def _take_date(line: str, today: dt.date) -> tuple[str, int | None]:
    match = _DATE_RE.search(line)
    if match is None:
        return line, None
    offset = _date_offset(match, today)
    if offset > 0:
        raise LogParseError("That date is in the future; log sessions once you've done them.")
    return line[: match.start()] + " " + line[match.end() :], offset


def _take_notes(line: str) -> tuple[str, list[str]]:
    notes: list[str] = []
    if "#" in line:
        line, _, note = line.partition("#")
        notes.append(note.strip())
    while "(" in line:
        before, _, rest = line.partition("(")
        inside, closed, after = rest.partition(")")
        notes.append(inside.strip())
        line = before + " " + (after if closed else "")
    return line.replace(")", " "), [n for n in notes if n]


def _clean(text: str) -> str:
    return (
        text.lower()
        .replace("×", "x")
        .replace("–", "-")
        .replace("—", "-")
        .replace("’", "'")
        .replace("\u00a0", " ")
    )


# ---------------------------------------------------------------------------------------
# readings: what the numbers of a line can mean


@dataclass
class _Groups:
    chains: list[list[_Q]] = field(default_factory=list)
    loads: list[_Q] = field(default_factory=list)
    bare: list[_Q] = field(default_factory=list)
    times: list[_Q] = field(default_factory=list)
    implements: list[_Q] = field(default_factory=list)  # the load of `2x12kg`
    bare_runs: int = 0


def _group(atoms: Sequence[_Q | _Mark]) -> _Groups:
    groups = _Groups()
    i = 0
    prev_bare = False
    while i < len(atoms):
        atom = atoms[i]
        if isinstance(atom, _Mark):
            if atom.kind != "sep":
                prev_bare = False
            i += 1
            continue
        chain = [atom]
        j = i + 1
        while j + 1 < len(atoms) and isinstance(atoms[j], _Mark):
            mark = atoms[j]
            nxt = atoms[j + 1]
            if not (isinstance(mark, _Mark) and mark.kind == "x" and isinstance(nxt, _Q)):
                break
            chain.append(nxt)
            j += 2
        i = j
        if len(chain) > 1:
            groups.chains.append(chain)
            prev_bare = False
        elif atom.weight:
            groups.loads.append(atom)
            prev_bare = False
        elif atom.unit == "s":
            groups.times.append(atom)
            prev_bare = False
        else:
            if not prev_bare:
                groups.bare_runs += 1
            groups.bare.append(atom)
            prev_bare = True
    # `2x12kg` beside another reps source: two implements
    reps_sources = [c for c in groups.chains if not c[-1].weight or len(c) != 2]
    if reps_sources or groups.bare:
        for chain in list(groups.chains):
            if len(chain) == 2 and chain[0].bare and chain[1].unit in ("kg", "lb"):
                groups.chains.remove(chain)
                count = chain[0].value if chain[0].value == 2 else 1.0
                groups.implements.append(replace(chain[1], value=chain[1].value * count))
    return groups


def _to_kg(q: _Q, unit: str) -> float:
    value = q.value * (LB_TO_KG if (q.unit or unit) == "lb" else 1.0)
    return round(value, 2)


def _plausible_load(q: _Q, unit: str, ex: Exercise | None) -> bool:
    kg = _to_kg(q, unit)
    if ex is not None and ex.implement == "barbell":
        return kg >= BARBELL_MIN_KG - 0.5
    return kg >= 1


def _whole(value: float, what: str) -> int:
    if value != int(value):
        raise LogParseError(f"{value:g} {what} isn't a whole number. Try {EXAMPLE}.")
    return int(value)


def _n_sets(value: float) -> int:
    sets = _whole(value, "sets")
    if sets < 1:
        raise LogParseError(f"{sets} sets? Log at least one set, {EXAMPLE}.")
    if sets > MAX_SETS:
        raise LogParseError(f"{sets} sets is more than I can believe. Try {EXAMPLE}.")
    return sets


def _rep_sets(n: _Q, reps: _Q, load: float | None, hold: bool) -> list[_Set]:
    """`n` sets of `reps` (seconds when the number is a time or the exercise is a hold)."""
    count = _n_sets(n.value)
    seconds = reps.unit == "s" or (hold and reps.unit is None)
    value = _whole(reps.value, "seconds" if seconds else "reps")
    sets = [_Set(None, value, load) if seconds else _Set(value, None, load) for _ in range(count)]
    if reps.failed or n.failed:
        sets[-1].failed = True
    return sets


def _chain_sets(
    chain: list[_Q], load: float | None, ex: Exercise | None, unit: str, many: bool
) -> list[list[_Set]]:
    """Readings of one `a x b [x c]` chain; `load` is a load given elsewhere on the line."""
    hold = ex is not None and ex.load_type == "hold"
    loaded = ex is None or ex.load_type == "external"
    if len(chain) > 3:
        raise LogParseError(
            f"I can't read {'x'.join(f'{q.value:g}' for q in chain)}. Try {EXAMPLE}."
        )
    if len(chain) == 3:
        a, b, c = chain
        if load is not None:
            raise LogParseError(f"That line has two loads. Try {EXAMPLE}.")
        if a.weight or (c.bare and not a.weight and a.value >= c.value):
            return [_rep_sets(c, b, _to_kg(a, unit), hold)]
        return [_rep_sets(a, b, _to_kg(c, unit), hold)]
    a, b = chain
    if a.unit == "s" and b.unit is None:
        return [_rep_sets(b, a, load, True)]
    if a.weight:
        if load is not None:
            raise LogParseError(f"That line has two loads. Try {EXAMPLE}.")
        return [_rep_sets(_Q(1), b, _to_kg(a, unit), hold)]
    if b.weight:
        raise LogParseError(f"How many reps? Try {EXAMPLE}.")
    if b.unit == "s" or hold:
        if b.unit is None and a.value > PLAUSIBLE_SETS >= b.value:
            a, b = b, a
        return [_rep_sets(a, b, load, True)]
    if load is not None:
        return [_rep_sets(a, b, load, False)]
    if not loaded:
        if a.value > PLAUSIBLE_SETS >= b.value:
            a, b = b, a
        return [_rep_sets(a, b, None, False)]
    as_load = _rep_sets(_Q(1), b, _to_kg(a, unit), False)
    if many:
        return [as_load]
    sets_ok = a.value <= PLAUSIBLE_SETS and a.value == int(a.value)
    load_ok = _plausible_load(a, unit, ex)
    if sets_ok and load_ok and a.value > TYPICAL_SETS:
        return [as_load, _rep_sets(a, b, None, False)]
    if sets_ok:
        return [_rep_sets(a, b, None, False)]
    return [as_load]


def _list_sets(
    qs: list[_Q], load: float | None, ex: Exercise | None, unit: str
) -> list[list[_Set]]:
    """Readings of a plain number list (`8,8,7`, `20 18 15`, `5 5 5 60`)."""
    hold = ex is not None and ex.load_type == "hold"

    def sets_of(items: list[_Q], kg: float | None) -> list[_Set]:
        out: list[_Set] = []
        for q in items:
            value = _whole(q.value, "seconds" if hold else "reps")
            out.append(_Set(None, value, kg, q.failed) if hold else _Set(value, None, kg, q.failed))
        return out

    if load is not None or hold or (ex is not None and ex.load_type != "external"):
        return [sets_of(qs, load)]
    values = [q.value for q in qs]
    if len(qs) == 1:
        if ex is not None and values[0] > 30:
            raise LogParseError(
                f"I see {values[0]:g} but not the reps: was that the load? Try {EXAMPLE}."
            )
        return [sets_of(qs, None)]
    readings: list[list[_Set]] = []
    for idx, rest in ((len(qs) - 1, qs[:-1]), (0, qs[1:])):
        cand = qs[idx]
        if cand.value > max(q.value for q in rest) and _plausible_load(cand, unit, ex):
            readings.append(sets_of(rest, _to_kg(cand, unit)))
            if cand.value <= 2 * max(q.value for q in rest):
                readings.append(sets_of(qs, None))
            return readings
    return [sets_of(qs, None)]


def _readings(groups: _Groups, ex: Exercise | None, unit: str, bw: bool) -> list[list[_Set]]:
    loads = [_to_kg(q, unit) for q in groups.loads] + [_to_kg(q, unit) for q in groups.implements]
    bare = list(groups.bare)
    if groups.chains and bare and not loads:
        if len(bare) > 1:
            raise LogParseError(
                f"I can't tell which number is the load in that line. Try {EXAMPLE}."
            )
        popped = bare.pop()
        loads.append(_to_kg(popped, unit))
        if popped.failed and groups.chains:
            groups.chains[-1][-1].failed = True
    if len(loads) > 1:
        raise LogParseError(f"That line has more than one load. Try {EXAMPLE}.")
    load = loads[0] if loads else None
    if groups.chains:
        if bare or groups.times:
            raise LogParseError(f"I couldn't read the numbers in that line. Try {EXAMPLE}.")
        many = len(groups.chains) > 1
        per_chain = [_chain_sets(c, load, ex, unit, many) for c in groups.chains]
        if len(per_chain) == 1:
            return per_chain[0]
        return [[s for readings in per_chain for s in readings[0]]]
    if groups.times:
        if bare:
            raise LogParseError(f"I couldn't read the numbers in that line. Try {EXAMPLE}.")
        return [[_Set(None, _whole(q.value, "seconds"), load, q.failed) for q in groups.times]]
    if bare:
        if groups.bare_runs > 1:
            raise LogParseError(f"I couldn't read the numbers in that line. Try {EXAMPLE}.")
        return _list_sets(bare, load, ex, unit)
    if load is not None:
        raise LogParseError(f"I see the load but not the sets and reps. Try {EXAMPLE}.")
    raise LogParseError(f"I found no sets or reps there. Try {EXAMPLE}.")


def _score(sets: Sequence[_Set], p: Prescription) -> float:
    """How far a reading is from what was prescribed (lower is closer)."""
    penalty = 0.0
    for s in sets:
        if s.reps is not None and p.reps_low is not None:
            low, high = p.reps_low, p.reps_high or p.reps_low
            if s.reps < low:
                penalty += (low - s.reps) / low
            elif s.reps > high:
                penalty += (s.reps - high) / high
        if s.load_kg is not None and p.load_kg:
            penalty += 5 * abs(s.load_kg - p.load_kg) / p.load_kg
        elif (s.load_kg is None) != (p.load_kg is None):
            penalty += 0.5
    return abs(len(sets) - p.sets) + penalty / max(len(sets), 1)


def _finish(
    raw: list[_Set],
    *,
    efforts: list[float],
    per_side: bool,
    fail_last: bool,
    bw: bool,
    p: Prescription | None,
) -> tuple[SetEntry, ...]:
    """Apply effort, per-side and failure marks; validate every number."""
    if efforts and len(efforts) not in (1, len(raw)):
        raise LogParseError(
            f"{len(efforts)} RPE values for {len(raw)} sets: give one for all sets or one per "
            "set, e.g. “rpe 8” or “rpe 7,8,9”."
        )
    if p is not None and not bw and all(s.load_kg is None for s in raw) and p.load_kg:
        raw = [replace(s, load_kg=p.load_kg) for s in raw]
    out: list[SetEntry] = []
    for idx, s in enumerate(raw):
        rpe = efforts[0] if len(efforts) == 1 else (efforts[idx] if efforts else None)
        if rpe is not None and not 1 <= rpe <= 10:
            raise LogParseError(f"RPE {rpe:g} is outside 1–10 (RIR 0–9). E.g. “rpe 8”, “rir 2”.")
        if s.reps is not None and s.reps > MAX_REPS:
            raise LogParseError(f"{s.reps} reps in one set is more than {MAX_REPS}. Try {EXAMPLE}.")
        if s.seconds is not None and not 0 < s.seconds <= MAX_SECONDS:
            raise LogParseError(f"A {s.seconds}-second set? Try {EXAMPLE}.")
        if s.load_kg is not None and s.load_kg > MAX_LOAD_KG:
            raise LogParseError(f"{s.load_kg:g} kg is more than {MAX_LOAD_KG:g} kg. Try {EXAMPLE}.")
        failed = s.failed or (fail_last and idx == len(raw) - 1) or s.reps == 0
        if p is not None:
            if s.reps is not None and p.reps_low is not None and s.reps < p.reps_low:
                failed = True
            if s.seconds is not None and p.seconds is not None and s.seconds < p.seconds:
                failed = True
        load = s.load_kg if s.load_kg else None
        out.append(
            SetEntry(
                reps=s.reps,
                seconds=s.seconds,
                load_kg=load,
                rpe=None if rpe is None else float(rpe),
                per_side=per_side or (p is not None and p.per_side),
                failed=failed,
            )
        )
    return tuple(out)


def _split_name(atoms: list[_Atom]) -> tuple[str, list[str], list[_Q | _Mark], bool]:
    """The exercise name (first run of words), leftover words, numbers/markers, bw flag."""
    runs: list[list[str]] = []
    rest: list[_Q | _Mark] = []
    prev_word = False
    for atom in atoms:
        if isinstance(atom, str):
            if prev_word:
                runs[-1].append(atom)
            else:
                runs.append([atom])
            prev_word = True
        else:
            rest.append(atom)
            prev_word = False
    bw = False
    name_words: list[str] = []
    leftovers: list[str] = []
    for run in runs:
        if not name_words and any(w not in _FILLER_WORDS | _BW_WORDS for w in run):
            while len(run) > 1 and (run[-1] in _BW_WORDS or run[-1] in _NAME_TRIM):
                bw = bw or run[-1] in _BW_WORDS
                run = run[:-1]
            while len(run) > 1 and run[0] in _NAME_TRIM:
                run = run[1:]
            name_words = run
            continue
        for word in run:
            if word in _BW_WORDS:
                bw = True
            elif word not in _FILLER_WORDS:
                leftovers.append(word)
    return " ".join(name_words), leftovers, rest, bw


def _parse_line(
    line: str, unit: str, prescription: Mapping[str, Prescription] | None, today: dt.date
) -> tuple[str, tuple[SetEntry, ...], list[tuple[SetEntry, ...]], list[str]]:
    """One exercise line (no date, no notes) → id, sets, alternative sets, extra words."""
    atoms = _atoms(line)
    name, leftovers, rest, bw = _split_name(atoms)
    if not name:
        raise LogParseError(f"Which exercise was that? Start the line with its name, {EXAMPLE}.")
    exercise_id, ex = _resolve(name)
    if ex is None and parse_run(line, today=today) is not None:
        raise LogParseError(
            "That looks like a run. Log runs like “/run 10k hard” or "
            "“long run 25k”; lifts like “squat 3x5 60kg”."
        )
    if leftovers and exercises.resolve(" ".join(leftovers)) is not None:
        raise LogParseError("One exercise per line, please, e.g.\nsquat 3x5 60kg\nbench 3x8 40kg")
    efforts = [v for m in rest if isinstance(m, _Mark) and m.kind == "rpe" for v in m.values]
    per_side = any(isinstance(m, _Mark) and m.kind == "side" for m in rest)
    fail_last = any(isinstance(m, _Mark) and m.kind == "fail" for m in rest)
    numbers = [a for a in rest if isinstance(a, _Q) or a.kind in ("x", "sep")]
    readings = _readings(_group(numbers), ex, unit, bw)
    p = None if prescription is None else prescription.get(exercise_id)
    finished: list[tuple[SetEntry, ...]] = []
    first_error: LogParseError | None = None
    for raw in readings:
        try:
            finished.append(
                _finish(raw, efforts=efforts, per_side=per_side, fail_last=fail_last, bw=bw, p=p)
            )
        except LogParseError as exc:
            first_error = first_error or exc
    if not finished:
        assert first_error is not None
        raise first_error
    if p is not None and len(readings) > 1:
        ok = [r for r in readings if _ok(r, efforts, per_side, fail_last, bw, p)]
        best = min(ok, key=lambda r: _score(r, p))
        chosen = _finish(best, efforts=efforts, per_side=per_side, fail_last=fail_last, bw=bw, p=p)
        return exercise_id, chosen, [], leftovers
    return exercise_id, finished[0], finished[1:], leftovers


def _ok(
    raw: list[_Set],
    efforts: list[float],
    per_side: bool,
    fail_last: bool,
    bw: bool,
    p: Prescription,
) -> bool:
    try:
        _finish(raw, efforts=efforts, per_side=per_side, fail_last=fail_last, bw=bw, p=p)
    except LogParseError:
        return False
    return True


def _lines(text: str) -> list[str]:
    return [line for line in re.split(r"[\n;]", _clean(text))]


def parse_log(
    text: str,
    unit: str = "kg",
    *,
    today: dt.date,
    prescription: Mapping[str, Prescription] | None = None,
) -> list[LogEntry]:
    """Parse a log message into one `LogEntry` per exercise line.

    `unit` ("kg" or "lb") applies to numbers written without one; `today` anchors explicit
    dates (the athlete's local date); `prescription` (by exercise id) picks between readings
    and marks sets below the prescribed reps as failed. Raises `LogParseError` for anything
    that is not a log, or holds an impossible value.
    """
    if unit not in ("kg", "lb"):
        raise LogParseError("Units must be kg or lb.")
    if parse_done(text, today=today) is not None:
        raise LogParseError(
            "“done” logs today's session as prescribed; to log sets, write e.g. “squat 3x5 60kg”."
        )
    entries: list[LogEntry] = []
    pending_notes: list[str] = []
    offset = 0
    lines = [line for line in _lines(text) if line.strip()]
    if not lines:
        raise LogParseError(f"Send one exercise per line, {EXAMPLE}.")
    for number, raw_line in enumerate(lines, start=1):
        try:
            line = _BULLET_RE.sub(" ", raw_line)
            line, notes = _take_notes(line)
            line, line_offset = _take_date(line, today)
            if line_offset is not None:
                offset = line_offset
            _no_odd_numerals(line)
            if not re.search(r"[^\W_]", line):
                if notes and entries:
                    last = entries[-1]
                    entries[-1] = replace(last, notes=_join(last.notes, *notes))
                elif notes:
                    pending_notes.extend(notes)
                continue
            exercise_id, sets, alternatives, extra = _parse_line(line, unit, prescription, today)
        except LogParseError as exc:
            if len(lines) > 1:
                raise LogParseError(
                    f"Line {number} (“{raw_line.strip()}”): {exc.message}"
                ) from None
            raise
        note = _join(*pending_notes, *notes, " ".join(extra))
        pending_notes = []
        entries.append(
            LogEntry(
                exercise=exercise_id,
                sets=sets,
                day_offset=offset,
                notes=note,
                alternatives=tuple(
                    LogEntry(exercise_id, alt, offset, note) for alt in alternatives
                ),
            )
        )
    if not entries:
        raise LogParseError(f"I found notes but no exercise. Try {EXAMPLE}.")
    return entries


def _join(*parts: str) -> str:
    return "; ".join(p for p in (part.strip() for part in parts) if p)


# ---------------------------------------------------------------------------------------
# "done" and prescriptions

_SESSION = r"(?:(?:today'?s|the|my)\s+)?(?:workout|session)"
_DONE_RE = re.compile(
    rf"^/?(?:all\s+)?(?:{_SESSION}\s+)?(?:done|did it(?:\s+all)?|completed?|finished)\b"
    rf"(?:\s+{_SESSION})?"
    r"(?:\s+as\s+(?:prescribed|planned|written))?[\s!.,:;✅👍💪-]*(?P<rest>.*)$",
    re.DOTALL,
)
_EXCEPT_RE = re.compile(
    r"^(?:except(?:\s+for)?|but|apart\s+from|besides|other\s+than|with)\b[\s:,-]*(?P<body>.*)$",
    re.DOTALL,
)


def parse_done(
    text: str,
    *,
    unit: str = "kg",
    today: dt.date,
    prescription: Mapping[str, Prescription] | None = None,
) -> DoneCommand | None:
    """`done`, `yesterday: done`, `done except squat 3x4` → DoneCommand; None if the text is
    not a done command. Raises `LogParseError` when the exceptions can't be read."""
    body = _clean(text).strip()
    offset = 0
    match = _DATE_RE.match(body)
    if match is not None:
        offset = _date_offset(match, today)
        body = re.sub(r"^['’]s\b", "", body[match.end() :]).strip()  # "yesterday's session"
    done = _DONE_RE.match(body)
    if done is None:
        return None
    rest = done.group("rest").strip()
    trailing = _DATE_RE.match(rest)
    if trailing is not None:
        offset = _date_offset(trailing, today)
        rest = rest[trailing.end() :].strip()
    if offset > 0:
        raise LogParseError("That date is in the future; log sessions once you've done them.")
    if not rest:
        return DoneCommand((), offset)
    exception = _EXCEPT_RE.match(rest)
    if exception is None:
        return None
    pieces = re.split(r"[\n;]|,\s*(?=[^\W\d_])|\band\b", exception.group("body"))
    joined = "\n".join(piece for piece in pieces if piece.strip())
    if not joined:
        raise LogParseError("Done except what? E.g. “done except squat 3x4”.")
    entries = parse_log(joined, unit, today=today, prescription=prescription)
    return DoneCommand(tuple(replace(e, day_offset=offset) for e in entries), offset)


def entries_from_prescriptions(
    prescriptions: Sequence[Prescription],
    exceptions: Iterable[LogEntry] = (),
    *,
    day_offset: int = 0,
) -> list[LogEntry]:
    """The log of a session done exactly as prescribed (each set at the session's target
    reps), with `exceptions` replacing the prescribed exercise of the same id (extra ones
    appended)."""
    by_id = {e.exercise: e for e in exceptions}
    entries: list[LogEntry] = []
    for p in prescriptions:
        if p.exercise in by_id:
            entries.append(_against(by_id.pop(p.exercise), p, day_offset))
            continue
        reps = p.target
        if reps is None and p.seconds is None and p.foot_contacts:
            reps = max(1, round(p.foot_contacts / max(p.sets, 1)))
        one = SetEntry(
            reps=reps,
            seconds=p.seconds,
            load_kg=p.load_kg,
            rpe=p.rpe,
            per_side=p.per_side,
            failed=False,
        )
        entries.append(LogEntry(p.exercise, (one,) * p.sets, day_offset))
    entries.extend(replace(e, day_offset=day_offset) for e in by_id.values())
    return entries


def _against(entry: LogEntry, p: Prescription, day_offset: int) -> LogEntry:
    """An exception read against its prescription: missing load, per side and failures."""
    fill = p.load_kg if all(s.load_kg is None for s in entry.sets) else None
    sets = tuple(
        replace(
            s,
            load_kg=s.load_kg if fill is None else fill,
            per_side=s.per_side or p.per_side,
            failed=s.failed
            or (s.reps is not None and p.reps_low is not None and s.reps < p.reps_low)
            or (s.seconds is not None and p.seconds is not None and s.seconds < p.seconds),
        )
        for s in entry.sets
    )
    return replace(entry, sets=sets, day_offset=day_offset, alternatives=())


# ---------------------------------------------------------------------------------------
# runs

_RUN_WORDS = frozenset(
    {
        "run",
        "ran",
        "running",
        "runs",
        "jog",
        "jogged",
        "jogging",
        "intervals",
        "interval",
        "tempo",
        "threshold",
        "fartlek",
        "track",
        "race",
        "raced",
        "shakeout",
        "repeats",
        "hills",
        "parkrun",
        "marathon",
    }
)
_HARD_WORDS = frozenset(
    {
        "hard",
        "intervals",
        "interval",
        "tempo",
        "threshold",
        "fartlek",
        "track",
        "race",
        "raced",
        "repeats",
        "hills",
        "speed",
        "workout",
        "vo2",
        "vo2max",
        "sprints",
        "parkrun",
    }
)
_EASY_WORDS = frozenset({"easy", "recovery", "jog", "jogged", "jogging", "shakeout"})
# A number with a distance unit, read loosely ("1e309k", "99999k") so that what is not a
# plausible distance is refused with a reason instead of half-read.
_DISTANCE_RE = re.compile(
    r"(?<![\w.])([0-9][0-9.,]*(?:e[+-]?[0-9]+)?)\s*"
    r"(km|kms|k|kilometers?|kilometres?|mi|miles?)(?![a-z])"
)
_DISTANCE_UNIT_RE = re.compile(r"km|kms|k|kilometers?|kilometres?|mi|miles?")
_PLAIN_DISTANCE_RE = re.compile(r"[0-9]{1,3}(?:[.,][0-9]+)?")
# What else a run message may hold with digits in it: a duration, a clock time or pace,
# intervals ("6x800m").
_RUN_EXTRAS_RE = re.compile(
    r"[0-9]+(?:min|mins|minutes|m|h|hr|hrs|hours|s|sec|secs)"
    r"|[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?:/(?:km|mi))?"
    r"|[0-9]+x[0-9]+[a-z]*"
)
LONG_RUN_KM = 20.0
MAX_RUN_KM = 250.0  # the longest single runs people race (Spartathlon: 246 km)
RUN_EXAMPLE = "/run 10k hard or /run 6.2mi long"


def _distance_km(raw: str, unit: str) -> float:
    """A distance as typed, in km; LogParseError naming the limit when it is not one."""
    if _PLAIN_DISTANCE_RE.fullmatch(raw) is None:
        if raw.replace(",", "").replace(".", "").isdigit():
            raise LogParseError(
                f"{raw} {unit} is further than I log (up to {MAX_RUN_KM:g} km). Try {RUN_EXAMPLE}."
            )
        raise LogParseError(f"I can't read “{raw}{unit}” as a distance. Try {RUN_EXAMPLE}.")
    value = float(raw.replace(",", "."))
    km = value * (MILE_KM if unit.startswith("mi") else 1.0)
    if not 0 < km <= MAX_RUN_KM:
        raise LogParseError(
            f"A run has to be longer than 0 and at most {MAX_RUN_KM:g} km. Try {RUN_EXAMPLE}."
        )
    return km


_NOT_A_RECORD = frozenset(
    {"what", "how", "when", "why", "where", "which", "should", "can", "could", "would",
     "will", "shall", "is", "are", "do", "does", "may", "might", "planning", "plan",
     "going", "tomorrow", "next", "gonna", "want", "wanna", "if"}
)  # fmt: skip


def _asks_or_plans(text: str, words: list[str]) -> bool:
    """A question ("what should I eat before my long run?") or a plan ("long run
    tomorrow"), which a runner does not mean as a record of a run."""
    said = set(re.findall(r"[a-z0-9]+", text.lower()))
    return (
        "?" in text
        or bool(words and words[0] in _NOT_A_RECORD)
        or bool({"tomorrow", "planning", "gonna", "wanna", "should"} & said)
    )


def parse_run(text: str, *, today: dt.date) -> RunLog | None:
    """`long run 25k`, `intervals done`, `/run 10k hard`, `tempo 8k`, `10k easy` → RunLog;
    None when the text is not about a run. Without a kind word a run of ≥ 20 km counts as
    long (**choice**), anything else as easy. Raises `LogParseError` for a future date."""
    body = " ".join(_clean(text).split())
    command = body.startswith("/run")
    if command:
        body = body[4:]
    offset = 0
    date = _DATE_RE.search(body)
    if date is not None:
        body = body[: date.start()] + " " + body[date.end() :]
    words = re.findall(r"[a-z0-9]+", body)
    found = _DISTANCE_RE.search(body)
    # Runners' shorthand names no run at all: "10k easy", "12 km recovery", "8k".
    shorthand = found is not None and (
        bool(({"long"} | _HARD_WORDS | _EASY_WORDS) & set(words))
        or _DISTANCE_RE.fullmatch(body.strip()) is not None
    )
    if not command and not (_RUN_WORDS & set(words)) and not shorthand:
        return None
    if not command and _asks_or_plans(text, words):
        return None  # a question or a plan about a run, not a record of one
    first = re.match(r"\s*([^\W\d_]+(?:\s+[^\W\d_]+)*)", body)
    if not command and first is not None and exercises.resolve(first.group(1)) is not None:
        return None
    if date is not None:
        offset = _date_offset(date, today)
        if offset > 0:
            raise LogParseError("That run is in the future; log it once you've run it.")
    if re.search(r"(?<!\w)-\s*[0-9]", body):
        raise LogParseError(f"A run can't be negative. Try {RUN_EXAMPLE}.")
    distance: float | None = None
    rest = body
    if found is not None:
        distance = _distance_km(found.group(1), found.group(2))
        rest = body[: found.start()] + " " + body[found.end() :]
    elif command:
        bare = re.search(r"(?<![\w.])([0-9][0-9.,]*)(?![\w.,])", body)
        if bare is not None:
            distance = _distance_km(bare.group(1), "km")
            rest = body[: bare.start()] + " " + body[bare.end() :]
    elif "marathon" in words:
        distance = 21.0975 if "half" in words else 42.195
    if command:
        for token in rest.split():
            stray_unit = _DISTANCE_UNIT_RE.fullmatch(token) is not None
            digits = any(c.isdigit() for c in token)
            if stray_unit or (digits and _RUN_EXTRAS_RE.fullmatch(token) is None):
                raise LogParseError(f"I can't read “{token}” in a run. Try {RUN_EXAMPLE}.")
    if distance is not None:
        distance = round(distance, 2)
    kind: Literal["easy", "hard", "long"]
    if "long" in words:
        kind = "long"
    elif _HARD_WORDS & set(words):
        kind = "hard"
    elif _EASY_WORDS & set(words):
        kind = "easy"
    else:
        kind = "long" if distance is not None and distance >= LONG_RUN_KM else "easy"
    return RunLog(kind, distance, offset)
