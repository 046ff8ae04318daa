"""The setup questions: what each asks, which buttons it offers, how answers are read.

A pure state machine over a plain `answers` dict; `bot.coach.onboarding` stores the dict and
the current step after every answer (multi-select drafts included), so a restart or another
replica picks up at the same question. /settings reuses it to change one group of answers;
a change to the running week or the session count re-suggests the strength days.
"""

from __future__ import annotations

import dataclasses
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
from plans.text import Text, TextLike, bold, code, lines, text
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
# The counter during first onboarding moves with every question. A follow-up asked only for
# some answers (the race distance, after a race date) shares its question's number, so the
# total never changes and the summary is always N/N.
FOLLOW_UPS: dict[str, str] = {"race_distance": "race"}
NUMBERED: tuple[str, ...] = tuple(step for step in ORDER if step not in FOLLOW_UPS)
GROUP_OF: dict[str, str] = {step: group for group, steps in GROUPS.items() for step in steps}
SECTIONS: dict[str, str] = {
    "running": "Running",
    "race": "Goal",
    "experience": "Strength experience",
    "equipment": "Equipment",
    "sessions": "Sessions",
    "days": "Strength days",
    "time": "Daily message",
    "timezone": "Timezone",
    "units": "Units",
    "loads": "Known weights (optional)",
}
# Multi-selects: taps and typed days toggle a draft; only Done moves on.
MULTI: tuple[str, ...] = ("running_days", "hard_days", "strength_days")

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
    """The weekdays they run. Answers saved before the question asked which days hold only
    how many: for those, place the long run and hard days first and spread the rest evenly."""
    days = answers.get("running_days")
    if isinstance(days, list):
        return sorted({int(d) for d in days})
    count = int(days or 0)
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


def placement_inputs(answers: dict[str, Any]) -> dict[str, Any]:
    """What the suggested strength days depend on: kept with the chosen days (`_days_for`)
    to notice when a later answer changes them."""
    return {
        "running_days": running_days(answers),
        "long_run_day": answers.get("long_run_day"),
        "hard_days": sorted(answers.get("hard_days") or []),
        "sessions": int(answers.get("sessions", 2)),
    }


def resuggested_days(answers: dict[str, Any]) -> list[int] | None:
    """New strength days to suggest when the chosen ones no longer fit: the running week or
    the session count changed since they were picked, and the suggestion for the new week
    differs from them. None when the choice stands."""
    chosen = answers.get("strength_days")
    made_for = answers.get("_days_for")
    if chosen is None:
        return None
    recount = len(chosen) != int(answers.get("sessions", 2))
    if not recount and (made_for is None or made_for == placement_inputs(answers)):
        return None
    proposal = list(propose_strength_days(_profile(answers, for_proposal=True)))
    return None if sorted(chosen) == proposal else proposal


