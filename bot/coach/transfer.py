"""Workout history in and out: /export (a Hevy-style CSV and the profile as JSON) and
importing a Strong or Hevy CSV sent as a file. Long work runs off the event loop."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from bot.clock import Clock
from bot.coach import workout_csv
from bot.coach.history import exercise_id
from bot.coach.intents import Progress, Uploaded, Who
from bot.coach.messages import Attachment, Message, say
from bot.coach.planning import local_today
from bot.coach.records import display_name
from bot.coach.zones import tzinfo_for
from db.history import NewSet, NewWorkout, SetRow, content_of
from db.logs import values_of
from db.models import Athlete, LogBatch
from db.uow import Storage
from plans import exercises
from plans.loads import set_e1rm
from plans.state import ExerciseState
from plans.text import Text, bold, code, lines, text
from plans.units import format_weight

log = logging.getLogger(__name__)

MAX_TEXT = 3800
BIG_IMPORT_SETS = 2000  # an import this big says it is working before it answers
CSV_SUFFIXES = (".csv", ".txt")
NO_ATHLETE = "Send /start to set up first."
IMPORT_HINT = text(
    "I can import your history from ", bold("Strong"), " or ", bold("Hevy"),
    ": export your workouts as a CSV file in the app and send me the file.",
)  # fmt: skip


class Transfer:
    def __init__(self, storage: Storage, clock: Clock) -> None:
        self.storage = storage
        self.clock = clock

    async def export(self, who: Who) -> list[Message]:
        async with self.storage.read() as unit:
            athlete = await unit.athletes.by_user(who.platform, who.user_id)
            if athlete is None:
                return [say("I have nothing stored about you. " + NO_ATHLETE)]
            sets = await unit.history.sets(athlete.id)
            batches = await unit.history.batches(athlete.id)
            profile = _profile_json(
                athlete,
                await unit.states.all(athlete.id),
                await unit.history.runs(athlete.id),
                await unit.history.plan_changes(athlete.id),
                self.clock.now(),
            )
        stamp = local_today(athlete, self.clock.now()).isoformat()
        profile_doc = Attachment("document", f"runstrong-profile-{stamp}.json", profile)
        if not sets:
            return [
                Message(
                    text("No workouts logged yet, so no CSV. Here is your profile."),
                    attachment=profile_doc,
                )
            ]
        content = await asyncio.to_thread(
            lambda: workout_csv.hevy_csv(_export_rows(athlete, sets, batches))
        )
        days = len({s.performed_on for s in sets})
        return [
            Message(
                text(
                    f"📦 Your workouts: {len(sets)} sets over {days} days, in Hevy's CSV layout "
                    "(opens in any spreadsheet, imports into Hevy or back into me)."
                ),
                attachment=Attachment("document", f"runstrong-workouts-{stamp}.csv", content),
            ),
            Message(text("Your profile and settings as JSON."), attachment=profile_doc),
        ]

    def precheck(self, filename: str, size: int | None) -> Message | None:
        """A refusal decided before downloading a file (too big, not a CSV); None if fine."""
        reason = workout_csv.check_size(size)
        if reason is not None:
            return say(f"📄 {reason} Nothing was imported.")
        if not filename.lower().endswith(CSV_SUFFIXES):
            return say(f"📄 {filename or 'That file'} isn't a CSV. ", IMPORT_HINT)
        return None

    async def upload(self, upload: Uploaded) -> list[Message]:
        """A file sent in the chat: checked before it is downloaded, downloaded with a cap,
        then imported."""
        refused = self.precheck(upload.filename, upload.size)
        if refused is not None:
            return [refused]
        content = await upload.read(workout_csv.MAX_BYTES)
        if content is None:
            return [say(f"📄 {workout_csv.SIZE_HINT} Nothing was imported.")]
        return await self.import_document(
            upload.who, upload.filename, content, progress=upload.progress
        )

    async def import_document(
        self, who: Who, filename: str, content: bytes, *, progress: Progress | None = None
    ) -> list[Message]:
        """Import a Strong or Hevy export in one transaction: all of it or nothing. A big
        one says first that it is on its way (`progress`)."""
        refused = self.precheck(filename, len(content))
        if refused is not None:
            return [refused]
        try:  # CPU-bound for big files: off the event loop
            parsed, workouts, ids = await asyncio.to_thread(_prepare, content)
        except workout_csv.TransferError as error:
            return [say(f"📄 {error.message} Nothing was imported.")]
        if parsed.errors:
            count = len(parsed.errors)
            return [
                say(
                    f"❌ Nothing imported: {count} row{'s' if count != 1 else ''} of "
                    f"{filename} {'have' if count != 1 else 'has'} a problem.\n",
                    code(workout_csv.error_summary(parsed.errors)),
                    "\nFix those lines (or delete them) and send the file again.",
                )
            ]
        if not parsed.workouts:
            return [say("📄 I found no strength sets in that file. Nothing was imported.")]
        sets = sum(len(w.sets) for w in workouts)
        if progress is not None and sets >= BIG_IMPORT_SETS:
            app = "Strong" if parsed.source == "strong" else "Hevy"
            await progress(say(f"📥 Importing {sets:,} sets from {app}… one moment."))
        now = self.clock.now()
        async with self.storage.write() as unit:
            athlete = await unit.athletes.by_user(who.platform, who.user_id, for_update=True)
            if athlete is None:
                return [say(NO_ATHLETE)]
            if not await unit.first(who.platform, who.event, now):
                return []
            rows = unit.history
            known = await rows.source_keys(athlete.id, [w.source_key for w in workouts])
            fresh: dict[str, NewWorkout] = {}
            for w in workouts:
                if w.source_key not in known:
                    fresh.setdefault(w.source_key, w)
            # A workout this athlete logged here, exported and now sends back has no import
            # key yet: it is known by its content (each stored batch matches once).
            days = [w.performed_on for w in fresh.values()]
            stored_contents = Counter(await rows.contents(athlete.id, days))
            for key, w in list(fresh.items()):
                held = content_of(w.performed_on, w.sets)
                if stored_contents[held] > 0:
                    stored_contents[held] -= 1
                    del fresh[key]
            if not fresh:
                return [say("👍 Already imported: everything in that file is in your history.")]
            stored = await rows.add_workouts(athlete.id, list(fresh.values()), now)
            current = await unit.states.all(athlete.id)
            changed_at = await unit.states.updated(athlete.id)
            seeded = seed_states(current, changed_at, list(fresh.values()))
            await unit.states.put_many(
                athlete.id, {ex: values_of(state) for ex, state in seeded.items()}, now
            )
        return [Message(_import_report(parsed, fresh, stored, ids, seeded, athlete.units))]


# --- helpers ------------------------------------------------------------------------------


def _export_rows(
    athlete: Athlete, sets: Sequence[SetRow], batches: dict[int, LogBatch]
) -> list[workout_csv.ExportRow]:
    tz = tzinfo_for(athlete.timezone)
    rows: list[workout_csv.ExportRow] = []
    position: dict[tuple[int, str], int] = defaultdict(int)
    # A reader takes a title and start minute for one workout; each batch's sets on a day
    # get a pair of their own, or two logs sent in one minute would come back as one.
    workouts: dict[tuple[int, dt.datetime], str] = {}
    taken: set[tuple[str, dt.datetime]] = set()
    for s in sets:
        batch = batches.get(s.batch_id)
        title = "RunStrong session"
        start = dt.datetime.combine(s.performed_on, dt.time(12, 0))
        if batch is not None:
            if batch.source == "import" and batch.text:
                title = batch.text.splitlines()[0][:200]
            local = batch.created_at.astimezone(tz)
            if local.date() == s.performed_on:
                start = local.replace(tzinfo=None, second=0, microsecond=0)
        if (s.batch_id, start) not in workouts:
            name, n = title, 1
            while (name, start) in taken:
                n += 1
                name = f"{title} ({n})"
            taken.add((name, start))
            workouts[s.batch_id, start] = name
        title = workouts[s.batch_id, start]
        key = (s.batch_id, s.exercise)
        index = position[key]
        position[key] += 1
        rows.append(
            workout_csv.ExportRow(
                title=title,
                start_time=start,
                end_time=start,
                description="",
                exercise_title=display_name(s.exercise),
                exercise_notes=workout_csv.set_notes(s.notes or "", s.per_side),
                set_index=index,
                set_type="failure" if s.failed else "normal",
                weight_kg=s.load_kg,
                reps=s.reps,
                duration_seconds=s.seconds,
                rpe=s.rpe,
            )
        )
    return rows


def _profile_json(
    athlete: Athlete,
    states: dict[str, ExerciseState],
    runs: Sequence[Any],
    changes: Sequence[Any],
    now: dt.datetime,
) -> bytes:
    def when(value: dt.date | dt.datetime | None) -> str | None:
        return None if value is None else value.isoformat()

    data = {
        "exported_at": now.isoformat(),
        "athlete": {
            "name": athlete.name,
            "platform": athlete.platform,
            "language_code": athlete.language_code,
            "status": athlete.status,
            "timezone": athlete.timezone,
            "delivery_time": "{:02d}:{:02d}".format(*divmod(athlete.delivery_minute, 60)),
            "units": athlete.units,
            "plan_start": when(athlete.plan_start),
            "paused_until": when(athlete.paused_until),
            "onboarded_at": when(athlete.onboarded_at),
            "created_at": when(athlete.created_at),
        },
        "profile": athlete.profile,
        "answers": athlete.answers,
        "preferences": athlete.preferences,
        "exercise_states": [
            {"exercise": state.exercise, "name": display_name(state.exercise), **values_of(state)}
            for state in sorted(states.values(), key=lambda r: r.exercise)
        ],
        "runs": [
            {"date": when(r.performed_on), "kind": r.kind, "distance_km": r.distance_km}
            for r in runs
        ],
        "plan_changes": [
            {"day": when(c.day), "action": c.action, "to_day": when(c.to_day)} for c in changes
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def _prepare(
    content: bytes,
) -> tuple[workout_csv.ParsedExport, list[NewWorkout], dict[str, str]]:
    """Parse a file and map its exercise names (file name → stored exercise id)."""
    parsed = workout_csv.parse_export(content)
    ids: dict[str, str] = {}
    if parsed.errors:
        return parsed, [], ids
    return parsed, [_new_workout(w, ids) for w in parsed.workouts], ids


def _new_workout(workout: workout_csv.Workout, ids: dict[str, str]) -> NewWorkout:
    sets = []
    for s in workout.sets:
        if s.exercise_name not in ids:
            ids[s.exercise_name] = exercise_id(s.exercise_name)
        sets.append(
            NewSet(
                exercise=ids[s.exercise_name],
                set_index=s.set_index,
                reps=s.reps,
                seconds=s.seconds,
                load_kg=None if s.load_kg is None else round(s.load_kg, 4),
                rpe=s.rpe,
                per_side=s.per_side,
                failed=s.failed,
                notes=s.notes,
            )
        )
    return NewWorkout(workout.key, workout.started_at.date(), workout.title, sets)


def seed_states(
    current: dict[str, ExerciseState],
    changed_at: dict[str, dt.datetime],
    workouts: Sequence[NewWorkout],
) -> dict[str, ExerciseState]:
    """Each imported exercise's latest session sets its progression state, unless the stored
    state is newer; the best e1RM is the best ever. Returns the states to write."""
    by_exercise: dict[str, dict[dt.date, list[NewSet]]] = defaultdict(lambda: defaultdict(list))
    for w in workouts:
        for s in w.sets:
            by_exercise[s.exercise][w.performed_on].append(s)
    written: dict[str, ExerciseState] = {}
    for exercise, days in by_exercise.items():
        latest = max(days)
        estimates = [
            e
            for day_sets in days.values()
            for s in day_sets
            if (e := set_e1rm(s.load_kg, s.reps, s.rpe)) is not None
        ]
        best = max(estimates) if estimates else None
        as_of = dt.datetime.combine(latest, dt.time(12, 0), tzinfo=dt.UTC)
        state = current.get(exercise) or ExerciseState(exercise)
        stamp = changed_at.get(exercise)
        if stamp is not None and stamp >= as_of:
            if best is not None and (state.best_e1rm_kg is None or best > state.best_e1rm_kg):
                written[exercise] = dataclasses.replace(state, best_e1rm_kg=best)
            continue
        load, reps, session_e1rm = _top_set(exercise, days[latest])
        # A free log's range: the reps done, two more to build to (plans.progression).
        low, high = (reps, reps + 2) if reps is not None else (None, None)
        state = dataclasses.replace(
            state, working_load_kg=load, target_reps=reps, reps_low=low, reps_high=high,
            failures=0, sessions=state.sessions + len(days),
        )  # fmt: skip
        if session_e1rm is not None:
            state = dataclasses.replace(state, e1rm_kg=session_e1rm, e1rm_on=latest)
        if best is not None:
            state = dataclasses.replace(state, best_e1rm_kg=max(best, state.best_e1rm_kg or 0.0))
        written[exercise] = state
    return written


def _top_set(
    exercise: str, sets: Sequence[NewSet]
) -> tuple[float | None, int | None, float | None]:
    """(working load, target reps, e1RM) from one session: the best set by e1RM, else by load
    and reps; holds target seconds and plyometrics the session's foot contacts."""
    ex = exercises.LIBRARY.get(exercise)
    kind = ex.load_type if ex is not None else None
    if kind == "plyo":
        return None, sum((s.reps or 0) * (2 if s.per_side else 1) for s in sets) or None, None
    if kind == "hold" or all(s.reps is None for s in sets):
        loads = [s.load_kg for s in sets if s.load_kg]
        return (max(loads) if loads else None), max((s.seconds or 0) for s in sets) or None, None
    work = [s for s in sets if s.reps is not None]
    rated = [(e, s) for s in work if (e := set_e1rm(s.load_kg, s.reps, s.rpe)) is not None]
    if rated:
        estimate, top = max(rated, key=lambda pair: pair[0])
        return top.load_kg, top.reps, (estimate if kind in (None, "external") else None)
    top = max(work, key=lambda s: (s.load_kg or 0.0, s.reps or 0))
    return top.load_kg, top.reps, None


