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
from db.history import (
    LoggedSession,
    NewSet,
    NewWorkout,
    SetRow,
    content_of,
    import_title,
    sessions_of,
)
from db.logs import values_of
from db.models import Athlete, LogBatch
from db.uow import Storage
from plans import exercises
from plans.loads import set_e1rm
from plans.state import ExerciseState
from plans.text import Text, bold, code, lines, text
from plans.units import format_weight
from plans.words import plural, word_for

log = logging.getLogger(__name__)

MAX_TEXT = 3800
BIG_IMPORT_SETS = 2000  # an import this big says it is working before it answers
CSV_SUFFIXES = (".csv", ".txt")
NO_ATHLETE = "Send /start to set up first."
SESSION_TITLE = "RunStrong session"
MIDDAY = dt.time(12, 0)  # a workout's start when all we know is its day
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
        rows = await asyncio.to_thread(_export_rows, athlete, sets, batches)
        content = await asyncio.to_thread(workout_csv.hevy_csv, rows)
        days = len({s.performed_on for s in sets})
        workouts = len({(r.title, r.start_time) for r in rows})
        return [
            Message(
                text(
                    f"📦 Your workouts: {plural(len(sets), 'set')} in "
                    f"{plural(workouts, 'workout')} over {plural(days, 'day')}, in Hevy's CSV "
                    "layout, each at the time you logged it (opens in any spreadsheet, imports "
                    "into Hevy or back into me)."
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
            return say(
                f"📄 {filename or 'That file'} isn't a file I read. ", IMPORT_HINT,
                " A run from your watch works too: a .fit, .gpx or .tcx file, or a Strava "
                "export .zip.",
            )  # fmt: skip
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
                    f"❌ Nothing imported: {plural(count, 'row')} of "
                    f"{filename} {word_for(count, 'has', 'have')} a problem.\n",
                    code(workout_csv.error_summary(parsed.errors)),
                    "\nFix those lines (or delete them) and send the file again.",
                )
            ]
        if not parsed.workouts:
            return [say("📄 I found no strength sets in that file. Nothing was imported.")]
        sets = sum(len(w.sets) for w in workouts)
        if progress is not None and sets >= BIG_IMPORT_SETS:
            app = "Strong" if parsed.source == "strong" else "Hevy"
            await progress(say(f"📥 Importing {plural(sets, 'set')} from {app}… one moment."))
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
            # key yet: it is known by its content (each stored workout, as `sessions_of`
            # groups it for the export, matches once).
            days = [w.performed_on for w in fresh.values()]
            tz = tzinfo_for(athlete.timezone)
            stored_contents = Counter(await rows.contents(athlete.id, days, tz))
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
    """One workout per session (`sessions_of`): a day's logs sent close together, or an
    imported workout as it came; each at the time its sets were logged (an imported one at
    the start its file gave), exercises in the order they were logged."""
    tz = tzinfo_for(athlete.timezone)
    workouts: list[tuple[str, dt.datetime, dt.datetime, LoggedSession]] = []
    for session in sessions_of(sets, batches, tz):
        title, start, end = _when_and_title(session, tz)
        workouts.append((title, start, end, session))
    workouts.sort(key=lambda w: (w[1], w[3].day))
    # A reader takes a workout's title and start minute as its identity: two workouts that
    # would share both get numbered titles, or they would come back as one.
    taken: set[tuple[str, dt.datetime]] = set()
    rows: list[workout_csv.ExportRow] = []
    for title, start, end, session in workouts:
        name, n = title, 1
        while (name, start) in taken:
            n += 1
            name = f"{title} ({n})"
        taken.add((name, start))
        by_exercise: dict[str, list[SetRow]] = {}
        for s in session.sets:
            by_exercise.setdefault(s.exercise, []).append(s)
        for exercise, exercise_sets in by_exercise.items():
            for index, s in enumerate(exercise_sets):
                rows.append(
                    workout_csv.ExportRow(
                        title=name,
                        start_time=start,
                        end_time=end,
                        description="",
                        exercise_title=display_name(exercise),
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


def _when_and_title(session: LoggedSession, tz: dt.tzinfo) -> tuple[str, dt.datetime, dt.datetime]:
    """A workout's title, start and end (local wall times, to the minute). Logged in the
    chat: from its first to its last log that day; logged on a later day, or imported without
    a start: midday, the time unknown."""
    midday = dt.datetime.combine(session.day, MIDDAY)
    if session.imported:
        title, started = import_title(session.batches[0].text)
        start = started if started is not None and started.date() == session.day else midday
        return title or "Workout", start, start
    local = [
        t.replace(tzinfo=None, second=0, microsecond=0)
        for t in (b.created_at.astimezone(tz) for b in session.batches)
        if t.date() == session.day
    ]
    if not local:
        return SESSION_TITLE, midday, midday
    return SESSION_TITLE, min(local), max(local)


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
    return NewWorkout(
        workout.key, workout.started_at.date(), workout.title, sets, workout.started_at
    )


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
        f"✅ Imported {plural(len(fresh), 'workout')} ({plural(stored, 'set')}) "
        f"from {app}, {days[0]:%d %b %Y} to {days[-1]:%d %b %Y}."
    ]
    if skipped_workouts:
        said.append(
            f"{skipped_workouts:,} {word_for(skipped_workouts, 'was', 'were')} already in your "
            f"history and {word_for(skipped_workouts, 'was', 'were')} left alone."
        )
    if parsed.skipped:
        said.append(f"Skipped {plural(parsed.skipped, 'warm-up or cardio row')}.")
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
