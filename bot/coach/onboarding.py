"""Setting up, and any answer to a question: /start, the setup conversation, /back, /cancel,
the start menu, and the conversation /settings opens to change one group of answers.

Each call is one write transaction: the conversation's step and answers are read and
written with the athlete's row locked, so any process (or replica) can answer the next
message. Text that isn't an answer goes to the logbook, in the same transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from bot.clock import Clock
from bot.coach import questions as q
from bot.coach.actions import Action
from bot.coach.delivery import DeliveryService
from bot.coach.inputs import InputError, format_minute, weekday_list
from bot.coach.intents import Who
from bot.coach.logbook import Logbook, not_a_log_hint
from bot.coach.messages import Button, Message, acknowledge, say
from bot.coach.zones import label_for, tzinfo_for
from db.models import Athlete, Conversation
from db.uow import Storage, Unit
from plans.programs import day_label
from plans.text import bold, code


def greeting(name: str) -> Message:
    return say(
        f"👋 Hi {name}! I'm ",
        bold("RunStrong"),
        ", your strength coach for running.\n\n"
        "Runners who lift run more economically, stay faster late in races and get injured "
        "less. I'll plan short strength sessions around your running week, send today's "
        "workout each morning, and raise your weights as you log them.\n\n"
        "Setup takes about two minutes. /back goes to the previous question, /cancel pauses.",
    )


START_MENU = (
    (Button("🏋️ Today's workout", Action("go", ("today",))),),
    (Button("⚙️ Change settings", Action("go", ("settings",))),),
    (Button("🔄 Start over", Action("st", ("restart",))),),
)


class Onboarding:
    def __init__(
        self, storage: Storage, clock: Clock, delivery: DeliveryService, logbook: Logbook
    ) -> None:
        self.storage = storage
        self.clock = clock
        self.delivery = delivery
        self.logbook = logbook

    # --- entry points ---------------------------------------------------------------------

    async def start(self, who: Who) -> list[Message]:
        now = self.clock.now()
        async with self.storage.write() as unit:
            athlete = await unit.athletes.by_user(who.platform, who.user_id, for_update=True)
            if not await unit.first(who.platform, who.event, now):
                return []  # a re-delivered event, already applied
            if athlete is None:
                athlete = await unit.athletes.create(
                    platform=who.platform,
                    user_id=who.user_id,
                    chat_id=who.chat_id,
                    name=who.name,
                    language_code=who.language_code,
                    now=now,
                )
                return await self._begin(unit, athlete, who, greet=True)
            athlete.chat_id = who.chat_id
            if athlete.status == "blocked":
                athlete.status = "active" if athlete.onboarded_at else "onboarding"
                await self.delivery.schedule(unit, athlete)
            conversation = await unit.conversations.get(athlete.id)
            if conversation is not None and conversation.flow == "onboarding":
                conversation.answers = {**conversation.answers, "_paused": False}
                return [
                    say("Welcome back! Let's pick up where we left off."),
                    q.ask(conversation.step, self._ctx(conversation.answers, who, now)),
                ]
            if conversation is not None:
                await unit.conversations.end(athlete.id)
            if athlete.onboarded_at is None:
                return await self._begin(unit, athlete, who, greet=True)
            name = athlete.name or "runner"
            return [say(f"Welcome back, {name}! What would you like?", buttons=START_MENU)]

    async def said(self, who: Who, text_in: str) -> list[Message]:
        """A text message in a private chat: an answer to the current question, a workout
        log, or a nudge."""
        async with self.storage.write() as unit:
            athlete, conversation = await unit.athletes.with_conversation(
                who.platform, who.user_id, for_update=True
            )
            if athlete is None:
                return [say("Hi! Send /start to set up your strength plan.")]
            if not await unit.first(who.platform, who.event, self.clock.now()):
                return []  # a re-delivered event, already applied
            if conversation is not None:
                if conversation.answers.get("_paused"):
                    return [say("Setup is paused. Send /start to continue where you left off.")]
                return await self._answer(unit, athlete, conversation, who, text_in, button=False)
            if athlete.onboarded_at is not None:
                # A possible workout log: the logbook applies it in this same transaction
                # (the athlete row locked, the event recorded), so the duplicate checks and
                # the log commit together.
                logged = await self.logbook.log_message(unit, athlete, who, text_in)
                if logged is not None:
                    return logged
        return [Message(not_a_log_hint())]

    async def non_text(self, who: Who, kind: str) -> list[Message]:
        """Stickers, photos, voice notes: never silence, always a nudge."""
        async with self.storage.read() as unit:
            athlete, conversation = await unit.athletes.with_conversation(who.platform, who.user_id)
        if conversation is not None and not conversation.answers.get("_paused"):
            return [say(f"Nice {kind}! But I can only read text. {q.hint_for(conversation.step)}")]
        if athlete is None:
            return [say(f"Nice {kind}! Send /start to set up your strength plan.")]
        return [say(f"Nice {kind}! I read text only: /help lists what I understand.")]

    async def answer(self, who: Who, action: Action) -> list[Message]:
        """An answer button: `ob:<step>:<value>`."""
        step, value = str(action.args[0]), str(action.args[1])
        async with self.storage.write() as unit:
            athlete, conversation = await unit.athletes.with_conversation(
                who.platform, who.user_id, for_update=True
            )
            if athlete is None:
                return [say("Send /start to set up first.", ack="Send /start first")]
            if not await unit.first(who.platform, who.event, self.clock.now()):
                return []
            if conversation is None or conversation.step != step:
                return [acknowledge("That question is done. Use /back to change an answer.")]
            return await self._answer(unit, athlete, conversation, who, value, button=True)

    async def start_menu(self, who: Who, action: Action) -> list[Message]:
        """The start menu's buttons: `st:<restart|restart-yes|restart-no>`."""
        choice = action.args[0]
        async with self.storage.write() as unit:
            athlete = await unit.athletes.by_user(who.platform, who.user_id, for_update=True)
            if athlete is None:
                return [say("Send /start to set up first.", ack="Send /start first")]
            if not await unit.first(who.platform, who.event, self.clock.now()):
                return []
            if choice == "restart":
                return [
                    say(
                        "Start over? Your setup answers will be asked again from the top "
                        "(your logged workouts stay).",
                        buttons=(
                            (
                                Button("Yes, start over", Action("st", ("restart-yes",))),
                                Button("No", Action("st", ("restart-no",))),
                            ),
                        ),
                    )
                ]
            if choice == "restart-yes":
                return await self._begin(unit, athlete, who, greet=False)
            if choice == "restart-no":
                return [say("OK, everything stays as it is.")]
        return []  # "today" and "settings" are commands: routed by the dispatcher

    async def back(self, who: Who) -> list[Message]:
        now = self.clock.now()
        async with self.storage.write() as unit:
            athlete, conversation = await unit.athletes.with_conversation(
                who.platform, who.user_id, for_update=True
            )
            if athlete is not None and not await unit.first(who.platform, who.event, now):
                return []
            if athlete is None or conversation is None:
                return [say("Nothing to go back to. /settings changes an answer.")]
            history = list(conversation.history)
            if not history:
                return [
                    say("This is the first question."),
                    q.ask(conversation.step, self._ctx(conversation.answers, who, now)),
                ]
            step = history.pop()
            answers = {
                **conversation.answers,
                "_paused": False,
                **q.enter(step, conversation.answers),
            }
            await unit.conversations.move(
                conversation, step=step, answers=answers, history=history, now=now
            )
            return [q.ask(step, self._ctx(answers, who, now))]

    async def cancel(self, who: Who) -> list[Message]:
        async with self.storage.write() as unit:
            athlete, conversation = await unit.athletes.with_conversation(
                who.platform, who.user_id, for_update=True
            )
            if athlete is not None and not await unit.first(
                who.platform, who.event, self.clock.now()
            ):
                return []
            if athlete is None or conversation is None:
                return [say("Nothing to cancel. /help lists what I can do.")]
            if conversation.flow == "settings":
                await unit.conversations.end(athlete.id)
                return [say("OK, nothing changed.")]
            conversation.answers = {**conversation.answers, "_paused": True}
            return [say("Setup paused — your answers are kept. Send /start to carry on any time.")]

    # --- the conversation -----------------------------------------------------------------

    async def _begin(self, unit: Unit, athlete: Athlete, who: Who, *, greet: bool) -> list[Message]:
        now = self.clock.now()
        answers = q.enter(q.FIRST_STEP, {})
        await unit.conversations.save(
            athlete.id, flow="onboarding", step=q.FIRST_STEP, answers=answers, history=[], now=now
        )
        first = q.ask(q.FIRST_STEP, self._ctx(answers, who, now))
        return [greeting(who.name or "there"), first] if greet else [first]

    async def _answer(
        self,
        unit: Unit,
        athlete: Athlete,
        conversation: Conversation,
        who: Who,
        value: str,
        *,
        button: bool,
    ) -> list[Message]:
        now = self.clock.now()
        step = conversation.step
        answers = dict(conversation.answers)
        ctx = self._ctx(answers, who, now)

        async def save(to: str, history: list[str]) -> None:
            await unit.conversations.move(
                conversation, step=to, answers=answers, history=history, now=now
            )

        if step == "summary" and button:
            if value == "confirm":
                return await self._finish(unit, athlete, answers)
            if value.startswith("edit:") and value[5:] in q.GROUPS:
                group = value[5:]
                target = q.GROUPS[group][0]
                answers = q.begin_group(answers, group)
                await save(target, [*conversation.history, step])
                return [q.ask(target, self._ctx(answers, who, now))]
        try:
            outcome = (q.answer_button if button else q.answer_text)(step, value, ctx)
        except InputError as error:
            prefix = "" if button else "🤔 "
            return [say(prefix + error.message), q.ask(step, ctx)]
        answers.update(outcome.updates)
        if not outcome.advance:
            await save(step, list(conversation.history))
            if outcome.stay_quiet:
                redrawn = q.ask(step, self._ctx(answers, who, now))
                return [dataclasses.replace(redrawn, edit=True)]
            return outcome.notes
        following = outcome.goto or q.next_step(step, answers)
        if following == "summary" and conversation.flow == "settings":
            return await self._apply_settings(unit, athlete, answers)
        answers.update(q.enter(following, answers))
        await save(following, [*conversation.history, step])
        return [*outcome.notes, q.ask(following, self._ctx(answers, who, now))]

    async def _finish(self, unit: Unit, athlete: Athlete, answers: dict[str, Any]) -> list[Message]:
        now = self.clock.now()
        store_answers(athlete, answers, now)
        tz = tzinfo_for(athlete.timezone)
        athlete.plan_start = now.astimezone(tz).date()
        athlete.status = "active"
        athlete.onboarded_at = athlete.onboarded_at or now
        await unit.conversations.end(athlete.id)
        due = await self.delivery.schedule(unit, athlete)
        local_due = (due or now).astimezone(tz)
        day = local_due.date()
        when = "today" if day == now.astimezone(tz).date() else f"{day:%a %d %b}"
        at = format_minute(athlete.delivery_minute)
        return [
            say(
                "✅ ",
                bold("You're all set!"),
                "\nYour first workout arrives ",
                bold(f"{when} at {at}"),
                f" ({label_for(athlete.timezone)} time). After a session, reply with what you "
                "did, e.g. ",
                code("squat 3x8 20kg"),
                ", and I'll adjust your next weights.\n\n/today shows today's plan, /week the "
                "week.",
            )
        ]

    async def _apply_settings(
        self, unit: Unit, athlete: Athlete, answers: dict[str, Any]
    ) -> list[Message]:
        now = self.clock.now()
        group = answers.get("_group", "")
        days_before = (athlete.profile or {}).get("strength_days")
        store_answers(athlete, answers, now)
        await unit.conversations.end(athlete.id)
        due = await self.delivery.schedule(unit, athlete)
        if group in ("time", "timezone"):
            return [say("✅ ", bold(self._daily_at(athlete, due, now)), ".")]
        saved = q.GROUP_LABELS.get(group, "settings")
        if group != "days" and (athlete.profile or {}).get("strength_days") != days_before:
            saved += f"; 📅 strength days now {weekday_list(answers.get('strength_days') or [])}"
        return [say(f"✅ Saved: {saved}. Your plan is updated from today.")]

    def _daily_at(self, athlete: Athlete, due: dt.datetime | None, now: dt.datetime) -> str:
        """When the daily message comes now, in the athlete's zone: "Daily message at 06:45
        (Berlin time) from tomorrow"."""
        tz = tzinfo_for(athlete.timezone)
        at = f"Daily message at {format_minute(athlete.delivery_minute)} "
        at += f"({label_for(athlete.timezone)} time)"
        if due is None:
            return at + " once you /resume"
        day, today = due.astimezone(tz).date(), now.astimezone(tz).date()
        if day == today:
            return at + " from today"
        if day == today + dt.timedelta(days=1):
            return at + " from tomorrow"
        return at + f" from {day_label(day)}"

    def _ctx(self, answers: dict[str, Any], who: Who, now: dt.datetime) -> q.Ctx:
        return q.Ctx(answers=answers, who=who, today=now.date(), now=now)


def store_answers(athlete: Athlete, answers: dict[str, Any], now: dt.datetime) -> None:
    """The answers as the athlete's profile and settings."""
    clean = {k: v for k, v in answers.items() if not k.startswith("_") and not k.endswith("_draft")}
    profile = q.profile_from_answers(clean)
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
