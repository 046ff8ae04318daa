"""Typed button actions and the one codec that turns them into button data and back.

A button carries an `Action`: a name and typed arguments. Encoded as `name:arg:arg` it fits
Telegram's 64 bytes of callback data and Discord's custom_id. Decoding checks every
argument's shape (ASCII digits within range, real dates, known words), so a forged, stale
or mangled button decodes to None, which the dispatcher answers once with "That button has
expired"; the use-cases only ever see well-typed values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

Arg = str | int | dt.date
MAX_BYTES = 64  # Telegram's callback data; Discord allows 100


@dataclass(frozen=True)
class Action:
    name: str
    args: tuple[Arg, ...] = ()


@dataclass(frozen=True)
class _Kind:
    """One argument's shape: a regular expression, and how to read what matches."""

    pattern: str
    read: str = "str"  # str | int | date
    maximum: int | None = None  # for ints

    def decode(self, raw: str) -> Arg:
        if re.fullmatch(self.pattern, raw, flags=re.ASCII) is None:
            raise ValueError(raw)
        if self.read == "int":
            value = int(raw)
            if self.maximum is not None and value > self.maximum:
                raise ValueError(raw)
            return value
        if self.read == "date":
            day = dt.date.fromisoformat(raw)
            if not 2000 <= day.year <= 2100:
                raise ValueError(raw)
            return day
        return raw


def words(*choices: str) -> _Kind:
    return _Kind("|".join(re.escape(c) for c in choices))


NUMBER = _Kind(r"[0-9]{1,15}", "int")
ROW = _Kind(r"[0-9]{1,10}", "int", maximum=2**31 - 1)  # a database row id (a 32-bit integer)
SMALL = _Kind(r"[0-9]{1,3}", "int")
DAY = _Kind(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "date")
TOKEN = _Kind(r"[A-Za-z0-9_+\-/.]{1,40}")
STEP = _Kind(r"[a-z_]{1,24}")
REST = _Kind(r"[A-Za-z0-9_+\-/.:]{1,48}")  # the rest of the data, colons included

# Every action the coach puts on a button: name -> the argument shapes it may take.
SHAPES: Mapping[str, tuple[tuple[_Kind, ...], ...]] = {
    "ob": ((STEP, REST),),  # an onboarding or settings answer: step, value
    "st": ((words("today", "settings", "restart", "restart-yes", "restart-no"),),),
    "set": ((TOKEN,), (words("inc"), TOKEN)),  # a settings group; a load step
    "dl": ((words("done", "skip", "move"), DAY),),  # the daily message's buttons
    "lg": ((ROW, words("x")), (ROW, SMALL, _Kind(r"c|y|[sa][0-9]{1,2}"))),  # a pending log
    "hi": ((words("keep"),), (words("del"), NUMBER)),  # /deleteme
    "rk": ((ROW, words("easy", "hard", "long")),),  # a run's kind, corrected
    "go": ((words("today", "week", "log", "help", "settings", "start"),),),  # a command
}


def encode(action: Action) -> str:
    """`name:arg:arg`; a ValueError for an action no codec shape reads back (a bug)."""
    parts = [action.name, *(a.isoformat() if isinstance(a, dt.date) else str(a) for a in
                            action.args)]  # fmt: skip
    data = ":".join(parts)
    if len(data.encode()) > MAX_BYTES or decode(data) != action:
        raise ValueError(f"action {action!r} does not encode into {MAX_BYTES} bytes")
    return data


def decode(data: str) -> Action | None:
    """The action a button's data carries; None for anything that doesn't read as one."""
    if len(data.encode()) > MAX_BYTES:
        return None
    name, _, rest = data.partition(":")
    raw = rest.split(":") if rest else []
    for shape in SHAPES.get(name, ()):
        parts = raw
        if shape and shape[-1] is REST:
            head = len(shape) - 1
            if len(raw) <= head:
                continue
            parts = [*raw[:head], ":".join(raw[head:])]
        if len(parts) != len(shape):
            continue
        try:
            return Action(name, tuple(k.decode(p) for k, p in zip(shape, parts, strict=True)))
        except ValueError:
            continue
    return None
