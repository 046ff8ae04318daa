"""The coach's core, built once: storage, the use-cases with their dependencies passed in,
the dispatcher every chat adapter talks to, and the delivery service."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Collection
from dataclasses import dataclass

from bot.clock import Clock
from bot.coach.account import Account
from bot.coach.body import Body
from bot.coach.daily import Daily
from bot.coach.delivery import DeliveryService
from bot.coach.dispatcher import Dispatcher
from bot.coach.history import History
from bot.coach.logbook import Logbook
from bot.coach.onboarding import Onboarding
from bot.coach.settings import Settings as SettingsUseCases
from bot.coach.summary import compose_weekly
from bot.coach.transfer import Transfer
from bot.settings import Settings
from db.engine import Database
from db.uow import Storage


@dataclass(frozen=True)
class CoreConfig:
    """What the core needs from the operator's settings."""

    catchup_hours: float = 6.0
    delivery_lease: dt.timedelta = dt.timedelta(minutes=2)
    admins: Collection[int] = ()


# How long an applied chat event is remembered. Platforms re-deliver within minutes (a
# Telegram update not yet confirmed, a Discord gateway resume); a week is ample.
EVENT_MEMORY = dt.timedelta(days=7)
TIDY_EVERY = dt.timedelta(hours=1)


@dataclass
class Core:
    database: Database
    storage: Storage
    clock: Clock
    delivery: DeliveryService
    dispatcher: Dispatcher
    _tidied: dt.datetime | None = None

    async def tidy(self) -> int:
        """Forget chat events older than `EVENT_MEMORY`, at most once per `TIDY_EVERY`
        (each adapter's delivery tick calls it). Returns how many were forgotten."""
        now = self.clock.now()
        if self._tidied is not None and now - self._tidied < TIDY_EVERY:
            return 0
        self._tidied = now
        async with self.storage.write() as unit:
            return await unit.events.prune(now - EVENT_MEMORY)


def freeze_start_up() -> int:
    """Called once a platform has started: what start-up built (the chat library, SQLAlchemy's
    mappers, the plans' tables) lives as long as the process, so it is frozen and the
    collector's full passes (~100 ms each in `make bench`) skip it instead of walking it every
    time. The number of objects frozen; the platform's shutdown thaws them (`gc.unfreeze`)."""
    gc.freeze()
    return gc.get_freeze_count()


def build_core(database: Database, clock: Clock, config: CoreConfig = CoreConfig()) -> Core:
    storage = Storage(database)
    delivery = DeliveryService(
        storage,
        clock,
        catchup_hours=config.catchup_hours,
        lease=config.delivery_lease,
        weekly=compose_weekly,
    )
    body = Body(storage, clock)
    logbook = Logbook(storage, clock, body)
    dispatcher = Dispatcher(
        onboarding=Onboarding(storage, clock, delivery, logbook),
        settings=SettingsUseCases(storage, clock),
        daily=Daily(storage, clock, delivery, logbook),
        logbook=logbook,
        history=History(storage, clock),
        transfer=Transfer(storage, clock),
        body=body,
        account=Account(storage, clock, config.admins),
    )
    return Core(database, storage, clock, delivery, dispatcher)


def config_of(settings: Settings) -> CoreConfig:
    """The core's part of the operator's settings."""
    return CoreConfig(
        catchup_hours=settings.catchup_hours,
        delivery_lease=dt.timedelta(seconds=settings.delivery_lease_seconds),
        admins=tuple(settings.admin_user_ids),
    )


async def open_core(settings: Settings, clock: Clock) -> Core:
    """The operator's database (schema upgraded) and the core on it."""
    from db.migrate import upgrade

    database = Database(settings.database_url)
    await upgrade(database.write_engine)
    return build_core(database, clock, config_of(settings))
