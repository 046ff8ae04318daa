"""Realistic watch files, made in memory, for tests and benchmarks of ``bot.activities``.

FIT files are written with ``fit-tool`` (a FIT writer, a dev dependency) so the reader's
decoder (Garmin's SDK) is checked against an independent encoder.  GPX and TCX are written
with ``xml.etree`` the way Garmin Connect and Strava export them.  Every track runs due north
at an even pace, climbing ``ascent_m`` over its first 40 %, level for 20 %, then back down,
so its distance, moving time, climb and heart rate are known exactly.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import math
import struct
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.activity_message import ActivityMessage
from fit_tool.profile.messages.event_message import EventMessage
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.lap_message import LapMessage
from fit_tool.profile.messages.record_message import RecordMessage
from fit_tool.profile.messages.session_message import SessionMessage
from fit_tool.profile.profile_type import Activity as FitActivityType
from fit_tool.profile.profile_type import (
    Event,
    EventType,
    FileType,
    Manufacturer,
    Sport,
)

__all__ = [
    "PNG_BYTES",
    "fit_run",
    "gpx_run",
    "gz",
    "gzip_bomb",
    "strava_extras",
    "strava_zip",
    "tcx_run",
    "zip_bomb",
]

BASE_LAT = 52.09
BASE_LON = 5.12
BASE_ALT_M = 10.0
STEP_S = 5
_M_PER_DEG_LAT = 6_371_000 * math.pi / 180

GPX_NS = "http://www.topografix.com/GPX/1/1"
TPX_NS = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
TCX_NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

_TCX_SPORTS = {"running": "Running", "cycling": "Biking"}


@dataclass(frozen=True)
class _Point:
    time: dt.datetime
    lat: float
    lon: float
    alt: float
    distance_m: float


def _track(start: dt.datetime, km: float, minutes: float, ascent_m: float) -> list[_Point]:
    total_s = minutes * 60
    n = max(2, round(total_s / STEP_S) + 1)
    points: list[_Point] = []
    for i in range(n):
        f = i / (n - 1)
        if f <= 0.4:
            alt = BASE_ALT_M + ascent_m * f / 0.4
        elif f <= 0.6:
            alt = BASE_ALT_M + ascent_m
        else:
            alt = BASE_ALT_M + ascent_m * (1 - f) / 0.4
        distance = km * 1000 * f
        points.append(
            _Point(
                time=start + dt.timedelta(seconds=total_s * f),
                lat=BASE_LAT + distance / _M_PER_DEG_LAT,
                lon=BASE_LON,
                alt=round(alt, 2),
                distance_m=distance,
            )
        )
    return points


def _iso(moment: dt.datetime) -> str:
    """Zulu for UTC (as watches write), the offset kept otherwise."""
    if moment.tzinfo is None or moment.utcoffset() == dt.timedelta(0):
        return moment.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    return moment.isoformat(timespec="seconds")


def _ms(moment: dt.datetime) -> int:
    return round(moment.timestamp() * 1000)


# --------------------------------------------------------------------------- FIT


def fit_run(
    start: dt.datetime,
    km: float,
    minutes: float,
    *,
    hr: int | None = 150,
    ascent_m: float = 40,
    sport: str = "running",
    pause_s: float = 0,
    with_session: bool = True,
) -> bytes:
    """A FIT activity as a watch writes it: file_id, timer events, records, lap, session,
    activity.  ``pause_s`` adds a stop to the elapsed time only (the timer time stays
    ``minutes``); ``with_session=False`` leaves out lap, session and activity, as when a
    watch dies before saving."""
    points = _track(start, km, minutes, ascent_m)
    end = points[-1].time
    fit_sport = Sport[sport.upper()] if sport.upper() in Sport.__members__ else Sport.GENERIC
    builder = FitFileBuilder(auto_define=True)

    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = Manufacturer.DEVELOPMENT.value
    file_id.product = 1
    file_id.serial_number = 0x1234_5678
    file_id.time_created = _ms(start)
    builder.add(file_id)

    builder.add(_timer_event(start, EventType.START))
    for point in points:
        record = RecordMessage()
        record.timestamp = _ms(point.time)
        record.position_lat = point.lat
        record.position_long = point.lon
        record.distance = point.distance_m
        record.altitude = point.alt
        if hr is not None:
            record.heart_rate = hr
        builder.add(record)
    builder.add(_timer_event(end, EventType.STOP_ALL))

    if with_session:
        moving_s = minutes * 60
        lap = LapMessage()
        lap.message_index = 0
        lap.timestamp = _ms(end)
        lap.start_time = _ms(start)
        lap.total_elapsed_time = moving_s + pause_s
        lap.total_timer_time = moving_s
        lap.total_distance = km * 1000
        lap.total_ascent = round(ascent_m)
        lap.total_descent = round(ascent_m)
        if hr is not None:
            lap.avg_heart_rate = hr
        lap.sport = fit_sport
        builder.add(lap)

        session = SessionMessage()
        session.message_index = 0
        session.timestamp = _ms(end)
        session.start_time = _ms(start)
        session.total_elapsed_time = moving_s + pause_s
        session.total_timer_time = moving_s
        session.total_distance = km * 1000
        session.total_ascent = round(ascent_m)
        session.total_descent = round(ascent_m)
        if hr is not None:
            session.avg_heart_rate = hr
        session.sport = fit_sport
        session.first_lap_index = 0
        session.num_laps = 1
        builder.add(session)

        activity = ActivityMessage()
        activity.timestamp = _ms(end)
        activity.total_timer_time = moving_s
        activity.num_sessions = 1
        activity.type = FitActivityType.MANUAL
        activity.event = Event.ACTIVITY
        activity.event_type = EventType.STOP
        builder.add(activity)

    data: bytes = builder.build().to_bytes()
    return data


def _timer_event(moment: dt.datetime, kind: EventType) -> EventMessage:
    event = EventMessage()
    event.timestamp = _ms(moment)
    event.event = Event.TIMER
    event.event_type = kind
    return event


# --------------------------------------------------------------------------- GPX


def gpx_run(
    start: dt.datetime,
    km: float,
    minutes: float,
    *,
    hr: int | None = 150,
    ascent_m: float = 40,
    sport: str | None = "running",
) -> bytes:
    """A GPX 1.1 track as Garmin Connect exports it (``<type>``, gpxtpx heart rate).
    The times keep ``start``'s UTC offset."""
    ET.register_namespace("", GPX_NS)
    ET.register_namespace("gpxtpx", TPX_NS)
    root = ET.Element(
        f"{{{GPX_NS}}}gpx",
        {"version": "1.1", "creator": "RunStrong test watch"},
    )
    metadata = ET.SubElement(root, f"{{{GPX_NS}}}metadata")
    ET.SubElement(metadata, f"{{{GPX_NS}}}time").text = _iso(start)
    track = ET.SubElement(root, f"{{{GPX_NS}}}trk")
    ET.SubElement(track, f"{{{GPX_NS}}}name").text = "Morning Run"
    if sport is not None:
        ET.SubElement(track, f"{{{GPX_NS}}}type").text = sport
    segment = ET.SubElement(track, f"{{{GPX_NS}}}trkseg")
    for point in _track(start, km, minutes, ascent_m):
        pt = ET.SubElement(
            segment, f"{{{GPX_NS}}}trkpt", {"lat": f"{point.lat:.7f}", "lon": f"{point.lon:.7f}"}
        )
        ET.SubElement(pt, f"{{{GPX_NS}}}ele").text = f"{point.alt:.1f}"
        ET.SubElement(pt, f"{{{GPX_NS}}}time").text = _iso(point.time.astimezone(start.tzinfo))
        if hr is not None:
            extensions = ET.SubElement(pt, f"{{{GPX_NS}}}extensions")
            tpx = ET.SubElement(extensions, f"{{{TPX_NS}}}TrackPointExtension")
            ET.SubElement(tpx, f"{{{TPX_NS}}}hr").text = str(hr)
    return _xml_bytes(root)


