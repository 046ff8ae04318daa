"""Turn day plans into short Telegram HTML messages (only <b>, <i>, <code>; always escaped).

Loads are stored in kg and converted here, at the edge, to the athlete's unit.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

from plans.exercises import LIBRARY, Exercise, round_load
from plans.prescription import Prescription
from plans.profile import WEEKDAY_LABELS
from plans.programs import MONTH_LABELS, DayPlan, day_label
from plans.units import LB_TO_KG

MAX_MESSAGE_CHARS = 1500
_LOADABLE_PATTERNS = frozenset({"squat", "hinge", "single_leg", "push", "pull"})
_EMOJI = {"strength": "💪", "mobility": "🧘", "rest": "😴"}


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def format_load(kg: float, exercise: Exercise, units: str = "kg") -> str:
    """A load in the athlete's unit; lb loads snap to what `round_load` says can be loaded
    (5 lb lower body, 2.5 lb upper body, 5 lb dumbbells), so text and plan agree."""
    if units != "lb":
        return f"{_num(kg)} kg"
    loadable = round_load(kg, exercise, "lb") or kg
    pounds = round(loadable / LB_TO_KG * 2) / 2
    return f"{_num(pounds)} lb"


def _rest(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} s"
    return f"{_num(seconds / 60)} min"


def _dose(p: Prescription) -> str:
    side = "/side" if p.per_side else ""
    if p.foot_contacts is not None:
        return f"{p.sets}×{p.foot_contacts // max(1, p.sets)} contacts"
    if p.seconds is not None:
        amount = f"{_num(p.seconds / 60)} min" if p.seconds >= 120 else f"{p.seconds} s"
        amount += side
    else:
        amount = f"{p.reps_label}{side}"
    return amount if p.sets == 1 else f"{p.sets}×{amount}"


def _aim(p: Prescription) -> str | None:
    """This session's target inside a rep range: "aim for 7"."""
    if p.reps_low is None or p.reps_high is None or p.reps_high == p.reps_low:
        return None
    return f"aim for {p.target}"


def _load_text(p: Prescription, plan: DayPlan, units: str) -> str | None:
    ex = LIBRARY[p.exercise]
    if p.load_kg is not None:
        text = format_load(p.load_kg, ex, units)
        return f"+{text}" if ex.load_type == "bodyweight" else text
    if ex.load_type in ("hold", "plyo"):
        return None
    if p.exercise in plan.bodyweight:
        return "bodyweight" if ex.pattern in _LOADABLE_PATTERNS else None
    return "light — RPE 6-7"


def exercise_line(p: Prescription, plan: DayPlan, units: str = "kg") -> str:
    """'Goblet squat 3×8-12 @ 16 kg, aim for 10 · rest 90 s · RPE 7' (escaped, no markup).

    In a superset the rest is said once, after the group's last line (`group_rest`)."""
    ex = LIBRARY[p.exercise]
    text = f"{ex.name} {_dose(p)}"
    load = _load_text(p, plan, units)
    if load is not None and p.load_kg is not None:
        text += f" @ {load}"
    aim = _aim(p)
    if aim is not None:
        text += f", {aim}"
    if load is not None and p.load_kg is None:
        text += f" · {load}"
    if p.tempo:
        text += f" · {p.tempo}"
    if len(p.group) < 2:
        text += f" · rest {_rest(p.rest_s)}"
    if not (load or "").startswith("light"):
        text += f" · RPE {_num(p.rpe)}"
    return _esc(text)


def group_rest(members: Sequence[Prescription]) -> str:
    """'A1 → A2 → A3 back to back, rest 90 s after each round'."""
    chain = " → ".join(p.group for p in members)
    return _esc(f"{chain} back to back, rest {_rest(members[-1].rest_s)} after each round")


def _log_example(plan: DayPlan, units: str) -> str:
    for p in plan.exercises:
        if p.reps_low is not None:
            ex = LIBRARY[p.exercise]
            name = ex.aliases[0] if ex.aliases and len(ex.aliases[0]) <= 5 else ex.name.lower()
            example = f"{name} {p.sets}x{p.target}"
            if p.load_kg is not None:
                example += " " + format_load(p.load_kg, ex, units).replace(" ", "")
            return example
    return "done"


def _header(plan: DayPlan) -> str:
    phase = plan.phase
    bits = [phase.label, f"week {phase.week}"]
    if phase.weeks_to_race:
        bits.append(f"{phase.weeks_to_race} wk to race")
    return _esc(" · ".join(bits))


