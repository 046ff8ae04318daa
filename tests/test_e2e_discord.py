"""Discord end to end: the real bot process (`python -m bot`) against the fake Discord, over
real HTTP (REST, signed interactions) and a real gateway websocket.

After every test the fake saw no request breaking Discord's limits and no route Discord
doesn't have, nothing was apologised for, and no bot log shows a traceback (each bot is
stopped gracefully first). What depends on the database runs on SQLite and PostgreSQL; the
slash commands and the wait for a delivery minute on SQLite only; two replicas need
PostgreSQL. The bot runs on the real clock: athletes live where it is about noon, so no
date changes under a test.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import itertools
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from db.engine import Database
from db.migrate import upgrade
from db.models import Athlete, Delivery, LogBatch, RunLog, SetLog
from fakes.activity_files import fit_run, gpx_run
from fakes.athletes import make_athlete
from fakes.bot_api import FakeBotApi
from fakes.discord_api import FakeDiscord
from fakes.processes import DiscordBot, fake_api_env, minute_soon, shifted
from plans.programs import day_label
from tests.conftest import TempDatabase

JSON = dict[str, Any]
MESSAGES = "POST /channels/{channel_id}/messages"
CALLBACK = "POST /interactions/{interaction_id}/{token}/callback"
HTTP_ANSWER = "HTTP interaction response"
APOLOGY = "Sorry — something went wrong"
RUNNER = 400_000_000_000_000_001  # Discord user ids are snowflakes
GUILD = 900_000_000_000_000_001
EPHEMERAL = 64
UTC = dt.UTC
SQLITE_ONLY = pytest.mark.parametrize("temp_db", ["sqlite"], indirect=True)


class Discord:
    """The fake Discord, the bot processes started against it, and a runner's side of
    their DM with the bot."""

    def __init__(self, fake: FakeDiscord, url: str, tmp_path: Path) -> None:
        self.fake = fake
        self.url = url
        self.tmp_path = tmp_path
        self.bots: list[DiscordBot] = []

    def bot(self, *, interactions: bool = False, env: dict[str, str] | None = None) -> DiscordBot:
        bot = DiscordBot(
            self.fake, self.url, self.tmp_path, interactions=interactions, **(env or {})
        )
        self.bots.append(bot)
        return bot

    async def start(
        self, *, interactions: bool = False, env: dict[str, str] | None = None
    ) -> DiscordBot:
        """A bot process, once it has IDENTIFYed on the gateway (and serves interactions)."""
        return await self.bot(interactions=interactions, env=env).start()

    def channel(self, user: int) -> int:
        return self.fake.dm_channel_of(user)

    def mark(self) -> int:
        """Where to start looking for what the bot sends next."""
        return len(self.fake.sent_messages())

    def said(self, user: int, mark: int) -> list[str]:
        """The bot's messages in the DM since `mark` (created or edited)."""
        return [m["content"] for m in self.fake.sent_messages(self.channel(user))[mark:]]

    async def say(self, user: int, content: str, expect: str) -> JSON:
        """The runner writes in their DM; the first message the bot sends there after it
        that contains `expect`."""
        mark = self.mark()
        self.fake.dm_message(user, content)
        return await self.reply(user, expect, mark)

    async def reply(self, user: int, expect: str, mark: int) -> JSON:
        try:
            return await self.fake.wait_for_message(
                self.channel(user), contains=expect, start=mark, timeout=15
            )
        except TimeoutError:
            said = [text[:200] for text in self.said(user, mark)]
            raise AssertionError(f"no reply containing {expect!r}; the bot said {said}") from None

    def control(self, user: int, choice: str) -> tuple[JSON, str, list[str] | None] | None:
        """The newest of the bot's messages in the DM offering `choice`: a button with that
        custom_id, or a select menu with that option; (message, custom_id, values)."""
        channel, bot_id = self.channel(user), self.fake.bot_user["id"]
        for (cid, _), message in sorted(self.fake.messages.items(), reverse=True):
            if cid != channel or message["author"]["id"] != bot_id:
                continue
            for row in message.get("components") or []:
                for component in row.get("components") or []:
                    if component.get("custom_id") == choice:
                        return message, choice, None
                    if any(o.get("value") == choice for o in component.get("options") or []):
                        return message, str(component["custom_id"]), [choice]
        return None

    async def press(self, user: int, choice: str, *, url: str | None = None) -> JSON:
        """Press the button (or pick the select menu's option) `choice` once the bot offers
        it; the initial response (over the gateway, or POSTed to `url`)."""
        try:
            found = await self.fake.wait_until(lambda: self.control(user, choice), 15)
        except TimeoutError:
            said = [text[:200] for text in self.said(user, 0)[-3:]]
            raise AssertionError(f"no {choice!r} to press; the bot said {said}") from None
        message, custom_id, values = found
        payload = self.fake.component_interaction(user, message, custom_id, values=values)
        return await self.interact(payload, url=url)

    async def interact(self, payload: JSON, *, url: str | None = None) -> JSON:
        """An interaction over the gateway, or POSTed signed to `url` as Discord does; its
        initial response (the callback's body, or the endpoint's HTTP answer)."""
        if url is None:
            self.fake.send_interaction_gateway(payload)
        else:
            status, _ = await self.fake.post_interaction_http(url, payload)
            assert status == 200
        call = await self.fake.wait_for(
            lambda c: c.interaction_id == int(payload["id"]) and c.route in (CALLBACK, HTTP_ANSWER),
            timeout=15,
        )
        assert call.ok, (call.status, call.response)
        body: JSON = call.body
        return body


