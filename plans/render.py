"""Day plans as short messages for a phone screen, in rich text (`plans.text`): each chat's
adapter renders the styles its own way.

Loads are stored in kg and shown here, at the edge, in the athlete's unit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from plans.exercises import LIBRARY
from plans.prescription import Prescription
from plans.profile import WEEKDAY_LABELS
from plans.programs import MONTH_LABELS, DayPlan, day_label
from plans.text import Text, bold, italic, lines, text
from plans.units import format_weight, number

MAX_MESSAGE_CHARS = 1500
_LOADABLE_PATTERNS = frozenset({"squat", "hinge", "single_leg", "push", "pull"})
_EMOJI = {"strength": "💪", "mobility": "🧘", "rest": "😴"}


def _rest(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} s"
    return f"{number(seconds / 60)} min"


def _dose(p: Prescription) -> str:
    side = "/side" if p.per_side else ""
    if p.foot_contacts is not None:
        return f"{p.sets}×{p.foot_contacts // max(1, p.sets)} contacts"
    if p.seconds is not None:
        amount = f"{number(p.seconds / 60)} min" if p.seconds >= 120 else f"{p.seconds} s"
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
        shown = format_weight(p.load_kg, units)
        return f"+{shown}" if ex.load_type == "bodyweight" else shown
    if ex.load_type in ("hold", "plyo"):
        return None
    if p.exercise in plan.bodyweight:
        return "bodyweight" if ex.pattern in _LOADABLE_PATTERNS else None
    return "light — RPE 6-7"


def exercise_line(p: Prescription, plan: DayPlan, units: str = "kg") -> str:
    """'Goblet squat 3×8-12 @ 16 kg, aim for 10 · rest 90 s · RPE 7' (plain words).

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
        text += f" · RPE {number(p.rpe)}"
    return text


def group_rest(members: Sequence[Prescription]) -> str:
    """'A1 → A2 → A3 back to back, rest 90 s after each round'."""
    chain = " → ".join(p.group for p in members)
    return f"{chain} back to back, rest {_rest(members[-1].rest_s)} after each round"


def _log_example(plan: DayPlan, units: str) -> str:
    for p in plan.exercises:
        if p.reps_low is not None:
            ex = LIBRARY[p.exercise]
            name = ex.aliases[0] if ex.aliases and len(ex.aliases[0]) <= 5 else ex.name.lower()
            example = f"{name} {p.sets}x{p.target}"
            if p.load_kg is not None:
                example += " " + format_weight(p.load_kg, units).replace(" ", "")
            return example
    return "done"


def _header(plan: DayPlan) -> str:
    phase = plan.phase
    bits = [phase.label, f"week {phase.week}"]
    if phase.weeks_to_race:
        bits.append(f"{phase.weeks_to_race} wk to race")
    return " · ".join(bits)


def render_day(plan: DayPlan, units: str = "kg", *, late_note: str | None = None) -> Text:
    """The day's message for a phone screen, always under 1,500 characters."""
    top = [text(bold(plan.title), f" · {day_label(plan.date)}")]
    if late_note:
        top.append(text(italic(late_note)))
    notes = [text(n) for n in plan.notes]
    if plan.kind == "rest":
        return _fit([*top, *notes], [], [], text())
    if plan.kind == "mobility":
        top.append(text(italic(f"~{plan.minutes} min, easy breathing")))
        drills = [text(f"• {exercise_line_short(p)}") for p in plan.exercises]
        closing = lines(*notes, "No need to log it: just enjoy the reset.")
        return _fit(top, drills, [], closing)
    top.append(text(italic(_header(plan))))
    top.append(text(plan.focus or plan.phase.focus))
    body: list[Text] = []
    cues: list[Text] = []
    rounds: dict[int, Text] = {}
    for i, p in enumerate(plan.exercises):
        mark = p.group or str(i + 1)
        body.append(text(bold(f"{mark}."), " ", exercise_line(p, plan, units)))
        cues.append(text("   ", italic(LIBRARY[p.exercise].cue)))
        following = plan.exercises[i + 1] if i + 1 < len(plan.exercises) else None
        if len(p.group) > 1 and (following is None or following.group[:1] != p.group[:1]):
            members = [q for q in plan.exercises if q.group[:1] == p.group[:1]]
            rounds[i] = text("   ↻ ", italic(group_rest(members)))
    warm = f" incl. {plan.warmup_min} min warm-up" if plan.warmup_min else ""
    tail = lines(
        f"⏱ ~{plan.minutes} min{warm}",
        *notes,
        f'Log: reply "{_log_example(plan, units)}" or tap ✅ Done',
    )
    return _fit(top, body, cues, tail, rounds)


def exercise_line_short(p: Prescription) -> str:
    return f"{LIBRARY[p.exercise].name} {_dose(p)}"


def _fit(
    top: list[Text],
    body: list[Text],
    cues: list[Text],
    tail: Text,
    rounds: Mapping[int, Text] | None = None,
) -> Text:
    """Join the parts; drop cues, then trim, until the message is short enough. `rounds`:
    the line after a superset's last exercise (by index), kept while the exercise is."""

    def join(with_cues: bool, rows_in: list[Text], end: Text) -> Text:
        rows = list(top)
        if rows_in:
            rows.append(text())
            for i, line in enumerate(rows_in):
                rows.append(line)
                if with_cues and i < len(cues):
                    rows.append(cues[i])
                if rounds and i in rounds:
                    rows.append(rounds[i])
        if end:
            rows += [text(), end]
        return Text.join("\n", rows)

    joined = join(True, body, tail)
    if len(joined) < MAX_MESSAGE_CHARS:
        return joined
    joined = join(False, body, tail)
    if len(joined) < MAX_MESSAGE_CHARS:
        return joined
    kept = list(body)
    while kept and len(join(False, kept, tail)) >= MAX_MESSAGE_CHARS:
        kept.pop()
    return join(False, kept, tail)


def _week_line(plan: DayPlan) -> Text:
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
    return text(bold(day), f" {emoji} {what}")


def render_week(plans: Sequence[DayPlan], units: str = "kg") -> Text:
    """/week at a glance: a header with the phase, then one line a day."""
    if not plans:
        return text(italic("Nothing planned."))
    first = plans[0]
    labels: list[str] = []
    for plan in plans:
        label = f"{plan.phase.label} wk {plan.phase.week}"
        if plan.started and label not in labels:  # days before the plan have no phase
            labels.append(label)
    start = f"{first.date.day} {MONTH_LABELS[first.date.month - 1]}"
    phases = " → ".join(labels[:2]) or "before your plan starts"
    header = text(bold(f"Week of {start}"), " · ", italic(phases))
    total = sum(p.minutes for p in plans if p.kind == "strength")
    footer = f"Strength this week: ~{total} min"
    return lines(header, *(_week_line(p) for p in plans), footer)
