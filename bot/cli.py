"""`runstrong`: run the Telegram bot, the local chat, schema upgrades, plan previews and
whole-block simulations."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import Any
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
    sim = sub.add_parser("simulate", help="run the real coach day by day for a simulated athlete")
    sim.add_argument("--profile", required=True, type=Path, help="profile JSON file")
    sim.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    sim.add_argument("--weeks", type=int, default=12)
    sim.add_argument(
        "--policy",
        default="prescribed",
        help="how the athlete logs: prescribed, top, mid, short or none",
    )
    sim.add_argument(
        "--known",
        action="append",
        default=[],
        metavar="EXERCISE=LOADxREPS",
        help="a lift the athlete knows, in their unit, e.g. back_squat=100x5 (repeatable)",
    )
    sim.add_argument("--json", action="store_true", help="print JSON instead of the table")
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
    from handlers.terminal.chat import run_local_chat

    asyncio.run(run_local_chat(settings))


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


def _profile_and_start(args: argparse.Namespace) -> tuple[Any, Any] | None:
    """The --profile and --from of `plan` and `simulate`; None after printing the one-line
    error."""
    import datetime as dt

    from plans.profile import Profile, ProfileError

    try:
        raw = json.loads(args.profile.read_text())
        profile = Profile.from_dict(raw)
        start = dt.date.fromisoformat(args.start)
    except FileNotFoundError:
        print(f"error: profile file {args.profile} not found", file=sys.stderr)
        return None
    except json.JSONDecodeError as exc:
        print(
            f"error: {args.profile} is not valid JSON ({exc.msg}, line {exc.lineno})",
            file=sys.stderr,
        )
        return None
    except ProfileError as exc:
        print(f"error: invalid profile field {exc.field}: {exc.message}", file=sys.stderr)
        return None
    except ValueError:
        print(f"error: --from {args.start!r} is not a date like 2026-11-23", file=sys.stderr)
        return None
    if not 1 <= args.weeks <= 104:
        print("error: --weeks must be between 1 and 104", file=sys.stderr)
        return None
    return profile, start


def plan_preview(args: argparse.Namespace) -> int:
    from plans.preview import preview_json, preview_text

    found = _profile_and_start(args)
    if found is None:
        return 2
    profile, start = found
    if args.json:
        print(json.dumps(preview_json(profile, start, args.weeks), indent=2))
    else:
        print(preview_text(profile, start, args.weeks))
    return 0


def simulate(args: argparse.Namespace) -> int:
    from bot import simulate as sim

    found = _profile_and_start(args)
    if found is None:
        return 2
    profile, start = found
    if args.policy not in sim.POLICIES:
        print(
            f"error: --policy {args.policy!r} is not one of {', '.join(sim.POLICIES)}",
            file=sys.stderr,
        )
        return 2
    try:
        known = [sim.parse_known(text, profile.units) for text in args.known]
    except sim.SimulationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING)
    days = asyncio.run(sim.simulate(profile, start, args.weeks, args.policy, known))
    if args.json:
        print(json.dumps([d.to_json() for d in days], indent=2))
    else:
        print(sim.table(days, profile))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "start"
    if command == "plan":
        return plan_preview(args)
    if command == "simulate":
        return simulate(args)
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