@pytest.fixture
async def discord(temp_db: TempDatabase, tmp_path: Path) -> AsyncIterator[Discord]:
    async with FakeDiscord() as fake:
        harness = Discord(fake, temp_db.url, tmp_path)
        try:
            yield harness
        finally:
            for bot in harness.bots:
                await bot.stop()
            for bot in harness.bots:  # shown when a test fails
                print(f"--- {bot.log_path.name}\n{bot.log()}")
    assert fake.violations == []
    assert fake.unknown_calls == []
    assert not [m for m in fake.sent_messages() if APOLOGY in str(m.get("content"))]
    for bot in harness.bots:
        assert "Traceback" not in bot.log(), bot.log_path.name


# --- athletes set up straight in the database, and what the database holds -----------------


def noon_zone(now: dt.datetime) -> str:
    """A fixed-offset zone where it is between 12:00 and 13:00 at `now` (the Etc zones'
    signs are inverted: Etc/GMT-5 is UTC+5)."""
    offset = 12 - now.hour
    if offset < -12:
        offset += 24
    if offset > 14:
        offset -= 24
    return f"Etc/GMT{-offset:+d}"


def minute_of(instant: dt.datetime) -> int:
    return instant.hour * 60 + instant.minute


async def set_up(
    url: str,
    people: dict[int, int],
    *,
    due: dt.datetime | None = None,
    platform: str = "discord",
) -> str:
    """Onboarded athletes (user id -> chat id) where it is about noon; returns their zone.
    Their daily message is due at `due`, a whole minute: scheduled by the bot itself when
    that is ahead, an open row here when it has just passed (due now); without `due`, hours
    away. Their weekly summary is on a weekday three days off."""
    now = dt.datetime.now(UTC)
    zone = noon_zone(now)
    local = (due or now + dt.timedelta(hours=3)).astimezone(ZoneInfo(zone))
    db = Database(url)
    try:
        await upgrade(db.write_engine)
        for user, chat in people.items():
            athlete_id = await make_athlete(
                db, user, now=now, timezone=zone, minute=minute_of(local),
                summary_day=(local.weekday() + 3) % 7, platform=platform, chat_id=chat,
            )  # fmt: skip
            if due is not None and due <= now:
                async with db.write() as session:
                    session.add(
                        Delivery(
                            athlete_id=athlete_id, platform=platform, kind="daily",
                            local_date=local.date(), due_at=due, status="pending",
                        )
                    )  # fmt: skip
    finally:
        await db.dispose()
    return zone


