"""Niggles: what an athlete says when something hurts ("knee 3/10", "achilles sore", "my knee
hurts after squats"), how a region's niggle goes on over the days, and how a session spares it.

- `parse_niggle` / `parse_niggles` read a chat message; set logs, runs and ordinary talk
  ("calf raise 3x15", "knee drive 3x10", "/run 10k hard") are not niggles.
- `active_niggles` turns the reports (`plans.readiness.NiggleReport`, oldest first) into the
  regions that are niggling on a day; `needs_professional` and `check_in_due` say when the
  coach sends the athlete to a physio or asks again; `trend` is a region's history.
- `adapt_for_niggles` swaps the lifts that load a niggling region for isometric holds
  (isometric holds are the usual low-stress way to keep loading a sore tendon) and drops the
  jumps for any lower-limb region, in the same slot of the session.

The coach never diagnoses: it names a region, adapts the session and, past the thresholds
below, sends the athlete to a professional. Pure and deterministic.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace

from plans.exercises import LIBRARY, Exercise, resolve
from plans.prescription import Prescription
from plans.readiness import NiggleReport
from plans.sessions import estimate_seconds

# --- regions --------------------------------------------------------------------------------

# Stable ids (stored in `niggles.region`, ≤ 16 characters) and their plain names.
REGIONS: Mapping[str, str] = {
    "knee": "knee",
    "it_band": "IT band",
    "achilles": "Achilles",
    "calf": "calf",
    "shin": "shin",
    "hamstring": "hamstring",
    "hip": "hip",
    "foot": "foot",
    "ankle": "ankle",
    "lower_back": "lower back",
    "glute": "glute",
    "quad": "quad",
    "groin": "groin",
}
LOWER_LIMB: frozenset[str] = frozenset(REGIONS) - {"lower_back"}

# What athletes call each region, longest first within a region (a regex alternation).
_REGION_WORDS: tuple[tuple[str, str], ...] = (
    ("it_band", r"it\s?band|itb|iliotibial(?:\s+band)?"),
    ("knee", r"runner'?s\s+knee|knee\s?caps?|knees?|patell(?:a|ar)(?:\s+tendon)?"),
    ("achilles", r"achill[ei]e?s(?:\s+tendon)?"),
    ("calf", r"calf|calves|soleus"),
    ("shin", r"shin\s+splints|shins?|tibia"),
    ("hamstring", r"hamstrings?|hammys?|hammies"),
    ("hip", r"hip\s+flexors?|hips?"),
    ("foot", r"plantar(?:\s+fasci(?:a|itis))?|arch(?:es)?|heels?|feet|foot"),
    ("ankle", r"ankles?"),
    # "back" alone is too common ("back squat", "got back home"): only "lower/low back",
    # "my/the back", or "back" straight before a word of pain.
    (
        "lower_back",
        r"(?:lower|low)\s+back|lumbar|(?<=my\s)back|(?<=the\s)back"
        r"|back(?=\s+(?:is\s+|feels?\s+|was\s+|still\s+|a\s+bit\s+)?"
        r"(?:sore|pain|hurt|tight|ach|twing|tweak|niggl|stiff|acting|playing))",
    ),
    ("glute", r"glutes?|butt|bum"),
    ("quad", r"quadriceps|quads?|thighs?"),
    ("groin", r"groin|adductors?"),
)
_MENTION = re.compile("|".join(rf"\b(?P<{region}>{words})\b" for region, words in _REGION_WORDS))
# Exercise names that hold a region's word ("calf raise", "knee drive", "back squat",
# "knees to chest"): masked before looking for regions.
_EXERCISE_NAMES = re.compile(
    r"\b(?:calf|calves|heels?|toes?|hamstrings?|hips?|knees?|glutes?|back|quads?|shins?|ankles?"
    r"|groin|adductors?|foot|feet|arch|tib)\s+"
    r"(?:raises?|curls?|drives?|thrusts?|squats?|stretch\w*|bridges?|rolls?|rolling|circles?"
    r"|swings?|hikes?|lifts?|extensions?|press\w*|drops?|taps?|walks?|to\s+(?:the\s+)?chest"
    r"|tucks?|hugs?|jumps?|hops?|kicks?|lunges?|dom\w*|mobility|work|exercises?|holds?|sits?"
    r"|slides?|flexor\s+stretch\w*|openers?|yoga)\b"
    r"|\bshort\s+foot\b|\bfoam\s+roll\w*\s+(?:calves|quads)\b"
)
_TRIGGER = re.compile(
    r"\b(?:sore(?:ness)?|hurts?|hurting|pain(?:ful|s)?|niggl\w*|tight(?:ness)?"
    r"|ach(?:e|es|ing|y)|tweak(?:ed)?|twinge\w*|injur(?:ed|y)|strain(?:ed)?|sprain(?:ed)?"
    r"|pulled|stiff|swollen|throbbing|(?:acting|playing|flar(?:ed|ing))\s+up"
    r"|splints|runner'?s\s+knee|fasciitis)\b"
)
# "no pain", "not sore", "doesn't hurt", "pain free": a region that is fine.
_NEGATED = re.compile(
    r"\b(?:no|not|without|no\s+longer|doesn'?t|does\s+not|don'?t|isn'?t|is\s+not)\s+"
    r"(?:any\s+|more\s+)?(?:sore\w*|hurt\w*|pain\w*|ach\w*|tight\w*|niggl\w*|stiff)"
    r"|\bpain[\s-]?free\b"
)
_RESOLVED = re.compile(
    r"\b(?:fine|better|ok|okay|good|great|healed|gone|resolved|recovered|sorted|normal"
    r"|all\s+good)\b"
)
_RATIO = re.compile(
    r"\b(\d{1,2})\s*(?:/|out\s+of|of)\s*10\b(?!\s*(?:reps?|sets?|x\b|kg|lbs?|km|mi\b))"
)
_PAIN_NUMBER = re.compile(
    r"\bpain\s*(?:is\s+|at\s+|level\s+|of\s+|:\s*|=\s*)?(\d{1,2})\b"
    r"(?![\d.,/x]|\s*(?:x\b|kg|lbs?|km|k\b|mi\b|min|m\b|s\b|secs?|reps?|sets?|days?|weeks?"
    r"|wks?|times|hours?|h\b|out\s+of|of\b))"
)
_EFFORT = re.compile(r"\b(?:rpe|effort|exertion)\s*(?:of|at|was|is|:|=|~)?\s*$")
_SENTENCE = re.compile(r"[;!?\n]|(?<!\d)\.|\.(?!\d)")
_CLAUSE = re.compile(r",|\b(?:but|though|although|whereas|while|however)\b")
MAX_SCORE = 10


# The reminder under every adapted session (the other notes say what changed and why).
EASE_OFF = "Anything that takes a niggle above 3/10, during or the day after: ease off."


@dataclass(frozen=True)
class Niggle:
    """A niggle read from one message: the region, the 0-10 score when given, and whether
    the athlete says it is fine again (`resolved`, score 0)."""

    region: str
    score: int | None
    resolved: bool

    def report(self, day: dt.date) -> NiggleReport:
        """The report to store: a resolution is kept as score 0."""
        return NiggleReport(day, self.region, 0 if self.resolved else self.score)


def region_name(region: str) -> str:
    """The plain name of a region id: "knee", "Achilles", "lower back"."""
    return REGIONS.get(region, region.replace("_", " "))


def _title(region: str) -> str:
    name = region_name(region)
    return name[:1].upper() + name[1:]


def _score(text: str) -> int | None:
    """The first 0-10 score in `text` ("3/10", "3 out of 10", "7 of 10", "pain 4")."""
    found = [m for pattern in (_RATIO, _PAIN_NUMBER) for m in pattern.finditer(text)]
    for match in sorted(found, key=lambda m: m.start()):
        if _EFFORT.search(text, 0, match.start()):
            continue  # "rpe 8/10": how hard it felt, not how much it hurt
        value = int(match.group(1))
        if 0 <= value <= MAX_SCORE:
            return value
    return None


@dataclass(frozen=True)
class _State:
    resolved: bool
    score: int | None


def _state(text: str, before: str = "") -> _State | None:
    """What a stretch of a message says about the region it names (`before`: the words in
    front of the region, read when the words after it say nothing)."""
    for words in (text, before):
        score = _score(words)
        if _NEGATED.search(words) or score == 0:
            return _State(True, 0)
        if score is not None or _TRIGGER.search(words):
            if score is None:
                score = _score(before)
            return _State(False, score if score else None)
        if _RESOLVED.search(words):
            return _State(True, None)  # 0 once no later score says otherwise
    return None


def _normal(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)  # "single-leg", "lower-back"
    return _EXERCISE_NAMES.sub(lambda m: "#" * len(m.group(0)), text)


def _region_of(mention: re.Match[str]) -> str:
    """The region a `_MENTION` match names (its one matched group)."""
    assert mention.lastgroup is not None
    return mention.lastgroup


def _spans(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """`text` cut at the matches of `pattern`: (start, end) of each piece."""
    cuts = [0]
    for match in pattern.finditer(text):
        cuts += [match.start(), match.end()]
    cuts.append(len(text))
    return [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts), 2)]


def parse_niggles(text: str) -> list[Niggle]:
    """Every region a message reports on, in the order named, one Niggle each ("knee and
    achilles sore" → knee and Achilles). A region named without a word of pain, a score or
    a word saying it is fine is not a report (set logs, runs, questions)."""
    said = _normal(text)
    bare = _bare_score(said)
    if bare is not None:
        return [bare]
    found: dict[str, Niggle] = {}
    for start, end in _spans(said, _SENTENCE):
        mentions: list[tuple[str, int, int, int, int]] = []  # region, start, end, clause
        for c_start, c_end in _spans(said[start:end], _CLAUSE):
            clause = (start + c_start, start + c_end)
            for match in _MENTION.finditer(said, *clause):
                mentions.append((_region_of(match), match.start(), match.end(), *clause))
        states: list[_State | None] = []
        for i, (_region, m_start, m_end, c_start, c_end) in enumerate(mentions):
            after = mentions[i + 1] if i + 1 < len(mentions) else None
            stop = after[1] if after is not None and after[3] == c_start else c_end
            first = i == 0 or mentions[i - 1][3] != c_start
            state = _state(said[m_end:stop], said[c_start:m_start] if first else "")
            if state is None or state.score is None:
                # "knee hurts, 6/10", "left knee, 6/10", "knee better but still 2/10": a
                # score later in the sentence, before the next region named, has the say.
                later = after[1] if after is not None else end
                score = _score(said[stop:later])
                state = _State(False, score) if score else state
            if state is None and _TRIGGER.search(said[m_start:m_end]):  # "shin splints"
                state = _State(False, _score(said[m_end:stop]))
            states.append(state)
        for i, (region, *_rest) in enumerate(mentions):
            # "knee and achilles sore": a bare region takes the words of the next one, then
            # ("sore knee and achilles") of the one before.
            state = states[i] or next((s for s in states[i + 1 :] if s), None)
            state = state or next((s for s in reversed(states[:i]) if s), None)
            if state is not None and region not in found:
                score = 0 if state.resolved else state.score
                found[region] = Niggle(region, score, state.resolved)
    return list(found.values())


# A whole message that is a region and a score: "knee 2", "left achilles: 4".
_BARE = re.compile(r"(?:(?:left|right|my|both)\s+)?(?P<where>[a-z' ]+?)\s*[:=-]?\s*(?P<n>\d{1,2})")


def bare_score(text: str, open_regions: Collection[str] = ()) -> Niggle | None:
    """A message that is only a region and a score: "knee 2" is the knee at 2/10, as the
    coach asks for it. When the region's word also names an exercise ("calf 8" may be eight
    calf raises), only if that region is among `open_regions` (a niggle the coach asked
    about)."""
    return _bare_score(_normal(text), open_regions)


def _bare_score(said: str, open_regions: Collection[str] = ()) -> Niggle | None:
    found = _BARE.fullmatch(said.strip())
    if found is None or int(found["n"]) > MAX_SCORE:
        return None
    mention = _MENTION.fullmatch(found["where"])
    if mention is None:
        return None
    region = _region_of(mention)
    if resolve(found["where"]) is not None and region not in open_regions:
        return None
    score = int(found["n"])
    return Niggle(region, score, score == 0)


def without_niggles(text: str) -> str:
    """The message without its lines and comma clauses that only report a niggle: what is
    left of "squat 3x5 60kg, knee 4/10" or "rdl 8,8,7 @40\nknee sore" is the log, to store
    as well. A clause that names a region only inside an exercise ("calf raise 3x15") stays."""
    kept_lines = []
    for line in text.splitlines():
        clauses = line.split(",")
        kept = [clause for clause in clauses if not parse_niggles(clause)]
        if len(kept) < len(clauses):
            kept = [clause for clause in kept if clause.strip()]
        joined = ",".join(kept).strip()
        if joined:
            kept_lines.append(joined)
    return "\n".join(kept_lines)


def names_a_region(text: str) -> bool:
    """Whether the words name a body region outside any exercise name ("left knee")."""
    return _MENTION.search(_normal(text)) is not None


def parse_niggle(text: str) -> Niggle | None:
    """The first niggle a message reports, or None (see `parse_niggles`)."""
    found = parse_niggles(text)
    return found[0] if found else None


# --- a region's niggle over time ------------------------------------------------------------

# Choice: a niggle is active while its latest report is not "fine" (score 0) and is at most
# ACTIVE_DAYS old. A week without a word of it reads as gone (the reports are kept for
# `trend`); a new report after that starts a new niggle.
ACTIVE_DAYS = 7
# Choice, in the spirit of "if it is sharp, or still there after a week or two, see a
# professional": 5/10 or more, or a niggle lasting over two weeks.
PROFESSIONAL_SCORE = 5
PROFESSIONAL_DAYS = 14
CHECK_IN_DAYS = (2, 3)  # the coach asks how it is when the latest report is this old


@dataclass(frozen=True)
class NiggleStatus:
    """An active niggle: its latest score (None if the latest report gave none), the first
    report of the current run of not-fine reports (`since`) and the latest (`last`)."""

    region: str
    score: int | None
    since: dt.date
    last: dt.date

    @property
    def name(self) -> str:
        return region_name(self.region)


def _by_region(reports: Sequence[NiggleReport], day: dt.date) -> dict[str, list[NiggleReport]]:
    """Reports up to `day`, by region (in the order first reported), oldest first; reports
    of one day keep their order (the later one is the latest)."""
    regions: dict[str, list[NiggleReport]] = {}
    for report in sorted((r for r in reports if r.day <= day), key=lambda r: r.day):
        regions.setdefault(report.region, []).append(report)
    return regions


def _resolved(report: NiggleReport) -> bool:
    return report.score == 0


def active_niggles(reports: Sequence[NiggleReport], day: dt.date) -> dict[str, NiggleStatus]:
    """The regions niggling on `day`, in the order first reported (see ACTIVE_DAYS)."""
    active: dict[str, NiggleStatus] = {}
    for region, history in _by_region(reports, day).items():
        latest = history[-1]
        if _resolved(latest) or (day - latest.day).days > ACTIVE_DAYS:
            continue
        since = latest.day
        for earlier in reversed(history[:-1]):
            if _resolved(earlier) or (since - earlier.day).days > ACTIVE_DAYS:
                break
            since = earlier.day
        active[region] = NiggleStatus(region, latest.score, since, latest.day)
    return active


def needs_professional(status: NiggleStatus, day: dt.date) -> bool:
    """5/10 or more, or niggling for over two weeks: the coach says to see a physio or a
    doctor."""
    high = status.score is not None and status.score >= PROFESSIONAL_SCORE
    return high or (day - status.since).days > PROFESSIONAL_DAYS


def check_in_due(reports: Sequence[NiggleReport], day: dt.date) -> list[str]:
    """Active regions whose latest report was 2-3 days ago: the coach asks how it is."""
    return [
        region
        for region, status in active_niggles(reports, day).items()
        if (day - status.last).days in CHECK_IN_DAYS
    ]


def check_in_questions(reports: Sequence[NiggleReport], day: dt.date) -> list[str]:
    """What the day's message asks about each niggle due a check-in."""
    return [
        f"How's the {region_name(region)} today? Reply e.g. “{region_name(region)} 2/10” or "
        f"“{region_name(region)} fine”."
        for region in check_in_due(reports, day)
    ]


