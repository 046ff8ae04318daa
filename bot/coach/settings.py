"""The athlete's settings: /settings (change one group of answers without redoing the rest),
/time, mobility days on or off, and load steps. Changing answers opens a short conversation
that `bot.coach.onboarding` answers like the setup questions."""

from __future__ import annotations

from bot.clock import Clock
from bot.coach import questions as q
from bot.coach.actions import Action
from bot.coach.inputs import format_minute
from bot.coach.intents import Who
from bot.coach.messages import EXPIRED, Button, Message, grid, say
from bot.coach.zones import label_for
from db.models import Athlete
from db.uow import Storage, Unit
from plans.text import bold
from plans.units import LB_TO_KG

NOT_SET_UP = say("Let's set you up first: send /start.")


class Settings:
    def __init__(self, storage: Storage, clock: Clock) -> None:
        self.storage = storage
        self.clock = clock

    async def menu(self, who: Who) -> list[Message]:
        """/settings: what can be changed, with the current choices."""
        async with self.storage.write() as unit:
            athlete, conversation = await unit.athletes.with_conversation(
                who.platform, who.user_id, for_update=True
            )
            if athlete is None or athlete.onboarded_at is None:
                return [NOT_SET_UP]
            if not await unit.first(who.platform, who.event, self.clock.now()):
                return []
            if conversation is not None:
                await unit.conversations.end(athlete.id)
            return [_menu(athlete)]

    async def field(self, who: Who, group: str) -> list[Message]:
        """Straight to changing one group (/time)."""
        return await self.pick(who, Action("set", (group,)))

    async def pick(self, who: Who, action: Action) -> list[Message]:
        """A settings button: `set:<group>`, `set:mobility`, `set:inc[:<step>|auto]`."""
        group = str(action.args[0])
        async with self.storage.write() as unit:
            athlete = await unit.athletes.by_user(who.platform, who.user_id, for_update=True)
            if athlete is None or athlete.onboarded_at is None:
                return [NOT_SET_UP]
            if not await unit.first(who.platform, who.event, self.clock.now()):
                return []
            if group == "mobility":
                return [self._mobility(athlete)]
            if group == "inc":
                step = str(action.args[1]) if len(action.args) > 1 else ""
                return [self._increments(athlete, step)]
            if group not in q.GROUPS or athlete.profile is None:
                return [EXPIRED]
            return [await self._open(unit, athlete, who, group)]

    async def _open(self, unit: Unit, athlete: Athlete, who: Who, group: str) -> Message:
        """A settings conversation at the group's first question."""
        now = self.clock.now()
        assert athlete.profile is not None
        stored = q.answers_from(
            athlete.profile,
            timezone=athlete.timezone,
            minute=athlete.delivery_minute,
            units=athlete.units,
        )
        kept = dict(athlete.answers or {})
        if not isinstance(kept.get("running_days"), list):
            kept.pop("running_days", None)  # a count, saved before we asked which days
        answers = q.begin_group({**stored, **kept}, group)
        step = q.GROUPS[group][0]
        await unit.conversations.save(
            athlete.id, flow="settings", step=step, answers=answers, history=[], now=now
        )
        return q.ask(step, q.Ctx(answers=answers, who=who, today=now.date(), now=now))

    def _mobility(self, athlete: Athlete) -> Message:
        profile = athlete.profile or {}
        enabled = not profile.get("mobility_enabled", True)
        athlete.profile = {**profile, "mobility_enabled": enabled}
        athlete.updated_at = self.clock.now()
        if enabled:
            return say("🧘 Mobility days are on: a short routine on days without lifting.")
        return say("🧘 Mobility days are off: I'll only message you on strength days.")

    def _increments(self, athlete: Athlete, choice: str) -> Message:
        """How much the coach adds when a lift moves up (plates at home may be coarser)."""
        lb = athlete.units == "lb"
        options = (2.5, 5.0, 10.0) if lb else (1.0, 2.5, 5.0)
        unit = "lb" if lb else "kg"
        if not choice:
            buttons = [Button("Coach's choice", Action("set", ("inc", "auto")))] + [
                Button(f"{step:g} {unit}", Action("set", ("inc", f"{step:g}"))) for step in options
            ]
            return say(
                bold("Load steps"),
                " — how much should a lift go up when you earn it? Coach's choice is 2.5 kg "
                "(5 lb) for legs and 1.25 kg (2.5 lb) for upper body, dumbbells to the next size.",
                buttons=grid(buttons, 4),
            )
        preferences = dict(athlete.preferences or {})
        if choice == "auto":
            preferences.pop("increments", None)
            said = "📏 Load steps: coach's choice."
        else:
            step = next((s for s in options if f"{s:g}" == choice), None)
            if step is None:
                return EXPIRED
            preferences["increments"] = round(step * LB_TO_KG, 3) if lb else step
            said = f"📏 Load steps: {step:g} {unit} from your next progression."
        athlete.preferences = preferences
        athlete.updated_at = self.clock.now()
        return say(said)


def _menu(athlete: Athlete) -> Message:
    buttons = [Button(label, Action("set", (group,))) for group, label in q.GROUP_LABELS.items()]
    mobility = (athlete.profile or {}).get("mobility_enabled", True)
    buttons += [
        Button("🧘 Mobility days: " + ("on" if mobility else "off"), Action("set", ("mobility",))),
        Button("📏 Load steps", Action("set", ("inc",))),
    ]
    answers = athlete.answers or {}
    zone = label_for(athlete.timezone)
    return say(
        bold("Settings"),
        " — what would you like to change?\n"
        f"Now: {answers.get('sessions', '?')}×/week, daily message at "
        f"{format_minute(athlete.delivery_minute)} ({zone}), {athlete.units}.",
        buttons=grid(buttons, 3),
    )
