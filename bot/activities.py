"""Read runs from the files a watch or Strava gives: FIT, GPX, TCX, their .gz forms and zips.

Decoding is left to maintained libraries: ``garmin-fit-sdk`` for FIT (Garmin's own decoder,
released with every profile update and shipped with type stubs, where ``fitdecode`` is a
one-person project without them), ``gpxpy`` for GPX, and ``python-tcxparser`` for TCX (it
reads file objects and lap ``TotalTimeSeconds``, which ``tcxreader`` ignores, and it drops
no laps or points without GPS, so treadmill runs survive).

This module only unpacks (gzip, zip) with hard caps, picks the parser and turns what the
parser gives into :class:`Activity`.  Everything happens in memory: no disk or network I/O,
no shared state, so :func:`read_activities` is safe to run in worker threads.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import itertools
import math
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

import gpxpy
import gpxpy.gpx
from garmin_fit_sdk import Decoder, Stream
from tcxparser import TCXParser

__all__ = [
    "ACTIVITY_SUFFIXES",
    "MAX_BYTES",
    "Activity",
    "ActivityFileError",
    "Read",
    "is_activity_file",
    "read_activities",
]

ACTIVITY_SUFFIXES: tuple[str, ...] = (
    ".fit",
    ".gpx",
    ".tcx",
    ".fit.gz",
    ".gpx.gz",
    ".tcx.gz",
    ".zip",
)
MAX_BYTES = 20 * 1024 * 1024
"""A file, a zip, or any one entry once unpacked, larger than this is refused."""
MAX_ZIP_ENTRIES = 2000
"""Most activity files one zip may hold."""
MAX_ZIP_TOTAL_BYTES = 200 * 1024 * 1024
"""Most bytes all the activity entries of one zip may unpack to, together."""

_CHUNK = 256 * 1024
_SINGLE_SUFFIXES = (".fit", ".gpx", ".tcx")
_RUN_WORDS = ("run", "running", "jog", "jogging", "treadmill")
# Sports that say nothing about what was done: treated as unknown.
_UNKNOWN_SPORTS = {"", "other", "generic", "all", "unknown", "none"}
_SPORT_ALIASES = {
    "run": "running",
    "biking": "cycling",
    "bike": "cycling",
    "ride": "cycling",
    "cycle": "cycling",
    "walk": "walking",
    "hike": "hiking",
    "swim": "swimming",
    # Strava's GPX exports write its numeric activity type.
    "1": "cycling",
    "9": "running",
    "10": "walking",
    "4": "hiking",
}
_SPORT_NOUNS = {
    "cycling": "a ride",
    "walking": "a walk",
    "hiking": "a hike",
    "swimming": "a swim",
}


@dataclass(frozen=True)
class Activity:
    """One recorded activity, as read from a file."""

    started_at: dt.datetime
    distance_km: float | None
    moving_s: int | None
    elevation_gain_m: float | None
    avg_hr: int | None
    sport: str | None
    name: str

    @property
    def pace_s_per_km(self) -> float | None:
        if not self.distance_km or self.moving_s is None or self.distance_km <= 0:
            return None
        return self.moving_s / self.distance_km

    @property
    def is_run(self) -> bool:
        return self.sport is None or _is_running(self.sport)


class ActivityFileError(Exception):
    """str(exc) is a friendly one-line reason naming the file, e.g. "walk.fit isn't a FIT file
    I can read (it may be damaged)." — never a traceback or library message."""


@dataclass(frozen=True)
class Read:
    runs: list[Activity]
    skipped: list[tuple[str, str]]


class _Unreadable(Exception):
    """Why one file can't be used: ``tail`` ends the sentence "<name> ...", ``reason`` is short."""

    def __init__(self, tail: str, reason: str) -> None:
        super().__init__(tail)
        self.tail = tail
        self.reason = reason


def _damaged(kind: str) -> _Unreadable:
    return _Unreadable(
        f"isn't a {kind} file I can read (it may be damaged)",
        f"damaged, or not a {kind} file I can read",
    )


def _too_big() -> _Unreadable:
    return _Unreadable("is bigger than the 20 MB limit", "bigger than the 20 MB limit")


def _unpacks_too_big() -> _Unreadable:
    return _Unreadable(
        "unpacks to more than the 20 MB limit", "unpacks to more than the 20 MB limit"
    )


