"""`runstrong`: run the Telegram bot, the local chat, schema upgrades and plan previews."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path
from urllib.parse import urlparse

from bot.settings import Settings, SettingsError, configure_logging, load_settings

log = logging.getLogger("runstrong")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="runstrong", description="RunStrong: a strength coach for runners, in a chat."
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("start", help="Telegram when TELEGRAM_BOT_TOKEN is set, else the local chat")
    sub.add_parser("run", help="run the Telegram bot (long polling, or webhook if WEBHOOK_URL)")
    sub.add_parser("chat", help="chat with the coach in this terminal (no token, no network)")
    db = sub.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"])
    plan = sub.add_parser("plan", help="preview the plan for a profile")
    plan.add_argument("--profile", required=True, type=Path, help="profile JSON file")
    plan.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    plan.add_argument("--weeks", type=int, default=4)
    plan.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def fast_event_loop() -> None:
    """Run on uvloop where it is installed (not on Windows): the same asyncio API, and in
    `make bench` about 15 % less CPU per update than the standard loop."""
    try:
        import uvloop
    except ImportError:
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def run_telegram(settings: Settings) -> None:
    from telegram import Update

    from bot.app import build_application

    fast_event_loop()
    application = build_application(settings)
    if settings.webhook_url:
        log.info(
            "Starting RunStrong on Telegram (webhook %s)", urlparse(settings.webhook_url).netloc
        )
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlparse(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret.get_secret_value()
            if settings.webhook_secret
            else None,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        log.info("Starting RunStrong on Telegram (long polling)")
        application.run_polling(allowed_updates=Update.ALL_TYPES, timeout=settings.poll_timeout)


def run_chat(settings: Settings) -> None:
    from bot.localchat import LocalChat

    asyncio.run(LocalChat(settings).run())


def db_upgrade(settings: Settings) -> None:
    from db.engine import Database
    from db.migrate import upgrade

    async def go() -> None:
        database = Database(settings.database_url)
        try:
            await upgrade(database.write_engine)
        finally:
            await database.dispose()

    asyncio.run(go())
    print("Database schema is up to date.")


def plan_preview(args: argparse.Namespace) -> int:
    import datetime as dt

    from plans.preview import preview_json, preview_text
    from plans.profile import Profile, ProfileError

    try:
        raw = json.loads(args.profile.read_text())
        profile = Profile.from_dict(raw)
        start = dt.date.fromisoformat(args.start)
    except FileNotFoundError:
        print(f"error: profile file {args.profile} not found", file=sys.stderr)
        return 2
    except json.JSONDecodeError as exc:
        print(
            f"error: {args.profile} is not valid JSON ({exc.msg}, line {exc.lineno})",
            file=sys.stderr,
        )
        return 2
    except ProfileError as exc:
        print(f"error: invalid profile field {exc.field}: {exc.message}", file=sys.stderr)
        return 2
    except ValueError:
        print(f"error: --from {args.start!r} is not a date like 2026-11-23", file=sys.stderr)
        return 2
    if not 1 <= args.weeks <= 104:
        print("error: --weeks must be between 1 and 104", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(preview_json(profile, start, args.weeks), indent=2))
    else:
        print(preview_text(profile, start, args.weeks))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "start"
    if command == "plan":
        return plan_preview(args)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.token)
    if command == "db":
        db_upgrade(settings)
        return 0
    if command == "run" or (command == "start" and settings.token):
        if not settings.token:
            print(
                "Configuration error: TELEGRAM_BOT_TOKEN is missing; set it to the token "
                "@BotFather gave you (or use `runstrong chat` for the local chat).",
                file=sys.stderr,
            )
            return 2
        print("Starting RunStrong on Telegram (TELEGRAM_BOT_TOKEN is set).", file=sys.stderr)
        run_telegram(settings)
        return 0
    print("No TELEGRAM_BOT_TOKEN set: starting the local terminal chat.", file=sys.stderr)
    logging.getLogger().setLevel(logging.WARNING)
    run_chat(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
