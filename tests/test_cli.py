"""The command line: `runstrong plan` previews and `runstrong db upgrade`."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from fakes.athletes import PROFILE


def runstrong(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_plan_preview_json(tmp_path: Path) -> None:
    profile = tmp_path / "profile.json"
    profile.write_text(
        json.dumps({**PROFILE, "race": {"date": "2027-04-18", "distance": "marathon"}})
    )
    result = runstrong(
        "plan",
        "--profile",
        str(profile),
        "--from",
        "2026-11-23",
        "--weeks",
        "2",
        "--json",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    days = json.loads(result.stdout)
    assert len(days) == 14
    assert {d["kind"] for d in days} <= {"strength", "mobility", "rest"}
    strength = [d for d in days if d["kind"] == "strength"]
    assert strength and all(d["exercises"] for d in strength)
    assert set(strength[0]["exercises"][0]) >= {
        "id",
        "sets",
        "reps",
        "seconds",
        "load_kg",
        "rpe",
        "rest_s",
        "foot_contacts",
    }
    sundays = [d for d in days if d["date"] in ("2026-11-29", "2026-12-06")]
    assert all(d["kind"] != "strength" for d in sundays)  # never on the long-run day


def test_plan_preview_text(tmp_path: Path) -> None:
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps(PROFILE))
    result = runstrong("plan", "--profile", str(profile), "--from", "2026-11-23", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Wed 25 Nov" in result.stdout and "<b>" not in result.stdout


def test_plan_invalid_profile_names_the_field(tmp_path: Path) -> None:
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({**PROFILE, "equipment": "spaceship"}))
    result = runstrong("plan", "--profile", str(profile), "--from", "2026-11-23", cwd=tmp_path)
    assert result.returncode == 2
    assert "equipment" in result.stderr and "Traceback" not in result.stderr


def test_plan_bad_date_and_missing_file(tmp_path: Path) -> None:
    result = runstrong(
        "plan", "--profile", str(tmp_path / "nope.json"), "--from", "2026-11-23", cwd=tmp_path
    )
    assert result.returncode == 2 and "not found" in result.stderr
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps(PROFILE))
    result = runstrong("plan", "--profile", str(profile), "--from", "tomorrow", cwd=tmp_path)
    assert result.returncode == 2 and "--from" in result.stderr


def test_db_upgrade(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/x.sqlite3"
    result = runstrong("db", "upgrade", cwd=tmp_path, env={"DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    tables = {
        row[0]
        for row in sqlite3.connect(tmp_path / "x.sqlite3").execute(
            "SELECT name FROM sqlite_master WHERE type='table'"
        )
    }
    assert {"athletes", "deliveries", "set_logs", "alembic_version"} <= tables