def trend(reports: Sequence[NiggleReport], region: str) -> list[tuple[dt.date, int | None]]:
    """A region's reports for /history, oldest first: (day, score; 0 is "fine")."""
    return [(r.day, r.score) for r in sorted(reports, key=lambda r: r.day) if r.region == region]


# --- the session spares the region ----------------------------------------------------------


@dataclass(frozen=True)
class _Swap:
    """Lifts of these patterns (or ids) give way to the first of `into` the athlete's kit
    allows and the session doesn't hold; `external_only`: only lifts meant to be loaded."""

    into: tuple[str, ...]
    patterns: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()
    external_only: bool = False

    def spares(self, ex: Exercise) -> bool:
        if self.external_only and ex.load_type != "external":
            return False
        return ex.pattern in self.patterns or ex.id in self.ids


_KNEE = (
    _Swap(("spanish_squat", "wall_sit", "glute_bridge_hold"), frozenset({"squat", "single_leg"})),
)
_CALF_RAISES = frozenset(
    {"calf_raise", "single_leg_calf_raise", "bent_knee_calf_raise", "eccentric_calf_raise"}
)
_FOOT = (_Swap(("isometric_calf_hold",), frozenset({"calf_foot"})),)
SWAPS: Mapping[str, tuple[_Swap, ...]] = {
    "knee": _KNEE,
    "it_band": _KNEE,
    "quad": _KNEE,
    "achilles": (_Swap(("isometric_calf_hold",), ids=_CALF_RAISES),),
    "calf": (_Swap(("isometric_calf_hold",), ids=_CALF_RAISES),),
    "shin": _FOOT,
    "foot": _FOOT,
    "ankle": _FOOT,
    "hamstring": (_Swap(("hamstring_bridge_hold", "glute_bridge_hold"), frozenset({"hinge"})),),
    "lower_back": (
        _Swap(
            ("wall_sit", "glute_bridge_hold", "bird_dog"), frozenset({"squat"}), external_only=True
        ),
        _Swap(
            ("glute_bridge_hold", "bird_dog", "wall_sit"), frozenset({"hinge"}), external_only=True
        ),
    ),
    "glute": (_Swap(("glute_bridge_hold", "wall_sit"), frozenset({"hinge"})),),
    "hip": (_Swap(("glute_bridge_hold", "wall_sit"), frozenset({"single_leg"})),),
    "groin": (
        _Swap(("side_plank",), ids=frozenset({"copenhagen_plank"})),
        _Swap(("wall_sit", "glute_bridge_hold"), ids=frozenset({"lateral_lunge", "walking_lunge"})),
    ),
}
# What a niggle swaps in is never swapped out again (a second niggle).
_SAFE: frozenset[str] = frozenset(
    name for swaps in SWAPS.values() for s in swaps for name in s.into
)
# Seconds per hold (isometrics for a sore tendon: 30-45 s holds at a moderate effort).
HOLD_SECONDS: Mapping[str, int] = {
    "spanish_squat": 45,
    "wall_sit": 45,
    "isometric_calf_hold": 45,
    "hamstring_bridge_hold": 30,
    "glute_bridge_hold": 30,
    "side_plank": 30,
}
_REPS: Mapping[str, tuple[int, int]] = {"bird_dog": (8, 10)}
HOLD_CUE = "steady, pain 3/10 at most"
_PROPER = ("Romanian", "Bulgarian", "Spanish", "Copenhagen", "Pallof", "World's")
MIN_REST_S = 30