# --------------------------------------------------------------------------- TCX


def tcx_run(
    start: dt.datetime,
    km: float,
    minutes: float,
    *,
    hr: int | None = 150,
    ascent_m: float = 40,
    sport: str = "running",
) -> bytes:
    """A TCX activity with one lap per started kilometre, each with its own totals."""
    ET.register_namespace("", TCX_NS)
    ET.register_namespace("xsi", XSI_NS)
    root = ET.Element(f"{{{TCX_NS}}}TrainingCenterDatabase")
    activities = ET.SubElement(root, f"{{{TCX_NS}}}Activities")
    activity = ET.SubElement(
        activities, f"{{{TCX_NS}}}Activity", {"Sport": _TCX_SPORTS.get(sport, "Other")}
    )
    ET.SubElement(activity, f"{{{TCX_NS}}}Id").text = _iso(start)
    points = _track(start, km, minutes, ascent_m)
    for lap_points in _laps(points):
        first, last = lap_points[0], lap_points[-1]
        lap = ET.SubElement(activity, f"{{{TCX_NS}}}Lap", {"StartTime": _iso(first.time)})
        seconds = (last.time - first.time).total_seconds()
        ET.SubElement(lap, f"{{{TCX_NS}}}TotalTimeSeconds").text = f"{seconds:.1f}"
        ET.SubElement(
            lap, f"{{{TCX_NS}}}DistanceMeters"
        ).text = f"{last.distance_m - first.distance_m:.1f}"
        ET.SubElement(lap, f"{{{TCX_NS}}}Calories").text = "70"
        if hr is not None:
            avg = ET.SubElement(lap, f"{{{TCX_NS}}}AverageHeartRateBpm")
            ET.SubElement(avg, f"{{{TCX_NS}}}Value").text = str(hr)
        ET.SubElement(lap, f"{{{TCX_NS}}}Intensity").text = "Active"
        ET.SubElement(lap, f"{{{TCX_NS}}}TriggerMethod").text = "Distance"
        track = ET.SubElement(lap, f"{{{TCX_NS}}}Track")
        for point in lap_points:
            tp = ET.SubElement(track, f"{{{TCX_NS}}}Trackpoint")
            ET.SubElement(tp, f"{{{TCX_NS}}}Time").text = _iso(point.time)
            position = ET.SubElement(tp, f"{{{TCX_NS}}}Position")
            ET.SubElement(position, f"{{{TCX_NS}}}LatitudeDegrees").text = f"{point.lat:.7f}"
            ET.SubElement(position, f"{{{TCX_NS}}}LongitudeDegrees").text = f"{point.lon:.7f}"
            ET.SubElement(tp, f"{{{TCX_NS}}}AltitudeMeters").text = f"{point.alt:.1f}"
            ET.SubElement(tp, f"{{{TCX_NS}}}DistanceMeters").text = f"{point.distance_m:.1f}"
            if hr is not None:
                bpm = ET.SubElement(tp, f"{{{TCX_NS}}}HeartRateBpm")
                ET.SubElement(bpm, f"{{{TCX_NS}}}Value").text = str(hr)
    return _xml_bytes(root)