def _empty() -> _Unreadable:
    return _Unreadable("is empty", "empty")


def _no_activity() -> _Unreadable:
    return _Unreadable("has no recorded activity in it", "no recorded activity in it")


def _no_time() -> _Unreadable:
    return _Unreadable("has no timestamps, so I can't tell when it happened", "no timestamps in it")


def is_activity_file(filename: str) -> bool:
    """Whether ``filename`` has one of :data:`ACTIVITY_SUFFIXES`, in any case."""
    return filename.lower().endswith(ACTIVITY_SUFFIXES)


def read_activities(filename: str, content: bytes) -> Read:
    """Read the runs in one uploaded file (a single activity, its .gz, or a zip of them).

    Raises :class:`ActivityFileError` when nothing can be used; a ride or other sport is no
    error but lands in ``skipped``.
    """
    lower = filename.lower()
    if not is_activity_file(lower):
        raise ActivityFileError(f"{filename} isn't a FIT, GPX or TCX file (or a zip of them).")
    if len(content) > MAX_BYTES:
        raise ActivityFileError(f"{filename} {_too_big().tail}.")
    if lower.endswith(".zip"):
        return _read_zip(filename, content)
    try:
        activities = _read_single(lower, content, filename, None)
    except _Unreadable as problem:
        raise ActivityFileError(f"{filename} {problem.tail}.") from None
    return _sort(activities)


# --------------------------------------------------------------------------- unpacking


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class _OverBudget(Exception):
    """A zip's entries unpack to more than MAX_ZIP_TOTAL_BYTES together."""


