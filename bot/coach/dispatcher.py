"""The one router: every intent from every chat comes in here and goes to its use-case.

Where things live, one hop each: a command's name and description in
`bot.coach.commands`, the use-case it runs in `Dispatcher._commands` below; a button's action
in `bot.coach.actions` (its data format) and `Dispatcher._actions` (who answers it); the
words of a message in the use-case module that returns it.

Privacy is decided here, once: in a group or server channel a personal command gets one
line and a button to the private chat, free text is never read, and nothing personal is
ever answered there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.activities import is_activity_file
from bot.coach.account import Account
from bot.coach.actions import Action
from bot.coach.body import Body
from bot.coach.commands import BY_NAME, listed
from bot.coach.daily import Daily
from bot.coach.history import History
from bot.coach.intents import Command, Edited, Intent, Left, Pressed, Said, Sent, Uploaded, Who
from bot.coach.logbook import Logbook
from bot.coach.messages import EXPIRED, Button, Message, say
from bot.coach.onboarding import Onboarding
from bot.coach.settings import Settings
from bot.coach.transfer import Transfer
from plans.text import Text, bold, code, lines, text
from plans.words import glossary

CommandHandler = Callable[[Who, str], Awaitable[list[Message]]]
ActionHandler = Callable[[Who, Action], Awaitable[list[Message]]]
PRIVATE_CHAT = Button("💬 Open a private chat", private_chat=True)


def plain(handler: Callable[[Who], Awaitable[list[Message]]]) -> CommandHandler:
    """A command that takes no arguments."""

    async def run(who: Who, _args: str) -> list[Message]:
        return await handler(who)

    return run


def help_text() -> Text:
    """/help: every listed command from the registry, how logging works, and the words a
    coach uses, in plain words (`plans.words`)."""
    rows: list[Text | str] = [
        text(bold("RunStrong"), " plans strength training around your running."),
        "",
    ]
    rows += [f"{c.shown} — {c.menu}" for c in listed()]
    rows += [
        "",
        text(
            "Log a workout by just sending it, e.g. ",
            code("squat 3x5 60kg"),
            "; /log shows more examples.",
        ),
        "",
        text(bold("Words I use")),
    ]
    rows += [f"• {row}" for row in glossary()]
    return lines(*rows)


class Dispatcher:
    def __init__(
        self,
        *,
        onboarding: Onboarding,
        settings: Settings,
        daily: Daily,
        logbook: Logbook,
        history: History,
        transfer: Transfer,
        body: Body,
        account: Account,
    ) -> None:
        self.onboarding = onboarding
        self.settings = settings
        self.daily = daily
        self.logbook = logbook
        self.history = history
        self.transfer = transfer
        self.body = body
        self.account = account

        async def show_help(who: Who) -> list[Message]:
            return [Message(help_text())]

        async def time(who: Who, _args: str) -> list[Message]:
            return await settings.field(who, "time")

        self._commands: dict[str, CommandHandler] = {
            "start": plain(onboarding.start),
            "help": plain(show_help),
            "today": plain(daily.today),
            "week": plain(daily.week),
            "log": logbook.log_command,
            "undo": plain(logbook.undo),
            "run": logbook.run,
            "history": history.history,
            "progress": history.progress,
            "summary": plain(history.summary),
            "export": plain(transfer.export),
            "time": time,
            "pause": daily.pause,
            "resume": plain(daily.resume),
            "settings": plain(settings.menu),
            "deleteme": plain(account.delete_request),
            "back": plain(onboarding.back),
            "cancel": plain(onboarding.cancel),
            "stats": plain(account.stats),
        }
        self._actions: dict[str, ActionHandler] = {
            "ob": onboarding.answer,
            "st": self._start_menu,
            "set": settings.pick,
            "dl": daily.button,
            "lg": logbook.button,
            "hi": account.delete_confirm,
            "rk": body.correct,
            "go": self._go,
        }
        missing = set(BY_NAME) ^ set(self._commands)
        assert not missing, f"a command without a use-case or the other way round: {missing}"

    async def handle(self, intent: Intent) -> list[Message]:
        """The messages to send for one event from a chat, after a notice if the athlete's
        daily messages stopped because their chat refused one."""
        replies = await self._route(intent)
        if isinstance(intent, Left | Edited):
            return replies
        if isinstance(intent, Command) and intent.name in ("start", "resume"):
            return replies  # these restart the messages themselves
        notice = await self.account.unreachable_notice(intent.who)
        return replies if notice is None else [notice, *replies]

    async def _route(self, intent: Intent) -> list[Message]:
        who = intent.who
        if isinstance(intent, Command):
            return await self.command(who, intent.name, intent.args)
        if isinstance(intent, Pressed):
            if intent.action is None:
                return [EXPIRED]
            if not who.private:
                return [private_only()]
            return await self._actions[intent.action.name](who, intent.action)
        if isinstance(intent, Left):
            await self.account.left(who)
            return []
        if not who.private:  # free text, edits and files in groups are never read
            return [private_only()] if isinstance(intent, Uploaded) else []
        if isinstance(intent, Said):
            return await self.onboarding.said(who, intent.text)
        if isinstance(intent, Edited):
            return await self.logbook.edited(who, intent.message_id, intent.text)
        if isinstance(intent, Uploaded):
            if is_activity_file(intent.filename):
                return await self.body.upload(intent)
            return await self.transfer.upload(intent)
        if isinstance(intent, Sent):
            return await self.onboarding.non_text(who, intent.kind)
        raise TypeError(f"unknown intent {intent!r}")  # pragma: no cover

    async def command(self, who: Who, name: str, args: str = "") -> list[Message]:
        spec = BY_NAME.get(name)
        if spec is None or (spec.admin and who.user_id not in self.account.admins):
            if not who.private:
                return []
            return [say("I don't know that command. /help lists the ones I do.")]
        if spec.personal and not who.private:
            return [private_only()]
        return await self._commands[name](who, args)

    async def _go(self, who: Who, action: Action) -> list[Message]:
        """A button that does what a command does (the start menu's "Today's workout")."""
        return await self.command(who, str(action.args[0]))

    async def _start_menu(self, who: Who, action: Action) -> list[Message]:
        if action.args[0] in ("today", "settings"):  # on start menus sent before `go:`
            return await self.command(who, str(action.args[0]))
        return await self.onboarding.start_menu(who, action)


def private_only() -> Message:
    return say(
        "I coach one runner at a time — let's talk in a private chat.", buttons=((PRIVATE_CHAT,),)
    )
