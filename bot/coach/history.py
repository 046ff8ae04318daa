"""History use-cases: /history, /progress charts, /summary, /export, importing Strong or Hevy
files, and /deleteme. Transport-agnostic like the rest of the coach: a `Who` in, `Reply`s out.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import logging
import re
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy.ext.asyncio import AsyncSession

from bot.charts import PhaseBand, Point, render_progress
from bot.clock import Clock
from bot.coach import transfer
from bot.coach.idempotency import mark_applied
from bot.coach.planning import local_today, profile_of
from bot.coach.records import (
    best_by_day,
    display_name,
    esc,
    fmt_value,
    fmt_weight,
    measure_for,
    sets_text,
)
from bot.coach.replies import Reply, Who, keyboard
from bot.coach.summary import compose_weekly
from bot.coach.zones import tzinfo_for
from db.engine import Database
from db.history import History as HistoryRows
from db.history import NewSet, NewWorkout, SetRow, content_of
from db.models import Athlete, ExerciseStateRow, LogBatch
from db.repositories import Athletes
from plans import exercises
from plans.loads import set_e1rm
from plans.periodization import phase_for
from plans.profile import ProfileError

log = logging.getLogger(__name__)

HISTORY_DAYS = 5
EXERCISE_SESSIONS = 10
MAX_TEXT = 4000
DELETE_TTL = dt.timedelta(minutes=10)
FUZZY_IMPORT_SCORE = 90.0
CSV_SUFFIXES = (".csv", ".txt")
NO_ATHLETE = "Send /start to set up first."
IMPORT_HINT = (
    "I can import your history from <b>Strong</b> or <b>Hevy</b>: export your workouts as a "
    "CSV file in the app and send me the file."
)


def _norm(name: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", name.lower()))


def library_id(name: str) -> str | None:
    """A library exercise for a name from another app: "Squat (Barbell)" → back_squat."""
    name = name.strip()
    base = re.sub(r"\s*\(([^)]*)\)\s*", " ", name).strip()
    kit = " ".join(re.findall(r"\(([^)]*)\)", name))
    candidates = [name, f"{kit} {base}".strip(), base] if kit else [name]
    for candidate in candidates:
        found = exercises.resolve(candidate)
        if found is not None:
            return found.id
    for candidate in candidates:
        for ex in exercises.suggest(candidate, 1):
            labels = (ex.name, *ex.aliases)
            if max(fuzz.token_sort_ratio(_norm(candidate), _norm(x)) for x in labels) >= (
                FUZZY_IMPORT_SCORE
            ):
                return ex.id
    return None


def exercise_id(name: str) -> str:
    """The stored exercise for a name: a library id or `custom:<normalized name>`."""
    return library_id(name) or f"custom:{_norm(name)}"


class History:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    @asynccontextmanager
    async def _reading(self, who: Who) -> AsyncIterator[tuple[AsyncSession, Athlete | None]]:
        """A read session and the athlete asking, None when nobody is stored or the ask
        comes from a group (training data is shown in private chats only: `_refusal`)."""
        async with self.db.read() as session:
            athlete = (
                await Athletes(session).by_user(who.platform, who.user_id)
                if who.is_private
                else None
            )
            yield session, athlete

    # --- reading --------------------------------------------------------------------------

    async def history(self, who: Who, args: str = "") -> list[Reply]:
        async with self._reading(who) as (session, athlete):
            if athlete is None:
                return [_refusal(who)]
            rows = HistoryRows(session)
            units = athlete.units or "kg"
            if args.strip():
                counts = await rows.exercise_counts(athlete.id)
                picked = _pick(args, counts)
                if isinstance(picked, Reply):
                    return [picked]
                sets = await rows.sets(athlete.id, [picked])
                return [Reply(_exercise_history(picked, sets, units))]
            sets = await rows.last_days(athlete.id, HISTORY_DAYS)
        if not sets:
            return [Reply(_NO_LOGS)]
        return [Reply(_recent(sets, units))]

    async def progress(self, who: Who, args: str = "") -> list[Reply]:
        async with self._reading(who) as (session, athlete):
            if athlete is None:
                return [_refusal(who)]
            rows = HistoryRows(session)
            counts = await rows.exercise_counts(athlete.id)
            if not args.strip():
                return [Reply(_which_exercise(counts))]
            picked = _pick(args, counts)
            if isinstance(picked, Reply):
                return [picked]
            sets = await rows.sets(athlete.id, [picked])
        units = athlete.units or "kg"
        measure = measure_for(picked, sets)
        days = best_by_day(sets, measure)
        name = display_name(picked)
        if not days:
            return [Reply(_no_data(name))]
        shown = [_in_units(d.value, measure, units) for d in days]
        points = [Point(d.day, v, d.pr) for d, v in zip(days, shown, strict=True)]
        ylabel = {
            "e1rm": f"Estimated 1RM ({units})",
            "reps": "Reps (best set)",
            "seconds": "Seconds (best hold)",
        }[measure]
        bands = _bands(athlete, days[0].day, days[-1].day)
        png = await asyncio.to_thread(
            render_progress, points, title=name, ylabel=ylabel, bands=bands
        )
        best = max(days, key=lambda d: d.value)
        caption = (
            f"<b>{esc(name)}</b>: {fmt_value(days[-1].value, measure, units)} last time "
            f"({days[-1].day:%d %b %Y}); best {fmt_value(best.value, measure, units)} "
            f"({best.day:%d %b %Y}). {len(days)} sessions"
        )
        prs = sum(1 for d in days if d.pr)
        caption += f", {prs} PR{'s' if prs != 1 else ''} (★)." if prs else "."
        return [Reply(caption, photo=png)]

    async def summary(self, who: Who) -> list[Reply]:
        async with self._reading(who) as (session, athlete):
            if athlete is None:
                return [_refusal(who)]
            today = local_today(athlete, self.clock.now())
            summary_day = int((athlete.preferences or {}).get("summary_day", 6)) % 7
            week_end = today + dt.timedelta(days=(summary_day - today.weekday()) % 7)
            return [Reply(await compose_weekly(session, athlete, week_end))]

    # --- export ---------------------------------------------------------------------------

    async def export(self, who: Who) -> list[Reply]:
        async with self._reading(who) as (session, athlete):
            if athlete is None:
                return [_refusal(who, "I have nothing stored about you. " + NO_ATHLETE)]
            rows = HistoryRows(session)
            sets = await rows.sets(athlete.id)
            batches = await rows.batches(athlete.id)
            profile = _profile_json(
                athlete,
                await rows.states(athlete.id),
                await rows.runs(athlete.id),
                await rows.plan_changes(athlete.id),
                self.clock.now(),
            )
        stamp = local_today(athlete, self.clock.now()).isoformat()
        profile_doc = (f"runstrong-profile-{stamp}.json", profile)
        if not sets:
            return [
                Reply(
                    "No workouts logged yet, so no CSV. Here is your profile.",
                    document=profile_doc,
                )
            ]
        content = await asyncio.to_thread(
            lambda: transfer.hevy_csv(_export_rows(athlete, sets, batches))
        )
        days = len({s.performed_on for s in sets})
        return [
            Reply(
                f"📦 Your workouts: {len(sets)} sets over {days} days, in Hevy's CSV layout "
                "(opens in any spreadsheet, imports into Hevy or back into me).",
                document=(f"runstrong-workouts-{stamp}.csv", content),
            ),
            Reply("Your profile and settings as JSON.", document=profile_doc),
        ]

    # --- import ---------------------------------------------------------------------------

    def precheck_document(self, who: Who, filename: str, size: int | None) -> list[Reply]:
        """Refusals decided before downloading a file (too big, not a CSV); empty if fine."""
        if not who.is_private:
            return []
        reason = transfer.check_size(size)
        if reason is not None:
            return [Reply(f"📄 {esc(reason)} Nothing was imported.")]
        if not filename.lower().endswith(CSV_SUFFIXES):
            return [Reply(f"📄 {esc(filename or 'That file')} isn't a CSV. {IMPORT_HINT}")]
        return []

    async def import_document(
        self, who: Who, filename: str, content: bytes, size: int | None = None
    ) -> list[Reply]:
        """Import a Strong or Hevy export in one transaction: all of it or nothing."""
        if not who.is_private:
            return []
        refused = self.precheck_document(who, filename, max(size or 0, len(content)))
        if refused:
            return refused
        try:  # CPU-bound for big files: off the event loop
            parsed, workouts, ids = await asyncio.to_thread(_prepare, content)
        except transfer.TransferError as error:
            return [Reply(f"📄 {esc(error.message)} Nothing was imported.")]
        if parsed.errors:
            count = len(parsed.errors)
            return [
                Reply(
                    f"❌ Nothing imported: {count} row{'s' if count != 1 else ''} of "
                    f"{esc(filename)} {'have' if count != 1 else 'has'} a problem.\n"
                    f"<code>{esc(transfer.error_summary(parsed.errors))}</code>\n"
                    "Fix those lines (or delete them) and send the file again."
                )
            ]
        if not parsed.workouts:
            return [Reply("📄 I found no strength sets in that file. Nothing was imported.")]
        now = self.clock.now()
        async with self.db.write() as session:
            athlete = await Athletes(session).by_user(who.platform, who.user_id, for_update=True)
            if athlete is None:
                return [Reply(NO_ATHLETE)]
            if not mark_applied(athlete, who):
                return []
            rows = HistoryRows(session)
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
                return [Reply("👍 Already imported: everything in that file is in your history.")]
            stored = await rows.add_workouts(athlete.id, list(fresh.values()), now)
            seeded = await _seed_states(rows, athlete.id, list(fresh.values()), now)
        return [Reply(_import_report(parsed, fresh, stored, ids, seeded, athlete.units))]

    # --- deleting -------------------------------------------------------------------------

    async def delete_request(self, who: Who) -> list[Reply]:
        async with self._reading(who) as (_session, athlete):
            if athlete is None:
                return [_refusal(who, "I have nothing stored about you.")]
        stamp = int(self.clock.now().timestamp())
        return [
            Reply(
                "⚠️ <b>Delete all your data?</b>\nYour profile, plan, logged workouts, runs, "
                "progress and scheduled messages will be deleted for good. /export first if "
                "you want a copy.",
                keyboard(
                    [("🗑 Yes, delete everything", f"hi:del:{stamp}")],
                    [("No, keep my data", "hi:keep")],
                ),
            )
        ]

    async def delete_confirm(self, who: Who, data: str) -> list[Reply]:
        """`data` is the callback data after "hi:"."""
        if data == "keep":
            return [Reply("OK, nothing deleted.", edit=True)]
        action, _, stamp = data.partition(":")
        if action != "del" or not stamp.isdigit():
            return [Reply(toast="That button has expired.")]
        now = self.clock.now()
        pressed = dt.datetime.fromtimestamp(int(stamp), tz=dt.UTC)
        if not dt.timedelta(0) <= now - pressed <= DELETE_TTL:
            return [Reply("That button expired. Send /deleteme again.", edit=True)]
        async with self.db.write() as session:
            athlete = await Athletes(session).by_user(who.platform, who.user_id, for_update=True)
            if athlete is None:
                return [Reply("Your data is already deleted.", edit=True)]
            await HistoryRows(session).delete_athlete(athlete.id)
        log.info("athlete %s deleted their data", athlete.id)
        return [
            Reply(
                "🗑 Done: everything I stored about you is deleted (profile, plan, workouts, "
                "progress) and your scheduled messages are cancelled. Send /start any time "
                "to begin from scratch.",
                edit=True,
            )
        ]


# --- helpers ------------------------------------------------------------------------------

_NO_LOGS = (
    "No workouts logged yet. After a session, reply with what you did, e.g. "
    "<code>squat 3x5 60kg</code>, or send me a Strong or Hevy CSV export to bring your "
    "history over."
)


def _private() -> Reply:
    return Reply("Your training data stays private: ask me in a private chat.")


def _refusal(who: Who, missing: str = NO_ATHLETE) -> Reply:
    """Why `_reading` found no athlete: a group chat, or nobody stored."""
    return _private() if not who.is_private else Reply(missing)


def _pick(args: str, counts: dict[str, int]) -> str | Reply:
    """The logged exercise the athlete means, or a reply saying why none fits."""
    name = args.strip()
    wanted = library_id(name)
    if wanted is None and counts:
        custom = f"custom:{_norm(name)}"
        if custom in counts:
            wanted = custom
        else:
            scored = [(fuzz.WRatio(_norm(name), _norm(display_name(ex))), ex) for ex in counts]
            score, best = max(scored)
            if score >= 85:
                wanted = best
    if wanted is None:
        return Reply(f"I don't know “{esc(name)}”. " + _which_exercise(counts))
    if wanted not in counts:
        return Reply(_no_data(display_name(wanted)))
    return wanted


def _no_data(name: str) -> str:
    return (
        f"No {esc(name)} logged yet, so nothing to show. Log a session, e.g. "
        f"<code>{esc(name.lower())} 3x5 40kg</code>, and I'll chart it from there."
    )


def _which_exercise(counts: dict[str, int]) -> str:
    if not counts:
        return _NO_LOGS
    top = sorted(counts, key=lambda ex: (-counts[ex], ex))[:8]
    names = ", ".join(esc(display_name(ex).lower()) for ex in top)
    first = esc(display_name(top[0]).lower())
    return f"Which exercise? e.g. <code>/progress {first}</code>. You've logged: {names}."


def _by_day_and_exercise(
    sets: Sequence[SetRow],
) -> dict[dt.date, dict[str, list[SetRow]]]:
    grouped: dict[dt.date, dict[str, list[SetRow]]] = defaultdict(lambda: defaultdict(list))
    for s in sets:
        grouped[s.performed_on][s.exercise].append(s)
    return grouped


def _recent(sets: Sequence[SetRow], units: str) -> str:
    grouped = _by_day_and_exercise(sets)
    blocks = []
    for day in sorted(grouped, reverse=True):
        lines = [f"<b>{day:%a %d %b %Y}</b>"]
        for exercise, day_sets in grouped[day].items():
            lines.append(f"• {esc(display_name(exercise))}: {esc(sets_text(day_sets, units))}")
        blocks.append("\n".join(lines))
    text = "📖 <b>Your last sessions</b>\n\n"
    kept: list[str] = []
    for block in blocks:
        if len(text) + sum(len(b) + 2 for b in kept) + len(block) > MAX_TEXT - 120:
            break
        kept.append(block)
    tail = "\n\n/history squat shows one exercise, /progress squat charts it."
    return text + "\n\n".join(kept) + tail


def _exercise_history(exercise: str, sets: Sequence[SetRow], units: str) -> str:
    measure = measure_for(exercise, sets)
    grouped = _by_day_and_exercise(sets)
    days = sorted(grouped, reverse=True)[:EXERCISE_SESSIONS]
    bests = {d.day: d for d in best_by_day(sets, measure)}
    lines = [f"📖 <b>{esc(display_name(exercise))}</b> — last {len(days)} sessions"]
    for day in days:
        line = f"{day:%a %d %b %Y}: {esc(sets_text(grouped[day][exercise], units))}"
        best = bests.get(day)
        if best is not None and measure == "e1rm":
            line += f" · {fmt_value(best.value, measure, units)}"
        if best is not None and best.pr:
            line += " 🏆"
        lines.append(line)
    lines.append(f"\n<code>/progress {esc(display_name(exercise).lower())}</code> charts it.")
    return "\n".join(lines)[:MAX_TEXT]


def _in_units(value: float, measure: str, units: str) -> float:
    if measure == "e1rm" and units == "lb":
        return value / transfer.LB_TO_KG
    return value


def _bands(athlete: Athlete, first: dt.date, last: dt.date) -> list[PhaseBand]:
    """The plan's phases between `first` and `last`, a week at a time (none before the plan)."""
    if not athlete.profile or athlete.plan_start is None:
        return []
    try:
        profile = profile_of(athlete)
    except (ProfileError, KeyError, ValueError, TypeError):
        return []
    start = max(first, athlete.plan_start)
    bands: list[PhaseBand] = []
    day = start
    while day <= last:
        phase = phase_for(profile, day, athlete.plan_start)
        following = min(day + dt.timedelta(days=7), last + dt.timedelta(days=1))
        # A deload week belongs to its block: shading it apart would stripe the chart.
        if bands and (bands[-1].name == phase.name or phase.name == "deload"):
            bands[-1] = dataclasses.replace(bands[-1], end=following)
        else:
            bands.append(PhaseBand(day, following, phase.name, phase.label))
        day += dt.timedelta(days=7)
    return bands


