"""The athlete's state as stored: typed SQLAlchemy 2 models. Times in UTC, loads in kg."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.types import UTCDateTime


class Base(DeclarativeBase):
    type_annotation_map = {dt.datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


class Athlete(Base):
    """One runner. `profile` holds the coaching answers (plans.Profile.to_dict())."""

    __tablename__ = "athletes"
    __table_args__ = (UniqueConstraint("platform", "user_id", name="uq_athletes_platform_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), default="telegram")
    user_id: Mapped[int] = mapped_column(BigInteger)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(128), default="")
    language_code: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="onboarding")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    delivery_minute: Mapped[int] = mapped_column(default=7 * 60)  # local minutes after midnight
    units: Mapped[str] = mapped_column(String(2), default="kg")
    profile: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # plans.Profile.to_dict()
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # onboarding answers, for edits
    plan_start: Mapped[dt.date | None] = mapped_column(Date)
    paused_until: Mapped[dt.date | None] = mapped_column(Date)
    # Small per-athlete choices: {"summary_day": 6, "increments": {"barbell": 2.5, ...}}.
    preferences: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    onboarded_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]

    conversation: Mapped[Conversation | None] = relationship(
        back_populates="athlete", cascade="all, delete-orphan", passive_deletes=True
    )


class Conversation(Base):
    """Where an athlete is in a multi-step chat flow (onboarding, settings edits).

    Stored after every answer so a restart, or another replica, continues where it stopped.
    """

    __tablename__ = "conversations"

    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True
    )
    flow: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    history: Mapped[list[Any]] = mapped_column(JSON, default=list)
    updated_at: Mapped[dt.datetime]

    athlete: Mapped[Athlete] = relationship(back_populates="conversation")


Index("ix_athletes_chat", Athlete.platform, Athlete.chat_id)


class Delivery(Base):
    """One scheduled message (the daily workout, the weekly summary) for one local day.

    The table is the source of truth for what is due and what was sent: a claim (status
    `sending` with a lease) is taken before sending and the result recorded right after, so a
    restart or a second process never sends it again; an expired lease means the claimer died.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("athlete_id", "kind", "local_date", name="uq_deliveries_day"),
        Index("ix_deliveries_due", "platform", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    # The athlete's chat platform: a process claims only the rows it has a sender for.
    platform: Mapped[str] = mapped_column(String(16), default="telegram")
    kind: Mapped[str] = mapped_column(String(16))  # daily | weekly
    local_date: Mapped[dt.date] = mapped_column(Date)
    due_at: Mapped[dt.datetime]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[dt.datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    late: Mapped[bool] = mapped_column(default=False)
    error: Mapped[str | None] = mapped_column(String(200))


class Event(Base):
    """An event from a chat (an update, a message, an interaction, an edit at a given time)
    that was applied: recorded in the same transaction as its effect, so a re-delivered
    event is recognised and applied once. Old rows are pruned."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_created", "created_at"),)

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    created_at: Mapped[dt.datetime]


class InboxUpdate(Base):
    """An update from a chat platform, kept before the platform is told it arrived and
    removed once handled (`bot.inbox`): a crash at any point leaves it here to be handled
    at the next start, or by another replica once `lease_until` has passed."""

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("platform", "key", name="uq_inbox_platform_key"),
        Index("ix_inbox_lease", "platform", "lease_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    owner: Mapped[str] = mapped_column(String(128))  # host:pid of the process handling it
    received_at: Mapped[dt.datetime]
    lease_until: Mapped[dt.datetime]


class PendingLog(Base):
    """A log waiting for the athlete's answer (which exercise, which reading of the numbers):
    the parsed lines as JSON; buttons carry only its id, so any replica can finish it."""

    __tablename__ = "pending_logs"
    __table_args__ = (UniqueConstraint("athlete_id", "source_key", name="uq_pending_logs_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    source_key: Mapped[str | None] = mapped_column(String(128))
    chat_message_id: Mapped[int | None] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(String(4000), default="")
    parsed: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime]


class LogBatch(Base):
    """One thing the athlete logged: a chat message, a "Done" tap, an import.

    `source_key` makes re-deliveries and re-imports idempotent; `states_before` holds the
    progression states this batch changed, so /undo can put them back.
    """

    __tablename__ = "log_batches"
    __table_args__ = (
        UniqueConstraint("athlete_id", "source_key", name="uq_log_batches_source"),
        Index("ix_log_batches_message", "athlete_id", "chat_message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(16))  # chat | done | import | run
    source_key: Mapped[str | None] = mapped_column(String(128))
    chat_message_id: Mapped[int | None] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(String(4000), default="")
    performed_on: Mapped[dt.date] = mapped_column(Date)
    states_before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime]


class SetLog(Base):
    """One performed set. Loads in kg (the added load for weighted bodyweight work)."""

    __tablename__ = "set_logs"
    __table_args__ = (
        Index("ix_set_logs_athlete_day", "athlete_id", "performed_on"),
        # The most reps at each load of an exercise (progression, PRs): from the index alone.
        Index("ix_set_logs_athlete_exercise", "athlete_id", "exercise", "load_kg", "reps"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    batch_id: Mapped[int] = mapped_column(ForeignKey("log_batches.id", ondelete="CASCADE"))
    performed_on: Mapped[dt.date] = mapped_column(Date)
    exercise: Mapped[str] = mapped_column(String(80))
    set_index: Mapped[int]
    reps: Mapped[int | None]
    seconds: Mapped[int | None]
    load_kg: Mapped[float | None]
    rpe: Mapped[float | None]
    per_side: Mapped[bool] = mapped_column(default=False)
    failed: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime]


class ExerciseStateRow(Base):
    """plans.ExerciseState as stored: where the athlete stands on one exercise."""

    __tablename__ = "exercise_states"

    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True
    )
    exercise: Mapped[str] = mapped_column(String(80), primary_key=True)
    working_load_kg: Mapped[float | None]
    target_reps: Mapped[int | None]
    e1rm_kg: Mapped[float | None]
    failures: Mapped[int] = mapped_column(default=0)
    sessions: Mapped[int] = mapped_column(default=0)
    best_e1rm_kg: Mapped[float | None]
    e1rm_on: Mapped[dt.date | None] = mapped_column(Date)  # the day e1rm_kg was last renewed
    reps_low: Mapped[int | None]  # the rep range working_load_kg and target_reps belong to
    reps_high: Mapped[int | None]
    updated_at: Mapped[dt.datetime]


class RunLog(Base):
    """A run the athlete reported. `planned`: a hard run on one of their hard-run days or a
    long run on their long-run day, which the plan already placed the lifting around; only
    unplanned hard and long runs hold the next heavy lift."""

    __tablename__ = "run_logs"
    __table_args__ = (
        Index("ix_run_logs_athlete_day", "athlete_id", "performed_on"),
        Index("ix_run_logs_athlete_start", "athlete_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("log_batches.id", ondelete="CASCADE"))
    performed_on: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(8))  # easy | hard | long
    distance_km: Mapped[float | None]
    planned: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime]
    # From a watch file (source "file"); typed runs have only the day and maybe a distance.
    source: Mapped[str] = mapped_column(String(8), default="typed", server_default="typed")
    started_at: Mapped[dt.datetime | None]
    moving_s: Mapped[int | None]
    elevation_m: Mapped[float | None]
    avg_hr: Mapped[int | None]


class Niggle(Base):
    """A niggle the athlete reported ("knee 3/10", "achilles sore"): a body region and, when
    given, how bad on 0-10. Part of the log batch of the message that said it (/undo and an
    edit take it back); the latest report per region is the current one."""

    __tablename__ = "niggles"
    __table_args__ = (Index("ix_niggles_athlete_day", "athlete_id", "reported_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("log_batches.id", ondelete="CASCADE"))
    reported_on: Mapped[dt.date] = mapped_column(Date)
    region: Mapped[str] = mapped_column(String(16))
    score: Mapped[int | None]
    created_at: Mapped[dt.datetime]


class PlanChange(Base):
    """The athlete skipped a day's session or moved it to another day."""

    __tablename__ = "plan_changes"

    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    action: Mapped[str] = mapped_column(String(8))  # skip | move
    to_day: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime]