def today_in(zone: str) -> str:
    """How the day's message names today there ("Mon 30 Nov")."""
    return day_label(dt.datetime.now(ZoneInfo(zone)).date())


async def query(url: str, statement: Any) -> list[Any]:
    db = Database(url)
    try:
        async with db.read() as session:
            return list((await session.execute(statement)).all())
    finally:
        await db.dispose()


async def athlete(url: str, user: int, platform: str = "discord") -> Athlete:
    (row,) = await query(
        url, select(Athlete).where(Athlete.platform == platform, Athlete.user_id == user)
    )
    found: Athlete = row[0]
    return found


async def sets_of(url: str, user: int) -> list[tuple[str, int | None, float | None]]:
    return [
        (str(exercise), reps, load)
        for exercise, reps, load in await query(
            url,
            select(SetLog.exercise, SetLog.reps, SetLog.load_kg)
            .join(Athlete, Athlete.id == SetLog.athlete_id)
            .where(Athlete.user_id == user)
            .order_by(SetLog.id),
        )
    ]


async def batches(url: str) -> list[str]:
    """The texts of the stored logs, in the order they were stored."""
    return [text for (text,) in await query(url, select(LogBatch.text).order_by(LogBatch.id))]


def delivered(fake: FakeDiscord, channel: int) -> list[JSON]:
    """The messages the bot created in a channel (not edits, not interaction answers)."""
    return [
        c.response for c in fake.calls if c.route == MESSAGES and c.ok and c.channel_id == channel
    ]


# --- 1. onboarding ----------------------------------------------------------------------------

ONBOARDING_BUTTONS = [
    "ob:running_years:2plus",
    *(f"ob:running_days:{day}" for day in ("t1", "t3", "t5", "t6", "done")),  # Tue Thu Sat Sun
    "ob:long_run_day:6",
    "ob:hard_days:t1",
    "ob:hard_days:done",
    "ob:race:none",
    "ob:experience:some",
    "ob:equipment:gym",
    "ob:sessions:2",
    "ob:minutes:30",
    "ob:strength_days:done",
    "ob:delivery_time:420",
]


@SQLITE_ONLY
async def test_onboarding_in_a_dm_with_buttons_and_typed_answers(discord: Discord) -> None:
    user = RUNNER + 1
    bot = await discord.start(interactions=True)
    # Presses arrive over the gateway and over HTTP by turns.
    urls = itertools.cycle([None, bot.interactions_url])
    await discord.say(user, "/start", expect="How long have you been running?")
    kinds = [
        (await discord.press(user, choice, url=next(urls)))["type"] for choice in ONBOARDING_BUTTONS
    ]
    await discord.say(user, "Berlin", expect="in Berlin — right?")
    for choice in ("ob:timezone_confirm:yes", "ob:units:kg", "ob:known_loads:skip"):
        kinds.append((await discord.press(user, choice, url=next(urls)))["type"])
    mark = discord.mark()
    kinds.append((await discord.press(user, "ob:summary:confirm", url=next(urls)))["type"])
    done = await discord.reply(user, "You're all set", mark)
    assert "07:00" in done["content"] and "Berlin" in done["content"]
    # Every press answered at once: a new message (4), or its own message updated (7).
    assert set(kinds) == {4, 7}, kinds

    stored = await athlete(discord.url, user)
    assert stored.chat_id == discord.channel(user) and stored.status == "active"
    assert stored.timezone == "Europe/Berlin" and stored.delivery_minute == 420
    assert stored.profile is not None and stored.profile["hard_days"] == ["tue"]
    assert stored.onboarded_at is not None


# --- 2. set logs ------------------------------------------------------------------------------