def render_day(plan: DayPlan, units: str = "kg", *, late_note: str | None = None) -> str:
    """The day's message for a phone screen, always under 1,500 characters."""
    day = day_label(plan.date)
    top = [f"<b>{_esc(plan.title)}</b> · {day}"]
    if late_note:
        top.append(f"<i>{_esc(late_note)}</i>")
    notes = [_esc(n) for n in plan.notes]
    if plan.kind == "rest":
        return _fit([*top, *notes], [], [], "")
    if plan.kind == "mobility":
        top.append(f"<i>~{plan.minutes} min, easy breathing</i>")
        drills = [f"• {exercise_line_short(p)}" for p in plan.exercises]
        closing = "\n".join([*notes, "No need to log it: just enjoy the reset."])
        return _fit(top, drills, [], closing)
    top.append(f"<i>{_header(plan)}</i>")
    top.append(_esc(plan.focus or plan.phase.focus))
    body: list[str] = []
    cues: list[str] = []
    rounds: dict[int, str] = {}
    for i, p in enumerate(plan.exercises):
        mark = p.group or str(i + 1)
        body.append(f"<b>{mark}.</b> {exercise_line(p, plan, units)}")
        cues.append(f"   <i>{_esc(LIBRARY[p.exercise].cue)}</i>")
        following = plan.exercises[i + 1] if i + 1 < len(plan.exercises) else None
        if len(p.group) > 1 and (following is None or following.group[:1] != p.group[:1]):
            members = [q for q in plan.exercises if q.group[:1] == p.group[:1]]
            rounds[i] = f"   ↻ <i>{group_rest(members)}</i>"
    warm = f" incl. {plan.warmup_min} min warm-up" if plan.warmup_min else ""
    example = _esc(_log_example(plan, units))
    tail = [f"⏱ ~{plan.minutes} min{warm}", *notes]
    tail.append(f'Log: reply "{example}" or tap ✅ Done')
    return _fit(top, body, cues, "\n".join(tail), rounds)


def exercise_line_short(p: Prescription) -> str:
    return _esc(f"{LIBRARY[p.exercise].name} {_dose(p)}")


def _fit(
    top: list[str],
    body: list[str],
    cues: list[str],
    tail: str,
    rounds: Mapping[int, str] | None = None,
) -> str:
    """Join the parts; drop cues, then trim, until the message is short enough. `rounds`:
    the line after a superset's last exercise (by index), kept while the exercise is."""

    def join(with_cues: bool, lines: list[str], end: str) -> str:
        rows = list(top)
        if lines:
            rows.append("")
            for i, line in enumerate(lines):
                rows.append(line)
                if with_cues and i < len(cues):
                    rows.append(cues[i])
                if rounds and i in rounds:
                    rows.append(rounds[i])
        if end:
            rows += ["", end]
        return "\n".join(rows)

    text = join(True, body, tail)
    if len(text) < MAX_MESSAGE_CHARS:
        return text
    text = join(False, body, tail)
    if len(text) < MAX_MESSAGE_CHARS:
        return text
    lines = list(body)
    while lines and len(join(False, lines, tail)) >= MAX_MESSAGE_CHARS:
        lines.pop()
    text = join(False, lines, tail)
    return text if len(text) < MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 1]


def _week_line(plan: DayPlan) -> str:
    day = f"{WEEKDAY_LABELS[plan.date.weekday()]} {plan.date.day}"
    emoji = _EMOJI[plan.kind]
    if plan.kind == "rest":
        what = plan.title
    elif plan.kind == "mobility":
        what = f"Mobility · {plan.minutes} min"
    else:
        what = f"{plan.title} · {plan.minutes} min"
        if plan.phase.deload:
            what += " (deload)"
    moved = next((n for n in plan.notes if n.startswith(("Moved", "Your session moved"))), None)
    if moved:
        what += f" ({moved.rstrip('.').lower()})"
    return f"<b>{day}</b> {emoji} {_esc(what)}"


def render_week(plans: Sequence[DayPlan], units: str = "kg") -> str:
    """/week at a glance: a header with the phase, then one line a day."""
    if not plans:
        return "<i>Nothing planned.</i>"
    first = plans[0]
    labels: list[str] = []
    for plan in plans:
        label = f"{plan.phase.label} wk {plan.phase.week}"
        if label not in labels:
            labels.append(label)
    start = f"{first.date.day} {MONTH_LABELS[first.date.month - 1]}"
    header = f"<b>Week of {start}</b> · <i>{_esc(' → '.join(labels[:2]))}</i>"
    total = sum(p.minutes for p in plans if p.kind == "strength")
    footer = f"Strength this week: ~{total} min"
    return "\n".join([header, *(_week_line(p) for p in plans), footer])


def plain_text(message: str) -> str:
    """Strip our HTML markup for terminals and logs."""
    return html.unescape(re.sub(r"</?(b|i|code)>", "", message))
