"""The setup questions: what each asks, which buttons it offers, how answers are read.

A pure state machine over a plain `answers` dict; `bot.coach.onboarding` stores the dict and
the current step after every answer, so a restart or another replica picks up at the same
question. /settings reuses it to change one group of answers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from bot.coach.actions import Action
from bot.coach.inputs import (
    InputError,
    format_minute,
    parse_int_choice,
    parse_race_date,
    parse_time_of_day,
    parse_weekday,
    parse_weekdays,
    weekday_list,
)
from bot.coach.intents import Who
from bot.coach.messages import Button, Keyboard, Message, grid, say
from bot.coach.zones import label_for, likely_zones, parse_zone, tzinfo_for
from plans import exercises
from plans.placement import placement_problems, propose_strength_days
from plans.profile import (
    SESSION_MINUTES,
    SESSIONS_PER_WEEK,
    WEEKDAY_LABELS,
    Profile,
    Race,
)
from plans.text import Text, bold, code, lines, text
from plans.units import format_weight, to_kg

# Field groups: each is edited as a unit from the summary or /settings.
GROUPS: dict[str, tuple[str, ...]] = {
    "running": ("running_years", "running_days", "long_run_day", "hard_days"),
    "race": ("race", "race_distance"),
    "experience": ("experience",),
    "equipment": ("equipment",),
    "sessions": ("sessions", "minutes"),
    "days": ("strength_days",),
    "time": ("delivery_time",),
    "timezone": ("timezone", "timezone_confirm"),
    "units": ("units",),
    "loads": ("known_loads",),
}
GROUP_LABELS: dict[str, str] = {
    "running": "🏃 Running",
    "race": "🏁 Race",
    "experience": "🏋️ Experience",
    "equipment": "🧰 Equipment",
    "sessions": "🔁 Sessions",
    "days": "📅 Days",
    "time": "⏰ Time",
    "timezone": "🌍 Timezone",
    "units": "⚖️ Units",
    "loads": "📈 Weights",
}
ORDER: tuple[str, ...] = (*[step for steps in GROUPS.values() for step in steps], "summary")
FIRST_STEP = ORDER[0]

RUNNING_YEARS = {"lt1": "under a year", "1to2": "1–2 years", "2plus": "2+ years"}
EXPERIENCE = {
    "none": "Never lifted",
    "some": "Some (under 2 years)",
    "experienced": "2+ years consistent",
}
EQUIPMENT = {
    "none": "None (bodyweight)",
    "home": "Home (dumbbells, kettlebells, bands)",
    "gym": "Full gym",
}
DISTANCE_LABELS = {
    "5k": "5k",
    "10k": "10k",
    "half": "Half marathon",
    "marathon": "Marathon",
    "ultra": "Ultra / trail",
}
TIME_PRESETS = (330, 360, 390, 420, 450, 720, 1080, 1200)
_KNOWN_LOAD = re.compile(
    r"^(?P<name>[a-z][a-z .'-]*?)\s+(?P<load>\d+(?:[.,]\d+)?)\s*(?P<unit>kgs?|lbs?)?\s*"
    r"(?:for|x|×|\*)\s*(?P<reps>\d+)(?:\s*reps?)?$",
    re.IGNORECASE,
)


@dataclass
class Ctx:
    """What a step may look at: the answers so far, who is asking, and the date."""

    answers: dict[str, Any]
    who: Who
    today: dt.date
    now: dt.datetime


@dataclass
class Outcome:
    """The result of an answer: updated answers and a step to go to, or a hint to retry."""

    updates: dict[str, Any] = field(default_factory=dict)
    advance: bool = True
    goto: str | None = None  # a specific next step instead of the usual one
    notes: list[Message] = field(default_factory=list)  # said before the next question
    stay_quiet: bool = False  # a toggle: re-draw the current question in place


def data(step: str, value: str) -> Action:
    return Action("ob", (step, value))


def _answers(step: str, pairs: list[tuple[str, str]], width: int) -> Keyboard:
    """(label, value) answers for `step`, `width` to a row."""
    return grid([Button(label, data(step, value)) for label, value in pairs], width)


def _profile(answers: dict[str, Any], *, for_proposal: bool = False) -> Profile:
    """The coaching profile the answers describe (defaults fill unanswered questions)."""
    race = None
    if answers.get("race_date") and answers.get("race_distance"):
        race = Race(dt.date.fromisoformat(answers["race_date"]), answers["race_distance"])
    long_run = answers.get("long_run_day")
    hard = frozenset(answers.get("hard_days") or ())
    strength = answers.get("strength_days")
    return Profile(
        running_days=frozenset(running_days(answers)),
        long_run_day=long_run,
        hard_days=hard,
        race=race,
        strength_experience=answers.get("experience", "none"),
        equipment=answers.get("equipment", "none"),
        sessions_per_week=answers.get("sessions", 2),
        session_minutes=answers.get("minutes", 20),
        strength_days=None if for_proposal or strength is None else tuple(sorted(strength)),
        units=answers.get("units", "kg"),
    )


def running_days(answers: dict[str, Any]) -> list[int]:
    """The weekdays they run: we ask only how many, so place the long run and hard days first
    and spread the rest evenly (used to prefer easy or rest days for lifting)."""
    count = int(answers.get("running_days", 0))
    chosen = set(answers.get("hard_days") or ())
    if answers.get("long_run_day") is not None:
        chosen.add(answers["long_run_day"])
    for step in (2, 3, 1):
        for day in range(7):
            if len(chosen) >= count:
                break
            if all(min(abs(day - c), 7 - abs(day - c)) >= step for c in chosen) or not chosen:
                chosen.add(day)
    return sorted(chosen)


def profile_from_answers(answers: dict[str, Any]) -> Profile:
    return _profile(answers)


def answers_from(
    profile: dict[str, Any], *, timezone: str, minute: int, units: str
) -> dict[str, Any]:
    """Answers that describe a stored profile (for editing one field of an athlete whose
    answers were not kept, e.g. one created by an import or an older version)."""
    p = Profile.from_dict({k: v for k, v in profile.items() if k != "known_loads"})
    answers: dict[str, Any] = {
        "running_years": "1to2",
        "running_days": len(p.running_days) or 3,
        "long_run_day": p.long_run_day,
        "hard_days": sorted(p.hard_days),
        "race_date": p.race.date.isoformat() if p.race else None,
        "race_distance": p.race.distance if p.race else None,
        "experience": p.strength_experience,
        "equipment": p.equipment,
        "sessions": p.sessions_per_week,
        "minutes": p.session_minutes,
        "strength_days": list(p.strength_days) if p.strength_days else None,
        "delivery_time": minute,
        "timezone": timezone,
        "tz_label": label_for(timezone),
        "units": units,
        "known_loads": profile.get("known_loads", []),
    }
    return answers


# --- questions ------------------------------------------------------------------------------


def _weekday_buttons(step: str, selected: set[int] | None = None, extra: Keyboard = ()) -> Keyboard:
    marks = selected if selected is not None else set()
    days = [
        ((f"✅ {WEEKDAY_LABELS[d]}" if d in marks else WEEKDAY_LABELS[d]), f"t{d}")
        for d in range(7)
    ]
    return (*_answers(step, days[:4], 4), *_answers(step, days[4:], 3), *extra)


def _choices(step: str, *pairs: tuple[str, str]) -> Keyboard:
    """One row of (label, value) answers."""
    return _answers(step, list(pairs), len(pairs))


def ask(step: str, ctx: Ctx) -> Message:
    """The question for `step`, with its buttons."""
    a = ctx.answers
    if step == "running_years":
        return say(
            bold("1/11 · Running"),
            "\nHow long have you been running?",
            buttons=_choices(step, *((label, key) for key, label in RUNNING_YEARS.items())),
        )
    if step == "running_days":
        return say(
            "How many days a week do you run?",
            buttons=_answers(step, [(str(n), str(n)) for n in range(1, 8)], 7),
        )
    if step == "long_run_day":
        days = [(WEEKDAY_LABELS[d], str(d)) for d in range(7)]
        return say(
            "Which day is your long run?",
            buttons=(*_answers(step, days, 4), (Button("No long run", data(step, "none")),)),
        )
    if step == "hard_days":
        chosen = set(a.get("hard_days_draft", a.get("hard_days") or []))
        return say(
            "Which days have hard sessions (intervals, tempo)? Tap to toggle, then Done.",
            buttons=_weekday_buttons(
                step, chosen, _choices(step, ("No hard days", "none"), ("Done ✔", "done"))
            ),
        )
    if step == "race":
        return say(
            bold("2/11 · Goal"),
            "\nAre you training for a race? Send its date, e.g. ",
            code("2027-04-18"),
            " or ",
            code("18 Apr 2027"),
            ".",
            buttons=_choices(step, ("No race, general fitness", "none")),
        )
    if step == "race_distance":
        return say(
            "What distance is the race?",
            buttons=_answers(step, [(label, key) for key, label in DISTANCE_LABELS.items()], 3),
        )
    if step == "experience":
        return say(
            bold("3/11 · Strength experience"),
            "\nHow much lifting have you done?",
            buttons=_answers(step, [(label, key) for key, label in EXPERIENCE.items()], 1),
        )
    if step == "equipment":
        return say(
            bold("4/11 · Equipment"),
            "\nWhat can you train with?",
            buttons=_answers(step, [(label, key) for key, label in EQUIPMENT.items()], 1),
        )
    if step == "sessions":
        return say(
            bold("5/11 · Sessions"),
            "\nHow many strength sessions a week? Two is the sweet spot for most runners.",
            buttons=_choices(step, ("1", "1"), ("2 (recommended)", "2"), ("3", "3")),
        )
    if step == "minutes":
        return say(
            "How many minutes per session?",
            buttons=_choices(step, *((f"{m} min", str(m)) for m in SESSION_MINUTES)),
        )
    if step == "strength_days":
        chosen = set(a.get("strength_days_draft") or [])
        proposal = propose_strength_days(_profile(a, for_proposal=True))
        return say(
            bold("6/11 · Strength days"),
            "\nI suggest ",
            bold(weekday_list(proposal)),
            ": away from your long run, the day before it and your hard days. Tap to change, "
            "then Done.",
            buttons=_weekday_buttons(step, chosen, _choices(step, ("Done ✔", "done"))),
        )
    if step == "delivery_time":
        return say(
            bold("7/11 · Daily message"),
            "\nWhen should your daily workout arrive? Tap a time or type one, e.g. ",
            code("06:45"),
            " or ",
            code("7:30 pm"),
            ".",
            buttons=_answers(step, [(format_minute(m), str(m)) for m in TIME_PRESETS], 4),
        )
    if step == "timezone":
        zones = likely_zones(ctx.who.language_code)
        return say(
            bold("8/11 · Timezone"),
            "\nWhere are you? Tap one, or type a city (",
            code("Berlin"),
            ", ",
            code("New York"),
            "), a zone (",
            code("Europe/Berlin"),
            ") or an offset (",
            code("+05:30"),
            ").",
            buttons=_answers(step, [(label_for(z), z) for z in zones], 2),
        )
    if step == "timezone_confirm":
        zone = a["timezone"]
        local = ctx.now.astimezone(tzinfo_for(zone))
        warning = (
            "\n⚠️ A fixed offset doesn't follow daylight saving; a city keeps you on time all year."
            if a.get("tz_fixed")
            else ""
        )
        return say(
            "It's ",
            bold(f"{local:%H:%M}"),
            f" in {a.get('tz_label', zone)} — right?{warning}",
            buttons=_choices(step, ("Yes", "yes"), ("No, pick again", "no")),
        )
    if step == "units":
        return say(
            bold("9/11 · Units"),
            "\nKilograms or pounds?",
            buttons=_choices(step, ("kg", "kg"), ("lb", "lb")),
        )
    if step == "known_loads":
        return say(
            bold("10/11 · Known weights (optional)"),
            "\nKnow some working weights? Send one per line, e.g. ",
            code("goblet squat 16 kg for 10"),
            ". Or skip: I'll start light and calibrate from your first logs.",
            buttons=_choices(step, ("Skip", "skip")),
        )
    if step == "summary":
        return summary(ctx)
    raise KeyError(step)


def summary(ctx: Ctx) -> Message:
    a = ctx.answers
    race = (
        f"{DISTANCE_LABELS[a['race_distance']]} on {dt.date.fromisoformat(a['race_date']):%d %b %Y}"
        if a.get("race_date")
        else "no race, general fitness"
    )
    long_run = "none" if a.get("long_run_day") is None else WEEKDAY_LABELS[a["long_run_day"]]
    loads = ", ".join(
        f"{exercises.get(ex).name} {format_weight(kg, a.get('units', 'kg'))}×{reps}"
        for ex, kg, reps in a.get("known_loads", [])
    )
    rows: list[Text | str] = [
        text(bold("11/11 · Your setup")),
        f"🏃 Running {RUNNING_YEARS[a['running_years']]}, {a['running_days']} days/week; "
        f"long run {long_run}; hard days {weekday_list(a.get('hard_days') or [])}",
        f"🏁 {race}",
        f"🏋️ {EXPERIENCE[a['experience']]}",
        f"🧰 {EQUIPMENT[a['equipment']]}",
        f"🔁 {a['sessions']}×/week, {a['minutes']} min",
        f"📅 {weekday_list(a.get('strength_days') or [])}",
        f"⏰ {format_minute(a['delivery_time'])}",
        f"🌍 {a.get('tz_label', a['timezone'])}",
        f"⚖️ {a['units']}",
        f"📈 {loads if loads else 'none yet: start light'}",
        "",
        "Tap a field to change it, or Confirm.",
    ]
    edits = [(label, f"edit:{group}") for group, label in GROUP_LABELS.items()]
    return Message(
        lines(*rows),
        (*_answers("summary", edits, 3), (Button("✅ Confirm", data("summary", "confirm")),)),
    )


# --- answers --------------------------------------------------------------------------------


def _pick(options: dict[str, str], text: str, example: str) -> str:
    raw = text.strip().lower()
    for key, label in options.items():
        if raw in (key.lower(), label.lower()) or (label.lower().startswith(raw) and len(raw) >= 3):
            return key
    raise InputError(f"Please tap one of the buttons, or type e.g. “{example}”.")


def _running_years(text: str) -> str:
    raw = text.strip().lower()
    if raw in RUNNING_YEARS:
        return raw
    if re.search(r"\b(less|under|<|new|month|0)\b", raw) or raw.startswith("<"):
        return "lt1"
    match = re.search(r"(\d+(?:[.,]\d+)?)", raw)
    if match:
        years = float(match[1].replace(",", "."))
        return "lt1" if years < 1 else "1to2" if years < 2 else "2plus"
    raise InputError("Tap a button, or type the years you've been running, e.g. “3”.")


def answer_text(step: str, text: str, ctx: Ctx) -> Outcome:
    """Read a typed answer for `step`."""
    a = ctx.answers
    if step == "running_years":
        return Outcome({"running_years": _running_years(text)})
    if step == "running_days":
        return Outcome(
            {"running_days": parse_int_choice(text, tuple(range(1, 8)), "days per week")}
        )
    if step == "long_run_day":
        if text.strip().lower() in ("none", "no", "no long run"):
            return Outcome({"long_run_day": None})
        return Outcome({"long_run_day": parse_weekday(text)})
    if step == "hard_days":
        return _hard_days_done(parse_weekdays(text), a)
    if step == "race":
        if text.strip().lower() in ("none", "no", "no race"):
            return Outcome({"race_date": None, "race_distance": None}, goto=_after_race(a))
        day = parse_race_date(text, ctx.today)
        return Outcome({"race_date": day.isoformat()})
    if step == "race_distance":
        return Outcome({"race_distance": _distance(text)})
    if step == "experience":
        return Outcome({"experience": _pick(EXPERIENCE, text, "never")})
    if step == "equipment":
        return Outcome({"equipment": _pick(EQUIPMENT, text, "home")})
    if step == "sessions":
        return Outcome({"sessions": parse_int_choice(text, SESSIONS_PER_WEEK, "sessions")})
    if step == "minutes":
        return Outcome({"minutes": parse_int_choice(text, SESSION_MINUTES, "minutes")})
    if step == "strength_days":
        return _strength_days_done(parse_weekdays(text), ctx)
    if step == "delivery_time":
        return Outcome({"delivery_time": parse_time_of_day(text)})
    if step == "timezone":
        return _zone(text)
    if step == "timezone_confirm":
        return answer_button(
            step, "yes" if text.strip().lower() in ("yes", "y", "right") else "no", ctx
        )
    if step == "units":
        unit = text.strip().lower().rstrip("s")
        if unit in ("kg", "kilo", "kilogram"):
            return Outcome({"units": "kg"})
        if unit in ("lb", "pound"):
            return Outcome({"units": "lb"})
        raise InputError("Please answer kg or lb.")
    if step == "known_loads":
        if text.strip().lower() in ("skip", "no", "none"):
            return Outcome({"known_loads": []})
        return _known_loads(text, a.get("units", "kg"))
    if step == "summary":
        raise InputError("Tap a field to change it, or ✅ Confirm to finish.")
    raise KeyError(step)


def answer_button(step: str, value: str, ctx: Ctx) -> Outcome:
    """Read a button press for `step`."""
    a = ctx.answers
    if step in ("hard_days", "strength_days") and value.startswith("t") and value[1:].isdigit():
        key = f"{step}_draft"
        draft = set(a.get(key, a.get(step) or []))
        draft ^= {int(value[1:])}
        return Outcome({key: sorted(draft)}, advance=False, stay_quiet=True)
    if step == "hard_days":
        if value == "none":
            return _hard_days_done([], a)
        if value == "done":
            return _hard_days_done(a.get("hard_days_draft", a.get("hard_days") or []), a)
    if step == "strength_days":
        if value == "done":
            return _strength_days_done(a.get("strength_days_draft") or [], ctx)
        if value == "keep":
            return Outcome({"strength_days": a.get("strength_days_draft")})
        if value == "suggest":
            proposal = list(propose_strength_days(_profile(a, for_proposal=True)))
            return Outcome({"strength_days": proposal, "strength_days_draft": proposal})
    if step == "timezone_confirm":
        if value == "yes":
            return Outcome()
        return Outcome(goto="timezone")
    if step == "timezone":
        return _zone(value)
    if step == "race" and value == "none":
        return Outcome({"race_date": None, "race_distance": None}, goto=_after_race(a))
    if step == "known_loads" and value == "skip":
        return Outcome({"known_loads": []})
    if step in ("running_days", "sessions", "minutes", "delivery_time", "long_run_day"):
        if value == "none" and step == "long_run_day":
            return Outcome({"long_run_day": None})
        if value.isdigit():
            key = {"delivery_time": "delivery_time"}.get(step, step)
            return Outcome({key: int(value)})
    options: dict[str, dict[str, str]] = {
        "running_years": RUNNING_YEARS,
        "race_distance": DISTANCE_LABELS,
        "experience": EXPERIENCE,
        "equipment": EQUIPMENT,
        "units": {"kg": "kg", "lb": "lb"},
    }
    if step in options and value in options[step]:
        key = {"race_distance": "race_distance"}.get(step, step)
        return Outcome({key: value})
    raise InputError("That button belongs to another question — use the latest one.")


def _after_race(a: dict[str, Any]) -> str | None:
    """Where to go after "no race": skip the distance question."""
    return None if a.get("_group") == "race" else "experience"


def _distance(text: str) -> str:
    raw = text.strip().lower().replace(" ", "").replace("-", "")
    aliases = {
        "5k": "5k",
        "5km": "5k",
        "10k": "10k",
        "10km": "10k",
        "half": "half",
        "halfmarathon": "half",
        "21k": "half",
        "hm": "half",
        "marathon": "marathon",
        "42k": "marathon",
        "full": "marathon",
        "ultra": "ultra",
        "trail": "ultra",
        "ultra/trail": "ultra",
        "50k": "ultra",
        "100k": "ultra",
    }
    if raw in aliases:
        return aliases[raw]
    raise InputError(f"Pick a distance: {', '.join(DISTANCE_LABELS.values())} (e.g. “half”).")


def _hard_days_done(days: list[int], a: dict[str, Any]) -> Outcome:
    if a.get("long_run_day") in days:
        raise InputError("Your long-run day can't also be a hard day; pick other days, or none.")
    if len(days) > int(a.get("running_days", 7)):
        raise InputError(f"That's more hard days than the {a['running_days']} days you run.")
    return Outcome({"hard_days": sorted(days), "hard_days_draft": sorted(days)})


def _strength_days_done(days: list[int], ctx: Ctx) -> Outcome:
    a = ctx.answers
    sessions = int(a.get("sessions", 2))
    if len(days) != sessions:
        example = weekday_list(propose_strength_days(_profile(a, for_proposal=True)))
        plural = "s" if sessions > 1 else ""
        raise InputError(
            f"You asked for {sessions} session{plural} a week, so pick {sessions} "
            f"day{plural} (e.g. “{example}”)."
        )
    updates: dict[str, Any] = {"strength_days_draft": sorted(days)}
    problems = placement_problems(_profile(a, for_proposal=True), days)
    if problems:
        warning = "\n".join(f"• {p}" for p in problems)
        note = say(
            f"Heads up — those days clash with your running:\n{warning}\n"
            "Heavy legs there can cost you the key run. Keep them anyway?",
            buttons=_choices(
                "strength_days", ("Keep my days", "keep"), ("Use suggested", "suggest")
            ),
        )
        return Outcome(updates, advance=False, notes=[note])
    updates["strength_days"] = sorted(days)
    return Outcome(updates)


def _zone(text: str) -> Outcome:
    choice = parse_zone(text)
    if choice is None:
        raise InputError(
            f"I don't know the timezone “{text.strip()[:40]}”. Try a city like "
            "Berlin, a zone like Europe/Berlin, or an offset like +05:30."
        )
    return Outcome(
        {"timezone": choice.name, "tz_label": choice.label, "tz_fixed": choice.fixed_offset}
    )


def _known_loads(text: str, units: str) -> Outcome:
    found: list[list[Any]] = []
    for line in (ln.strip() for ln in text.splitlines() if ln.strip()):
        match = _KNOWN_LOAD.match(line)
        exercise = exercises.identify(match["name"]) if match else None
        if match is None or exercise is None:
            raise InputError(
                f"I couldn't read “{line[:60]}”. Send e.g. "
                "“goblet squat 16 kg for 10”, one per line, or tap Skip."
            )
        load = float(match["load"].replace(",", "."))
        unit = (match["unit"] or units).lower().rstrip("s")
        kg = to_kg(load, unit)
        reps = int(match["reps"])
        if not (0 < kg <= 500 and 0 < reps <= 100):
            raise InputError("That load or rep count looks off; e.g. “goblet squat 16 kg for 10”.")
        found.append([exercise.id, kg, reps])
    return Outcome({"known_loads": found})


# --- moving through the steps ---------------------------------------------------------------


def next_step(step: str, answers: dict[str, Any]) -> str:
    """The step after `step`: the next one in the group being edited, the summary after an
    edit, or the next one in the full order during first onboarding."""
    group = answers.get("_group")
    sequence = (*GROUPS[group], "summary") if group else ORDER
    index = sequence.index(step) + 1 if step in sequence else len(sequence) - 1
    following = sequence[min(index, len(sequence) - 1)]
    if following == "race_distance" and not answers.get("race_date"):
        return next_step("race_distance", answers)
    return following


def enter(step: str, answers: dict[str, Any]) -> dict[str, Any]:
    """Prepare answers when a question is (re)entered: drafts start from the current choice."""
    updates: dict[str, Any] = {}
    if step == "strength_days":
        current = answers.get("strength_days")
        fits = current is not None and len(current) == int(answers.get("sessions", 2))
        updates["strength_days_draft"] = (
            current if fits else list(propose_strength_days(_profile(answers, for_proposal=True)))
        )
    if step == "hard_days":
        updates["hard_days_draft"] = answers.get("hard_days") or []
    return updates


def hint_for(step: str) -> str:
    """What a message that isn't an answer gets: a nudge back to the question."""
    examples: dict[str, str] = {
        "running_years": "tap how long you've been running, or type e.g. “3 years”",
        "running_days": "tap or type how many days a week you run, e.g. “4”",
        "long_run_day": "tap your long-run day, or type e.g. “sunday”",
        "hard_days": "toggle your hard days and tap Done, or type e.g. “tue, thu”",
        "race": "send your race date, e.g. “2027-04-18”, or tap “No race”",
        "race_distance": "tap the race distance, or type e.g. “half”",
        "experience": "tap your lifting experience",
        "equipment": "tap what equipment you have",
        "sessions": "tap or type 1, 2 or 3",
        "minutes": "tap or type 10, 20, 30 or 45",
        "strength_days": "toggle your strength days and tap Done",
        "delivery_time": "send a time like 07:00 or 7am",
        "timezone": "type a city like Berlin, or an offset like +05:30",
        "timezone_confirm": "tap Yes or No",
        "units": "tap kg or lb",
        "known_loads": "send e.g. “goblet squat 16 kg for 10”, or tap Skip",
        "summary": "tap a field to change it, or ✅ Confirm",
    }
    return f"We're in the middle of setting up — {examples.get(step, 'answer the question above')}."