async def test_dm_logs_are_answered_in_order_and_corrected_by_an_edit(discord: Discord) -> None:
    fake = discord.fake
    user = RUNNER + 2
    await set_up(discord.url, {user: discord.channel(user)})
    await discord.start()
    mark = discord.mark()
    message = fake.dm_message(user, "squat 3x5 60kg")
    logged = await discord.reply(user, "Logged", mark)
    assert "Next" in logged["content"]
    assert await sets_of(discord.url, user) == [("back_squat", 5, 60.0)] * 3

    mark = discord.mark()
    fake.edit_dm_message(message["id"], "squat 3x5 65kg")  # MESSAGE_UPDATE
    corrected = await discord.reply(user, "Corrected", mark)
    assert "65 kg" in corrected["content"]
    assert await sets_of(discord.url, user) == [("back_squat", 5, 65.0)] * 3

    # A burst: each answered, in the order it was sent (hikari hands each gateway event to
    # a task of its own; nothing may overtake the message before it).
    mark = discord.mark()
    burst = [f"bench 3x8 {load}kg" for load in range(40, 48)]
    for text in burst:
        fake.dm_message(user, text)
    await fake.wait_until(lambda: sum("Logged" in t for t in discord.said(user, mark)) == 8)
    answers = [t for t in discord.said(user, mark) if "Logged" in t]
    loads = [next(n for n in range(40, 48) if f"@ {n} kg" in t) for t in answers]
    assert loads == list(range(40, 48)), answers
    assert await batches(discord.url) == ["squat 3x5 65kg", *burst]


# --- 3. slash commands --------------------------------------------------------------------------


@SQLITE_ONLY
async def test_today_in_a_server_points_to_the_dm_and_in_the_dm_shows_the_plan(
    discord: Discord,
) -> None:
    fake = discord.fake
    user = RUNNER + 3
    channel = discord.channel(user)
    today = today_in(await set_up(discord.url, {user: channel}))
    bot = await discord.start(interactions=True)

    def points_to_the_dm(answer: JSON) -> None:
        data = answer["data"]
        assert data["flags"] & EPHEMERAL, answer  # seen by them alone
        assert "private chat" in data["content"] and today not in data["content"]
        links = [c.get("url") for row in data["components"] for c in row["components"]]
        assert links == [f"https://discord.com/channels/@me/{channel}"]

    # In a server channel, over the gateway and as a signed HTTP POST.
    for url in (None, bot.interactions_url):
        answer = await discord.interact(
            fake.command_interaction(user, "today", guild_id=GUILD), url=url
        )
        assert answer["type"] == 4
        points_to_the_dm(answer)

    # In the DM: the day's plan, both ways.
    for url in (None, bot.interactions_url):
        answer = await discord.interact(fake.command_interaction(user, "today"), url=url)
        assert answer["type"] == 4 and not answer["data"].get("flags"), answer
        assert today in answer["data"]["content"]

    # A command that always defers (charts take time) answers by editing its deferred
    # response; over HTTP that response exists only once the endpoint's answer is sent.
    slow = fake.command_interaction(user, "progress", {"exercise": "squat"}, guild_id=GUILD)
    assert await discord.interact(slow, url=bot.interactions_url) == {
        "type": 5,
        "data": {"flags": EPHEMERAL},
    }
    edit = await fake.wait_for(
        lambda c: c.interaction_id == int(slow["id"]) and c.method == "PATCH"
    )
    assert edit.ok, edit.response
    points_to_the_dm({"data": edit.response})

    # What Discord checks before it trusts an endpoint: PINGs answered, bad signatures not.
    status, pong = await fake.post_interaction_http(bot.interactions_url, fake.ping_interaction())
    assert (status, pong) == (200, {"type": 1})
    forged = fake.command_interaction(user, "today")
    status, _ = await fake.post_interaction_http(bot.interactions_url, forged, bad_signature=True)
    assert status == 401
    await asyncio.sleep(0.2)
    assert not fake.interaction_responses(forged["id"])