def _export_rows(
    athlete: Athlete, sets: Sequence[SetRow], batches: dict[int, LogBatch]
) -> list[transfer.ExportRow]:
    tz = tzinfo_for(athlete.timezone)
    rows: list[transfer.ExportRow] = []
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
            transfer.ExportRow(
                title=title,
                start_time=start,
                end_time=start,
                description="",
                exercise_title=display_name(s.exercise),
                exercise_notes=transfer.set_notes(s.notes or "", s.per_side),
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
    states: dict[str, ExerciseStateRow],
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
            {
                "exercise": row.exercise,
                "name": display_name(row.exercise),
                "working_load_kg": row.working_load_kg,
                "target_reps": row.target_reps,
                "e1rm_kg": row.e1rm_kg,
                "best_e1rm_kg": row.best_e1rm_kg,
                "failures": row.failures,
                "sessions": row.sessions,
                "updated_at": when(row.updated_at),
            }
            for row in sorted(states.values(), key=lambda r: r.exercise)
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
) -> tuple[transfer.ParsedExport, list[NewWorkout], dict[str, str]]:
    """Parse a file and map its exercise names (file name → stored exercise id)."""
    parsed = transfer.parse_export(content)
    ids: dict[str, str] = {}
    if parsed.errors:
        return parsed, [], ids
    return parsed, [_new_workout(w, ids) for w in parsed.workouts], ids