def _import_report(
    parsed: workout_csv.ParsedExport,
    fresh: dict[str, NewWorkout],
    stored: int,
    ids: dict[str, str],
    seeded: dict[str, ExerciseState],
    units: str,
) -> Text:
    app = "Strong" if parsed.source == "strong" else "Hevy"
    days = sorted(w.performed_on for w in fresh.values())
    skipped_workouts = len(parsed.workouts) - len(fresh)
    said = [
        f"✅ Imported {len(fresh)} workout{'s' if len(fresh) != 1 else ''} ({stored} sets) "
        f"from {app}, {days[0]:%d %b %Y} to {days[-1]:%d %b %Y}."
    ]
    if skipped_workouts:
        said.append(f"{skipped_workouts} were already in your history and were left alone.")
    if parsed.skipped:
        said.append(f"Skipped {parsed.skipped} warm-up or cardio rows.")
    custom = sorted({name for name, ex in ids.items() if ex.startswith("custom:")})
    if custom:
        shown = ", ".join(custom[:10]) + (" …" if len(custom) > 10 else "")
        said.append(f"Kept under their own names (not in my library): {shown}.")
    loaded = [
        f"{display_name(ex)} {format_weight(state.working_load_kg, units)}×{state.target_reps}"
        for ex, state in seeded.items()
        if state.working_load_kg and state.target_reps and ex in exercises.LIBRARY
    ]
    if loaded:
        said.append("Working weights from your latest sessions: " + "; ".join(loaded[:8]) + ".")
    said.append("/history shows your sessions, /progress squat charts one lift.")
    return lines(*said)