# --- 4. and 5. the daily message ----------------------------------------------------------------


@SQLITE_ONLY
async def test_the_daily_dm_arrives_at_the_local_time_once(discord: Discord) -> None:
    user = RUNNER + 4
    channel = discord.channel(user)
    zone = await set_up(discord.url, {user: channel})
    # Delivery times are whole minutes: the bot's clock is shifted so that the next one
    # comes 10 s from now (time to start and set it).
    due, clock = minute_soon(10.0)
    await discord.start(env=clock)
    await discord.say(user, "/time", expect="When should your daily workout arrive?")
    local = due.astimezone(ZoneInfo(zone))
    await discord.say(user, f"{local:%H:%M}", expect=f"Daily message at {local:%H:%M}")
    mark = discord.mark()
    message = await discord.fake.wait_for_message(channel, start=mark, timeout=75)
    (call,) = [c for c in discord.fake.calls if c.route == MESSAGES and c.response == message]
    arrived = shifted(clock, time.time() - (time.monotonic() - call.timestamp))
    assert due.timestamp() - 0.5 <= arrived <= due.timestamp() + 5, arrived - due.timestamp()
    assert day_label(local.date()) in message["content"]
    assert "Sent late" not in message["content"]
    await asyncio.sleep(1.0)  # a second copy would show by now
    assert discord.fake.sent_messages(channel)[mark:] == [message]


async def test_a_429_storm_delivers_once_each_and_a_403_pauses(discord: Discord) -> None:
    fake = discord.fake
    users = [RUNNER + 50 + n for n in range(8)]
    blocked = users[-1]
    channels = {user: discord.channel(user) for user in users}
    due = dt.datetime.now(UTC).replace(second=0, microsecond=0)  # due now
    await set_up(discord.url, channels, due=due)
    # Twelve 429s on sending a message (each holding its channel's bucket for a second),
    # then a global one; and one athlete who can't be messaged (DMs closed, bot blocked).
    fake.fail_next(MESSAGES, 429, retry_after=1.0, count=12)
    fake.fail_next(MESSAGES, 429, retry_after=0.5, global_=True)
    fake.block_user(blocked)
    await discord.start()

    def settled() -> bool:
        refused = [c for c in fake.calls if c.channel_id == channels[blocked] and c.status == 403]
        return bool(refused) and all(delivered(fake, channels[u]) for u in users[:-1])

    await fake.wait_until(settled, timeout=30)
    assert fake.rate_limited_count >= 13
    await asyncio.sleep(0.5)  # anything sent twice would show by now
    assert [len(delivered(fake, channels[u])) for u in users] == [1] * 7 + [0]
    statuses = dict(await query(discord.url, select(Athlete.user_id, Athlete.status)))
    assert statuses == {**dict.fromkeys(users, "active"), blocked: "blocked"}

    fake.unblock_user(blocked)  # they let the bot message them again, and write
    notice = await discord.say(blocked, "hello?", expect="couldn't deliver")
    assert "/resume" in notice["content"]


# --- 6. durability --------------------------------------------------------------------------------


async def test_sigkill_mid_onboarding_resumes_at_the_next_question(discord: Discord) -> None:
    user = RUNNER + 6
    bot = await discord.start()
    try:
        await discord.say(user, "/start", expect="How long have you been running?")
        for choice in ONBOARDING_BUTTONS[:5]:  # how long; Tue Thu Sat Sun
            await discord.press(user, choice)
        mark = discord.mark()
        await discord.press(user, "ob:running_days:done")
        await discord.reply(user, "Which day is your long run?", mark)
    finally:
        bot.kill()  # no goodbye

    await discord.start()
    mark = discord.mark()
    await discord.say(user, "sunday", expect="hard sessions")
    asked = discord.said(user, mark)
    assert not any("Which days do you run" in q or "How long" in q for q in asked), asked
    await discord.press(user, "ob:hard_days:t1")
    mark = discord.mark()
    await discord.press(user, "ob:hard_days:done")
    await discord.reply(user, "Are you training for a race?", mark)