class _Budget:
    """Bytes one zip may still unpack, over all its entries and the .gz files inside them."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def spend(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise _OverBudget


def _read_capped(stream: _Readable, budget: _Budget | None) -> bytes:
    """Read ``stream`` to its end in chunks, refusing once it passes MAX_BYTES, so a bomb
    is never inflated whole."""
    out = bytearray()
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            return bytes(out)
        if budget is not None:
            budget.spend(len(chunk))
        out += chunk
        if len(out) > MAX_BYTES:
            raise _unpacks_too_big()


def _gunzip(content: bytes, budget: _Budget | None) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(content), mode="rb") as unpacked:
            return _read_capped(unpacked, budget)
    except _Unreadable:
        raise
    except (OSError, EOFError, zlib.error) as exc:
        raise _Unreadable(
            "isn't a gzip file I can unpack (it may be damaged)",
            "damaged, or not a gzip file I can unpack",
        ) from exc


def _read_single(
    lower_name: str, content: bytes, name: str, budget: _Budget | None
) -> list[Activity]:
    """All activities in one (possibly gzip-compressed) FIT, GPX or TCX file."""
    if lower_name.endswith(".gz"):
        lower_name = lower_name[: -len(".gz")]
        content = _gunzip(content, budget)
    elif content[:2] == b"\x1f\x8b":  # compressed, though not named so
        content = _gunzip(content, budget)
    if not content.strip():
        raise _empty()
    kind = _kind(lower_name, content)
    if kind == "fit":
        return _read_fit(content, name)
    if kind == "gpx":
        return [_read_gpx(content, name)]
    return [_read_tcx(content, name)]


def _kind(lower_name: str, content: bytes) -> str:
    """The format: what the name says, unless the content plainly says otherwise."""
    by_name = next(s[1:] for s in _SINGLE_SUFFIXES if lower_name.endswith(s))
    if len(content) >= 12 and content[8:12] == b".FIT":
        return "fit"
    head = content[:4096]
    if b"TrainingCenterDatabase" in head:
        return "tcx"
    if b"<gpx" in head:
        return "gpx"
    return by_name


def _read_zip(filename: str, content: bytes) -> Read:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ActivityFileError(
            f"{filename} isn't a zip file I can open (it may be damaged)."
        ) from exc
    with archive:
        entries = [info for info in archive.infolist() if _is_activity_entry(info)]
        if not entries:
            raise ActivityFileError(f"{filename} has no FIT, GPX or TCX activities in it.")
        if len(entries) > MAX_ZIP_ENTRIES:
            raise ActivityFileError(
                f"{filename} has more than {MAX_ZIP_ENTRIES:,} activity files; "
                "please send a smaller zip."
            )
        runs: list[Activity] = []
        skipped: list[tuple[str, str]] = []
        readable = 0
        budget = _Budget(MAX_ZIP_TOTAL_BYTES)
        first_problem: tuple[str, _Unreadable] | None = None
        for info in entries:
            try:
                data = _open_entry(archive, info, budget)
                activities = _read_single(info.filename.lower(), data, info.filename, budget)
            except _OverBudget:
                raise ActivityFileError(
                    f"{filename} unpacks to more than "
                    f"{MAX_ZIP_TOTAL_BYTES // (1024 * 1024)} MB; please send a smaller zip."
                ) from None
            except _Unreadable as problem:
                skipped.append((info.filename, problem.reason))
                first_problem = first_problem or (info.filename, problem)
                continue
            readable += 1
            found = _sort(activities)
            runs.extend(found.runs)
            skipped.extend(found.skipped)
    if not readable and first_problem is not None:
        entry, why = first_problem
        if len(entries) == 1:
            raise ActivityFileError(f"In {filename}, {entry} {why.tail}.")
        raise ActivityFileError(
            f"I couldn't read any of the {len(entries)} activity files in {filename} "
            f"(e.g. {entry}: {why.reason})."
        )
    runs.sort(key=lambda a: a.started_at)
    return Read(runs=runs, skipped=skipped)


def _is_activity_entry(info: zipfile.ZipInfo) -> bool:
    name = info.filename
    if info.is_dir() or name.startswith("__MACOSX/"):
        return False
    base = name.rsplit("/", 1)[-1]
    if base.startswith("._"):  # macOS resource forks
        return False
    lower = base.lower()
    return lower.endswith(ACTIVITY_SUFFIXES) and not lower.endswith(".zip")


def _open_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> bytes:
    # The sizes in the zip's directory may lie: read with a cap instead of trusting them.
    if info.compress_size > MAX_BYTES:
        raise _too_big()
    try:
        with archive.open(info) as entry:
            return _read_capped(entry, budget)
    except _Unreadable:
        raise
    except RuntimeError as exc:  # encrypted
        raise _Unreadable("is password-protected", "password-protected") from exc
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as exc:
        raise _Unreadable("is damaged inside the zip", "damaged inside the zip") from exc


def _sort(activities: Iterable[Activity]) -> Read:
    runs: list[Activity] = []
    skipped: list[tuple[str, str]] = []
    for activity in activities:
        if activity.is_run:
            runs.append(activity)
        else:
            skipped.append((activity.name, f"{_sport_noun(activity.sport)}, not a run"))
    runs.sort(key=lambda a: a.started_at)
    return Read(runs=runs, skipped=skipped)


# --------------------------------------------------------------------------- sports


def _normalise_sport(raw: object) -> str | None:
    if not isinstance(raw, str):
        return None
    sport = raw.strip().lower().replace("_", " ").replace("-", " ")
    sport = " ".join(sport.split())
    if sport in _UNKNOWN_SPORTS:
        return None
    return _SPORT_ALIASES.get(sport, sport)


def _is_running(sport: str) -> bool:
    return any(word in _RUN_WORDS for word in sport.split())


def _sport_noun(sport: str | None) -> str:
    if sport is None:
        return "an activity"
    return _SPORT_NOUNS.get(sport, f"a {sport} activity")


# --------------------------------------------------------------------------- numbers


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _positive(value: float | None) -> float | None:
    return value if value is not None and value > 0 else None


def _gain(altitudes: Sequence[float]) -> float | None:
    if len(altitudes) < 2:
        return None
    return sum(max(0.0, b - a) for a, b in itertools.pairwise(altitudes))


def _mean_hr(values: Sequence[float]) -> int | None:
    usable = [v for v in values if 20 <= v <= 250]
    return round(sum(usable) / len(usable)) if usable else None


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:  # files without an offset mean UTC
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _km(metres: float | None) -> float | None:
    metres = _positive(metres)
    return None if metres is None else metres / 1000


def _seconds(value: float | None) -> int | None:
    value = _positive(value)
    return None if value is None else round(value)


# --------------------------------------------------------------------------- FIT

_Mesg = Mapping[str, object]


def _read_fit(content: bytes, name: str) -> list[Activity]:
    checker = Decoder(Stream.from_byte_array(bytearray(content)))
    if not checker.is_fit() or not checker.check_integrity():
        raise _damaged("FIT")
    try:  # a fresh decoder: the check above leaves its stream at the end
        decoded, errors = Decoder(Stream.from_byte_array(bytearray(content))).read()
    except Exception as exc:  # the decoder's own failures, whatever they are
        raise _damaged("FIT") from exc
    if errors:
        raise _damaged("FIT")
    messages = cast("Mapping[str, list[_Mesg]]", decoded)
    file_ids = messages.get("file_id_mesgs", [])
    file_type = file_ids[0].get("type") if file_ids else None
    if isinstance(file_type, str) and file_type != "activity":
        raise _Unreadable(
            f"is a FIT {file_type} file, not a recorded activity", "not a recorded activity"
        )
    sessions = messages.get("session_mesgs", [])
    records = messages.get("record_mesgs", [])
    laps = messages.get("lap_mesgs", [])
    sports = messages.get("sport_mesgs", [])
    default_sport = _normalise_sport(sports[0].get("sport")) if sports else None
    if sessions:
        return [
            _fit_session(session, _records_of(session, records, len(sessions)), laps, name)
            for session in sessions
        ]
    if not records:
        raise _no_activity()
    return [_fit_from_records(records, laps, default_sport, name)]


def _records_of(session: _Mesg, records: list[_Mesg], n_sessions: int) -> list[_Mesg]:
    """The records that belong to ``session`` (all of them when it is the only one)."""
    if n_sessions == 1:
        return records
    start = session.get("start_time")
    end = session.get("timestamp")
    if not isinstance(start, dt.datetime) or not isinstance(end, dt.datetime):
        return []
    return [
        r for r in records if isinstance(t := r.get("timestamp"), dt.datetime) and start <= t <= end
    ]


def _fit_times(records: list[_Mesg]) -> list[dt.datetime]:
    return [t for r in records if isinstance(t := r.get("timestamp"), dt.datetime)]


def _fit_altitudes(records: list[_Mesg]) -> list[float]:
    out: list[float] = []
    for record in records:
        alt = _number(record.get("enhanced_altitude"))
        if alt is None:
            alt = _number(record.get("altitude"))
        if alt is not None:
            out.append(alt)
    return out


def _fit_hr(records: list[_Mesg]) -> int | None:
    return _mean_hr([v for r in records if (v := _number(r.get("heart_rate"))) is not None])


def _fit_record_distance(records: list[_Mesg]) -> float | None:
    distances = [v for r in records if (v := _number(r.get("distance"))) is not None]
    return max(distances) - min(distances) if distances else None


def _fit_session(session: _Mesg, records: list[_Mesg], laps: list[_Mesg], name: str) -> Activity:
    times = _fit_times(records)
    start = session.get("start_time")
    if not isinstance(start, dt.datetime):
        start = times[0] if times else None
    if start is None:
        raise _no_time()
    distance = _positive(_number(session.get("total_distance")))
    if distance is None:
        lap_sum = sum(v for lap in laps if (v := _number(lap.get("total_distance"))) is not None)
        distance = _positive(lap_sum) or _fit_record_distance(records)
    moving = _number(session.get("total_timer_time"))
    if moving is None:
        moving = _number(session.get("total_elapsed_time"))
    if moving is None and len(times) >= 2:
        moving = (times[-1] - times[0]).total_seconds()
    ascent = _number(session.get("total_ascent"))
    if ascent is None:
        ascent = _gain(_fit_altitudes(records))
    hr = _number(session.get("avg_heart_rate"))
    return Activity(
        started_at=_utc(start),
        distance_km=_km(distance),
        moving_s=_seconds(moving),
        elevation_gain_m=ascent,
        avg_hr=round(hr) if hr is not None and hr > 0 else _fit_hr(records),
        sport=_normalise_sport(session.get("sport")),
        name=name,
    )


def _fit_from_records(
    records: list[_Mesg], laps: list[_Mesg], sport: str | None, name: str
) -> Activity:
    """A FIT file whose session summary is missing (e.g. the watch died mid-run)."""
    times = _fit_times(records)
    if not times:
        raise _no_time()
    lap_timer = [v for lap in laps if (v := _number(lap.get("total_timer_time"))) is not None]
    moving = sum(lap_timer) if lap_timer else (times[-1] - times[0]).total_seconds()
    return Activity(
        started_at=_utc(times[0]),
        distance_km=_km(_fit_record_distance(records)),
        moving_s=_seconds(moving),
        elevation_gain_m=_gain(_fit_altitudes(records)),
        avg_hr=_fit_hr(records),
        sport=sport,
        name=name,
    )


# --------------------------------------------------------------------------- GPX and TCX


def _refuse_entities(content: bytes, kind: str) -> None:
    # Activity files never declare entities; refusing them rules out entity expansion
    # ("billion laughs") and external entities (reads of local files) whatever the parser.
    if b"<!ENTITY" in content:
        raise _damaged(kind)


def _read_gpx(content: bytes, name: str) -> Activity:
    _refuse_entities(content, "GPX")
    try:
        gpx = gpxpy.parse(content.decode("utf-8-sig"))
    except Exception as exc:  # gpxpy raises several kinds, XML errors included
        raise _damaged("GPX") from exc
    points = [p for track in gpx.tracks for seg in track.segments for p in seg.points]
    if not points:
        raise _no_activity()
    bounds = gpx.get_time_bounds()
    if bounds.start_time is None:
        raise _no_time()
    moving_data = gpx.get_moving_data()
    moving: float | None = moving_data.moving_time if moving_data else None
    if not moving:
        moving = gpx.get_duration()
    gain: float | None = None
    if gpx.has_elevations():
        gain = gpx.get_uphill_downhill().uphill
    sport = next((_normalise_sport(t.type) for t in gpx.tracks if t.type), None)
    return Activity(
        started_at=_utc(bounds.start_time),
        distance_km=_km(gpx.length_2d()),
        moving_s=_seconds(moving),
        elevation_gain_m=gain,
        avg_hr=_mean_hr(_gpx_heart_rates(points)),
        sport=sport,
        name=name,
    )


def _gpx_heart_rates(points: Iterable[gpxpy.gpx.GPXTrackPoint]) -> list[float]:
    """Heart rates from Garmin's TrackPointExtension (``<gpxtpx:hr>``) or look-alikes."""
    rates: list[float] = []
    for point in points:
        for extension in point.extensions:
            for element in extension.iter():
                tag = element.tag if isinstance(element.tag, str) else ""
                if tag.rsplit("}", 1)[-1].lower() in ("hr", "heartrate") and element.text:
                    try:
                        rates.append(float(element.text))
                    except ValueError:
                        pass
                    break
    return rates