def _laps(points: list[_Point]) -> Iterator[list[_Point]]:
    """Split at each whole kilometre; consecutive laps share their boundary point."""
    current: list[_Point] = [points[0]]
    for point in points[1:]:
        current.append(point)
        if int(point.distance_m // 1000) > int(current[0].distance_m // 1000):
            yield current
            current = [point]
    if len(current) > 1:
        yield current


def _xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    return data


# --------------------------------------------------------------------------- packing


def gz(data: bytes) -> bytes:
    """``data`` gzip-compressed, as Strava's bulk export stores activities."""
    return gzip.compress(data, mtime=0)


def gzip_bomb(unpacked_bytes: int = 200 * 1024 * 1024) -> bytes:
    """A small gzip file of zeros that unpacks to ``unpacked_bytes``."""
    out = io.BytesIO()
    chunk = bytes(1024 * 1024)
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as packed:
        left = unpacked_bytes
        while left > 0:
            packed.write(chunk[: min(left, len(chunk))])
            left -= len(chunk)
    return out.getvalue()


def zip_bomb(entry: str = "activities/1.fit", unpacked_bytes: int = 200 * 1024 * 1024) -> bytes:
    """A small zip whose one entry deflates to ``unpacked_bytes`` of zeros."""
    out = io.BytesIO()
    chunk = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(entry, "w", force_zip64=True) as member,
    ):
        left = unpacked_bytes
        while left > 0:
            member.write(chunk[: min(left, len(chunk))])
            left -= len(chunk)
    return out.getvalue()


def strava_extras() -> dict[str, bytes]:
    """The non-activity files of a Strava bulk export, which a reader should ignore."""
    return {
        "activities.csv": b"Activity ID,Activity Date,Activity Name,Activity Type\n"
        b"123,May 1 2024 6:30:00 AM,Morning Run,Run\n",
        "profile.csv": b"Athlete ID,Email Address,First Name\n1,runner@example.com,Sam\n",
        "media/0a1b2c.jpg": b"\xff\xd8\xff\xe0" + bytes(64),
    }


def strava_zip(entries: dict[str, bytes], *, extras: bool = False) -> bytes:
    """A zip laid out like Strava's bulk export (``activities/123.fit.gz`` ...);
    ``extras`` adds its CSVs and a photo."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in {**(strava_extras() if extras else {}), **entries}.items():
            archive.writestr(name, data)
    return out.getvalue()


def _png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFF_FFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PNG_BYTES = _png()
"""A real 1x1 PNG, to rename as an activity file."""