# --- 7. duplicates --------------------------------------------------------------------------------


async def test_a_duplicate_event_is_applied_once(discord: Discord) -> None:
    fake = discord.fake
    user = RUNNER + 7
    await set_up(discord.url, {user: discord.channel(user)})
    bot = await discord.start()
    mark = discord.mark()
    message = fake.dm_message(user, "squat 3x5 60kg")
    fake.dispatch("MESSAGE_CREATE", copy.deepcopy(message))  # Discord sends it twice
    await fake.send_reconnect()  # a RESUME replays what was sent meanwhile: once more
    fake.dispatch("MESSAGE_CREATE", copy.deepcopy(message))
    edited = fake.edit_dm_message(message["id"], "squat 3x5 62.5kg")
    fake.dispatch("MESSAGE_UPDATE", copy.deepcopy(edited))
    # DMs are handled in order: once this is answered, everything before it was handled.
    await discord.say(user, "bench 3x8 40kg", expect="Bench press")
    assert fake.resumes
    bot.kill()

    # After a restart (the process's memory of recent events gone), once more.
    await discord.start()
    fake.dispatch("MESSAGE_CREATE", copy.deepcopy(message))
    fake.dispatch("MESSAGE_UPDATE", copy.deepcopy(edited))
    await discord.say(user, "row 3x8 30kg", expect="row")
    replies = discord.said(user, mark)
    assert sum("Logged" in r for r in replies) == 3, replies  # squat, bench, row
    assert sum("Corrected" in r for r in replies) == 1, replies
    assert await batches(discord.url) == ["squat 3x5 62.5kg", "bench 3x8 40kg", "row 3x8 30kg"]
    squats = [s for s in await sets_of(discord.url, user) if s[0] == "back_squat"]
    assert squats == [("back_squat", 5, 62.5)] * 3


# --- 8. replicas ----------------------------------------------------------------------------------


@pytest.mark.parametrize("temp_db", ["postgresql"], indirect=True)
async def test_two_replicas_hold_one_gateway_and_fail_over(discord: Discord) -> None:
    fake = discord.fake
    user = RUNNER + 8
    today = today_in(await set_up(discord.url, {user: discord.channel(user)}))
    a = await discord.start(interactions=True)
    b = await discord.bot(interactions=True).start(gateway=False)  # serves, waits for the lock
    await discord.say(user, "squat 3x5 60kg", expect="Logged")
    for replica in (a, b):  # interactions reach whichever replica the balancer picks
        payload = fake.command_interaction(user, "today")
        answer = await discord.interact(payload, url=replica.interactions_url)
        assert today in answer["data"]["content"], answer
    assert len(fake.identifies) == 1

    a.kill()
    killed = time.monotonic()
    await fake.wait_until(lambda: len(fake.identifies) == 2, timeout=10)
    assert time.monotonic() - killed < 6  # the lock's retry interval and a connection
    await discord.say(user, "bench 3x8 40kg", expect="Logged")
    payload = fake.command_interaction(user, "today", guild_id=GUILD)
    answer = await discord.interact(payload, url=b.interactions_url)
    assert answer["data"]["flags"] & EPHEMERAL
    # One gateway connection at a time, all along.
    sessions = sorted((c for c in fake.connections if c.identified), key=lambda c: c.opened_at)
    for earlier, later in itertools.pairwise(sessions):
        assert earlier.closed_at is not None and earlier.closed_at <= later.opened_at


# --- 9. Telegram and Discord in one process -------------------------------------------------------


