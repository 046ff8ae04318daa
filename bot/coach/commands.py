"""The one list of commands. It feeds /help, Telegram's command menu, Discord's slash commands,
the local chat's help and the README's table (a test compares them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from plans import exercises


@dataclass(frozen=True)
class Option:
    """The one argument a command takes, for slash-command menus."""

    name: str
    description: str
    kind: Literal["text", "integer"] = "text"
    required: bool = False
    autocomplete: Literal["exercise", "progress", ""] = ""


@dataclass(frozen=True)
class CommandSpec:
    """`menu`: a line for command menus (≤ 100 characters); `usage` how /help writes it;
    `personal`: it shows or changes the athlete's own data, so it answers in private chats
    only; `listed`: in the menus and /help (`admin` commands are for the operator)."""

    name: str
    menu: str
    usage: str = ""
    option: Option | None = None
    personal: bool = True
    listed: bool = True
    admin: bool = False
    during_setup: bool = False  # only useful while answering the setup questions

    @property
    def shown(self) -> str:
        return self.usage or f"/{self.name}"


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("start", "Set up, or see your options"),
    CommandSpec("today", "Today's workout: the session, the mobility routine or a rest note"),
    CommandSpec("week", "This week at a glance"),
    CommandSpec(
        "log",
        "How to log a workout, with examples (or log one: /log squat 3x5 60kg)",
        "/log [sets]",
        Option("entry", "What you did, e.g. squat 3x5 60kg", autocomplete="exercise"),
    ),
    CommandSpec("undo", "Remove the last log"),
    CommandSpec(
        "run",
        "Record a run: /run 10k hard (or send the watch file: .fit, .gpx, .tcx)",
        "/run 10k hard",
        Option("details", "Distance and kind, e.g. 10k hard", required=True),
    ),
    CommandSpec(
        "history",
        "Your last sessions, weekly running and niggles, or one exercise",
        "/history [exercise]",
        Option("exercise", "One exercise, e.g. squat", autocomplete="exercise"),
    ),
    CommandSpec(
        "progress",
        "A chart of one exercise, or running: weekly km beside your squat",
        "/progress exercise",
        Option(
            "exercise",
            "The exercise, e.g. squat, or running",
            required=True,
            autocomplete="progress",
        ),
    ),
    CommandSpec("summary", "This week's summary now (it also arrives on your summary day)"),
    CommandSpec("export", "Your history as a Hevy-style CSV and your profile as JSON"),
    CommandSpec("time", "Change when the daily message arrives"),
    CommandSpec(
        "pause",
        "Pause the daily message (/pause 7 for a week)",
        "/pause [days]",
        Option("days", "How many days (1-90); empty: until /resume", kind="integer"),
    ),
    CommandSpec("resume", "Restart the daily message"),
    CommandSpec("settings", "Change one answer (days, time, timezone, units, load steps…)"),
    CommandSpec("deleteme", "Delete all your data (asks first)"),
    CommandSpec("back", "During setup: the previous question", during_setup=True),
    CommandSpec("cancel", "During setup: pause it (your answers are kept)", during_setup=True),
    CommandSpec("help", "What the coach can do", personal=False),
    CommandSpec(
        "stats",
        "Operator: athletes, active this week, daily messages sent and failed today",
        personal=False,
        listed=False,
        admin=True,
    ),
)
BY_NAME: dict[str, CommandSpec] = {c.name: c for c in COMMANDS}


def listed() -> tuple[CommandSpec, ...]:
    return tuple(c for c in COMMANDS if c.listed)


def complete(kind: str, typed: str, limit: int = 25) -> list[str]:
    """Choices for an option as the person types (slash-command autocomplete): exercise
    names closest to what is typed, or the first ones in the library when nothing is; for
    /progress, "Running" first when it fits what is typed."""
    if kind == "progress":
        running = "running".startswith(typed.strip().lower())
        names = complete("exercise", typed, limit - 1 if running else limit)
        return ["Running", *names] if running else names
    if kind != "exercise":
        return []
    typed = typed.strip()
    if not typed:
        return sorted({ex.name for ex in exercises.LIBRARY.values()})[:limit]
    starting = sorted(
        {ex.name for ex in exercises.LIBRARY.values() if ex.name.lower().startswith(typed.lower())}
    )
    close = [ex.name for ex in exercises.suggest(typed, limit)]
    return list(dict.fromkeys([*starting, *close]))[:limit]
