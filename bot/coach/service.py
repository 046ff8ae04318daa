"""The coach's use-cases, transport-agnostic: Telegram handlers, the local chat and (later) a
Discord adapter call these with a `Who` and get `Reply`s back.

Each call opens one database session; conversation state is read and written inside it, so
any bot process (or replica) can answer the next message.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import logging
from typing import Any

from bot.clock import Clock
from bot.coach import onboarding as ob
from bot.coach.daily import Daily
from bot.coach.delivery import DeliveryService
from bot.coach.history import History
from bot.coach.idempotency import mark_applied
from bot.coach.inputs import InputError, format_minute
from bot.coach.logbook import Logbook, not_a_log_hint
from bot.coach.replies import Button, Reply, Who, keyboard
from bot.coach.summary import compose_weekly
from bot.coach.zones import label_for, tzinfo_for
from db.engine import Database
from db.models import Athlete, Conversation
from db.repositories import Athletes, Conversations

log = logging.getLogger(__name__)

GREETING = (
    "👋 Hi {name}! I'm <b>RunStrong</b>, your strength coach for running.\n\n"
    "Runners who lift run more economically, stay faster late in races and get injured less. "
    "I'll plan short strength sessions around your running week, send today's workout each "
    "morning, and raise your weights as you log them.\n\n"
    "Setup takes about two minutes. /back goes to the previous question, /cancel pauses."
)
HELP = (
    "<b>RunStrong</b> plans strength training around your running.\n\n"
    "/start — set up, or see your options\n"
    "/today — today's workout\n"
    "/week — this week at a glance\n"
    "/time — change when the daily message arrives\n"
    "/pause [days] and /resume — stop and restart daily messages\n"
    "/log — how to log a workout (just send e.g. <code>squat 3x5 60kg</code>)\n"
    "/undo — remove the last log · /run 10k hard — log a run\n"
    "/settings — change one answer (days, time, timezone…)\n"
    "/back — previous question during setup\n"
    "/cancel — pause setup; your answers are kept\n"
    "/help — this message"
)


class Coach:
    def __init__(
        self, db: Database, clock: Clock, *, bot_username: str = "", catchup_hours: float = 6.0
    ) -> None:
        self.db = db
        self.clock = clock
        self.bot_username = bot_username
        self.delivery = DeliveryService(
            db, clock, catchup_hours=catchup_hours, weekly=compose_weekly
        )
        self.daily = Daily(self)
        self.logbook = Logbook(db, clock)
        self.history = History(db, clock)

    # --- entry points ---------------------------------------------------------------------

    async def start(self, who: Who) -> list[Reply]:
        if not who.is_private:
            return [self._private_only()]
        now = self.clock.now()
        async with self.db.write() as session:
            athletes = Athletes(session)
            athlete = await athletes.by_user(who.platform, who.user_id, for_update=True)
            if athlete is None:
                athlete = await athletes.create(
                    platform=who.platform,
                    user_id=who.user_id,
                    chat_id=who.chat_id,
                    name=who.name,
                    language_code=who.language_code,
                    now=now,
                )
                self._fresh(athlete, who)
                return await self._begin(session, athlete, who, greet=True)
            if not self._fresh(athlete, who):
                return []  # a re-delivered update, already applied
            athlete.chat_id = who.chat_id
            if athlete.status == "blocked":
                athlete.status = "active" if athlete.onboarded_at else "onboarding"
                await self.delivery.schedule(session, athlete)
            conversation = await Conversations(session).get(athlete.id)
            if conversation is not None and conversation.flow == "onboarding":
                conversation.answers = {**conversation.answers, "_paused": False}
                return [
                    Reply("Welcome back! Let's pick up where we left off."),
                    ob.ask(conversation.step, self._ctx(conversation.answers, who, now)),
                ]
            if conversation is not None:
                await Conversations(session).end(athlete.id)
            if athlete.onboarded_at is None:
                return await self._begin(session, athlete, who, greet=True)
            return [
                Reply(
                    f"Welcome back, {html.escape(athlete.name or 'runner')}! What would you like?",
                    keyboard(
                        [("🏋️ Today's workout", "st:today")],
                        [("⚙️ Change settings", "st:settings")],
                        [("🔄 Start over", "st:restart")],
                    ),
                )
            ]

    async def help(self, who: Who) -> list[Reply]:
        return [Reply(HELP)]

    async def text(self, who: Who, text: str) -> list[Reply]:
        if not who.is_private:
            return []
        async with self.db.write() as session:
            athlete, conversation, fresh = await self._load_fresh(session, who)
            if athlete is None:
                return [Reply("Hi! Send /start to set up your strength plan.")]
            if not fresh:
                return []  # a re-delivered update, already applied
            if conversation is not None:
                if conversation.answers.get("_paused"):
                    return [Reply("Setup is paused. Send /start to continue where you left off.")]
                return await self._answer(session, athlete, conversation, who, text, button=False)
            if athlete.onboarded_at is not None:
                # A possible workout log: the logbook applies it in this same transaction
                # (the athlete row locked, the update marked), so the duplicate checks and
                # the log commit together.
                logged = await self.logbook.log_message(session, athlete, who, text)
                if logged is not None:
                    return logged
        return [Reply(not_a_log_hint())]

    async def non_text(self, who: Who, kind: str) -> list[Reply]:
        """Stickers, photos, voice notes: never silence, always a nudge."""
        if not who.is_private:
            return []
        async with self.db.read() as session:
            athlete, conversation = await self._load(session, who)
        if conversation is not None and not conversation.answers.get("_paused"):
            return [
                Reply(f"Nice {kind}! But I can only read text. {ob.hint_for(conversation.step)}")
            ]
        if athlete is None:
            return [Reply(f"Nice {kind}! Send /start to set up your strength plan.")]
        return [Reply(f"Nice {kind}! I read text only: /help lists what I understand.")]

    async def button(self, who: Who, data: str) -> list[Reply]:
        prefix, _, rest = data.partition(":")
        if data == "st:today":  # the start menu's "Today's workout": the same as /today
            return await self.daily.today(who)
        if prefix == "dl":  # opens its own transactions (logging "Done" needs one of its own)
            return await self.daily.button(who, rest)
        if prefix == "lg":  # answers to a pending log; the logbook opens its own transaction
            return await self.logbook.button(who, rest)
        async with self.db.write() as session:
            athlete, conversation = await self._load(session, who)
            if athlete is not None and not self._fresh(athlete, who):
                return []  # a re-delivered update, already applied
            if athlete is None:
                return [Reply("Send /start to set up first.", toast="Send /start first")]
            if prefix == "ob":
                step, _, value = rest.partition(":")
                if conversation is None or conversation.step != step:
                    return [Reply(toast="That question is done. Use /back to change an answer.")]
                return await self._answer(session, athlete, conversation, who, value, button=True)
            if prefix == "st":
                return await self._start_menu(session, athlete, who, rest)
            if prefix == "set":
                return await self._settings_pick(session, athlete, who, rest)
        return [Reply(toast="That button has expired.")]

    async def back(self, who: Who) -> list[Reply]:
        now = self.clock.now()
        async with self.db.write() as session:
            athlete, conversation = await self._load(session, who)
            if athlete is not None and not self._fresh(athlete, who):
                return []  # a re-delivered update, already applied
            if athlete is None or conversation is None:
                return [Reply("Nothing to go back to. /settings changes an answer.")]
            history = list(conversation.history)
            if not history:
                return [
                    Reply("This is the first question."),
                    ob.ask(conversation.step, self._ctx(conversation.answers, who, now)),
                ]
            step = history.pop()
            answers = {
                **conversation.answers,
                "_paused": False,
                **ob.enter(step, conversation.answers),
            }
            await Conversations(session).move(
                conversation, step=step, answers=answers, history=history, now=now
            )
            return [ob.ask(step, self._ctx(answers, who, now))]

    async def cancel(self, who: Who) -> list[Reply]:
        async with self.db.write() as session:
            athlete, conversation = await self._load(session, who)
            if athlete is not None and not self._fresh(athlete, who):
                return []  # a re-delivered update, already applied
            if athlete is None or conversation is None:
                return [Reply("Nothing to cancel. /help lists what I can do.")]
            if conversation.flow == "settings":
                await Conversations(session).end(athlete.id)
                return [Reply("OK, nothing changed.")]
            conversation.answers = {**conversation.answers, "_paused": True}
            return [
                Reply("Setup paused — your answers are kept. Send /start to carry on any time.")
            ]

    async def settings_field(self, who: Who, group: str) -> list[Reply]:
        """Jump straight to changing one settings group (e.g. /time)."""
        async with self.db.write() as session:
            athlete, _conversation = await self._load(session, who)
            if athlete is None or athlete.onboarded_at is None:
                return [Reply("Let's set you up first: send /start.")]
            if not self._fresh(athlete, who):
                return []
            return await self._settings_pick(session, athlete, who, group)

    async def settings(self, who: Who) -> list[Reply]:
        async with self.db.write() as session:
            athlete, conversation = await self._load(session, who)
            if athlete is not None and not self._fresh(athlete, who):
                return []  # a re-delivered update, already applied
            if athlete is None or athlete.onboarded_at is None:
                return [Reply("Let's set you up first: send /start.")]
            if conversation is not None:
                await Conversations(session).end(athlete.id)
            return [self._settings_menu(athlete)]

    # --- onboarding -----------------------------------------------------------------------

    async def _begin(self, session: Any, athlete: Athlete, who: Who, *, greet: bool) -> list[Reply]:
        now = self.clock.now()
        answers = ob.enter(ob.FIRST_STEP, {})
        await Conversations(session).save(
            athlete.id, flow="onboarding", step=ob.FIRST_STEP, answers=answers, history=[], now=now
        )
        first = ob.ask(ob.FIRST_STEP, self._ctx(answers, who, now))
        name = html.escape(who.name or "there")
        return [Reply(GREETING.format(name=name)), first] if greet else [first]

    async def _answer(
        self,
        session: Any,
        athlete: Athlete,
        conversation: Conversation,
        who: Who,
        value: str,
        *,
        button: bool,
    ) -> list[Reply]:
        now = self.clock.now()
        step = conversation.step
        answers = dict(conversation.answers)
        ctx = self._ctx(answers, who, now)

        async def save(to: str, history: list[str]) -> None:
            await Conversations(session).move(
                conversation, step=to, answers=answers, history=history, now=now
            )

        if step == "summary" and button:
            if value == "confirm":
                return await self._finish(session, athlete, answers, who)
            if value.startswith("edit:") and value[5:] in ob.GROUPS:
                group = value[5:]
                target = ob.GROUPS[group][0]
                answers["_group"] = group
                answers.update(ob.enter(target, answers))
                await save(target, [*conversation.history, step])
                return [ob.ask(target, self._ctx(answers, who, now))]
        try:
            outcome = (ob.answer_button if button else ob.answer_text)(step, value, ctx)
        except InputError as error:
            prefix = "" if button else "🤔 "
            return [Reply(prefix + error.message), ob.ask(step, ctx)]
        answers.update(outcome.updates)
        if not outcome.advance:
            await save(step, list(conversation.history))
            if outcome.stay_quiet:
                redrawn = ob.ask(step, self._ctx(answers, who, now))
                return [Reply(redrawn.text, redrawn.buttons, edit=True)]
            return outcome.notes
        following = outcome.goto or ob.next_step(step, answers)
        if following == "summary" and conversation.flow == "settings":
            return await self._apply_settings(session, athlete, answers)
        answers.update(ob.enter(following, answers))
        await save(following, [*conversation.history, step])
        return [*outcome.notes, ob.ask(following, self._ctx(answers, who, now))]

    async def _finish(
        self, session: Any, athlete: Athlete, answers: dict[str, Any], who: Who
    ) -> list[Reply]:
        now = self.clock.now()
        self._store_answers(athlete, answers, now)
        tz = tzinfo_for(athlete.timezone)
        athlete.plan_start = now.astimezone(tz).date()
        athlete.status = "active"
        athlete.onboarded_at = athlete.onboarded_at or now
        await Conversations(session).end(athlete.id)
        due = await self.delivery.schedule(session, athlete)
        local_due = (due or now).astimezone(tz)
        day = local_due.date()
        when = "today" if day == now.astimezone(tz).date() else f"{day:%a %d %b}"
        at = format_minute(athlete.delivery_minute)
        return [
            Reply(
                "✅ <b>You're all set!</b>\n"
                f"Your first workout arrives <b>{when} at {at}</b> "
                f"({html.escape(label_for(athlete.timezone))} time). "
                "After a session, reply with what you did, e.g. <code>squat 3x8 20kg</code>, "
                "and I'll adjust your next weights.\n\n/today shows today's plan, /week the week."
            )
        ]

    def _store_answers(self, athlete: Athlete, answers: dict[str, Any], now: dt.datetime) -> None:
        clean = {
            k: v for k, v in answers.items() if not k.startswith("_") and not k.endswith("_draft")
        }
        profile = ob.profile_from_answers(clean)
        if athlete.profile is not None:  # kept across edits of other answers
            profile = dataclasses.replace(
                profile, mobility_enabled=bool(athlete.profile.get("mobility_enabled", True))
            )
        athlete.answers = clean
        athlete.profile = {**profile.to_dict(), "known_loads": clean.get("known_loads", [])}
        athlete.timezone = clean["timezone"]
        athlete.delivery_minute = int(clean["delivery_time"])
        athlete.units = clean["units"]
        athlete.updated_at = now

    # --- start menu and settings ----------------------------------------------------------

    async def _start_menu(
        self, session: Any, athlete: Athlete, who: Who, choice: str
    ) -> list[Reply]:
        if choice == "settings":
            return [self._settings_menu(athlete)]
        if choice == "restart":
            return [
                Reply(
                    "Start over? Your setup answers will be asked again from the top "
                    "(your logged workouts stay).",
                    keyboard([("Yes, start over", "st:restart-yes"), ("No", "st:restart-no")]),
                )
            ]
        if choice == "restart-yes":
            return await self._begin(session, athlete, who, greet=False)
        if choice == "restart-no":
            return [Reply("OK, everything stays as it is.")]
        return [Reply(toast="That button has expired.")]

    def _settings_menu(self, athlete: Athlete) -> Reply:
        rows = [(label, f"set:{group}") for group, label in ob.GROUP_LABELS.items()]
        mobility = (athlete.profile or {}).get("mobility_enabled", True)
        rows += [
            ("🧘 Mobility days: " + ("on" if mobility else "off"), "set:mobility"),
            ("📏 Load steps", "set:inc"),
        ]
        answers = athlete.answers or {}
        zone = html.escape(label_for(athlete.timezone))
        return Reply(
            "<b>Settings</b> — what would you like to change?\n"
            f"Now: {answers.get('sessions', '?')}×/week, daily message at "
            f"{format_minute(athlete.delivery_minute)} ({zone}), {athlete.units}.",
            tuple(
                tuple(Button(label, data) for label, data in rows[i : i + 3])
                for i in range(0, len(rows), 3)
            ),
        )

    async def _settings_pick(
        self, session: Any, athlete: Athlete, who: Who, group: str
    ) -> list[Reply]:
        if group == "mobility" and athlete.profile is not None:
            enabled = not athlete.profile.get("mobility_enabled", True)
            athlete.profile = {**athlete.profile, "mobility_enabled": enabled}
            athlete.updated_at = self.clock.now()
            if enabled:
                return [Reply("🧘 Mobility days are on: a short routine on days without lifting.")]
            return [Reply("🧘 Mobility days are off: I'll only message you on strength days.")]
        if group == "inc" or group.startswith("inc:"):
            return [self._increments(athlete, group.removeprefix("inc").lstrip(":"))]
        if group not in ob.GROUPS or athlete.profile is None:
            return [Reply(toast="That button has expired.")]
        now = self.clock.now()
        stored = ob.answers_from(
            athlete.profile,
            timezone=athlete.timezone,
            minute=athlete.delivery_minute,
            units=athlete.units,
        )
        answers = {**stored, **(athlete.answers or {}), "_group": group}
        step = ob.GROUPS[group][0]
        answers.update(ob.enter(step, answers))
        await Conversations(session).save(
            athlete.id, flow="settings", step=step, answers=answers, history=[], now=now
        )
        return [ob.ask(step, self._ctx(answers, who, now))]

    def _increments(self, athlete: Athlete, choice: str) -> Reply:
        """How much the coach adds when a lift moves up (plates at home may be coarser)."""
        lb = athlete.units == "lb"
        options = (2.5, 5.0, 10.0) if lb else (1.0, 2.5, 5.0)
        unit = "lb" if lb else "kg"
        if not choice:
            rows = [("Coach's choice", "set:inc:auto")] + [
                (f"{step:g} {unit}", f"set:inc:{step:g}") for step in options
            ]
            return Reply(
                "<b>Load steps</b> — how much should a lift go up when you earn it? "
                "Coach's choice is 2.5 kg (5 lb) for legs and 1.25 kg (2.5 lb) for upper body, "
                "dumbbells to the next size.",
                keyboard(rows),
            )
        preferences = dict(athlete.preferences or {})
        if choice == "auto":
            preferences.pop("increments", None)
            text = "📏 Load steps: coach's choice."
        else:
            try:
                step = float(choice)
            except ValueError:
                return Reply(toast="That button has expired.")
            if step not in options:
                return Reply(toast="That button has expired.")
            preferences["increments"] = round(step * 0.45359237, 3) if lb else step
            text = f"📏 Load steps: {step:g} {unit} from your next progression."
        athlete.preferences = preferences
        athlete.updated_at = self.clock.now()
        return Reply(text)

    async def _apply_settings(
        self, session: Any, athlete: Athlete, answers: dict[str, Any]
    ) -> list[Reply]:
        now = self.clock.now()
        group = answers.get("_group", "")
        self._store_answers(athlete, answers, now)
        await Conversations(session).end(athlete.id)
        await self.delivery.schedule(session, athlete)
        return [
            Reply(
                f"✅ Saved: {ob.GROUP_LABELS.get(group, 'settings')}. "
                "Your plan is updated from today."
            )
        ]

    # --- helpers --------------------------------------------------------------------------

    def _private_only(self) -> Reply:
        link = f"https://t.me/{self.bot_username}?start=setup" if self.bot_username else None
        buttons = ((Button("Open a private chat", url=link),),) if link else ()
        return Reply("I coach one runner at a time — let's talk in a private chat.", buttons)

    @staticmethod
    def _fresh(athlete: Athlete, who: Who) -> bool:
        """Record the update as applied; False if it (or a newer one) already was.

        Called inside the write transaction that applies it, so a crash either keeps both
        the change and the mark or neither."""
        return mark_applied(athlete, who)

    async def _load(self, session: Any, who: Who) -> tuple[Athlete | None, Conversation | None]:
        """The athlete (row locked) and its conversation, in one query."""
        return await Athletes(session).with_conversation(who.platform, who.user_id, for_update=True)

    async def _load_fresh(
        self, session: Any, who: Who
    ) -> tuple[Athlete | None, Conversation | None, bool]:
        """`_load` then `_fresh`: for a new update (the usual case) one UPDATE .. RETURNING
        marks it and loads the athlete, and the conversation is read only if there is one."""
        if who.update_id is not None:
            found = await Athletes(session).mark_update(who.platform, who.user_id, who.update_id)
            if found is not None:
                marked, talking = found
                conversation = await Conversations(session).get(marked.id) if talking else None
                return marked, conversation, True
        athlete, conversation = await self._load(session, who)
        return athlete, conversation, athlete is not None and self._fresh(athlete, who)

    def _ctx(self, answers: dict[str, Any], who: Who, now: dt.datetime) -> ob.Ctx:
        return ob.Ctx(answers=answers, who=who, today=now.date(), now=now)
