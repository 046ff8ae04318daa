"""Reading runs from FIT, GPX and TCX files, their .gz forms and Strava's bulk-export zip."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

import bot.activities as activities
from bot.activities import (
    MAX_BYTES,
    Activity,
    ActivityFileError,
    Read,
    is_activity_file,
    read_activities,
)
from fakes.activity_files import (
    PNG_BYTES,
    fit_run,
    gpx_run,
    gz,
    gzip_bomb,
    strava_zip,
    tcx_run,
    zip_bomb,
)

START = dt.datetime(2024, 5, 1, 6, 30, tzinfo=dt.UTC)
Writer = Callable[..., bytes]
FORMATS: list[tuple[str, Writer]] = [("fit", fit_run), ("gpx", gpx_run), ("tcx", tcx_run)]


def only_run(read: Read) -> Activity:
    assert read.skipped == []
    assert len(read.runs) == 1
    return read.runs[0]


def assert_run(
    run: Activity, *, start: dt.datetime, km: float, minutes: float, hr: int | None, gain: float
) -> None:
    assert run.started_at == start
    assert run.started_at.tzinfo is dt.UTC
    assert run.distance_km is not None
    assert run.distance_km == pytest.approx(km, rel=0.01)
    assert run.moving_s is not None
    assert abs(run.moving_s - minutes * 60) <= 10
    assert run.avg_hr == hr
    assert run.elevation_gain_m is not None
    assert run.elevation_gain_m == pytest.approx(gain, abs=2)
    assert run.sport == "running"
    assert run.is_run
    assert run.pace_s_per_km == pytest.approx(minutes * 60 / km, rel=0.02)


# --------------------------------------------------------------------------- suffixes


@pytest.mark.parametrize(
    "name",
    ["run.fit", "RUN.FIT", "a.gpx", "a.tcx", "1.fit.gz", "1.GPX.GZ", "1.tcx.gz", "export.zip"],
)
def test_activity_suffixes_are_recognised(name: str) -> None:
    assert is_activity_file(name)


@pytest.mark.parametrize("name", ["photo.jpg", "activities.csv", "run.fit.bak", "fit", "a.gz"])
def test_other_files_are_not_activities(name: str) -> None:
    assert not is_activity_file(name)


def test_unknown_suffix_is_refused() -> None:
    with pytest.raises(ActivityFileError, match=r"^notes\.txt isn't a FIT, GPX or TCX file"):
        read_activities("notes.txt", b"hello")


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize(("suffix", "writer"), FORMATS)
def test_each_format_round_trips(suffix: str, writer: Writer) -> None:
    content = writer(START, 10.0, 52.5, hr=152, ascent_m=35)
    run = only_run(read_activities(f"morning.{suffix}", content))
    assert_run(run, start=START, km=10.0, minutes=52.5, hr=152, gain=35)
    assert run.name == f"morning.{suffix}"


@pytest.mark.parametrize(("suffix", "writer"), FORMATS)
def test_gzip_forms_read_like_the_plain_files(suffix: str, writer: Writer) -> None:
    content = gz(writer(START, 5.0, 27.0))
    run = only_run(read_activities(f"123.{suffix}.gz", content))
    assert_run(run, start=START, km=5.0, minutes=27.0, hr=150, gain=40)
    assert run.name == f"123.{suffix}.gz"


@pytest.mark.parametrize(("suffix", "writer"), FORMATS)
def test_without_heart_rate_avg_hr_is_none(suffix: str, writer: Writer) -> None:
    run = only_run(read_activities(f"a.{suffix}", writer(START, 3.0, 18.0, hr=None)))
    assert run.avg_hr is None


def test_fit_moving_time_is_the_timer_time_not_elapsed() -> None:
    content = fit_run(START, 8.0, 40.0, pause_s=300)
    run = only_run(read_activities("paused.fit", content))
    assert run.moving_s == 40 * 60


def test_fit_without_a_session_is_summed_from_its_records() -> None:
    content = fit_run(START, 6.0, 33.0, hr=140, ascent_m=20, with_session=False)
    run = only_run(read_activities("crashed.fit", content))
    assert run.started_at == START
    assert run.distance_km == pytest.approx(6.0, rel=0.01)
    assert run.moving_s == 33 * 60
    assert run.avg_hr == 140
    assert run.elevation_gain_m == pytest.approx(20, abs=1)
    assert run.sport is None and run.is_run


def test_gpx_start_with_an_offset_becomes_utc() -> None:
    local = dt.datetime(2024, 5, 1, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    content = gpx_run(local, 5.0, 30.0)
    assert b"+02:00" in content
    run = only_run(read_activities("amsterdam.gpx", content))
    assert run.started_at == dt.datetime(2024, 5, 1, 6, 30, tzinfo=dt.UTC)
    assert run.started_at.utcoffset() == dt.timedelta(0)


def test_gpx_without_type_has_unknown_sport_and_counts_as_a_run() -> None:
    run = only_run(read_activities("a.gpx", gpx_run(START, 4.0, 24.0, sport=None)))
    assert run.sport is None
    assert run.is_run


# --------------------------------------------------------------------------- other sports


@pytest.mark.parametrize(("suffix", "writer"), FORMATS)
def test_a_single_ride_is_skipped_not_an_error(suffix: str, writer: Writer) -> None:
    content = writer(START, 30.0, 60.0, sport="cycling")
    read = read_activities(f"ride.{suffix}", content)
    assert read == Read(runs=[], skipped=[(f"ride.{suffix}", "a ride, not a run")])


def test_tcx_sport_biking_maps_to_cycling() -> None:
    content = tcx_run(START, 20.0, 45.0, sport="cycling")
    assert b'Sport="Biking"' in content
    read = read_activities("ride.tcx", content)
    assert read.skipped == [("ride.tcx", "a ride, not a run")]


def test_sport_words() -> None:
    def activity(sport: str | None) -> Activity:
        return Activity(START, 5.0, 1500, None, None, sport, "x.fit")

    for sport in (None, "running", "trail running", "treadmill running", "treadmill"):
        assert activity(sport).is_run, sport
    for sport in ("cycling", "walking", "swimming", "rowing"):
        assert not activity(sport).is_run, sport
    assert activity("running").pace_s_per_km == 300
    assert Activity(START, None, 1500, None, None, None, "x").pace_s_per_km is None
    assert Activity(START, 5.0, None, None, None, None, "x").pace_s_per_km is None


# --------------------------------------------------------------------------- bad files


@pytest.mark.parametrize("name", ["empty.fit", "empty.gpx", "empty.tcx"])
def test_empty_file(name: str) -> None:
    with pytest.raises(ActivityFileError) as caught:
        read_activities(name, b"")
    assert str(caught.value) == f"{name} is empty."


def test_png_renamed_fit() -> None:
    with pytest.raises(ActivityFileError) as caught:
        read_activities("walk.fit", PNG_BYTES)
    assert str(caught.value) == "walk.fit isn't a FIT file I can read (it may be damaged)."


def test_truncated_fit() -> None:
    content = fit_run(START, 10.0, 50.0)
    with pytest.raises(ActivityFileError, match=r"^cut\.fit isn't a FIT file I can read"):
        read_activities("cut.fit", content[: len(content) // 2])


def test_fit_with_a_flipped_byte_fails_its_crc() -> None:
    content = bytearray(fit_run(START, 10.0, 50.0))
    content[len(content) // 2] ^= 0xFF
    with pytest.raises(ActivityFileError, match="may be damaged"):
        read_activities("flipped.fit", bytes(content))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bad.gpx", b"<gpx><trk><trkseg><trkpt lat="),
        ("bad.tcx", b"<TrainingCenterDatabase><Activities>"),
        ("bad.gpx", PNG_BYTES),
        ("bad.tcx", PNG_BYTES),
    ],
)
def test_damaged_xml(name: str, content: bytes) -> None:
    kind = name.rsplit(".", 1)[1].upper()
    with pytest.raises(ActivityFileError) as caught:
        read_activities(name, content)
    assert str(caught.value) == f"{name} isn't a {kind} file I can read (it may be damaged)."


def test_gpx_with_no_track_has_no_activity() -> None:
    content = (
        b'<?xml version="1.0"?><gpx version="1.1" creator="x" '
        b'xmlns="http://www.topografix.com/GPX/1/1"><wpt lat="1" lon="2"/></gpx>'
    )
    with pytest.raises(ActivityFileError) as caught:
        read_activities("route.gpx", content)
    assert str(caught.value) == "route.gpx has no recorded activity in it."


def test_gpx_without_times_is_refused() -> None:
    content = gpx_run(START, 2.0, 10.0).replace(b"<time>", b"<!--").replace(b"</time>", b"-->")
    with pytest.raises(ActivityFileError, match="has no timestamps"):
        read_activities("notime.gpx", content)


def test_xml_entities_are_refused() -> None:
    content = (
        b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<gpx version="1.1" creator="&x;"></gpx>'
    )
    with pytest.raises(ActivityFileError, match="may be damaged"):
        read_activities("xxe.gpx", content)


def test_damaged_gzip() -> None:
    with pytest.raises(ActivityFileError) as caught:
        read_activities("1.fit.gz", gz(fit_run(START, 5.0, 25.0))[:-30])
    assert str(caught.value) == "1.fit.gz isn't a gzip file I can unpack (it may be damaged)."


def test_misnamed_formats_are_sniffed() -> None:
    run = only_run(read_activities("actually_tcx.gpx", tcx_run(START, 5.0, 25.0)))
    assert run.distance_km == pytest.approx(5.0, rel=0.01)
    run = only_run(read_activities("actually_fit.gpx", fit_run(START, 5.0, 25.0)))
    assert run.distance_km == pytest.approx(5.0, rel=0.01)


# --------------------------------------------------------------------------- limits


def test_bigger_than_20_mb_is_refused() -> None:
    with pytest.raises(ActivityFileError) as caught:
        read_activities("huge.fit", bytes(MAX_BYTES + 1))
    assert str(caught.value) == "huge.fit is bigger than the 20 MB limit."
    with pytest.raises(ActivityFileError, match="20 MB limit"):
        read_activities("huge.zip", bytes(MAX_BYTES + 1))


def test_gzip_bomb_is_refused_quickly() -> None:
    bomb = gzip_bomb(200 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    began = time.perf_counter()
    with pytest.raises(ActivityFileError) as caught:
        read_activities("bomb.gpx.gz", bomb)
    assert time.perf_counter() - began < 2
    assert str(caught.value) == "bomb.gpx.gz unpacks to more than the 20 MB limit."


def test_zip_bomb_is_refused_quickly() -> None:
    bomb = zip_bomb("activities/1.fit", 100 * 1024 * 1024)
    began = time.perf_counter()
    with pytest.raises(ActivityFileError, match="20 MB limit"):
        read_activities("bomb.zip", bomb)
    assert time.perf_counter() - began < 2


def test_gzip_bomb_inside_a_zip_is_skipped() -> None:
    content = strava_zip(
        {
            "activities/1.fit.gz": gzip_bomb(50 * 1024 * 1024),
            "activities/2.fit.gz": gz(fit_run(START, 5.0, 25.0)),
        }
    )
    read = read_activities("export.zip", content)
    assert [r.name for r in read.runs] == ["activities/2.fit.gz"]
    assert read.skipped == [("activities/1.fit.gz", "unpacks to more than the 20 MB limit")]


def test_zip_total_unpacked_size_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(activities, "MAX_ZIP_TOTAL_BYTES", 50_000)
    runs = {f"activities/{i}.gpx": gpx_run(START, 5.0, 25.0) for i in range(5)}
    with pytest.raises(ActivityFileError, match=r"^export\.zip unpacks to more than"):
        read_activities("export.zip", strava_zip(runs))


def test_zip_total_counts_what_gz_entries_unpack_to(monkeypatch: pytest.MonkeyPatch) -> None:
    one = gpx_run(START, 5.0, 25.0)
    monkeypatch.setattr(activities, "MAX_ZIP_TOTAL_BYTES", int(len(one) * 2.5))
    runs = {f"activities/{i}.gpx.gz": gz(one) for i in range(3)}
    assert sum(len(gz(one)) for _ in range(3)) < len(one)
    with pytest.raises(ActivityFileError, match=r"^export\.zip unpacks to more than"):
        read_activities("export.zip", strava_zip(runs))


def test_zip_entry_count_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(activities, "MAX_ZIP_ENTRIES", 3)
    runs = {f"activities/{i}.fit": b"x" for i in range(4)}
    with pytest.raises(ActivityFileError, match="more than 3 activity files"):
        read_activities("export.zip", strava_zip(runs))


# --------------------------------------------------------------------------- Strava zips


def test_strava_export_zip() -> None:
    day = dt.timedelta(days=1)
    content = strava_zip(
        {
            "activities/300.fit.gz": gz(fit_run(START + 2 * day, 12.0, 65.0, hr=148)),
            "activities/100.gpx": gpx_run(START, 5.0, 28.0, hr=155),
            "activities/200.tcx.gz": gz(tcx_run(START + day, 8.0, 44.0, hr=None)),
            "activities/250.gpx.gz": gz(gpx_run(START + day, 40.0, 90.0, sport="cycling")),
            "activities/400.fit": b"\x0e\x10garbage that is no FIT",
        },
        extras=True,
    )
    read = read_activities("export_12345.zip", content)
    assert [r.name for r in read.runs] == [
        "activities/100.gpx",
        "activities/200.tcx.gz",
        "activities/300.fit.gz",
    ]
    assert [r.started_at for r in read.runs] == [START, START + day, START + 2 * day]
    assert [r.avg_hr for r in read.runs] == [155, None, 148]
    assert [r.distance_km for r in read.runs] == pytest.approx([5.0, 8.0, 12.0], rel=0.01)
    assert read.skipped == [
        ("activities/250.gpx.gz", "a ride, not a run"),
        ("activities/400.fit", "damaged, or not a FIT file I can read"),
    ]


def test_zip_with_only_a_csv() -> None:
    content = strava_zip({"activities.csv": b"Activity ID,Activity Type\n1,Run\n"})
    with pytest.raises(ActivityFileError) as caught:
        read_activities("export.zip", content)
    assert str(caught.value) == "export.zip has no FIT, GPX or TCX activities in it."


def test_zip_of_only_rides_is_not_an_error() -> None:
    content = strava_zip({"activities/1.fit": fit_run(START, 30.0, 60.0, sport="cycling")})
    read = read_activities("rides.zip", content)
    assert read == Read(runs=[], skipped=[("activities/1.fit", "a ride, not a run")])


def test_zip_of_only_damaged_entries() -> None:
    content = strava_zip({"activities/1.fit": PNG_BYTES, "activities/2.gpx": b""})
    with pytest.raises(ActivityFileError) as caught:
        read_activities("export.zip", content)
    message = str(caught.value)
    assert message.startswith("I couldn't read any of the 2 activity files in export.zip")
    assert "\n" not in message


def test_zip_of_one_damaged_entry_names_it() -> None:
    content = strava_zip({"activities/1.fit": PNG_BYTES})
    with pytest.raises(ActivityFileError) as caught:
        read_activities("export.zip", content)
    assert str(caught.value) == (
        "In export.zip, activities/1.fit isn't a FIT file I can read (it may be damaged)."
    )


def test_macos_junk_in_a_zip_is_ignored() -> None:
    content = strava_zip(
        {
            "__MACOSX/activities/._1.fit": b"junk",
            "activities/._1.fit": b"junk",
            "activities/1.fit": fit_run(START, 5.0, 25.0),
        }
    )
    read = read_activities("mac.zip", content)
    assert [r.name for r in read.runs] == ["activities/1.fit"]
    assert read.skipped == []


def test_damaged_zip() -> None:
    with pytest.raises(ActivityFileError) as caught:
        read_activities("export.zip", b"PK\x03\x04 not really a zip")
    assert str(caught.value) == "export.zip isn't a zip file I can open (it may be damaged)."


def test_reads_in_parallel_threads_agree() -> None:
    files = [
        (f"{i}.{suffix}", writer(START, 3.0 + i, 20.0))
        for i, (suffix, writer) in enumerate(FORMATS * 3)
    ]
    expected = [read_activities(name, content) for name, content in files]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda f: read_activities(*f), files))
    assert got == expected