@SQLITE_ONLY
async def test_telegram_and_discord_in_one_process(api: FakeBotApi, discord: Discord) -> None:
    """(The fake Bot API comes first, so that it is still there when the bot stops.)"""
    fake = discord.fake
    same = 123_456_789  # one user id on both platforms: two athletes
    channel = discord.channel(same)
    due = dt.datetime.now(UTC).replace(second=0, microsecond=0)  # due now
    await set_up(discord.url, {same: channel}, due=due)
    await set_up(discord.url, {same: same}, due=due, platform="telegram")
    telegram = {k: v for k, v in fake_api_env(api).items() if k.startswith("TELEGRAM_")}
    await discord.start(env={"POLL_TIMEOUT": "1", **telegram})

    # Each gets their daily message on their own platform.
    await api.wait_for_message(same, timeout=15)
    await fake.wait_until(lambda: delivered(fake, channel), timeout=15)

    # Both log, and a newcomer starts on each.
    mark = len(api.calls)
    api.push_text(same, "squat 3x5 60kg")
    await discord.say(same, "deadlift 3x5 80kg", expect="Logged")
    await api.wait_for_message(same, contains="Logged", start=mark)
    newcomer = 7_777
    api.push_command(newcomer, "start")
    await discord.say(newcomer, "/start", expect="How long have you been running?")
    await api.wait_for_message(newcomer, contains="How long have you been running?")
    await asyncio.sleep(0.5)  # a message sent the wrong way would show by now

    assert {str(c.params["chat_id"]) for c in api.calls if "chat_id" in c.params} == {
        str(same),
        str(newcomer),
    }
    assert {c.channel_id for c in fake.calls if c.route == MESSAGES} == {
        channel,
        discord.channel(newcomer),
    }
    athletes = {(a.platform, a.user_id): a for (a,) in await query(discord.url, select(Athlete))}
    assert set(athletes) == {
        ("telegram", same), ("discord", same), ("telegram", newcomer), ("discord", newcomer),
    }  # fmt: skip
    assert athletes["telegram", same].chat_id == same
    assert athletes["discord", same].chat_id == channel
    assert athletes["discord", newcomer].chat_id == discord.channel(newcomer)
    sent = await query(
        discord.url,
        select(Delivery.platform, Athlete.platform)
        .join(Athlete, Athlete.id == Delivery.athlete_id)
        .where(Delivery.status == "sent"),
    )
    assert sorted(sent) == [("discord", "discord"), ("telegram", "telegram")]
    logs = await query(
        discord.url,
        select(Athlete.platform, SetLog.exercise).join(Athlete, Athlete.id == SetLog.athlete_id),
    )
    assert set(logs) == {("telegram", "back_squat"), ("discord", "deadlift")}


# --- 10. the real running week ------------------------------------------------------------------


@SQLITE_ONLY
async def test_watch_files_in_a_dm_and_a_niggle(discord: Discord) -> None:
    """Two watch files in one DM: each read, stored and answered with a tap to correct
    it; a niggle typed in the DM is noted."""
    fake = discord.fake
    user = RUNNER + 10
    await set_up(discord.url, {user: discord.channel(user)})
    await discord.start()
    start = dt.datetime.now(UTC) - dt.timedelta(days=2)
    mark = discord.mark()
    fake.dm_message(
        user, "", attachments=[
            ("tuesday.fit", fit_run(start, 10, 55, hr=140)),
            ("thursday.gpx", gpx_run(start + dt.timedelta(days=1), 8, 44, hr=142)),
        ],
    )  # fmt: skip
    await fake.wait_until(lambda: sum("run" in t for t in discord.said(user, mark)) >= 2)
    first, second = [t for t in discord.said(user, mark) if " run" in t][:2]
    assert "10.0 km" in first and "8.0 km" in second
    assert discord.control(user, "rk:1:hard") is not None  # one tap corrects it
    (kinds,) = await query(discord.url, select(func.count()).select_from(RunLog))
    assert kinds == (2,)

    noted = await discord.say(user, "achilles sore", expect="Noted")
    assert "Achilles" in noted["content"]