def _swapped_rx(ex: Exercise, old: Prescription) -> Prescription:
    """`ex` in the slot of `old`: its sets, group and rest; a hold, or easy reps."""
    rpe = min(old.rpe, 7.0)
    if ex.load_type == "hold":
        seconds = HOLD_SECONDS.get(ex.id, 30)
        return Prescription(
            ex.id, old.sets, None, None, seconds, None, rpe, old.rest_s,
            per_side=ex.unilateral, mode="hold", group=old.group, tempo=HOLD_CUE,
        )  # fmt: skip
    low, high = _REPS.get(ex.id, (8, 12))
    return Prescription(
        ex.id, old.sets, low, high, None, None, rpe, old.rest_s,
        per_side=ex.unilateral, target_reps=low, mode="hold", group=old.group,
    )  # fmt: skip


def _named(exercise_id: str) -> str:
    name = LIBRARY[exercise_id].name
    return name if name.startswith(_PROPER) else name[:1].lower() + name[1:]


def _listed(names: Sequence[str]) -> str:
    names = list(dict.fromkeys(names))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _regroup(rxs: Sequence[Prescription]) -> list[Prescription]:
    """Group letters in order again (A, B, …) and numbers within a group, once lines left."""
    letters: dict[str, str] = {}
    sizes: dict[str, int] = {}
    for rx in rxs:
        letters.setdefault(rx.group[:1], "ABCDEFGHIJ"[len(letters)])
        sizes[rx.group[:1]] = sizes.get(rx.group[:1], 0) + 1
    out: list[Prescription] = []
    seen: dict[str, int] = {}
    for rx in rxs:
        key = rx.group[:1]
        seen[key] = seen.get(key, 0) + 1
        group = letters[key] + (str(seen[key]) if sizes[key] > 1 else "")
        out.append(rx if rx.group == group else replace(rx, group=group))
    return out


