"""How counts and coaching jargon read, stated once: "1 session" / "3 sessions", and the terms
(e1RM, RPE, tonnage, the phase names) with the plain words that explain them. /help prints
the glossary; a reply explains a term the first time it uses it (`Terms`)."""

from __future__ import annotations

from dataclasses import dataclass, field


def plural(count: int, one: str, many: str | None = None) -> str:
    """The count and its noun: '1 session', '0 sessions', '1,000 workouts', '2 series'."""
    return f"{count:,} {word_for(count, one, many)}"


def word_for(count: int, one: str, many: str | None = None) -> str:
    """The word alone, agreeing with `count`: word_for(1, "was", "were") → 'was'."""
    if count == 1:
        return one
    return many if many is not None else one + "s"


@dataclass(frozen=True)
class Term:
    """A word coaches use and what it means. `first` is how a reply's first use reads, with
    `{value}` where a number goes (empty when the term stands alone)."""

    word: str
    means: str
    first: str
    later: str


TERMS: dict[str, Term] = {
    "e1rm": Term(
        "e1RM",
        "estimated max: the most you could lift once, worked out from your sets",
        "estimated max (e1RM) {value}",
        "e1RM {value}",
    ),
    "rpe": Term(
        "RPE",
        "how hard a set felt, out of 10: RPE 8 leaves about 2 reps in the tank",
        "RPE {value} (effort out of 10)",
        "RPE {value}",
    ),
    "tonnage": Term(
        "Tonnage",
        "everything you lifted, added up: load × reps over all your sets",
        "{value} lifted in total (tonnage: load × reps)",
        "tonnage {value}",
    ),
}

# The plan's phases in plain words (plans.periodization names them).
PHASES: dict[str, str] = {
    "base": "all-round strength, in 4-week blocks, until a race countdown starts",
    "anatomical_adaptation": "getting joints and tendons used to lifting: lighter loads, more reps",
    "strength": "heavier lifting with fewer reps, to build strength",
    "power": "lighter loads moved fast, plus jumps: strength turned into running speed",
    "maintenance": "one session a week in racing season, to keep what you built",
    "deload": "an easy week to recover: fewer sets, lighter loads",
    "taper": "half the lifting before the race, so your legs arrive fresh",
    "race_week": "light activation only",
}


def phase_means(name: str) -> str:
    """What a phase (by its plans.periodization name) is about, in plain words."""
    return PHASES.get(name, "")


@dataclass
class Terms:
    """One reply's jargon: the first use of a term explains it, later uses are short."""

    used: set[str] = field(default_factory=set)

    def say(self, key: str, value: str = "") -> str:
        """`key` with `value` (e.g. "76 kg"), explained if this reply hasn't yet."""
        term = TERMS[key]
        shape = term.later if key in self.used else term.first
        self.used.add(key)
        return " ".join(shape.format(value=value).split())


def glossary() -> list[str]:
    """/help's glossary: one line a term, then the phases."""
    rows = [f"{t.word} — {t.means}" for t in TERMS.values()]
    rows += [
        f"{name.replace('_', ' ').capitalize()} — {PHASES[name]}"
        for name in ("base", "anatomical_adaptation", "strength", "power", "maintenance",
                     "deload", "taper")
    ]  # fmt: skip
    return rows