def _new_workout(workout: transfer.Workout, ids: dict[str, str]) -> NewWorkout:
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


async def _seed_states(
    rows: HistoryRows, athlete_id: int, workouts: Sequence[NewWorkout], now: dt.datetime
) -> list[tuple[str, ExerciseStateRow]]:
    """Each imported exercise's latest session sets its progression state, unless the stored
    state is newer; the best e1RM is the best ever. Returns the states written."""
    by_exercise: dict[str, dict[dt.date, list[NewSet]]] = defaultdict(lambda: defaultdict(list))
    for w in workouts:
        for s in w.sets:
            by_exercise[s.exercise][w.performed_on].append(s)
    states = await rows.states(athlete_id)
    written: list[tuple[str, ExerciseStateRow]] = []
    for exercise, days in by_exercise.items():
        latest = max(days)
        top = days[latest]
        estimates = [
            e
            for day_sets in days.values()
            for s in day_sets
            if (e := set_e1rm(s.load_kg, s.reps, s.rpe)) is not None
        ]
        best = max(estimates) if estimates else None
        as_of = dt.datetime.combine(latest, dt.time(12, 0), tzinfo=dt.UTC)
        row = states.get(exercise)
        if row is not None and row.updated_at >= as_of:
            if best is not None and (row.best_e1rm_kg is None or best > row.best_e1rm_kg):
                row.best_e1rm_kg = best
            continue
        if row is None:
            row = ExerciseStateRow(athlete_id=athlete_id, exercise=exercise, failures=0, sessions=0)
            rows.session.add(row)
        load, reps, session_e1rm = _top_set(exercise, top)
        row.working_load_kg = load
        row.target_reps = reps
        # A free log's range: the reps done, two more to build to (plans.progression).
        row.reps_low, row.reps_high = (reps, reps + 2) if reps is not None else (None, None)
        if session_e1rm is not None:
            row.e1rm_kg, row.e1rm_on = session_e1rm, latest
        if best is not None:
            row.best_e1rm_kg = max(best, row.best_e1rm_kg or 0.0)
        row.failures = 0
        row.sessions = (row.sessions or 0) + len(days)
        row.updated_at = as_of
        written.append((exercise, row))
    await rows.session.flush()
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
    parsed: transfer.ParsedExport,
    fresh: dict[str, NewWorkout],
    stored: int,
    ids: dict[str, str],
    seeded: list[tuple[str, ExerciseStateRow]],
    units: str,
) -> str:
    app = "Strong" if parsed.source == "strong" else "Hevy"
    days = sorted(w.performed_on for w in fresh.values())
    skipped_workouts = len(parsed.workouts) - len(fresh)
    lines = [
        f"✅ Imported {len(fresh)} workout{'s' if len(fresh) != 1 else ''} ({stored} sets) "
        f"from {app}, {days[0]:%d %b %Y} to {days[-1]:%d %b %Y}."
    ]
    if skipped_workouts:
        lines.append(f"{skipped_workouts} were already in your history and were left alone.")
    if parsed.skipped:
        lines.append(f"Skipped {parsed.skipped} warm-up or cardio rows.")
    custom = sorted({name for name, ex in ids.items() if ex.startswith("custom:")})
    if custom:
        shown = ", ".join(esc(n) for n in custom[:10]) + (" …" if len(custom) > 10 else "")
        lines.append(f"Kept under their own names (not in my library): {shown}.")
    loaded = [
        f"{esc(display_name(ex))} {fmt_weight(row.working_load_kg, units)}×{row.target_reps}"
        for ex, row in seeded
        if row.working_load_kg and row.target_reps and ex in exercises.LIBRARY
    ]
    if loaded:
        lines.append("Working weights from your latest sessions: " + "; ".join(loaded[:8]) + ".")
    lines.append("/history shows your sessions, /progress squat charts one lift.")
    return "\n".join(lines)[:MAX_TEXT]
