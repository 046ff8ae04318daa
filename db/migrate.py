"""Schema upgrades through Alembic, callable from the bot's start-up and `runstrong db upgrade`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str = "") -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema to `revision` (the newest by default) over an existing engine
    (idempotent).

    On PostgreSQL an advisory lock makes concurrent replicas upgrade one at a time. On
    SQLite foreign keys are off while migrating: a batch migration rebuilds a table (copy,
    drop, rename), and dropping a parent table with them on deletes its children's rows.
    """
    sqlite = engine.dialect.name == "sqlite"
    async with engine.connect() as connection:
        if sqlite:
            await _foreign_keys(connection, on=False)
        try:
            async with connection.begin():
                if connection.dialect.name == "postgresql":
                    await connection.exec_driver_sql("SELECT pg_advisory_xact_lock(727274)")

                def _upgrade(sync_connection: object) -> None:
                    config = alembic_config()
                    config.attributes["connection"] = sync_connection
                    command.upgrade(config, revision)

                await connection.run_sync(_upgrade)
        finally:
            if sqlite:
                await _foreign_keys(connection, on=True)


async def _foreign_keys(connection: AsyncConnection, *, on: bool) -> None:
    """SQLite's foreign key enforcement, switched outside any transaction (inside one the
    pragma does nothing): on the driver's connection, which is in autocommit mode."""
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    await driver.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