def _keep_minutes(
    old: Sequence[Prescription], new: list[Prescription], swapped: set[int]
) -> list[Prescription]:
    """A swapped line takes its slot's time: where a group's holds take longer than the
    lifts did, its rest gets shorter (down to 30 s), then the holds lose sets (to one)."""
    for letter in dict.fromkeys(rx.group[:1] for rx in old):
        members = [i for i, rx in enumerate(new) if rx.group[:1] == letter]
        before = estimate_seconds([rx for rx in old if rx.group[:1] == letter])
        after = estimate_seconds([new[i] for i in members])
        if after <= before or not members:
            continue
        rounds = max(new[i].sets for i in members)
        rest = new[members[0]].rest_s
        cut = 5 * math.ceil((after - before) / rounds / 5)
        shorter = max(min(rest, MIN_REST_S), rest - cut)
        for i in members:
            new[i] = replace(new[i], rest_s=shorter)
        for i in (i for i in members if i in swapped):
            while new[i].sets > 1 and estimate_seconds([new[j] for j in members]) > before:
                new[i] = replace(new[i], sets=new[i].sets - 1)
    return new


def adapt_for_niggles(
    exercises: Sequence[Prescription],
    equipment: str,
    statuses: Mapping[str, NiggleStatus],
    day: dt.date,
) -> tuple[list[Prescription], list[str]]:
    """A session's lines adapted to the active niggles, and the notes that say so.

    For each niggle (in the order reported): the lifts that load the region give way to an
    isometric hold or low-stress variant the athlete's `equipment` allows, in the same slot
    (sets, group, rest; the group's time kept); a lift with no variant left is dropped; a
    lower-limb niggle drops the jumps. A note per niggle, a physio note when
    `needs_professional`, and a reminder to keep niggles at 3/10 or less."""
    rxs = list(exercises)
    swapped: set[int] = set()
    notes: list[str] = []
    for region, status in statuses.items():
        used = {rx.exercise for rx in rxs}
        out: list[str] = []
        into: list[str] = []
        dropped: list[int] = []
        jumps = False
        for i, rx in enumerate(rxs):
            ex = LIBRARY[rx.exercise]
            if ex.load_type == "plyo" and region in LOWER_LIMB:
                dropped.append(i)
                jumps = True
                continue
            rule = next((s for s in SWAPS.get(region, ()) if s.spares(ex)), None)
            if rule is None or ex.id in _SAFE:
                continue
            options = [LIBRARY[n] for n in rule.into]
            choice = next(
                (o for o in options if o.available_with(equipment) and o.id not in used), None
            )
            out.append(_named(ex.id))
            if choice is None:
                dropped.append(i)
                continue
            rxs[i] = _swapped_rx(choice, rx)
            used.add(choice.id)
            swapped.add(i)
            into.append(_named(choice.id))
        notes.append(_note(status, out, into, jumps))
        if needs_professional(status, day):
            notes.append(professional_note(status, day))
        keep = [i for i in range(len(rxs)) if i not in dropped]
        swapped = {keep.index(i) for i in swapped if i in keep}
        rxs = [rxs[i] for i in keep]
    if not statuses:
        return rxs, notes
    notes.append(EASE_OFF)
    rxs = _keep_minutes(exercises, rxs, swapped)
    return _regroup(rxs), notes


def _note(status: NiggleStatus, out: Sequence[str], into: Sequence[str], jumps: bool) -> str:
    score = "" if status.score is None else f" ({status.score}/10)"
    parts: list[str] = []
    if out and into:
        parts.append(f"{_listed(out)} swapped for {_listed(into)}")
    elif out:
        parts.append(f"no {_listed(out)} today")
    if jumps:
        parts.append("no jumps today")
    said = ", ".join(parts) if parts else "today's session goes easy on it"
    return f"{_title(status.region)} niggle{score}: {said}."


def professional_note(status: NiggleStatus, day: dt.date) -> str:
    """The plain line that sends the athlete to a physio or doctor (never a diagnosis)."""
    if status.score is not None and status.score >= PROFESSIONAL_SCORE:
        return f"{_title(status.region)} at {status.score}/10: please see a physio or doctor."
    weeks = (day - status.since).days // 7
    return f"{_title(status.region)} niggle for {weeks} weeks now: please see a physio or doctor."