def answers_from(
    profile: dict[str, Any], *, timezone: str, minute: int, units: str
) -> dict[str, Any]:
    """Answers that describe a stored profile (for editing one field of an athlete whose
    answers were not kept, e.g. one created by an import or an older version)."""
    p = Profile.from_dict({k: v for k, v in profile.items() if k != "known_loads"})
    answers: dict[str, Any] = {
        "running_years": "1to2",
        "running_days": sorted(p.running_days),
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


def _weekday_buttons(
    step: str, selected: set[int], days: list[int] | range = range(7), extra: Keyboard = ()
) -> Keyboard:
    """Toggles for `days` (✅ on the selected ones), four to a row, then `extra`."""
    pairs = [
        ((f"✅ {WEEKDAY_LABELS[d]}" if d in selected else WEEKDAY_LABELS[d]), f"t{d}") for d in days
    ]
    return (*_answers(step, pairs, 4), *extra)


def _choices(step: str, *pairs: tuple[str, str]) -> Keyboard:
    """One row of (label, value) answers."""
    return _answers(step, list(pairs), len(pairs))


def _header(step: str, ctx: Ctx) -> list[TextLike]:
    """The counter and section ("3/16 · Running") during first onboarding; nothing when one
    group is being changed (from the summary or /settings), where a counter would mislead."""
    if ctx.answers.get("_group"):
        return []
    number = NUMBERED.index(FOLLOW_UPS.get(step, step)) + 1
    return [bold(f"{number}/{len(NUMBERED)} · {SECTIONS[GROUP_OF[step]]}"), "\n"]


def draft(step: str, answers: dict[str, Any]) -> list[int]:
    """A multi-select's current selection: the draft, else the stored answer."""
    if f"{step}_draft" in answers:
        return sorted(answers[f"{step}_draft"] or [])
    if step == "running_days":
        return running_days(answers)
    return sorted(answers.get(step) or [])


def _offered_days(answers: dict[str, Any]) -> list[int]:
    """The days the long-run and hard-day questions offer: the running days, or every day
    for answers saved before we asked which days (they hold only a count)."""
    if isinstance(answers.get("running_days"), list):
        return running_days(answers)
    return list(range(7))


def hard_day_options(answers: dict[str, Any]) -> list[int]:
    """Hard sessions go on running days other than the long run."""
    return [d for d in _offered_days(answers) if d != answers.get("long_run_day")]


def _selected(step: str, answers: dict[str, Any]) -> str:
    chosen = draft(step, answers)
    return f"\nSelected: {weekday_list(chosen)}." if chosen else ""


def ask(step: str, ctx: Ctx) -> Message:
    """The question for `step`, with its buttons."""
    if step == "summary":
        return summary(ctx)
    a = ctx.answers
    head = _header(step, ctx)
    if step == "running_years":
        return say(
            *head,
            "How long have you been running?",
            buttons=_choices(step, *((label, key) for key, label in RUNNING_YEARS.items())),
        )
    if step == "running_days":
        return say(
            *head,
            "Which days do you run? Tap each one (or type them, e.g. ",
            code("tue thu sat sun"),
            "), then Done.",
            _selected(step, a),
            buttons=_weekday_buttons(
                step, set(draft(step, a)), extra=_choices(step, ("Done ✔", "done"))
            ),
        )
    if step == "long_run_day":
        days = [(WEEKDAY_LABELS[d], str(d)) for d in _offered_days(a)]
        return say(
            *head,
            "Which day is your long run?",
            buttons=(*_answers(step, days, 4), (Button("No long run", data(step, "none")),)),
        )
    if step == "hard_days":
        return say(
            *head,
            "Which days have hard sessions (intervals, tempo)? Tap to toggle (or type them, e.g. ",
            code("tue"),
            "), then Done.",
            _selected(step, a),
            buttons=_weekday_buttons(
                step,
                set(draft(step, a)),
                hard_day_options(a),
                _choices(step, ("No hard days", "none"), ("Done ✔", "done")),
            ),
        )
    if step == "race":
        return say(
            *head,
            "Are you training for a race? Send its date, e.g. ",
            code("2027-04-18"),
            " or ",
            code("18 Apr 2027"),
            ".",
            buttons=_choices(step, ("No race, general fitness", "none")),
        )
    if step == "race_distance":
        return say(
            *head,
            "What distance is the race?",
            buttons=_answers(step, [(label, key) for key, label in DISTANCE_LABELS.items()], 3),
        )
    if step == "experience":
        return say(
            *head,
            "How much lifting have you done?",
            buttons=_answers(step, [(label, key) for key, label in EXPERIENCE.items()], 1),
        )
    if step == "equipment":
        return say(
            *head,
            "What can you train with?",
            buttons=_answers(step, [(label, key) for key, label in EQUIPMENT.items()], 1),
        )
    if step == "sessions":
        return say(
            *head,
            "How many strength sessions a week? Two is the sweet spot for most runners.",
            buttons=_choices(step, ("1", "1"), ("2 (recommended)", "2"), ("3", "3")),
        )
    if step == "minutes":
        return say(
            *head,
            "How many minutes per session?",
            buttons=_choices(step, *((f"{m} min", str(m)) for m in SESSION_MINUTES)),
        )
    if step == "strength_days":
        fresh = resuggested_days(a)
        proposal = fresh or list(propose_strength_days(_profile(a, for_proposal=True)))
        intro: list[TextLike] = ["I suggest ", bold(weekday_list(proposal))]
        if fresh:
            had = a.get("strength_days") or []
            sessions = int(a.get("sessions", 2))
            why = (
                f"For {sessions} session{'s' if sessions > 1 else ''} a week"
                if len(had) != sessions
                else "Your running week changed, so"
            )
            intro = [
                f"{why} I re-suggest ",
                bold(weekday_list(fresh)),
                f" (was {weekday_list(had)})",
            ]
        return say(
            *head,
            *intro,
            ": away from your long run, the day before it and your hard days. Tap (or type "
            "days) to change, then Done.",
            _selected(step, a),
            buttons=_weekday_buttons(
                step, set(draft(step, a)), extra=_choices(step, ("Done ✔", "done"))
            ),
        )
    if step == "delivery_time":
        return say(
            *head,
            "When should your daily workout arrive? Tap a time or type one, e.g. ",
            code("06:45"),
            " or ",
            code("7:30 pm"),
            ".",
            buttons=_answers(step, [(format_minute(m), str(m)) for m in TIME_PRESETS], 4),
        )
    if step == "timezone":
        zones = likely_zones(ctx.who.language_code)
        return say(
            *head,
            "Where are you? Tap one, or type a city (",
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
            *head,
            "It's ",
            bold(f"{local:%H:%M}"),
            f" in {a.get('tz_label', zone)} — right?{warning}",
            buttons=_choices(step, ("Yes", "yes"), ("No, pick again", "no")),
        )
    if step == "units":
        return say(
            *head,
            "Kilograms or pounds?",
            buttons=_choices(step, ("kg", "kg"), ("lb", "lb")),
        )
    if step == "known_loads":
        return say(
            *head,
            "Know some working weights? Send one per line, e.g. ",
            code("goblet squat 16 kg for 10"),
            ". Or skip: I'll start light and calibrate from your first logs.",
            buttons=_choices(step, ("Skip", "skip")),
        )
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
    runs = running_days(a)
    rows: list[Text | str] = [
        text(bold(f"{len(NUMBERED)}/{len(NUMBERED)} · Your setup")),  # only ever in onboarding
        f"🏃 Running {RUNNING_YEARS[a['running_years']]}; runs {weekday_list(runs)} "
        f"({len(runs)} days/week); long run {long_run}; "
        f"hard days {weekday_list(a.get('hard_days') or [])}",
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
    if step in MULTI:
        return _typed_days(step, text, ctx)
    if step == "long_run_day":
        if text.strip().lower() in ("none", "no", "no long run"):
            return Outcome({"long_run_day": None})
        return _long_run(parse_weekday(text), a)
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
    if step in MULTI and re.fullmatch(r"t[0-6]", value):
        selection = _toggle(step, draft(step, a), [int(value[1])], a)
        return Outcome({f"{step}_draft": selection}, advance=False, stay_quiet=True)
    if step in MULTI and value == "done":
        return _done(step, draft(step, a), ctx)
    if step == "hard_days" and value == "none":
        return _hard_days_done([], a)
    if step == "strength_days":
        if value == "keep":
            chosen = a.get("strength_days_draft") or []
            return Outcome({"strength_days": chosen, "_days_for": placement_inputs(a)})
        if value == "suggest":
            proposal = list(propose_strength_days(_profile(a, for_proposal=True)))
            return Outcome(
                {
                    "strength_days": proposal,
                    "strength_days_draft": proposal,
                    "_days_for": placement_inputs(a),
                }
            )
    if step == "long_run_day" and value.isdigit():
        return _long_run(int(value), a)
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
    if step == "long_run_day" and value == "none":
        return Outcome({"long_run_day": None})
    if step in ("sessions", "minutes", "delivery_time") and value.isdigit():
        return Outcome({step: int(value)})
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


_DONE = re.compile(r"^(?P<days>.*?)[\s,;.!]*\bdone\b[\s.!✔]*$", re.IGNORECASE | re.DOTALL)
_DAY_EXAMPLES = {
    "running_days": "tue thu sat sun",
    "hard_days": "tue, thu",
    "strength_days": "mon, thu",
}


def _typed_days(step: str, typed: str, ctx: Ctx) -> Outcome:
    """Typed days toggle into the selection, like taps; only "done" (alone, or after the
    days) moves on, so a typed day never throws away what was tapped."""
    a = ctx.answers
    raw = typed.strip()
    finish = _DONE.match(raw)
    if finish:
        raw = finish["days"].strip()
    if step == "hard_days" and raw.lower() in ("none", "no", "no hard days"):
        return _hard_days_done([], a)
    try:
        days = parse_weekdays(raw) if raw else []
    except InputError:
        raise InputError(
            f"I need weekdays like “{_DAY_EXAMPLES[step]}”: each one you send is ticked (or "
            "unticked), then tap Done or type “done”."
        ) from None
    selection = _toggle(step, draft(step, a), days, a)
    ticked = {f"{step}_draft": selection}
    updated = dataclasses.replace(ctx, answers={**a, **ticked})
    if finish:
        outcome = _done(step, selection, updated)
        outcome.updates = {**ticked, **outcome.updates}
        return outcome
    return Outcome(ticked, advance=False, notes=[ask(step, updated)])


def _toggle(step: str, selection: list[int], days: list[int], a: dict[str, Any]) -> list[int]:
    """`selection` with each of `days` flipped; days a question doesn't offer are refused."""
    if step == "hard_days":
        _check_hard_days(days, a)
    return sorted(set(selection) ^ set(days))


def _check_hard_days(days: list[int], a: dict[str, Any]) -> None:
    """Hard days are running days other than the long run."""
    offered = hard_day_options(a)
    for day in days:
        if day == a.get("long_run_day"):
            raise InputError(
                f"{WEEKDAY_LABELS[day]} is your long run, so it can't be a hard day too; "
                "pick other days, or none."
            )
        if day not in offered:
            raise InputError(
                f"You don't run on {WEEKDAY_LABELS[day]} (you run "
                f"{weekday_list(running_days(a))}); /back changes your running days."
            )


def _done(step: str, days: list[int], ctx: Ctx) -> Outcome:
    if step == "running_days":
        if not days:
            raise InputError("Tick at least one day you run, e.g. “tue thu sat sun”, then Done.")
        return Outcome({"running_days": days, "running_days_draft": days})
    if step == "hard_days":
        return _hard_days_done(days, ctx.answers)
    return _strength_days_done(days, ctx)


def _long_run(day: int, a: dict[str, Any]) -> Outcome:
    runs = _offered_days(a)
    if day not in runs:
        raise InputError(
            f"You don't run on {WEEKDAY_LABELS[day]}: your long run goes on one of "
            f"{weekday_list(runs)}, or tap No long run. /back changes your running days."
        )
    return Outcome({"long_run_day": day})


def _hard_days_done(days: list[int], a: dict[str, Any]) -> Outcome:
    chosen = sorted(days)
    _check_hard_days(chosen, a)
    return Outcome({"hard_days": chosen, "hard_days_draft": chosen})


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
    updates["_days_for"] = placement_inputs(a)
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
    if (
        group
        and following == "summary"
        and step != "strength_days"
        and resuggested_days(answers) is not None
    ):
        return "strength_days"  # a change to the week they were chosen for: suggest anew
    return following


def enter(step: str, answers: dict[str, Any]) -> dict[str, Any]:
    """Prepare answers when a question is (re)entered: drafts start from the current choice."""
    updates: dict[str, Any] = {}
    if step == "strength_days":
        current = answers.get("strength_days")
        fresh = resuggested_days(answers)
        updates["strength_days_draft"] = (
            fresh
            if fresh is not None
            else current
            if current is not None
            else list(propose_strength_days(_profile(answers, for_proposal=True)))
        )
    if step == "hard_days":
        offered = hard_day_options(answers)
        updates["hard_days_draft"] = [d for d in answers.get("hard_days") or [] if d in offered]
    if step == "running_days":
        updates["running_days_draft"] = running_days(answers)
    return updates


def begin_group(answers: dict[str, Any], group: str) -> dict[str, Any]:
    """Answers for changing one group (from the summary or /settings): the group, and the
    week the current strength days were chosen for (when not already known), so a change to
    it re-suggests them."""
    updated = {**answers, "_group": group}
    if isinstance(answers.get("running_days"), int):  # saved before we asked which days
        updated["running_days"] = running_days(answers)
    if updated.get("strength_days") is not None and "_days_for" not in updated:
        updated["_days_for"] = placement_inputs(updated)
    first = GROUPS[group][0]
    return {**updated, **enter(first, updated)}


def hint_for(step: str) -> str:
    """What a message that isn't an answer gets: a nudge back to the question."""
    examples: dict[str, str] = {
        "running_years": "tap how long you've been running, or type e.g. “3 years”",
        "running_days": "tick the days you run and tap Done, or type e.g. “tue thu sat sun”",
        "long_run_day": "tap your long-run day, or type e.g. “sunday”",
        "hard_days": "toggle your hard days and tap Done, or type e.g. “tue, thu”",
        "race": "send your race date, e.g. “2027-04-18”, or tap “No race”",
        "race_distance": "tap the race distance, or type e.g. “half”",
        "experience": "tap your lifting experience",
        "equipment": "tap what equipment you have",
        "sessions": "tap or type 1, 2 or 3",
        "minutes": "tap or type 10, 20, 30 or 45",
        "strength_days": "toggle your strength days and tap Done, or type e.g. “mon thu”",
        "delivery_time": "send a time like 07:00 or 7am",
        "timezone": "type a city like Berlin, or an offset like +05:30",
        "timezone_confirm": "tap Yes or No",
        "units": "tap kg or lb",
        "known_loads": "send e.g. “goblet squat 16 kg for 10”, or tap Skip",
        "summary": "tap a field to change it, or ✅ Confirm",
    }
    return f"We're in the middle of setting up — {examples.get(step, 'answer the question above')}."
