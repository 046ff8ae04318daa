"""Schema upgrades through Alembic, callable from the bot's start-up and `runstrong db upgrade`."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str = "") -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def upgrade(engine: AsyncEngine) -> None:
    """Bring the schema to the newest revision over an existing engine (idempotent).

    On PostgreSQL an advisory lock makes concurrent replicas upgrade one at a time.
    """
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.exec_driver_sql("SELECT pg_advisory_xact_lock(727274)")

        def _upgrade(sync_connection: object) -> None:
            config = alembic_config()
            config.attributes["connection"] = sync_connection
            command.upgrade(config, "head")

        await connection.run_sync(_upgrade)
