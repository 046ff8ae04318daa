"""Logging what the athlete did — sets typed like a text to a friend, "done", runs — and the
progression that follows.

Every call is one write transaction with the athlete row locked, so two replicas never apply
the same athlete's logs at once. A batch (`LogBatch`) is the unit of /undo and of edits: it
records the progression states it changed (`states_before`) and batches apply in id order,
so undoing the newest batch, or replaying the ones after an edited batch, is exact.

A log that needs an answer first (an unknown exercise name, an ambiguous line) waits as a
`PendingLog` holding the parsed lines; buttons carry only its id (`lg:<id>:<line>:<choice>`),
so any replica, after any restart, can finish it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from bot.clock import Clock
from bot.coach.actions import Action
from bot.coach.body import Body
from bot.coach.intents import Who
from bot.coach.messages import EXPIRED, Button, Keyboard, Message, acknowledge, say
from bot.coach.planning import Planned, local_today, moves_of, profile_of, skipped_days
from bot.coach.records import display_name
from db.logs import LogContext, set_row, state_from_values, values_of
from db.models import Athlete, LogBatch, RunLog, SetLog
from db.readiness import RUNS_BACK_DAYS
from db.uow import Storage, Unit
from plans import exercises
from plans.loads import starting_e1rm
from plans.logparse import (
    EXAMPLE as LOG_EXAMPLE,
)
from plans.logparse import (
    MAX_DAYS_BACK,
    TOO_OLD,
    DoneCommand,
    LogEntry,
    LogParseError,
    SetEntry,
    entries_from_prescriptions,
    parse_done,
    parse_log,
    parse_run,
    suggestions_for,
)
from plans.logparse import RunLog as RunEntry
from plans.niggles import names_a_region, parse_niggles, without_niggles
from plans.placement import planned_run
from plans.prescription import Prescription
from plans.profile import Profile
from plans.programs import DayPlan, day_label, next_prescriptions, plan_day
from plans.progression import Progress, describe_target, next_state
from plans.readiness import RunDone
from plans.render import exercise_line
from plans.runload import volume_jump
from plans.sessions import LEVELS, PLYO_DOSE
from plans.state import ExerciseState
from plans.text import Span, Text, bold, code, italic, lines, text
from plans.units import format_distance, format_logged
from plans.words import plural

MAX_REPLY_CHARS = 3800
EXAMPLE = code("squat 3x5 60kg")
NOT_SET_UP = "Let's set you up first: send /start."

# Examples of logs, each with what it means: /log shows them, and the tests check that each
# parses as a log.
GRAMMAR_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("squat 3x5 60kg", "3 sets of 5 at 60 kg"),
    ("rdl 8,8,7 @40", "reps of each set, at 40"),
    ("split squat 3x8 12kg each", "per leg"),
    ("bench 3x8 40kg rpe 8", "with how hard it felt"),
    ("plank 3x45s", "holds"),
    ("pull-ups 5,4,4", "body weight"),
    ("yesterday: lunges 3x10", "an earlier day"),
)


def grammar() -> Text:
    """How to log, with examples."""
    rows: list[Text] = [
        text(bold("Logging a workout"), " — one exercise per line, the way you'd text a friend:")
    ]
    rows += [text(code(example), f" — {meaning}") for example, meaning in GRAMMAR_EXAMPLES]
    rows += [
        text(code("done"), " — today's session exactly as prescribed (or tap ✅ Done)"),
        text(code("done except squat 3x4"), " — as prescribed, with changes"),
        text(
            code("long run 25k"),
            " · ",
            code("intervals done"),
            " · ",
            code("/run 10k hard"),
            " — runs; an unplanned hard or long run holds the next heavy lift",
        ),
        text(),
        text(
            "Numbers without a unit are in your unit. I reply with your next target. Made a "
            "typo? Edit your message and I'll correct the log. /undo removes the last log."
        ),
    ]
    return lines(*rows)


def not_a_log_hint(example: Text | Span | None = None) -> Text:
    """What the coach says to text that is neither a log nor a run."""
    return text(
        "I didn't catch that. To log a workout send e.g. ",
        example or EXAMPLE,
        " (one exercise per line); "
        "/log shows more examples. /today shows today's workout, /help everything I can do.",
    )


def example_log(units: str, equipment: str) -> str:
    """A log line the athlete could send: in their unit, with their kit."""
    if equipment == "none":
        return "split squat 3x10"
    if equipment == "home":
        return "goblet squat 3x10 35lb" if units == "lb" else "goblet squat 3x10 16kg"
    return "squat 3x5 135lb" if units == "lb" else "squat 3x5 60kg"


def _examples(units: str, equipment: str) -> str:
    """`logparse.EXAMPLE` for this athlete."""
    first = example_log(units, equipment)
    second = "pushups 20,18,15" if equipment == "none" else (
        "rdl 8,8,7 @95" if units == "lb" else "rdl 8,8,7 @40"
    )  # fmt: skip
    return f"e.g. “{first}”, “{second}” or “plank 3x45s”"


_GREETINGS = frozenset(
    {"hi", "hello", "hey", "hiya", "yo", "morning", "good morning", "good evening",
     "good afternoon", "hi coach", "hello coach", "hey coach", "hi there", "hello there"}
)  # fmt: skip
_THANKS = frozenset({"thanks", "thank you", "thx", "cheers", "ty", "thanks coach", "ta"})
_PAIN = re.compile(
    r"\b(hurts?|hurting|pain|painful|sore|aches?|aching|injur\w*|niggle|tweak\w*|strain\w*"
    r"|sprain\w*|twinge)\b"
)


def chat_reply(text_in: str, name: str, units: str, equipment: str) -> Text:
    """What the coach says to a message that is not a log: a greeting back, a nod to an
    emoji, care for pain, else how to log (in the athlete's unit, with their kit)."""
    said = text_in.strip().lower()
    words = re.sub(r"[^\w\s']", " ", said).split()
    plain = " ".join(words)
    first = name.split()[0] if name.strip() else "there"
    if _PAIN.search(said):
        return lines(
            "I'm sorry it hurts. Pain is a signal to respect: skip or lighten what hurts "
            "(fewer reps, less load, a variant that stays below 3/10 during and after), and "
            "keep running easy only if that doesn't hurt.",
            "If it is sharp, swollen, or still there after a week or two, please see a "
            "physio or a doctor — I can't diagnose it.",
            # No body part named (those are niggle reports): ask for one, so the plan can
            # work around it.
            text(
                "Where is it, and how bad out of 10? Tell me like ",
                code("knee 4/10"),
                " or ",
                code("achilles sore"),
                " and I'll work your sessions around it.",
            ),
        )
    if said and not any(ch.isalnum() for ch in said):
        return text(f"{text_in.strip()[:8]} Love it. /today shows what's next.")
    if plain in _GREETINGS or (words and words[0] in ("hi", "hello", "hey") and len(words) <= 3):
        return text(f"👋 Hi {first}! /today shows today's workout; after it, send what you did, "
                    "e.g. ", code(example_log(units, equipment)), ".")  # fmt: skip
    if plain in _THANKS:
        return text("You're welcome! Keep it up 💪")
    return not_a_log_hint(code(example_log(units, equipment)))


@dataclass(frozen=True)
class _Line:
    """One exercise of a log on its day; `named` once the exercise is known or confirmed."""

    day: dt.date
    entry: LogEntry
    named: bool
    suggestions: tuple[str, ...] = ()

    @property
    def asks(self) -> bool:
        return not self.named or bool(self.entry.alternatives)


@dataclass(frozen=True)
class _Parsed:
    """A message read as a log: set lines (chat, done) or a run."""

    source: str  # chat | done | run
    day: dt.date
    lines: tuple[_Line, ...] = ()
    run: RunEntry | None = None
    # `done`: exercises prescribed by feel (no load on record yet), left out: their weights
    # are asked for, not guessed.
    need_weights: tuple[str, ...] = ()
    repeat_ok: bool = False  # the athlete confirmed it is not the same log sent twice

    def first_question(self) -> int | None:
        return next((i for i, line in enumerate(self.lines) if line.asks), None)


@dataclass(frozen=True)
class _Outcome:
    """One exercise of a stored batch and what progression made of it."""

    day: dt.date
    exercise: str
    sets: tuple[SetEntry, ...]
    prescription: Prescription | None
    progress: Progress | None  # None for mobility drills


class _Plans:
    """The day plans one call needs, computed once (before any state changes) from inputs
    loaded once (`LogContext`: states, plan changes), without further queries."""

    def __init__(self, athlete: Athlete, context: LogContext) -> None:
        self.athlete = athlete
        self.context = context
        self.states = {ex: state_from_values(ex, v) for ex, v in context.states.items()}
        self._profile: Profile | None = None
        self._days: dict[dt.date, Planned | None] = {}
        self._rx: dict[dt.date, dict[str, Prescription]] = {}

    @classmethod
    async def load(
        cls,
        unit: Unit,
        athlete: Athlete,
        today: dt.date,
        source_key: str | None = None,
        expected: tuple[list[str], list[dt.date]] = ([], []),
    ) -> _Plans:
        """The athlete's plan inputs as stored now (and the batch or pending log under
        `source_key`, and what progressing the `expected` exercises and days reads)."""
        names, days = expected
        context = await unit.log_context(
            athlete.id, source_key, today=today, exercises=names, days=days
        )
        return cls(athlete, context)

    @property
    def profile(self) -> Profile:
        if self._profile is None:
            self._profile = profile_of(self.athlete)
        return self._profile

    def _plan(self, states: dict[str, ExerciseState], day: dt.date) -> DayPlan:
        return plan_day(
            self.profile,
            states,
            day,
            plan_start=self.athlete.plan_start or day,
            moves=moves_of(self.context.changes),
            readiness=self.context.readiness,
        )

    def get(self, day: dt.date) -> Planned | None:
        """The plan of `day`; None before the plan started (nothing was prescribed then)."""
        if day not in self._days:
            start = self.athlete.plan_start
            planned = self.athlete.profile and (start is None or day >= start)
            self._days[day] = (
                Planned(self._plan(self.states, day), day in skipped_days(self.context.changes))
                if planned
                else None
            )
        return self._days[day]

    def rx(self, day: dt.date) -> dict[str, Prescription]:
        """The day's prescriptions by exercise (range and target included)."""
        if day not in self._rx:
            planned = self.get(day)
            shown = () if planned is None else planned.plan.exercises
            self._rx[day] = {p.exercise: p for p in shown}
        return self._rx[day]


class Logbook:
    """The logging use-cases. Each returns the messages to send."""

    def __init__(self, storage: Storage, clock: Clock, body: Body | None = None) -> None:
        self.storage = storage
        self.clock = clock
        self.body = body or Body(storage, clock)  # niggles said in a message
        # Each athlete's newest log in this process (normalised text, when): the same
        # message sent twice is asked about, not stored twice. Kept in memory, not read from
        # the database per log: on several replicas a repeat sent to another one is stored.
        self._last_log: dict[int, tuple[str, dt.datetime]] = {}

    def _repeated(self, athlete_id: int, text_in: str, now: dt.datetime) -> dt.timedelta | None:
        """How long ago the athlete sent this same log, if within `REPEAT_WINDOW`: most
        likely the same message twice, not the same work done twice."""
        said = "".join(text_in.lower().split())
        last = self._last_log.get(athlete_id)
        if len(self._last_log) > 100_000:
            self._last_log.clear()
        self._last_log[athlete_id] = (said, now)
        if last is None or last[0] != said:
            return None
        ago = now - last[1]
        return ago if dt.timedelta(0) <= ago <= REPEAT_WINDOW else None

    # --- entry points ---------------------------------------------------------------------

    async def log_message(
        self, unit: Unit, athlete: Athlete, who: Who, text_in: str
    ) -> list[Message] | None:
        """A message from an onboarded athlete, inside the caller's write transaction
        (`athlete` loaded there with its row locked, the event recorded); None when it is
        neither a log nor a run (then a word back: a greeting, care for pain, how to log)."""
        asked = await self.body.asked_score(unit, athlete, text_in)
        if asked is not None:
            return await self.body.niggle(unit, athlete, who, text_in, found=[asked])
        found = parse_niggles(text_in)
        if found:
            # "squat 3x5 60kg, knee 4/10": the niggle and the workout are both kept.
            logged = self._log_part(athlete, text_in)
            noted = await self.body.niggle(
                unit, athlete, who, text_in, keyed=logged is None, found=found
            )
            if logged is None:
                return noted
            replies = await self._message(unit, athlete, who.message_id, who.chat_id, logged)
            return [*(replies or []), *(noted or [])]
        replies = await self._message(unit, athlete, who.message_id, who.chat_id, text_in)
        if replies is not None:
            return replies
        profile = athlete.profile or {}
        equipment = str(profile.get("equipment", "gym"))
        return [Message(chat_reply(text_in, athlete.name, athlete.units, equipment))]

    def _log_part(self, athlete: Athlete, text_in: str) -> str | None:
        """What a message that reports a niggle also logs: the whole of it when it reads as
        sets with the niggle as a note ("squat 3x5 60kg (knee sore)"), else what is left
        without the niggle's lines and clauses when that reads as sets, a run or "done".
        None when it logs nothing ("knee 4/10", "calf tight after my long run")."""
        today, units = self._today(athlete), _parse_units(athlete)

        def sets(candidate: str) -> bool:
            try:
                entries = parse_log(candidate, units, today=today)
            except LogParseError:
                return False
            # "left knee, 6/10" reads as 6 of an exercise called "left knee": not a log.
            return not any(
                e.exercise.startswith("custom:") and names_a_region(e.exercise) for e in entries
            )

        if sets(text_in):
            return text_in
        rest = without_niggles(text_in)
        if not rest:
            return None
        try:
            run_or_done = (
                parse_done(rest, unit=units, today=today) is not None
                or parse_run(rest, today=today) is not None
            )
        except LogParseError:
            run_or_done = False
        return rest if run_or_done or sets(rest) else None

    async def log_command(self, who: Who, args: str) -> list[Message]:
        """/log with sets logs them; /log alone shows how."""
        if not args.strip():
            return [Message(grammar())]
        async with self.storage.write() as unit:
            athlete = await self._athlete(unit, who)
            if athlete is None or athlete.onboarded_at is None:
                return [say(NOT_SET_UP)]
            if not await unit.first(who.platform, who.event, self.clock.now()):
                return []
            logged = await self._message(unit, athlete, who.message_id, who.chat_id, args)
        return logged if logged is not None else [Message(not_a_log_hint())]

    async def log_prescription(self, who: Who, day: dt.date | None = None) -> list[Message]:
        """The "✅ Done as prescribed" button for `day` (default: the athlete's today)."""
        async with self.storage.write() as unit:
            athlete = await self._athlete(unit, who)
            if athlete is None or athlete.onboarded_at is None:
                return [say(NOT_SET_UP, ack="Send /start first")]
            if not await unit.first(who.platform, who.event, self.clock.now()):
                return []
            today = self._today(athlete)
            day = day or today
            if day > today:
                return [acknowledge("That session is still ahead of you.")]
            plans = await _Plans.load(unit, athlete, today)
            done = DoneCommand((), (day - today).days)
            parsed = await self._done(unit, athlete, done, today, None, plans)
            if isinstance(parsed, Text):
                return [Message(parsed, ack="Not logged")]
            replies = await self._store(
                unit, athlete, parsed, text_in="done", key=f"done:{day.isoformat()}",
                message_id=None, plans=plans,
            )  # fmt: skip
            return [replace(replies[0], ack="Logged ✅"), *replies[1:]]

    async def run(self, who: Who, args: str) -> list[Message]:
        """/run 10k hard"""
        async with self.storage.write() as unit:
            athlete = await self._athlete(unit, who)
            if athlete is None or athlete.onboarded_at is None:
                return [say(NOT_SET_UP)]
            if not await unit.first(who.platform, who.event, self.clock.now()):
                return []
            if not args.strip():
                return [
                    say(
                        "Tell me about the run, e.g. ",
                        code("/run 10k hard"),
                        ", ",
                        code("/run 25k long"),
                        " or ",
                        code("/run 5k easy yesterday"),
                        ".",
                    )
                ]
            key = _key(who.chat_id, who.message_id)
            if key is not None and (await unit.batches.by_key(athlete.id, key)):
                return [say("✅ Already logged. /undo removes it.")]
            today = self._today(athlete)
            try:
                found = parse_run("/run " + args, today=today)
            except LogParseError as error:
                return [say("🤔 " + error.message)]
            if found is None:  # pragma: no cover - a /run command always reads as a run
                return [say("Try ", code("/run 10k hard"), ".")]
            day = today + dt.timedelta(days=found.day_offset)
            if (today - day).days > MAX_DAYS_BACK:
                return [Message(_too_old())]
            parsed = _Parsed("run", day, run=found)
            text_in = f"/run {args}"
            repeated = self._repeated(athlete.id, text_in, self.clock.now())
            if repeated is not None:
                pending_id = await unit.pending.add(
                    athlete.id, source_key=key, chat_message_id=who.message_id, text=text_in,
                    parsed=_parsed_to_json(parsed), now=self.clock.now(),
                )  # fmt: skip
                return [_repeat_question(pending_id, repeated)]
            return await self._store(
                unit, athlete, parsed, text_in=text_in, key=key, message_id=who.message_id
            )

    async def undo(self, who: Who) -> list[Message]:
        """Remove the newest log (its sets and runs) and put back the states it changed; a
        log still waiting for an answer goes first."""
        now = self.clock.now()
        async with self.storage.write() as unit:
            athlete = await self._athlete(unit, who)
            if athlete is None or athlete.onboarded_at is None:
                return [say(NOT_SET_UP)]
            if not await unit.first(who.platform, who.event, now):
                return []
            batch = await unit.batches.latest(athlete.id)
            waiting = await unit.pending.latest(athlete.id)
            if waiting is not None and (batch is None or waiting.created_at >= batch.created_at):
                await unit.pending.delete(waiting)
                return [say("↩️ Dropped the log that was waiting for your answer.")]
            if batch is None:
                return [say("Nothing to undo yet. Log a workout like ", EXAMPLE, ".")]
            summary = await self._summary(unit, athlete, batch)
            await unit.states.restore(athlete.id, batch.states_before, now)
            await unit.batches.delete(batch)
            tail = " Your targets are back where they were." if batch.states_before else ""
            return [say(f"↩️ Removed {summary}.{tail}")]

    async def edited(self, who: Who, message_id: int, text_in: str) -> list[Message]:
        """The athlete edited a message: correct the log it made (or make one)."""
        now = self.clock.now()
        async with self.storage.write() as unit:
            athlete = await self._athlete(unit, who)
            if athlete is None or athlete.onboarded_at is None:
                return [say("I only read edits of workout logs. /start sets you up.")]
            if not await unit.first(who.platform, who.event, now):
                return []
            body = text_in.strip()
            if body.startswith("/") and not _is_run_command(body):
                return [say("Editing a command doesn't redo it: send it again as a new message.")]
            if parse_niggles(body):  # the log beside a niggle; the niggle stays as reported
                body = self._log_part(athlete, body) or body
            key = _key(who.chat_id, message_id)
            assert key is not None
            waiting = await unit.pending.by_key(athlete.id, key)
            batch = await unit.batches.by_key(athlete.id, key)
            if batch is None and waiting is None:
                replies = await self._message(unit, athlete, message_id, who.chat_id, body)
                return replies if replies is not None else [Message(not_a_log_hint())]
            parsed = await self._parse(unit, athlete, body, editing=batch)
            if parsed is None or isinstance(parsed, Text):
                reason = parsed or text(
                    "I couldn't read your edit as a workout (try ", EXAMPLE, ")."
                )
                kept = (
                    "Your earlier message still waits for an answer above."
                    if waiting is not None
                    else "The earlier log stays as it was."
                )
                return [Message(lines(reason, kept))]
            if waiting is not None:
                await unit.pending.delete(waiting)
                return await self._store(
                    unit, athlete, parsed, text_in=text_in, key=key, message_id=message_id
                )
            assert batch is not None
            later = await unit.batches.applied_after(athlete.id, batch.id)
            for newer in reversed(later):
                await unit.states.restore(athlete.id, newer.states_before, now)
                newer.states_before = {}
            await unit.states.restore(athlete.id, batch.states_before, now)
            batch.states_before = {}
            await unit.batches.clear(batch.id)
            if parsed.first_question() is not None:
                # Asking first: the batch is re-made when answered, after the newer ones.
                await unit.batches.delete(batch)
                for newer in later:
                    await self._apply(unit, athlete, newer)
                return await self._store(
                    unit, athlete, parsed, text_in=text_in, key=key, message_id=message_id
                )
            replies = await self._store(
                unit, athlete, parsed, text_in=text_in, key=key, message_id=message_id,
                batch=batch, header=text("✏️ ", bold("Corrected")),
            )  # fmt: skip
            for newer in later:
                await self._apply(unit, athlete, newer)
            return replies

    async def button(self, who: Who, action: Action) -> list[Message]:
        """An answer to a pending log's question: `lg:<id>:<line>:<choice>` or `lg:<id>:x`."""
        async with self.storage.write() as unit:
            athlete = await self._athlete(unit, who)
            if athlete is None:
                return [say(NOT_SET_UP, ack="Send /start first")]
            if not await unit.first(who.platform, who.event, self.clock.now()):
                return []
            pending_id = action.args[0]
            if not isinstance(pending_id, int):
                return [EXPIRED]
            row = await unit.pending.get(athlete.id, pending_id)
            if row is None:
                return [acknowledge("That log is already settled.")]
            if action.args[1:] == ("x",):
                await unit.pending.delete(row)
                return [say("OK, I didn't log that message.", edit=True, ack="Not logged")]
            parsed = _parsed_from_json(row.parsed)
            index = parsed.first_question()
            line_index, choice = action.args[1], action.args[2]
            if choice == "y":  # "yes, log it again": not the same log sent twice
                parsed = replace(parsed, repeat_ok=True)
                if index is None:
                    key, message_id, text_in = row.source_key, row.chat_message_id, row.text
                    await unit.pending.delete(row)
                    replies = await self._store(
                        unit, athlete, parsed, text_in=text_in, key=key, message_id=message_id
                    )
                    return [replace(replies[0], edit=True, ack="Logged ✅"), *replies[1:]]
                await unit.pending.update(row, _parsed_to_json(parsed))
                return [replace(_question(row.id, parsed, index, athlete.units), edit=True)]
            if index is None or line_index != index:
                return [acknowledge("That question is done.")]
            line = _answer(parsed.lines[index], str(choice))
            if line is None:
                return [EXPIRED]
            answered = list(parsed.lines)
            answered[index] = line
            parsed = replace(parsed, lines=tuple(answered))
            following = parsed.first_question()
            if following is not None:
                await unit.pending.update(row, _parsed_to_json(parsed))
                return [replace(_question(row.id, parsed, following, athlete.units), edit=True)]
            key, message_id, text_in = row.source_key, row.chat_message_id, row.text
            await unit.pending.delete(row)
            replies = await self._store(
                unit, athlete, parsed, text_in=text_in, key=key, message_id=message_id
            )
            return [replace(replies[0], edit=True, ack="Logged ✅"), *replies[1:]]

    # --- reading ----------------------------------------------------------------------------

    async def _message(
        self,
        unit: Unit,
        athlete: Athlete,
        message_id: int | None,
        chat_id: int,
        text_in: str,
    ) -> list[Message] | None:
        key = _key(chat_id, message_id)
        # One query for the plan inputs (used to read the log and to apply it) and the batch
        # or pending log already stored under this message's key, if any.
        today = self._today(athlete)
        guess = self._guess(athlete, text_in, today)
        plans = await _Plans.load(unit, athlete, today, key, _expected(guess, today))
        found = plans.context
        if found.pending_id is not None:
            waiting = await unit.pending.get(athlete.id, found.pending_id)
            if waiting is not None:
                parsed_waiting = _parsed_from_json(waiting.parsed)
                index = parsed_waiting.first_question()
                if index is not None:
                    return [_question(waiting.id, parsed_waiting, index, athlete.units)]
        if found.batch_id is not None:
            return [say("✅ Already logged. /undo removes it.")]
        parsed = await self._parse(unit, athlete, text_in, plans=plans, guess=guess)
        if parsed is None:
            return None
        if isinstance(parsed, Text):
            return [Message(parsed)]
        if parsed.source in ("chat", "run"):
            repeated = self._repeated(athlete.id, text_in, self.clock.now())
            if repeated is not None:
                pending_id = await unit.pending.add(
                    athlete.id, source_key=key, chat_message_id=message_id, text=text_in,
                    parsed=_parsed_to_json(parsed), now=self.clock.now(),
                )  # fmt: skip
                return [_repeat_question(pending_id, repeated)]
        return await self._store(
            unit, athlete, parsed, text_in=text_in, key=key, message_id=message_id, plans=plans
        )

    @staticmethod
    def _guess(athlete: Athlete, text_in: str, today: dt.date) -> list[LogEntry] | None:
        """The message read as a log without the plan (not loaded yet); None if it doesn't
        read as one that way."""
        try:
            return parse_log(text_in, _parse_units(athlete), today=today)
        except LogParseError:
            return None

    async def _parse(
        self,
        unit: Unit,
        athlete: Athlete,
        text_in: str,
        *,
        editing: LogBatch | None = None,
        plans: _Plans | None = None,
        guess: list[LogEntry] | None = None,
    ) -> _Parsed | Text | None:
        """The message as a log; a refusal when it can't be stored; None when it isn't a log
        at all (no numbers, no "done", no run). `plans`: inputs loaded for this call;
        `guess`: the message as `_guess` read it."""
        today = self._today(athlete)
        units = _parse_units(athlete)
        if plans is None:
            plans = await _Plans.load(unit, athlete, today)
        stage = "done"
        try:
            done = parse_done(text_in, unit=units, today=today, prescription=plans.rx(today))
            if done is not None:
                if done.day_offset:
                    day = today + dt.timedelta(days=done.day_offset)
                    done = (
                        parse_done(text_in, unit=units, today=today, prescription=plans.rx(day))
                        or done
                    )
                return await self._done(unit, athlete, done, today, editing, plans)
            stage = "run"
            run = parse_run(text_in, today=today)
            if run is not None:
                day = today + dt.timedelta(days=run.day_offset)
                return (
                    _too_old()
                    if (today - day).days > MAX_DAYS_BACK
                    else _Parsed("run", day, run=run)
                )
            stage = "log"
            entries = _read(text_in, units, today, plans.rx(today), guess)
            offsets = {e.day_offset for e in entries}
            if len(offsets) == 1 and (offset := offsets.pop()) != 0:
                day = today + dt.timedelta(days=offset)
                entries = _read(text_in, units, today, plans.rx(day), guess)
        except LogParseError as error:
            if stage == "log" and not any(ch.isdigit() for ch in text_in):
                return None
            equipment = str((athlete.profile or {}).get("equipment", "gym"))
            message = error.message.replace(LOG_EXAMPLE, _examples(athlete.units, equipment))
            return text("🤔 " + message)
        found = tuple(_line(today + dt.timedelta(days=e.day_offset), e) for e in entries)
        if any((today - line.day).days > MAX_DAYS_BACK for line in found):
            return _too_old()
        return _Parsed("chat", min(line.day for line in found), found)

    async def _done(
        self,
        unit: Unit,
        athlete: Athlete,
        done: DoneCommand,
        today: dt.date,
        editing: LogBatch | None,
        plans: _Plans | None = None,
    ) -> _Parsed | Text:
        day = today + dt.timedelta(days=done.day_offset)
        label = "today" if day == today else day_label(day)
        if (today - day).days > MAX_DAYS_BACK:
            return _too_old()
        planned = (plans or await _Plans.load(unit, athlete, today)).get(day)
        if planned is None or planned.plan.kind == "rest" or not planned.plan.exercises:
            return text(
                f"Nothing was planned for {label}, so there's nothing to mark done. "
                "Log what you did instead, e.g. ", EXAMPLE, ".",
            )  # fmt: skip
        if planned.plan.kind == "mobility" and not done.exceptions:
            return text(
                f"🧘 Nice — {label} is a mobility day: nothing to log. "
                "Lifted anyway? Send what you did, e.g. ", code(_example(athlete)), "."
            )  # fmt: skip
        existing = await unit.batches.done_on(athlete.id, day)
        if existing is not None and (editing is None or existing.id != editing.id):
            return text(f"✅ The session for {label} is already logged. /undo removes it.")
        given = {e.exercise for e in done.exceptions}
        by_feel = tuple(
            p.exercise
            for p in planned.plan.exercises
            if p.load_kg is None
            and p.exercise not in given
            and p.exercise not in planned.plan.bodyweight
            and exercises.get(p.exercise).load_type == "external"
        )
        prescribed = [p for p in planned.plan.exercises if p.exercise not in by_feel]
        entries = entries_from_prescriptions(
            prescribed, done.exceptions, day_offset=done.day_offset
        )
        if not entries:
            return _ask_weights(by_feel, athlete)
        return _Parsed("done", day, tuple(_line(day, e) for e in entries), need_weights=by_feel)

    # --- storing ----------------------------------------------------------------------------

    async def _store(
        self,
        unit: Unit,
        athlete: Athlete,
        parsed: _Parsed,
        *,
        text_in: str,
        key: str | None,
        message_id: int | None,
        batch: LogBatch | None = None,
        header: Text | None = None,
        plans: _Plans | None = None,
    ) -> list[Message]:
        """Store a parsed log (or keep it waiting behind a question) and reply.

        `plans`: the plan inputs loaded in this call, if no state changed since (a new
        batch only; an edited one is applied to the states as restored)."""
        now = self.clock.now()
        header = header or text("✅ ", bold("Logged"))

        async def insert(
            source: str,
            states_before: dict[str, Any],
            sets: list[dict[str, Any]] | None = None,
            states: dict[str, dict[str, Any]] | None = None,
        ) -> int:
            return await unit.batches.insert(
                athlete.id,
                source=source,
                source_key=key,
                chat_message_id=message_id,
                text=text_in,
                performed_on=parsed.day,
                states_before=states_before,
                now=now,
                sets=sets or (),
                states=states,
            )

        if parsed.first_question() is not None and batch is None:
            pending_id = await unit.pending.add(
                athlete.id, source_key=key, chat_message_id=message_id, text=text_in,
                parsed=_parsed_to_json(parsed), now=now,
            )  # fmt: skip
            index = parsed.first_question()
            assert index is not None
            return [_question(pending_id, parsed, index, athlete.units)]
        today = self._today(athlete)
        if batch is not None:  # an edit: the batch now holds the corrected log
            batch.source, batch.text, batch.performed_on = parsed.source, text_in[:4000], parsed.day
        if parsed.run is not None:
            unit.runs.add(
                RunLog(
                    athlete_id=athlete.id,
                    batch_id=batch.id if batch is not None else await insert(parsed.source, {}),
                    performed_on=parsed.day,
                    kind=parsed.run.kind,
                    distance_km=parsed.run.distance_km,
                    planned=planned_run(profile_of(athlete), parsed.day.weekday(), parsed.run.kind),
                    created_at=now,
                )
            )
            await unit.flush()
            corrected = batch is not None
            head = text("✏️ ", bold("Corrected"), ": ") if corrected else text("🏃 Logged: ")
            return [Message(head + _run_text(parsed.run, parsed.day, today, athlete.units))]
        groups = _groups(parsed)
        if batch is None:
            # A new batch comes after every stored one, so progression reads all stored sets
            # and runs (`before_batch=None`) and is worked out before anything is written:
            # the batch goes in with its `states_before`, its sets and the states it leaves.
            if plans is None:
                plans = await _Plans.load(unit, athlete, today)
            outcomes, before, after = await self._progress(
                unit, athlete, groups, plans, before_batch=None
            )
            await insert(parsed.source, before, _set_rows(parsed), after)
        else:
            await unit.sets.add_many(athlete.id, batch.id, _set_rows(parsed), now)
            plans = await _Plans.load(unit, athlete, today)
            outcomes, before, after = await self._progress(
                unit, athlete, groups, plans, before_batch=batch.id
            )
            batch.states_before = before
            await unit.states.put_many(athlete.id, after, now)
        upcoming = _next_sessions(plans, after, outcomes, today)
        if parsed.source == "done":
            asked = _ask_weights(parsed.need_weights, athlete) if parsed.need_weights else None
            reply = _done_confirmation(header, outcomes, today, athlete.units, upcoming, asked)
            return [Message(reply)]
        return [Message(_confirmation(header, outcomes, today, athlete.units, upcoming))]

    async def _apply(self, unit: Unit, athlete: Athlete, batch: LogBatch) -> list[_Outcome]:
        """Progression for every exercise of a stored batch, from its stored sets; records the
        states it changed in `batch.states_before`."""
        rows = await unit.sets.of_batch(batch.id)
        groups: dict[tuple[dt.date, str], list[SetEntry]] = {}
        for stored in rows:
            groups.setdefault((stored.performed_on, stored.exercise), []).append(_entry_of(stored))
        plans = await _Plans.load(unit, athlete, self._today(athlete))
        outcomes, before, after = await self._progress(
            unit, athlete, groups, plans, before_batch=batch.id
        )
        await unit.states.put_many(athlete.id, after, self.clock.now())
        batch.states_before = before
        return outcomes

    async def _progress(
        self,
        unit: Unit,
        athlete: Athlete,
        groups: dict[tuple[dt.date, str], list[SetEntry]],
        plans: _Plans,
        *,
        before_batch: int | None,
    ) -> tuple[list[_Outcome], dict[str, Any], dict[str, dict[str, Any]]]:
        """Progression for each (day, exercise) group, in order, from the states in `plans`
        (as loaded: before this batch) and one query for the previous bests and unplanned
        hard runs (stored before batch `before_batch`; None: all stored).

        Returns the outcomes, the states before (`ExerciseStates.values`, None: no row) and
        the new states to store, by exercise."""
        level = LEVELS[plans.profile.strength_experience] if athlete.profile else "beginner"
        plyo_cap = PLYO_DOSE[level][1]
        lifts = [
            (day, exercise, sets)
            for (day, exercise), sets in groups.items()
            if not _is_mobility(exercise)
        ]
        best_at: list[tuple[str, float | None]] = []
        for _day, exercise, sets in lifts:
            loads = [s.load_kg for s in sets if s.load_kg is not None and s.reps is not None]
            best_at.append((exercise, max(loads) if loads else None))
        days = list(dict.fromkeys(day for day, _exercise, _sets in lifts))
        found = plans.context.lookups(best_at, days) if before_batch is None else None
        if found is None:
            found = await unit.progress_lookups(
                athlete.id, best_at, days, before_batch=before_batch
            )
        bests, hard = found
        hard_on = dict(zip(days, hard, strict=True))
        # A week whose running jumped holds strength steady (plans.runload.volume_jump):
        # the runs came with the plan inputs when their window covers these days.
        window = plans.context.readiness_window
        runs: Sequence[RunDone] = plans.context.readiness.runs
        if days and (
            before_batch is not None
            or window is None
            or min(days) - dt.timedelta(days=RUNS_BACK_DAYS) < window[0]
            or max(days) > window[1]
        ):
            runs = await unit.readiness.runs_since(
                athlete.id, min(days) - dt.timedelta(days=RUNS_BACK_DAYS)
            )
        jumps = {day: volume_jump(runs, day) for day in days}
        current: dict[str, dict[str, Any] | None] = dict(plans.context.states)
        before: dict[str, Any] = {}
        after: dict[str, dict[str, Any]] = {}
        outcomes: list[_Outcome] = []
        lift = 0
        profile = plans.profile if athlete.profile else None
        for (day, exercise), sets in groups.items():
            rx = plans.rx(day).get(exercise)
            if _is_mobility(exercise):
                outcomes.append(_Outcome(day, exercise, tuple(sets), rx, None))
                continue
            best = bests[lift]
            lift += 1
            values = current.get(exercise)
            before.setdefault(exercise, values)
            progress = next_state(
                state_from_values(exercise, values) if values is not None else None,
                exercise,
                sets,
                rx,
                day=day,
                after_hard_run=hard_on[day],
                volume_jump=jumps[day],
                units=athlete.units,
                equipment=profile.equipment if profile is not None else "gym",
                increment_kg=_increment(athlete, exercise),
                plyo_cap=plyo_cap,
                previous_best_reps_at_load=best,
                known_e1rm=starting_e1rm(profile.known_loads_kg, exercise) if profile else None,
            )
            current[exercise] = after[exercise] = values_of(progress.state)
            outcomes.append(_Outcome(day, exercise, tuple(sets), rx, progress))
        return outcomes, before, after

    async def _summary(self, unit: Unit, athlete: Athlete, batch: LogBatch) -> str:
        """What a batch held, in a few words (for /undo)."""
        when = day_label(batch.performed_on)
        if batch.source == "niggle":
            return f"your note “{batch.text[:60]}” ({when})"
        runs = await unit.runs.of_batch(batch.id)
        if len(runs) > 1:
            return f"{plural(len(runs), 'run')} from {batch.text[:60]}"
        if runs:
            run = runs[0]
            return f"the {_run_words(run.kind, run.distance_km, athlete.units)} of {when}"
        rows = await unit.sets.of_batch(batch.id)
        groups: dict[str, list[SetEntry]] = {}
        for row in rows:
            groups.setdefault(row.exercise, []).append(_entry_of(row))
        names = [describe_sets(ex, sets, athlete.units) for ex, sets in groups.items()]
        shown = "; ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        return f"{shown or 'the log'} ({when})"

    # --- helpers ----------------------------------------------------------------------------

    async def _athlete(self, unit: Unit, who: Who) -> Athlete | None:
        return await unit.athletes.by_user(who.platform, who.user_id, for_update=True)

    def _today(self, athlete: Athlete) -> dt.date:
        return local_today(athlete, self.clock.now())


# --- pure helpers ---------------------------------------------------------------------------


def _expected(guess: list[LogEntry] | None, today: dt.date) -> tuple[list[str], list[dt.date]]:
    """The exercises and days a message will likely log, from its `_guess`, so the query that
    loads the plan can also fetch what progressing them reads. Only a guess:
    `LogContext.lookups` checks it covers the log as finally read."""
    lifts = [e for e in guess or () if not _is_mobility(e.exercise[:80])]
    names = [e.exercise[:80] for e in lifts]
    days = [today + dt.timedelta(days=e.day_offset) for e in lifts]
    return names, days


def _read(
    text_in: str,
    units: str,
    today: dt.date,
    prescription: dict[str, Prescription],
    guess: list[LogEntry] | None,
) -> list[LogEntry]:
    """`parse_log` against the day's prescription. A prescription only changes how lines of
    its own exercises read, so a `guess` (read without one) with none of them stands."""
    if guess is not None and not any(entry.exercise in prescription for entry in guess):
        return guess
    return parse_log(text_in, units, today=today, prescription=prescription)


def _parse_units(athlete: Athlete) -> str:
    """The units a log without any reads in: the athlete's, kg if those aren't set."""
    return athlete.units if athlete.units in ("kg", "lb") else "kg"


def _key(chat_id: int, message_id: int | None) -> str | None:
    return None if message_id is None else f"msg:{chat_id}:{message_id}"


def _is_run_command(text_in: str) -> bool:
    return text_in.split(maxsplit=1)[0] == "/run" if text_in.split() else False


def _too_old() -> Text:
    return text("🤔 ", TOO_OLD)


def _line(day: dt.date, entry: LogEntry) -> _Line:
    custom = entry.exercise.startswith("custom:")
    return _Line(day, entry, named=not custom, suggestions=tuple(suggestions_for(entry)))


def _increment(athlete: Athlete, exercise: str) -> float | None:
    """The athlete's own load step: a number, or by exercise id or implement."""
    increments = (athlete.preferences or {}).get("increments")
    if isinstance(increments, int | float) and not isinstance(increments, bool):
        return float(increments) if increments > 0 else None
    if isinstance(increments, dict):
        known = exercises.LIBRARY.get(exercise)
        for name in (exercise, known.implement if known else None, "default"):
            value = increments.get(name) if name else None
            if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
                return float(value)
    return None


def _is_mobility(exercise: str) -> bool:
    known = exercises.LIBRARY.get(exercise)
    return known is not None and known.pattern == "mobility"


def _stored(s: SetEntry) -> SetEntry:
    """A parsed set as storing and reading it back gives it (SetLog column types)."""
    return SetEntry(
        reps=None if s.reps is None else int(s.reps),
        seconds=None if s.seconds is None else int(s.seconds),
        load_kg=None if s.load_kg is None else float(s.load_kg),
        rpe=None if s.rpe is None else float(s.rpe),
        per_side=bool(s.per_side),
        failed=bool(s.failed),
    )


def _set_rows(parsed: _Parsed) -> list[dict[str, Any]]:
    """Every set of a parsed log as `SetLogs` stores it (db.logs.SET_FIELDS), numbered per
    exercise and day; an entry's notes go on its first set."""
    rows: list[dict[str, Any]] = []
    counters: dict[tuple[dt.date, str], int] = {}
    for line in parsed.lines:
        exercise = line.entry.exercise[:80]
        for number, done in enumerate(line.entry.sets):
            index = counters.get((line.day, exercise), 0) + 1
            counters[(line.day, exercise)] = index
            notes = line.entry.notes if number == 0 else ""
            rows.append(set_row(line.day, exercise, index, done, notes))
    return rows


def _groups(parsed: _Parsed) -> dict[tuple[dt.date, str], list[SetEntry]]:
    """The sets of a parsed log by (day, exercise), as `_apply` groups the stored rows."""
    groups: dict[tuple[dt.date, str], list[SetEntry]] = {}
    for line in parsed.lines:
        key = (line.day, line.entry.exercise[:80])
        groups.setdefault(key, []).extend(_stored(s) for s in line.entry.sets)
    return groups


def _entry_of(row: SetLog) -> SetEntry:
    return SetEntry(
        reps=row.reps,
        seconds=row.seconds,
        load_kg=row.load_kg,
        rpe=row.rpe,
        per_side=row.per_side,
        failed=row.failed,
    )


def _dose(exercise: str, sets: tuple[SetEntry, ...] | list[SetEntry], units: str) -> str:
    """'3×5 @ 60 kg', '5, 5, 4 @ 60 kg', '3×45 s', '8/side @ +10 kg', '5 @ 60 kg, 3 @ 70 kg'."""
    if not sets:
        return "no sets"
    known = exercises.LIBRARY.get(exercise)
    sign = "+" if known is not None and known.load_type in ("bodyweight", "hold") else ""
    side = "/side" if any(s.per_side for s in sets) else ""
    amounts = [
        f"{s.seconds} s" if s.reps is None and s.seconds is not None else str(s.reps or 0)
        for s in sets
    ]
    loads = [s.load_kg for s in sets]
    if len(set(loads)) == 1:
        if len(set(amounts)) == 1:
            shown = f"{len(sets)}×{amounts[0]}{side}"
        else:
            shown = ", ".join(amounts) + side
        if loads[0]:
            shown += f" @ {sign}{format_logged(loads[0], units)}"
    else:
        shown = ", ".join(
            f"{a}{side}" + (f" @ {sign}{format_logged(kg, units)}" if kg else "")
            for a, kg in zip(amounts, loads, strict=True)
        )
    efforts = [s.rpe for s in sets if s.rpe is not None]
    if efforts and (known is None or known.pattern != "mobility"):
        shown += ", RPE " + "/".join(f"{v:g}" for v in dict.fromkeys(efforts))
    return shown


def describe_sets(exercise: str, sets: tuple[SetEntry, ...] | list[SetEntry], units: str) -> str:
    """'Back squat 3×5 @ 60 kg'."""
    return f"{display_name(exercise)} {_dose(exercise, sets, units)}"


def _next_sessions(
    plans: _Plans, after: dict[str, dict[str, Any]], outcomes: list[_Outcome], today: dt.date
) -> dict[str, tuple[DayPlan, Prescription]]:
    """Each progressed exercise's next session and its line there, planned from the states
    this log leaves, by exercise. Today's session counts as next for a log of an earlier
    day."""
    lifted = [o for o in outcomes if o.progress is not None]
    if not lifted or not plans.athlete.profile:
        return {}
    states = {**plans.states, **{ex: state_from_values(ex, v) for ex, v in after.items()}}
    start = max(max(o.day for o in lifted), today - dt.timedelta(days=1))
    return next_prescriptions(
        plans.profile,
        states,
        [o.exercise for o in lifted],
        start,
        plan_start=plans.athlete.plan_start or start,
        moves=moves_of(plans.context.changes),
        readiness=plans.context.readiness,
    )


def _what_next(
    o: _Outcome, found: tuple[DayPlan, Prescription] | None, today: dt.date, units: str
) -> tuple[str, str]:
    """The "next" line and the reason under it. The next line is quoted from the next session
    that holds the exercise, so the reply and the session never disagree; when that session
    works in another rep range than the log, the reason says so instead of the log's own
    double-progression step. Exercises the plan doesn't hold get the state's own target."""
    assert o.progress is not None
    named = display_name(o.exercise)
    reason = o.progress.reason.removeprefix(f"{named}: ")
    reason = reason[:1].upper() + reason[1:]
    if found is None:
        sets = o.prescription.sets if o.prescription is not None else len(o.sets)
        return describe_target(o.progress.state, o.exercise, units, sets=max(1, sets)), reason
    plan, p = found
    when = "today" if plan.date == today else day_label(plan.date)
    line = f"Next, {when}: {exercise_line(p, plan, units)}"
    state = o.progress.state
    other_range = p.reps_low is not None and (p.reps_low, p.reps_high) != (
        state.reps_low,
        state.reps_high,
    )
    if p.exercise != o.exercise:
        instead = f"{exercises.get(p.exercise).name} takes its place"
        if instead not in reason:  # the progression may have said so already
            reason = f"{reason} {instead}."
    elif other_range and p.mode == "double":
        note = f"That session works in the {p.reps_label} range: its load is set for those reps."
        reason = note if o.progress.building else f"{reason} {note}"
    if plan.phase.deload:
        reason += " That week is a deload: fewer sets, 10 % lighter, on purpose."
    elif plan.phase.name == "taper":
        reason += " That week is your taper: half the sets, the loads stay."
    return line, reason


def _example(athlete: Athlete) -> str:
    return example_log(athlete.units, str((athlete.profile or {}).get("equipment", "gym")))


def _ask_weights(exercise_ids: Sequence[str], athlete: Athlete) -> Text:
    """Exercises done by feel: the coach needs the weights to set the next loads."""
    names = ", ".join(display_name(e) for e in exercise_ids)
    ex = exercises.get(exercise_ids[0])
    barbell = ex.implement == "barbell" and (athlete.profile or {}).get("equipment") == "gym"
    sample = {("kg", True): "40kg", ("lb", True): "95lb", ("kg", False): "12kg"}.get(
        (athlete.units, barbell), "25lb"
    )
    first = ex.name.lower()
    return text(
        f"⚖️ Which weights did you use for {names}? Send them, e.g. ",
        code(f"{first} 3x8 {sample}"),
        ", and I'll set your next loads from them.",
    )


def _done_confirmation(
    header: Text,
    outcomes: list[_Outcome],
    today: dt.date,
    units: str,
    upcoming: dict[str, tuple[DayPlan, Prescription]],
    asked: Text | None = None,
) -> Text:
    """The reply to `done`: one line for the session, then only what changes. Exercises
    that just build a rep in their range are named together."""
    sets = sum(len(o.sets) for o in outcomes)
    count = len({o.exercise for o in outcomes})
    days = sorted({o.day for o in outcomes})
    when = "" if days == [today] else " for " + ", ".join(day_label(d) for d in days)
    rows: list[Text | str] = [
        header + f"{when}: {plural(count, 'exercise')}, {plural(sets, 'set')}, as prescribed."
    ]
    building: list[str] = []
    for o in outcomes:
        if o.progress is None:
            continue
        name = display_name(o.exercise)
        if o.progress.pr:
            rows.append(f"🏆 {name}: {o.progress.pr}")
        found = upcoming.get(o.exercise)
        if o.progress.building and (found is None or found[1].exercise == o.exercise):
            building.append(name)
            continue
        target, reason = _what_next(o, found, today, units)
        rows.append(text("• ", bold(name), f": {reason} ", italic(target)))
    if building:
        rows.append(f"• One more rep next time, same load: {', '.join(building)}.")
    if upcoming:
        first = min(plan.date for plan, _ in upcoming.values())
        rows.append(f"Next session: {'today' if first == today else day_label(first)}.")
    if asked is not None:
        rows.append(asked)
    rows.append("Wrong? Edit your message, or /undo.")
    return lines(*rows)


def _confirmation(
    header: Text,
    outcomes: list[_Outcome],
    today: dt.date,
    units: str,
    upcoming: dict[str, tuple[DayPlan, Prescription]] | None = None,
) -> Text:
    """The reply to a log: what was stored, any PR, and per exercise what comes next
    (`_what_next`)."""
    days = sorted({o.day for o in outcomes})
    if days and days != [today]:
        header = header + " for " + ", ".join(day_label(d) for d in days)
    blocks: list[Text] = []
    for o in outcomes:
        rows = [text("• ", bold(describe_sets(o.exercise, o.sets, units)))]
        if o.progress is not None:
            if o.progress.pr:
                rows.append(text(f"   🏆 {o.progress.pr}"))
            target, reason = _what_next(o, (upcoming or {}).get(o.exercise), today, units)
            rows.append(text(f"   ➡️ {target}"))
            rows.append(text("   ", italic(reason)))
        blocks.append(lines(*rows))
    tail = "Wrong? Edit your message, or /undo."
    reply = header
    for shown, block in enumerate(blocks):
        if len(reply) + len(block) + len(tail) > MAX_REPLY_CHARS:
            reply = reply + f"\n…and {len(blocks) - shown} more."
            break
        reply = reply + "\n" + block
    return reply + "\n" + tail


def _run_words(kind: str, distance_km: float | None, units: str) -> str:
    label = {"long": "long run", "hard": "hard run", "easy": "easy run"}.get(kind, "run")
    if distance_km is None:
        return label
    return f"{label} of {format_distance(distance_km, units)}"


def _run_text(run: RunEntry, day: dt.date, today: dt.date, units: str) -> str:
    when = "today" if day == today else day_label(day)
    said = f"{_run_words(run.kind, run.distance_km, units)}, {when}."
    if run.kind in ("hard", "long"):
        said += (
            " If it wasn't one of your planned hard or long days, heavy lifting within 24 h "
            "after it stays at its current load, so your legs recover before the next increase."
        )
    return said


def _question(pending_id: int, parsed: _Parsed, index: int, units: str) -> Message:
    """Ask about line `index`: which exercise was meant, or which reading of the numbers."""
    line = parsed.lines[index]
    entry = line.entry
    drop = (Button("✖ Don't log it", Action("lg", (pending_id, "x"))),)
    if not line.named:
        name = entry.exercise.removeprefix("custom:")
        short = name if len(name) <= 24 else name[:23] + "…"
        dose = _dose(entry.exercise, entry.sets, units)
        rows: list[tuple[Button, ...]] = [
            (Button(exercises.get(s).name, Action("lg", (pending_id, index, f"s{k}"))),)
            for k, s in enumerate(line.suggestions)
        ]
        rows.append((Button(f"Keep “{short}” as my own", Action("lg", (pending_id, index, "c"))),))
        asked = "Did you mean one of these?" if line.suggestions else "Log it as your own exercise?"
        keyboard: Keyboard = (*rows, drop)
        return say(f"🤔 I don't know the exercise “{name}” ({dose}). {asked}", buttons=keyboard)
    readings = (entry.sets, *(alt.sets for alt in entry.alternatives))
    options: Keyboard = tuple(
        (Button(_dose(entry.exercise, sets, units), Action("lg", (pending_id, index, f"a{k}"))),)
        for k, sets in enumerate(readings)
    )
    return say(
        f"🤔 How did your {display_name(entry.exercise).lower()} go? "
        "Your numbers can be read two ways:",
        buttons=(*options, drop),
    )


def _answer(line: _Line, choice: str) -> _Line | None:
    """Apply a button answer to a line; None for a choice that doesn't fit it."""
    entry = line.entry
    if not line.named:
        if choice == "c":
            return replace(line, named=True)
        if choice[:1] == "s" and choice[1:].isdigit() and int(choice[1:]) < len(line.suggestions):
            exercise = line.suggestions[int(choice[1:])]
            alternatives = tuple(replace(a, exercise=exercise) for a in entry.alternatives)
            new = replace(entry, exercise=exercise, alternatives=alternatives)
            return replace(line, entry=new, named=True)
        return None
    readings = (entry.sets, *(alt.sets for alt in entry.alternatives))
    if choice[:1] == "a" and choice[1:].isdigit() and int(choice[1:]) < len(readings):
        return replace(line, entry=replace(entry, sets=readings[int(choice[1:])], alternatives=()))
    return None


# --- pending logs as JSON -------------------------------------------------------------------


def _set_to_json(s: SetEntry) -> list[Any]:
    return [s.reps, s.seconds, s.load_kg, s.rpe, s.per_side, s.failed]


def _set_from_json(data: list[Any]) -> SetEntry:
    reps, seconds, load, rpe, per_side, failed = data
    return SetEntry(reps, seconds, load, rpe, bool(per_side), bool(failed))


def _parsed_to_json(parsed: _Parsed) -> dict[str, Any]:
    run = parsed.run
    return {
        "source": parsed.source,
        "day": parsed.day.isoformat(),
        "repeat_ok": parsed.repeat_ok,
        "run": None
        if run is None
        else {"kind": run.kind, "distance_km": run.distance_km, "day_offset": run.day_offset},
        "lines": [
            {
                "day": line.day.isoformat(),
                "exercise": line.entry.exercise,
                "notes": line.entry.notes,
                "sets": [_set_to_json(s) for s in line.entry.sets],
                "alternatives": [
                    [_set_to_json(s) for s in a.sets] for a in line.entry.alternatives
                ],
                "named": line.named,
                "suggestions": list(line.suggestions),
            }
            for line in parsed.lines
        ],
    }


def _parsed_from_json(data: dict[str, Any]) -> _Parsed:
    found = []
    for item in data.get("lines", []):
        day = dt.date.fromisoformat(item["day"])
        exercise = str(item["exercise"])
        alternatives = tuple(
            LogEntry(exercise, tuple(_set_from_json(s) for s in sets), 0, item.get("notes", ""))
            for sets in item.get("alternatives", [])
        )
        entry = LogEntry(
            exercise,
            tuple(_set_from_json(s) for s in item["sets"]),
            0,
            item.get("notes", ""),
            alternatives,
        )
        suggestions = tuple(s for s in item.get("suggestions", []) if s in exercises.LIBRARY)
        found.append(_Line(day, entry, bool(item.get("named")), suggestions))
    day = dt.date.fromisoformat(data["day"]) if "day" in data else dt.date.min
    run = data.get("run")
    return _Parsed(
        str(data.get("source", "chat")),
        day,
        tuple(found),
        run=None if not run else RunEntry(run["kind"], run["distance_km"], run["day_offset"]),
        repeat_ok=bool(data.get("repeat_ok")),
    )


REPEAT_WINDOW = dt.timedelta(minutes=10)


def _repeat_question(pending_id: int, ago: dt.timedelta) -> Message:
    minutes = max(1, round(ago.total_seconds() / 60))
    return say(
        f"🤔 You sent exactly this {minutes} minute{'s' if minutes != 1 else ''} ago, and I "
        "logged it then. Log it again?",
        buttons=(
            (Button("Yes, I did it again", Action("lg", (pending_id, 0, "y"))),),
            (Button("No, it's a repeat", Action("lg", (pending_id, "x"))),),
        ),
    )
