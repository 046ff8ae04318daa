"""Reading Strong and Hevy CSV exports, and writing Hevy's layout safely."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from bot.coach import workout_csv
from bot.coach.history import exercise_id
from bot.coach.workout_csv import ExportRow, TransferError, hevy_csv, parse_export
from plans.exercises import identify

LB = 0.45359237

# Strong's documented export columns, written by hand: a warm-up row, a quoted workout name
# with a comma, a quoted note with a comma, a hold with 0 reps, and a failure set ("F").
STRONG = """\
Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE
2024-01-15 08:30:00,"Legs, heavy",1h 5m,Squat (Barbell),W,40,10,0,0,,,
2024-01-15 08:30:00,"Legs, heavy",1h 5m,Squat (Barbell),1,100,5,0,0,"felt good, fast",Deep sleep,8
2024-01-15 08:30:00,"Legs, heavy",1h 5m,Squat (Barbell),2,100,5,0,0,,Deep sleep,8.5
2024-01-15 08:30:00,"Legs, heavy",1h 5m,Squat (Barbell),F,100,3,0,0,,Deep sleep,
2024-01-15 08:30:00,"Legs, heavy",1h 5m,Plank,1,0,0,0,60,,Deep sleep,
2024-01-15 08:30:00,"Legs, heavy",1h 5m,"Curl, Hammer (Dumbbell)",1,12.5,10,0,0,,Deep sleep,
2024-01-17 18:00:00,Upper,45m,Bench Press (Dumbbell),1,24,8,0,0,,,
2024-01-17 18:00:00,Upper,45m,Running,1,0,0,5,1500,,,
"""  # noqa: E501

HEVY = """\
"title","start_time","end_time","description","exercise_title","superset_id","exercise_notes","set_index","set_type","weight_kg","reps","distance_km","duration_seconds","rpe"
"Lower, A","15 Jan 2024, 08:30","15 Jan 2024, 09:20","","Deadlift (Barbell)","","","0","warmup","60","5","","",""
"Lower, A","15 Jan 2024, 08:30","15 Jan 2024, 09:20","","Deadlift (Barbell)","","","1","normal","140","5","","","8"
"Lower, A","15 Jan 2024, 08:30","15 Jan 2024, 09:20","","Deadlift (Barbell)","","","2","failure","140","4","","",""
"Lower, A","15 Jan 2024, 08:30","15 Jan 2024, 09:20","","Plank","","","0","normal","","","","45",""
"Upper","17 Jan 2024, 18:00","17 Jan 2024, 18:40","","Pull Up","","per side; slow","0","normal","","8","","",""
"""  # noqa: E501


def test_strong_rows_become_workouts() -> None:
    parsed = parse_export(STRONG.encode())
    assert parsed.source == "strong" and not parsed.errors
    assert parsed.skipped == 2  # the warm-up and the run
    legs, upper = parsed.workouts
    assert legs.title == "Legs, heavy" and legs.started_at == dt.datetime(2024, 1, 15, 8, 30)
    assert legs.description == "Deep sleep"
    squats = [s for s in legs.sets if s.exercise_name == "Squat (Barbell)"]
    assert [(s.set_index, s.load_kg, s.reps, s.rpe, s.failed) for s in squats] == [
        (1, 100.0, 5, 8.0, False),
        (2, 100.0, 5, 8.5, False),
        (3, 100.0, 3, None, True),  # "F" numbered after the sets before it
    ]
    assert squats[0].notes == "felt good, fast"
    plank = next(s for s in legs.sets if s.exercise_name == "Plank")
    assert (plank.reps, plank.seconds, plank.load_kg) == (None, 60, None)
    assert any(s.exercise_name == "Curl, Hammer (Dumbbell)" for s in legs.sets)
    assert [(s.exercise_name, s.load_kg) for s in upper.sets] == [("Bench Press (Dumbbell)", 24.0)]


def test_strong_pounds_from_unit_column_and_header() -> None:
    by_column = (
        "Date,Workout Name,Exercise Name,Set Order,Weight,Weight Unit,Reps,Seconds,RPE\n"
        "2024-02-01 07:00:00,A,Deadlift (Barbell),1,225,lbs,5,0,\n"
        "2024-02-01 07:00:00,A,Squat (Barbell),1,100,kg,5,0,\n"
    )
    sets = parse_export(by_column.encode()).workouts[0].sets
    assert sets[0].load_kg == pytest.approx(225 * LB)
    assert sets[1].load_kg == pytest.approx(100)
    by_header = (
        "Date,Workout Name,Exercise Name,Set Order,Weight (lbs),Reps,Seconds\n"
        "2024-02-01 07:00:00,A,Deadlift (Barbell),1,315,3,0\n"
    )
    (only,) = parse_export(by_header.encode()).workouts[0].sets
    assert only.load_kg == pytest.approx(315 * LB)


def test_strong_semicolons_and_decimal_commas() -> None:
    text = (
        "Date;Workout Name;Exercise Name;Set Order;Weight;Reps;Seconds;Notes\n"
        '2024-03-01 07:00:00;A;Squat (Barbell);1;102,5;5;0;"a; b"\n'
    )
    (only,) = parse_export(text.encode("utf-8-sig")).workouts[0].sets
    assert (only.load_kg, only.reps, only.notes) == (102.5, 5, "a; b")


def test_hevy_rows_and_pounds_variant() -> None:
    parsed = parse_export(HEVY.encode())
    assert parsed.source == "hevy" and not parsed.errors and parsed.skipped == 1
    lower, upper = parsed.workouts
    assert lower.title == "Lower, A" and lower.started_at == dt.datetime(2024, 1, 15, 8, 30)
    assert [(s.exercise_name, s.set_index, s.load_kg, s.reps, s.seconds, s.failed, s.rpe)
            for s in lower.sets] == [
        ("Deadlift (Barbell)", 2, 140.0, 5, None, False, 8.0),
        ("Deadlift (Barbell)", 3, 140.0, 4, None, True, None),
        ("Plank", 1, None, None, 45, False, None),
    ]  # fmt: skip
    (pull,) = upper.sets
    assert pull.per_side and pull.notes == "slow"
    lbs = HEVY.replace('"weight_kg"', '"weight_lbs"')
    heavy = parse_export(lbs.encode()).workouts[0].sets[0]
    assert heavy.load_kg == pytest.approx(140 * LB)


def test_malformed_rows_are_reported_by_line() -> None:
    bad = STRONG.replace(",100,5,0,0,,Deep sleep,8.5", ",100,abc,0,0,,Deep sleep,8.5").replace(
        "2024-01-17 18:00:00,Upper,45m,Bench", "yesterday,Upper,45m,Bench"
    )
    bad += '2024-01-18 08:00:00,X,1h,Squat (Barbell),1,-20,5,0,0,"two\nlines",,\n'
    bad += "2024-01-18 08:00:00,X,1h,Squat (Barbell),1,100,5,0,0,,,12\n"
    bad += "2024-01-18 08:00:00,X,1h,,1,100,5,0,0,,,\n"
    errors = parse_export(bad.encode()).errors
    assert errors == [
        "line 4: reps 'abc' is not a number",
        "line 8: date 'yesterday' is not a date and time",
        "line 10: weight -20 is negative",
        "line 12: RPE 12 is above 10",  # the quoted note above spans lines 10 and 11
        "line 13: the exercise name is empty",
    ]
    summary = workout_csv.error_summary([f"line {n}: x" for n in range(2, 20)], limit=10)
    assert summary.count("\n") == 10 and summary.endswith("…and 8 more")


def test_oversized_and_unknown_files_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    assert workout_csv.check_size(workout_csv.MAX_BYTES) is None
    reason = workout_csv.check_size(workout_csv.MAX_BYTES + 1)
    assert reason is not None and "5 MB" in reason
    with pytest.raises(TransferError, match="5 MB"):
        parse_export(b"Date,Exercise Name,Reps\n" + b"x" * workout_csv.MAX_BYTES)
    with pytest.raises(TransferError, match="Strong or Hevy"):
        parse_export(b"name,age\nbob,3\n")
    with pytest.raises(TransferError, match="Strong or Hevy"):
        parse_export(b"")
    monkeypatch.setattr(workout_csv, "MAX_ROWS", 3)
    with pytest.raises(TransferError, match="more than 3 rows"):
        parse_export(STRONG.encode())


def _row(**overrides: object) -> ExportRow:
    base: dict[str, object] = {
        "title": "RunStrong session",
        "start_time": dt.datetime(2026, 11, 20, 7, 5),
        "end_time": dt.datetime(2026, 11, 20, 7, 5),
        "description": "",
        "exercise_title": "Back squat",
        "exercise_notes": "",
        "set_index": 0,
        "set_type": "normal",
        "weight_kg": 61.25,
        "reps": 5,
        "duration_seconds": None,
        "rpe": 8.5,
    }
    base.update(overrides)
    return ExportRow(**base)  # type: ignore[arg-type]


def test_hevy_writer_layout_and_formula_escaping() -> None:
    rows = [
        _row(),
        _row(
            title="=HYPERLINK(\"http://x\")",
            exercise_title="+cmd",
            exercise_notes=workout_csv.set_notes("-1 then @me", per_side=True),
            set_index=1,
            set_type="failure",
        ),
        _row(exercise_title="@sum", exercise_notes="-rest", weight_kg=None, reps=None,
             duration_seconds=45),
    ]  # fmt: skip
    content = hevy_csv(rows)
    table = list(csv.reader(io.StringIO(content.decode())))
    assert tuple(table[0]) == workout_csv.HEVY_COLUMNS
    assert table[1] == [
        "RunStrong session", "20 Nov 2026, 07:05", "20 Nov 2026, 07:05", "", "Back squat", "",
        "", "0", "normal", "61.25", "5", "", "", "8.5",
    ]  # fmt: skip
    assert table[2][0] == '\'=HYPERLINK("http://x")' and table[2][4] == "'+cmd"
    assert table[2][6] == "per side; -1 then @me"  # doesn't start with a formula character
    assert table[3][4] == "'@sum" and table[3][6] == "'-rest"
    for row in table[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    # Our own file reads back with the quotes removed.
    parsed = parse_export(content)
    assert not parsed.errors
    assert [w.title for w in parsed.workouts] == ["RunStrong session", '=HYPERLINK("http://x")']
    names = sorted(s.exercise_name for w in parsed.workouts for s in w.sets)
    assert names == ["+cmd", "@sum", "Back squat"]
    (second,) = parsed.workouts[1].sets
    assert second.per_side and second.notes == "-1 then @me" and second.failed


def test_workout_key_is_stable_and_content_based() -> None:
    first = parse_export(STRONG.encode()).workouts
    again = parse_export(STRONG.encode()).workouts
    assert [w.key for w in first] == [w.key for w in again]
    assert first[0].key.startswith("import:") and len(first[0].key) == len("import:") + 40
    changed = parse_export(STRONG.replace("100,5,0,0,,Deep sleep,8.5", "100,6,0,0,,Deep sleep,8.5")
                           .encode()).workouts  # fmt: skip
    assert changed[0].key != first[0].key and changed[1].key == first[1].key


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Squat (Barbell)", "back_squat"),
        ("Bench Press (Dumbbell)", "dumbbell_bench_press"),
        ("Bench Press (Barbell)", "bench_press"),
        ("Romanian Deadlift (Barbell)", "romanian_deadlift"),
        ("Pull Up", "pull_up"),
        ("Plank", "plank"),
        ("Back squat", "back_squat"),
        ("Bicep Curl (Dumbbell)", None),
        ("Lat Pulldown (Cable)", None),
    ],
)
def test_names_map_to_the_library(name: str, expected: str | None) -> None:
    found = identify(name)
    assert (found.id if found else None) == expected


def test_unknown_names_become_custom_exercises() -> None:
    assert exercise_id("Bicep Curl (Dumbbell)") == "custom:bicep curl dumbbell"
    assert exercise_id("Squat (Barbell)") == "back_squat"
