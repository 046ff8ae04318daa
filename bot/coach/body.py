"""The body behind the plan: runs from the athlete's watch files and the niggles they
report. Both feed `plans.readiness`, so the sessions adapt (COACHING.md rule 2 and the
niggle swaps in `plans.niggles`); this module stores them and says what changed.

Watch files are read off the event loop (`asyncio.to_thread`): a large FIT or a Strava
export takes a while in pure Python, and no chat may wait for it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence

from bot import activities
from bot.activities import Activity, ActivityFileError
from bot.clock import Clock
from bot.coach.actions import Action
from bot.coach.intents import Uploaded, Who
from bot.coach.messages import Button, Message, row, say
from bot.coach.planning import local_today, plans_ahead, profile_of
from bot.coach.zones import tzinfo_for
from db.models import Athlete, Niggle, RunLog
from db.uow import Storage, Unit
from plans import niggles as niggle_rules
from plans.placement import planned_run
from plans.programs import day_label
from plans.readiness import RUN_KINDS, NiggleReport, run_kind
from plans.runload import Classified, RunFacts, classify, format_pace
from plans.text import Text, bold, lines, text
from plans.units import MILE_KM
from plans.words import plural

log = logging.getLogger(__name__)

NO_ATHLETE = "Send /start to set up first: then send your watch files and I'll read them."
SAME_RUN = dt.timedelta(minutes=1)  # the same activity sent twice starts within a minute
HISTORY_DAYS = 56  # the runs a new one is compared with (8 weeks)
SHOWN_ONE_BY_ONE = 3  # more runs in one file: one summary line instead
RUN_ICONS = {"easy": "🟢", "hard": "🔴", "long": "🔵"}
FILE_HINT = text(
    "Send a run from your watch as a ", bold(".fit"), ", ", bold(".gpx"), " or ", bold(".tcx"),
    " file (or a Strava export ", bold(".zip"), "), up to 20 MB.",
)  # fmt: skip


class Body:
    def __init__(self, storage: Storage, clock: Clock) -> None:
        self.storage = storage
        self.clock = clock

    # --- watch files ------------------------------------------------------------------------

    async def upload(self, upload: Uploaded) -> list[Message]:
        """A .fit/.gpx/.tcx file (or a zip of them): checked before it is downloaded, read
        off the event loop, then each run stored once and classified."""
        who = upload.who
        if upload.size is not None and upload.size > activities.MAX_BYTES:
            return [say(f"📄 {upload.filename} is over 20 MB. Nothing was stored. ", FILE_HINT)]
        content = await upload.read(activities.MAX_BYTES)
        if content is None:
            return [say(f"📄 {upload.filename} is over 20 MB. Nothing was stored. ", FILE_HINT)]
        if upload.progress is not None and upload.filename.lower().endswith(".zip"):
            await upload.progress(say("📦 Reading your runs…"))
        try:
            read = await asyncio.to_thread(activities.read_activities, upload.filename, content)
        except ActivityFileError as error:
            return [say(f"📄 {error} Nothing was stored. ", FILE_HINT)]
        now = self.clock.now()
        async with self.storage.write() as unit:
            athlete = await unit.athletes.by_user(who.platform, who.user_id, for_update=True)
            if athlete is None or athlete.onboarded_at is None:
                return [say(NO_ATHLETE)]
            if not await unit.first(who.platform, who.event, now):
                return []
            stored, known = await self._store_runs(unit, athlete, who, upload.filename, read.runs)
            if len(stored) == 1 and not read.skipped and not known:
                run, classified = stored[0]
                return [await self._one_run_message(unit, athlete, run, classified.reason)]
            return [self._many_runs_message(athlete, upload.filename, stored, known, read.skipped)]

    async def _store_runs(
        self, unit: Unit, athlete: Athlete, who: Who, filename: str, runs: Sequence[Activity]
    ) -> tuple[list[tuple[RunLog, Classified]], int]:
        """Each run not stored yet, classified against the athlete's runs before it (the
        ones just read included); the stored ones and how many were already there. The
        athlete's runs around the file's are read once, however many the file holds."""
        if not runs:
            return [], 0
        tz = tzinfo_for(athlete.timezone)
        profile = profile_of(athlete)
        now = self.clock.now()
        ordered = sorted(runs, key=lambda a: a.started_at)
        first = ordered[0].started_at.astimezone(tz).date() - dt.timedelta(days=HISTORY_DAYS)
        last = ordered[-1].started_at.astimezone(tz).date()
        around = await unit.runs.between(athlete.id, first, last)
        stored: list[tuple[RunLog, Classified]] = []
        known = 0
        batch_id: int | None = None
        for activity in ordered:
            if any(_same_start(r, activity) for r in around):
                known += 1
                continue
            day = activity.started_at.astimezone(tz).date()
            typed = _typed_match(around, day, activity)
            if typed is not None:  # the run they typed: its kind stands, the file adds facts
                typed.started_at, typed.moving_s = activity.started_at, activity.moving_s
                typed.elevation_m, typed.avg_hr = activity.elevation_gain_m, activity.avg_hr
                typed.distance_km = typed.distance_km or activity.distance_km
                await unit.flush()
                stored.append((typed, Classified(run_kind(typed.kind), "as you logged it")))
                continue
            history = [
                RunFacts(r.performed_on, r.distance_km, r.moving_s, r.avg_hr, r.kind)
                for r in around
                if r.performed_on >= day - dt.timedelta(days=HISTORY_DAYS)
                and (
                    r.started_at < activity.started_at
                    if r.started_at is not None
                    else r.performed_on <= day
                )
            ]
            facts = RunFacts(day, activity.distance_km, activity.moving_s, activity.avg_hr, None)
            classified = classify(facts, history, units=athlete.units)
            if batch_id is None:
                batch_id = await unit.batches.insert(
                    athlete.id,
                    source="file",
                    source_key=None if who.event is None else f"file:{who.event}"[:128],
                    chat_message_id=who.message_id,
                    text=filename[:4000],
                    performed_on=day,
                    states_before={},
                    now=now,
                )
            run = RunLog(
                athlete_id=athlete.id,
                batch_id=batch_id,
                performed_on=day,
                kind=classified.kind,
                distance_km=activity.distance_km,
                planned=planned_run(profile, day.weekday(), classified.kind),
                created_at=now,
                source="file",
                started_at=activity.started_at,
                moving_s=activity.moving_s,
                elevation_m=activity.elevation_gain_m,
                avg_hr=activity.avg_hr,
            )
            unit.runs.add(run)
            await unit.flush()
            around.append(run)
            stored.append((run, classified))
        return stored, known

    async def _one_run_message(
        self, unit: Unit, athlete: Athlete, run: RunLog, reason: str, *, edit: bool = False
    ) -> Message:
        """A stored run: its facts, how it was classified and why, what that changes in the
        plan, and one tap to correct the classification."""
        tz = tzinfo_for(athlete.timezone)
        head = text(RUN_ICONS.get(run.kind, "🏃"), " ", bold(f"{run.kind.capitalize()} run"))
        parts = [text(head, " · ", run_facts(run, athlete.units, tz)), text(_why(reason))]
        effect = await self._effect(unit, athlete, run)
        if effect is not None:
            parts.append(effect)
        buttons = row(
            *(
                Button(
                    ("✓ " if kind == run.kind else "") + kind.capitalize(),
                    Action("rk", (run.id, kind)),
                )
                for kind in RUN_KINDS
            )
        )
        return Message(lines(*parts), buttons=(buttons,), edit=edit)

    async def _effect(self, unit: Unit, athlete: Athlete, run: RunLog) -> Text | None:
        """What this run changes: the next 24 h of lifting, when it was unplanned and hard
        or long and a heavy leg session was due."""
        if run.kind == "easy" or run.planned:
            return None
        today = local_today(athlete, self.clock.now())
        first, last = max(run.performed_on, today), run.performed_on + dt.timedelta(days=1)
        if first > last:
            return None
        for planned in await plans_ahead(unit, athlete, first, (last - first).days + 1):
            plan = planned.plan
            if plan.kind == "strength" and any("not in your plan" in n for n in plan.adapted):
                when = "Today" if plan.date == today else day_label(plan.date)
                return text(f"{when}: {plan.title.lower()} instead of heavy leg work.")
        return None

    def _many_runs_message(
        self,
        athlete: Athlete,
        filename: str,
        stored: Sequence[tuple[RunLog, Classified]],
        known: int,
        skipped: Sequence[tuple[str, str]],
    ) -> Message:
        parts: list[Text] = []
        tz = tzinfo_for(athlete.timezone)
        if len(stored) <= SHOWN_ONE_BY_ONE:
            for run, classified in stored:
                icon = RUN_ICONS.get(run.kind, "🏃")
                facts = run_facts(run, athlete.units, tz)
                parts.append(text(icon, " ", facts, f" — {classified.reason}."))
        elif stored:
            kinds = [run.kind for run, _ in stored]
            counts = ", ".join(f"{kinds.count(k)} {k}" for k in RUN_KINDS if kinds.count(k))
            first, last = stored[0][0].performed_on, stored[-1][0].performed_on
            parts.append(
                text(f"🏃 {plural(len(stored), 'run')} from {day_label(first)} to "
                     f"{day_label(last)}: {counts}.")
            )  # fmt: skip
        if known:
            parts.append(text(f"{plural(known, 'run')} I already had: kept once."))
        if skipped:
            shown = "; ".join(f"{name}: {why}" for name, why in skipped[:5])
            more = f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""
            parts.append(text(f"Not stored: {shown}{more}."))
        if not stored:
            parts.insert(0, text(f"📄 Nothing new in {filename}."))
        else:
            parts.append(text("/history shows your weekly running; tap a run's kind to fix it "
                              "when you send it on its own."))  # fmt: skip
        return Message(lines(*parts))

    async def correct(self, who: Who, action: Action) -> list[Message]:
        """A tap on Easy / Hard / Long under a run: its kind corrected, the message updated."""
        run_id, kind = action.args[0], run_kind(str(action.args[1]))
        assert isinstance(run_id, int)  # the codec's shape for "rk"
        now = self.clock.now()
        async with self.storage.write() as unit:
            athlete = await unit.athletes.by_user(who.platform, who.user_id, for_update=True)
            run = None if athlete is None else await unit.runs.get(athlete.id, run_id)
            if athlete is None or run is None:
                return [say("That run isn't stored any more.")]
            if not await unit.first(who.platform, who.event, now):
                return []
            if run.kind != kind:
                run.kind = kind
                run.planned = planned_run(profile_of(athlete), run.performed_on.weekday(), kind)
                await unit.flush()
            reason = "As you said."
            return [await self._one_run_message(unit, athlete, run, reason, edit=True)]

    # --- niggles ------------------------------------------------------------------------------

    async def niggle(
        self,
        unit: Unit,
        athlete: Athlete,
        who: Who,
        text_in: str,
        *,
        keyed: bool = True,
        found: list[niggle_rules.Niggle] | None = None,
    ) -> list[Message] | None:
        """A message reporting a niggle ("knee 3/10", "achilles sore"), inside the caller's
        write transaction: stored with its own log batch (so /undo and an edit take it
        back) and answered with what the plan does about it. None when it isn't one.
        `found`: the reports already read from it (else read here).
        Not `keyed` when the message also logs a workout: its batch holds the message's key
        (an edit corrects the log), this one is taken back by /undo."""
        found = found or niggle_rules.parse_niggles(text_in)
        if not found:
            return None
        now = self.clock.now()
        today = local_today(athlete, now)
        if all(n.resolved for n in found):
            # "calf ok" only means something when the calf was reported sore.
            recent = await unit.readiness.around(athlete.id, today)
            active = niggle_rules.active_niggles(recent.niggles, today)
            found = [n for n in found if n.region in active]
            if not found:
                return None
        batch_id = await unit.batches.insert(
            athlete.id,
            source="niggle",
            source_key=None
            if who.message_id is None or not keyed
            else f"msg:{who.chat_id}:{who.message_id}",
            chat_message_id=who.message_id,
            text=text_in[:4000],
            performed_on=today,
            states_before={},
            now=now,
        )
        for report in found:
            unit.readiness.add_niggle(
                Niggle(
                    athlete_id=athlete.id,
                    batch_id=batch_id,
                    reported_on=today,
                    region=report.region,
                    score=0 if report.resolved else report.score,
                    created_at=now,
                )
            )
        await unit.flush()
        readiness = await unit.readiness.around(athlete.id, today)
        changed = None
        if any(not r.resolved for r in found):
            changed = await self._next_session_note(unit, athlete, today)
        return [Message(niggle_reply(found, readiness.niggles, today, changed))]

    async def asked_score(
        self, unit: Unit, athlete: Athlete, text_in: str
    ) -> niggle_rules.Niggle | None:
        """ "calf 2" answering the coach's "How's the calf today?": the calf at 2/10, though
        "calf" alone also names calf raises. Only for a region niggling now."""
        if niggle_rules.bare_score(text_in, niggle_rules.REGIONS) is None:
            return None  # cheap first: most messages are no region and a number
        today = local_today(athlete, self.clock.now())
        recent = await unit.readiness.around(athlete.id, today)
        active = niggle_rules.active_niggles(recent.niggles, today)
        return niggle_rules.bare_score(text_in, active)

    async def _next_session_note(self, unit: Unit, athlete: Athlete, today: dt.date) -> Text | None:
        """How the next strength session (within a week) works around the niggles."""
        for planned in await plans_ahead(unit, athlete, today, 7):
            if planned.plan.kind != "strength" or planned.skipped:
                continue
            notes = [n for n in planned.plan.adapted if "niggle" in n]
            if not notes:
                return None
            when = "Today" if planned.plan.date == today else day_label(planned.plan.date)
            return text(bold(when), ": ", " ".join(notes))
        return None


def niggle_reply(
    found: Sequence[niggle_rules.Niggle],
    reports: Sequence[NiggleReport],
    today: dt.date,
    changed: Text | None = None,
) -> Text:
    """What the coach answers a niggle report: noted, what the next session does about it,
    when it asks again, and when to see someone. Never a diagnosis."""
    active = niggle_rules.active_niggles(reports, today)
    parts: list[Text] = []
    for report in found:
        name = niggle_rules.region_name(report.region)
        if report.resolved:
            parts.append(text(f"👍 Good to hear the {name} is fine: sessions back to normal."))
            continue
        score = "" if report.score is None else f", {report.score}/10"
        parts.append(text("📝 Noted: ", bold(f"{name}{score}"), "."))
        status = active.get(report.region)
        if status is not None and niggle_rules.needs_professional(status, today):
            parts.append(text(niggle_rules.professional_note(status, today)))
    if changed is not None:
        parts.append(changed)
    if any(not r.resolved for r in found):
        example = niggle_rules.region_name(found[0].region)
        parts.append(text(
            "Keep anything that hurts at 3/10 or less. I'll ask again in a couple of days; tell "
            f"me any time, e.g. “{example} 2/10” or “{example} fine”."
        ))  # fmt: skip
    return lines(*parts)


def run_facts(run: RunLog, units: str, tz: dt.tzinfo) -> Text:
    """ "Tue 24 Nov 07:12 · 12.3 km · 1:02:15 · 5:04 /km · ↑120 m · ♥148"."""
    when = day_label(run.performed_on)
    if run.started_at is not None:
        when += f" {run.started_at.astimezone(tz):%H:%M}"
    shown = [when]
    per = MILE_KM if units == "lb" else 1.0
    unit = "mi" if units == "lb" else "km"
    if run.distance_km:
        shown.append(f"{run.distance_km / per:.1f} {unit}")
    if run.moving_s:
        shown.append(clock_time(run.moving_s))
        if run.distance_km:
            shown.append(format_pace(run.moving_s / run.distance_km, units))
    if run.elevation_m:
        shown.append(f"↑{run.elevation_m:.0f} m")
    if run.avg_hr:
        shown.append(f"♥{run.avg_hr}")
    return text(" · ".join(shown))


def _same_start(run: RunLog, activity: Activity) -> bool:
    """The same activity sent again: stored with a start within a minute of this one."""
    return run.started_at is not None and abs(run.started_at - activity.started_at) <= SAME_RUN


def _typed_match(runs: Sequence[RunLog], day: dt.date, activity: Activity) -> RunLog | None:
    """A run typed with /run that day (no start time yet) that this file is: the same
    distance within 20 %, or either distance unknown."""
    for run in runs:
        if run.started_at is not None or run.performed_on != day:
            continue
        km, read = run.distance_km, activity.distance_km
        if km is None or read is None or abs(km - read) <= 0.2 * max(km, read):
            return run
    return None


def _why(reason: str) -> str:
    """ "hard: 4:10 /km, …" under a "Hard run" heading: the why alone, as a sentence."""
    kind, _, why = reason.partition(": ")
    said = why if kind in RUN_KINDS and why else reason
    return said[:1].upper() + said[1:] + ("" if said.endswith(".") else ".")


def clock_time(seconds: int) -> str:
    """4:35, 1:02:15."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