def _read_tcx(content: bytes, name: str) -> Activity:
    _refuse_entities(content, "TCX")
    try:
        parser: Any = TCXParser(io.BytesIO(content))
        activity: Any = parser.activity
        laps: list[Any] = list(activity.Lap) if hasattr(activity, "Lap") else []
        if not laps:
            raise _no_activity()
        start = _tcx_start(activity, laps)
        if start is None:
            raise _no_time()
        distances = [_xml_number(getattr(lap, "DistanceMeters", None)) for lap in laps]
        durations = [_xml_number(getattr(lap, "TotalTimeSeconds", None)) for lap in laps]
        altitudes = [float(v) for v in parser.altitude_points()]
        rates = [float(v) for v in parser.hr_values()]
        sport = _normalise_sport(activity.attrib.get("Sport"))
    except _Unreadable:
        raise
    except Exception as exc:  # lxml and objectify raise many kinds on bad input
        raise _damaged("TCX") from exc
    return Activity(
        started_at=start,
        distance_km=_km(sum(d for d in distances if d is not None)),
        moving_s=_seconds(sum(d for d in durations if d is not None)),
        elevation_gain_m=_gain(altitudes),
        avg_hr=_mean_hr(rates),
        sport=sport,
        name=name,
    )


def _xml_number(element: object) -> float | None:
    text = getattr(element, "text", None)
    if not isinstance(text, str):
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _parse_time(text: object) -> dt.datetime | None:
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return _utc(dt.datetime.fromisoformat(text.strip()))
    except ValueError:
        return None


def _tcx_start(activity: Any, laps: list[Any]) -> dt.datetime | None:
    start = _parse_time(laps[0].attrib.get("StartTime"))
    if start is None:
        start = _parse_time(getattr(getattr(activity, "Id", None), "text", None))
    if start is None:
        times = activity.xpath(".//*[local-name()='Trackpoint']/*[local-name()='Time']")
        start = next((t for el in times if (t := _parse_time(el.text)) is not None), None)
    return start
