"""Tests for the fake Discord, driven by hikari's real REST client, gateway bot and REST bot."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
import zlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import hikari
import nacl.exceptions
import nacl.signing
import pytest
from aiohttp import web
from hikari.impl.rest import RESTClientImpl

from fakes.discord_api import (
    INTENT_DIRECT_MESSAGES,
    FakeDiscord,
    make_token,
    token_user_id,
)

USER = 424242424242424242
OTHER = 515151515151515151
MESSAGES = "POST /channels/{channel_id}/messages"


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        yield server


@pytest.fixture
async def rest(fake: FakeDiscord) -> AsyncIterator[RESTClientImpl]:
    app = hikari.RESTApp(url=fake.api_url)
    await app.start()
    try:
        async with app.acquire(fake.token, hikari.TokenType.BOT) as client:
            yield client
    finally:
        await app.close()


async def raw(
    fake: FakeDiscord, method: str, path: str, body: Any = None, *, auth: bool = True
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bot {fake.token}"} if auth else {}
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, fake.api_url + path, json=body, headers=headers) as resp,
    ):
        return resp.status, await resp.json() if resp.content_type == "application/json" else None


def button_row(rest: RESTClientImpl, *custom_ids: str) -> hikari.api.MessageActionRowBuilder:
    row = rest.build_message_action_row()
    for custom_id in custom_ids:
        row.add_interactive_button(hikari.ButtonStyle.PRIMARY, custom_id, label=custom_id.title())
    return row


# ---------------------------------------------------------------------------------- REST
async def test_token_shape_and_auth(fake: FakeDiscord, rest: RESTClientImpl) -> None:
    token = make_token(USER)
    _, middle, tail = token.split(".")
    assert len(middle) == 6 and len(tail) >= 27
    assert token_user_id(token) == USER
    assert hikari.applications.get_token_id(fake.token) == int(fake.bot_user["id"])

    me = await rest.fetch_my_user()
    assert me.id == int(fake.bot_user["id"]) and me.is_bot and me.username == "RunStrong"
    app = hikari.RESTApp(url=fake.api_url)
    await app.start()
    try:
        async with app.acquire(make_token(OTHER), hikari.TokenType.BOT) as wrong:
            with pytest.raises(hikari.UnauthorizedError):
                await wrong.fetch_my_user()
    finally:
        await app.close()
    assert [c.status for c in fake.calls] == [200, 401]
    assert fake.unknown_calls == []


async def test_application_gateway_commands_and_dm_channel(
    fake: FakeDiscord, rest: RESTClientImpl
) -> None:
    application = await rest.fetch_application()
    assert application.id == fake.application_id
    assert application.public_key == bytes.fromhex(fake.public_key_hex)
    info = await rest.fetch_gateway_bot_info()
    assert info.url == fake.gateway_url and info.shard_count == 1

    plan = rest.slash_command_builder("plan", "Today's session").add_option(
        hikari.CommandOption(type=hikari.OptionType.STRING, name="day", description="Which day")
    )
    first = await rest.set_application_commands(
        fake.application_id, [plan, rest.slash_command_builder("log", "Log a set")]
    )
    assert [c.name for c in first] == ["plan", "log"] and all(c.id for c in first)
    again = await rest.set_application_commands(fake.application_id, [plan])
    assert again[0].id == first[0].id  # same name keeps its id, like Discord
    fetched = await rest.fetch_application_commands(fake.application_id)
    assert [c.name for c in fetched] == ["plan"]
    assert [c["name"] for c in fake.global_commands] == ["plan"]

    dm = await rest.create_dm_channel(USER)
    assert dm.type == hikari.ChannelType.DM and dm.recipient.id == USER
    assert (await rest.create_dm_channel(USER)).id == dm.id == fake.dm_channel_of(USER)
    assert (await rest.create_dm_channel(OTHER)).id != dm.id
    channel = await rest.fetch_channel(dm.id)
    assert isinstance(channel, hikari.DMChannel) and channel.recipient.id == USER
    assert fake.unknown_calls == [] and fake.violations == []


async def test_message_with_components_and_file(fake: FakeDiscord, rest: RESTClientImpl) -> None:
    dm = await rest.create_dm_channel(USER)
    menu_row = rest.build_message_action_row()
    menu = menu_row.add_text_menu("rpe", placeholder="How hard?", min_values=1, max_values=1)
    for value in ("6", "7", "8"):
        menu.add_option(f"RPE {value}", value)
    rows = [button_row(rest, "done", "skip"), menu_row]
    csv = b"date,km\n2024-05-01,5\n"
    sent = await rest.create_message(
        dm.id, "Squats 3x5", components=rows, attachment=hikari.Bytes(csv, "plan.csv")
    )
    assert sent.content == "Squats 3x5" and sent.author.id == int(fake.bot_user["id"])
    assert len(sent.components) == 2 and sent.components[0].id == 1  # ids filled in by Discord
    assert len(sent.attachments) == 1 and sent.attachments[0].filename == "plan.csv"
    async with aiohttp.ClientSession() as session, session.get(sent.attachments[0].url) as got:
        assert await got.read() == csv

    stored = fake.message(dm.id, sent.id)
    assert [c["custom_id"] for c in stored["components"][0]["components"]] == ["done", "skip"]
    assert fake.attachment_bytes(stored["attachments"][0]) == csv
    call = fake.calls[-1]
    assert call.route == MESSAGES and call.files[0].content == csv
    assert call.body["content"] == "Squats 3x5"

    edited = await rest.edit_message(dm.id, sent.id, "Squats 3x5 (done)", components=[])
    assert edited.edited_timestamp is not None and edited.components == []
    assert edited.attachments[0].filename == "plan.csv"  # kept: no attachments field sent
    assert [m["content"] for m in fake.sent_messages(dm.id)] == [
        "Squats 3x5",
        "Squats 3x5 (done)",
    ]
    message = await fake.wait_for_message(dm.id, contains="done")
    assert message["id"] == str(sent.id)
    assert fake.violations == [] and fake.unknown_calls == []


async def test_limit_violations_answer_400(fake: FakeDiscord, rest: RESTClientImpl) -> None:
    dm = await rest.create_dm_channel(USER)
    with pytest.raises(hikari.BadRequestError) as info:
        await rest.create_message(dm.id, "x" * 2001)
    assert info.value.code == 50035 and "content" in (info.value.errors or {})
    with pytest.raises(hikari.BadRequestError) as info:  # hikari itself lets 6 buttons through
        await rest.create_message(dm.id, "go", component=button_row(rest, *"abcdef"))
    assert info.value.code == 50035

    def row(*components: dict[str, Any]) -> dict[str, Any]:
        return {"type": 1, "components": list(components)}

    def button(custom_id: str, label: str = "Go") -> dict[str, Any]:
        return {"type": 2, "style": 1, "custom_id": custom_id, "label": label}

    path = f"/channels/{dm.id}/messages"
    cases = {
        "six rows": [row(button(f"b{i}")) for i in range(6)],
        "long label": [row(button("a", "L" * 81))],
        "long custom id": [row(button("c" * 101))],
        "duplicate custom id": [row(button("same")), row(button("same"))],
        "26 options": [
            row(
                {
                    "type": 3,
                    "custom_id": "pick",
                    "options": [{"label": str(i), "value": str(i)} for i in range(26)],
                }
            )
        ],
    }
    codes = {}
    for name, components in cases.items():
        status, body = await raw(fake, "POST", path, {"content": "x", "components": components})
        assert status == 400 and body["code"] == 50035, name
        codes[name] = body["errors"]
    assert codes["six rows"]["components"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
    assert "label" in codes["long label"]["components"]["0"]["components"]["0"]
    duplicate = codes["duplicate custom id"]["components"]["1"]["components"]["0"]["custom_id"]
    assert duplicate["_errors"][0]["code"] == "COMPONENT_CUSTOM_ID_DUPLICATED"
    assert "options" in codes["26 options"]["components"]["0"]["components"]["0"]
    status, body = await raw(fake, "POST", path, {"content": ""})
    assert (status, body["code"]) == (400, 50006)
    assert len(fake.violations) == 2 + len(cases) + 1
    assert fake.sent_messages() == []


async def test_429_is_waited_out_and_retried(fake: FakeDiscord, rest: RESTClientImpl) -> None:
    dm = await rest.create_dm_channel(USER)
    fake.fail_next(MESSAGES, 429, retry_after=0.3)
    fake.fail_next("POST /channels/*/messages", 429, retry_after=0.2, global_=True)
    sent = await rest.create_message(dm.id, "after the limits")
    assert sent.content == "after the limits"
    tries = [c for c in fake.calls if c.route == MESSAGES]
    assert tries[-1].status == 200 and all(c.status == 429 for c in tries[:-1])
    assert tries[0].response == {
        "message": "You are being rate limited.",
        "retry_after": 0.3,
        "global": False,
    }
    # The route limit holds for 0.3 s (hikari's sliding-window guess retries sooner and is
    # answered 429 again); then the global one, which hikari waits out before one retry.
    (global_429,) = [c for c in tries if c.status == 429 and c.response["global"]]
    assert global_429.timestamp - tries[0].timestamp >= 0.29
    assert tries[-1].timestamp - global_429.timestamp >= 0.19
    assert fake.rate_limited_count == len(tries) - 1


async def test_429_headers_are_discords(fake: FakeDiscord) -> None:
    fake.fail_next("GET /users/@me", 429, retry_after=2.5, global_=True)
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{fake.api_url}/users/@me", headers={"Authorization": f"Bot {fake.token}"}
        ) as resp,
    ):
        assert resp.status == 429
        assert resp.headers["Retry-After"] == "3"
        assert resp.headers["X-RateLimit-Remaining"] == "0"
        assert resp.headers["X-RateLimit-Reset-After"] == "2.500"
        assert float(resp.headers["X-RateLimit-Reset"]) > time.time()
        assert resp.headers["X-RateLimit-Scope"] == "global"
        assert resp.headers["X-RateLimit-Global"] == "true"
        for name in ("X-RateLimit-Limit", "X-RateLimit-Bucket"):
            assert resp.headers[name]


async def test_forbidden_50007_and_blocked_user(fake: FakeDiscord, rest: RESTClientImpl) -> None:
    dm = await rest.create_dm_channel(USER)
    other = await rest.create_dm_channel(OTHER)
    fake.fail_next(MESSAGES, 403, channel_id=dm.id)
    await rest.create_message(other.id, "other channel is not affected")
    with pytest.raises(hikari.ForbiddenError) as info:
        await rest.create_message(dm.id, "hi")
    assert info.value.code == 50007 and info.value.message == "Cannot send messages to this user"
    await rest.create_message(dm.id, "only once")
    fake.block_user(USER)
    with pytest.raises(hikari.ForbiddenError):
        await rest.create_message(dm.id, "blocked")
    assert [c.error_code for c in fake.calls if c.route == MESSAGES] == [None, 50007, None, 50007]


async def test_enforced_global_limit_and_unknown_routes(
    fake: FakeDiscord, rest: RESTClientImpl
) -> None:
    dm = await rest.create_dm_channel(USER)
    fake.enforce_limits(global_per_s=4)
    await asyncio.gather(*(rest.create_message(dm.id, f"n{i}") for i in range(6)))
    assert fake.rate_limited_count >= 1
    assert len(fake.sent_messages(dm.id)) == 6
    fake.enforce_limits(None)
    status, body = await raw(fake, "GET", "/guilds/1/members")
    assert (status, body["code"]) == (404, 0)
    assert [c.path for c in fake.unknown_calls] == ["/guilds/1/members"]


async def test_per_channel_limit_headers_pace_hikari(
    fake: FakeDiscord, rest: RESTClientImpl
) -> None:
    dm = await rest.create_dm_channel(USER)
    fake.enforce_limits(None, per_channel=(2, 0.5))
    for i in range(3):
        await rest.create_message(dm.id, f"set {i}")
    tries = [c for c in fake.calls if c.route == MESSAGES]
    assert fake.rate_limited_count == 0  # the X-RateLimit headers let hikari wait by itself
    assert [c.status for c in tries] == [200, 200, 200]
    assert tries[2].timestamp - tries[0].timestamp >= 0.45


async def test_server_errors_and_latency(fake: FakeDiscord) -> None:
    fake.fail_next("GET /users/@me", 500)
    fake.set_latency("/users/@me", 0.2)
    started = time.monotonic()
    assert await raw(fake, "GET", "/users/@me") == (
        500,
        {"message": "500: Internal Server Error", "code": 0},
    )
    assert (await raw(fake, "GET", "/users/@me"))[0] == 200
    assert time.monotonic() - started >= 0.4
    assert (await raw(fake, "GET", "/users/@me", auth=False))[0] == 401
    assert [c.error_code for c in fake.calls] == [500, None, 401]


# ---------------------------------------------------------------------------------- interactions
async def test_builders_parse_in_hikari(fake: FakeDiscord, rest: RESTClientImpl) -> None:
    factory = rest.entity_factory
    command = factory.deserialize_interaction(
        fake.command_interaction(USER, "plan", {"day": "mon"})
    )
    assert isinstance(command, hikari.CommandInteraction) and command.guild_id is None
    assert command.user.id == USER and command.options[0].value == "mon"
    assert command.channel.type == hikari.ChannelType.DM
    guild = factory.deserialize_interaction(
        fake.command_interaction(USER, "plan", {"week": 2, "easy": True}, guild_id=777)
    )
    assert isinstance(guild, hikari.CommandInteraction) and guild.guild_id == 777
    assert guild.member is not None and guild.member.id == USER
    assert [o.value for o in guild.options or ()] == [2, True]
    auto = factory.deserialize_interaction(
        fake.autocomplete_interaction(USER, "log", {"exercise": "squ"}, focused="exercise")
    )
    assert isinstance(auto, hikari.AutocompleteInteraction) and auto.options[0].is_focused

    dm = await rest.create_dm_channel(USER)
    menu_row = rest.build_message_action_row()
    menu_row.add_text_menu("rpe").add_option("7", "7").add_option("8", "8")
    sent = await rest.create_message(dm.id, "pick", components=[button_row(rest, "done"), menu_row])
    press = factory.deserialize_interaction(
        fake.component_interaction(USER, (dm.id, sent.id), "done")
    )
    assert isinstance(press, hikari.ComponentInteraction) and press.custom_id == "done"
    assert press.message.id == sent.id and press.component_type == hikari.ComponentType.BUTTON
    pick = factory.deserialize_interaction(
        fake.component_interaction(USER, (dm.id, sent.id), "rpe", values=["8"])
    )
    assert isinstance(pick, hikari.ComponentInteraction) and pick.values == ["8"]
    with pytest.raises(ValueError, match="no component"):
        fake.component_interaction(USER, (dm.id, sent.id), "gone")
    with pytest.raises(ValueError, match="not options"):
        fake.component_interaction(USER, (dm.id, sent.id), "rpe", values=["9"])
    modal = factory.deserialize_interaction(
        fake.modal_interaction(USER, {"kg": "100"}, custom_id="w")
    )
    assert isinstance(modal, hikari.ModalInteraction) and modal.custom_id == "w"


async def test_interaction_callbacks_and_followups(fake: FakeDiscord, rest: RESTClientImpl) -> None:
    payload = fake.command_interaction(USER, "plan")
    interaction_id, token = int(payload["id"]), payload["token"]
    fake.send_interaction_gateway(payload)
    result = await rest.create_interaction_response(
        interaction_id,
        token,
        hikari.ResponseType.MESSAGE_CREATE,
        "Today: squats",
        component=button_row(rest, "done"),
    )
    resource = result.resource
    assert isinstance(resource, hikari.InteractionCallbackResource)
    original = resource.message
    assert isinstance(original, hikari.Message)
    assert original.content == "Today: squats" and original.type == hikari.MessageType.CHAT_INPUT
    with pytest.raises(hikari.BadRequestError) as info:
        await rest.create_interaction_response(
            interaction_id, token, hikari.ResponseType.MESSAGE_CREATE, "again"
        )
    assert info.value.code == 40060

    edited = await rest.edit_interaction_response(fake.application_id, token, "Today: deadlifts")
    assert edited.id == original.id and edited.content == "Today: deadlifts"
    fetched = await rest.fetch_interaction_response(fake.application_id, token)
    assert fetched.content == "Today: deadlifts"
    follow = await rest.execute_webhook(
        fake.application_id, token, "your csv", attachment=hikari.Bytes(b"a,b\n", "log.csv")
    )
    assert follow.attachments[0].filename == "log.csv"
    changed = await rest.edit_webhook_message(fake.application_id, token, follow.id, "your file")
    assert changed.content == "your file"
    await rest.delete_interaction_response(fake.application_id, token)
    assert (fake.dm_channel_of(USER), original.id) not in fake.messages
    routes = [c.route for c in fake.interaction_responses(interaction_id)]
    assert routes == [
        "POST /interactions/{interaction_id}/{token}/callback",
        "POST /interactions/{interaction_id}/{token}/callback",
        "PATCH /webhooks/{application_id}/{token}/messages/@original",
        "GET /webhooks/{application_id}/{token}/messages/@original",
        "POST /webhooks/{application_id}/{token}",
        "PATCH /webhooks/{application_id}/{token}/messages/{message_id}",
        "DELETE /webhooks/{application_id}/{token}/messages/@original",
    ]
    assert [m["content"] for m in fake.sent_messages()] == [
        "Today: squats",
        "Today: deadlifts",
        "your csv",
        "your file",
    ]

    # The button on the (deleted) original is gone; press one on a live message instead.
    dm = fake.dm_channel_of(USER)
    live = await rest.create_message(dm, "Set 1", component=button_row(rest, "next"))
    press = fake.component_interaction(USER, (dm, live.id), "next")
    fake.send_interaction_gateway(press)
    await rest.create_interaction_response(
        int(press["id"]), press["token"], hikari.ResponseType.MESSAGE_UPDATE, "Set 2", components=[]
    )
    assert fake.message(dm, live.id)["content"] == "Set 2"
    assert fake.message(dm, live.id)["components"] == []
    with pytest.raises(ValueError, match="another user"):
        fake.component_interaction(OTHER, (dm, live.id), "next", check=True)
    later = await rest.create_message(dm, "Rest 90 s", component=button_row(rest, "go"))
    press = fake.component_interaction(USER, (dm, later.id), "go")
    fake.send_interaction_gateway(press)
    await rest.create_interaction_response(
        int(press["id"]), press["token"], hikari.ResponseType.DEFERRED_MESSAGE_UPDATE
    )
    await rest.edit_interaction_response(fake.application_id, press["token"], "Rest over")
    assert fake.message(dm, later.id)["content"] == "Rest over"

    deferred = fake.command_interaction(USER, "plan")
    fake.send_interaction_gateway(deferred)
    await rest.create_interaction_response(
        int(deferred["id"]),
        deferred["token"],
        hikari.ResponseType.DEFERRED_MESSAGE_CREATE,
        flags=hikari.MessageFlag.EPHEMERAL,
    )
    done = await rest.edit_interaction_response(fake.application_id, deferred["token"], "ready")
    assert done.flags == hikari.MessageFlag.EPHEMERAL and done.edited_timestamp is None

    auto = fake.autocomplete_interaction(USER, "log", {"exercise": "squ"}, focused="exercise")
    fake.send_interaction_gateway(auto)
    choices = [hikari.impl.AutocompleteChoiceBuilder(name="Squat", value="squat")]
    await rest.create_autocomplete_response(int(auto["id"]), auto["token"], choices)

    opener = fake.command_interaction(USER, "log")
    fake.send_interaction_gateway(opener)
    row = rest.build_modal_action_row().add_text_input("kg", "Weight (kg)")
    await rest.create_modal_response(
        int(opener["id"]), opener["token"], title="Log a set", custom_id="log-set", component=row
    )
    submitted = fake.modal_interaction(USER, {"kg": "100"}, opened_by=opener)
    assert submitted["data"]["custom_id"] == "log-set"
    with pytest.raises(ValueError, match="no field"):
        fake.modal_interaction(USER, {"reps": "5"}, opened_by=opener)
    assert fake.violations == [] and fake.unknown_calls == []


async def test_interaction_errors(fake: FakeDiscord, rest: RESTClientImpl) -> None:
    with pytest.raises(hikari.NotFoundError) as info:
        await rest.create_interaction_response(1, "nope", hikari.ResponseType.MESSAGE_CREATE, "x")
    assert info.value.code == 10062
    payload = fake.command_interaction(USER, "plan")
    with pytest.raises(hikari.UnauthorizedError) as unauthorized:
        await rest.execute_webhook(fake.application_id, "bad-token", "x")
    assert unauthorized.value.code == 50027
    with pytest.raises(hikari.NotFoundError):  # no follow-up before the initial response
        await rest.execute_webhook(fake.application_id, payload["token"], "x")
    with pytest.raises(hikari.BadRequestError):  # autocomplete answer to a slash command
        await rest.create_autocomplete_response(int(payload["id"]), payload["token"], [])
    fake.callback_deadline = 0.0  # every answer is now too late
    with pytest.raises(hikari.NotFoundError) as late:
        await rest.create_interaction_response(
            int(payload["id"]), payload["token"], hikari.ResponseType.MESSAGE_CREATE, "late"
        )
    assert late.value.code == 10062
    assert len(fake.violations) == 1


# ---------------------------------------------------------------------------------- gateway
async def test_gateway_bot_events_reconnect_and_resume() -> None:
    async with FakeDiscord(heartbeat_interval_ms=500) as fake:
        intents = hikari.Intents.GUILDS | hikari.Intents.DM_MESSAGES
        bot = hikari.GatewayBot(
            fake.token,
            rest_url=fake.api_url,
            intents=intents,
            banner=None,
            logs=None,
            suppress_optimization_warning=True,
        )
        received: list[hikari.Event] = []
        arrived = asyncio.Event()

        async def collect(event: hikari.Event) -> None:
            received.append(event)
            arrived.set()

        async def answer(event: hikari.InteractionCreateEvent) -> None:
            if isinstance(event.interaction, hikari.CommandInteraction):
                await event.interaction.create_initial_response(
                    hikari.ResponseType.MESSAGE_CREATE, f"pong {event.interaction.command_name}"
                )

        for kind in (hikari.DMMessageCreateEvent, hikari.DMMessageUpdateEvent):
            bot.subscribe(kind, collect)
        bot.subscribe(hikari.InteractionCreateEvent, answer)

        def user_messages(text: str) -> list[hikari.DMMessageCreateEvent]:
            return [
                e
                for e in received
                if isinstance(e, hikari.DMMessageCreateEvent)
                and e.author_id == USER
                and e.content == text
            ]

        async def wait_for_text(text: str) -> None:
            async with asyncio.timeout(10):
                while not user_messages(text):
                    arrived.clear()
                    await arrived.wait()

        await bot.start(check_for_updates=False)
        try:
            (identify,) = fake.identifies
            assert identify["intents"] == int(intents) and identify["token"] == fake.token
            assert fake.intents is not None and fake.intents & INTENT_DIRECT_MESSAGES
            assert [c.route for c in fake.calls] == ["GET /gateway/bot"]
            assert fake.connections[0].compress == "zlib-stream"  # hikari's default

            hello = fake.dm_message(USER, "hello coach")
            await wait_for_text("hello coach")
            (event,) = user_messages("hello coach")
            assert event.message.id == int(hello["id"]) and event.channel_id == fake.dm_channel_of(
                USER
            )
            fake.edit_dm_message(hello["id"], "hello coach!")
            async with asyncio.timeout(10):
                while not any(isinstance(e, hikari.DMMessageUpdateEvent) for e in received):
                    arrived.clear()
                    await arrived.wait()
            update = next(e for e in received if isinstance(e, hikari.DMMessageUpdateEvent))
            assert update.message.content == "hello coach!"
            assert update.message.edited_timestamp is not hikari.UNDEFINED

            command = fake.command_interaction(USER, "plan")
            fake.send_interaction_gateway(command)
            answered = await fake.wait_for_message(fake.dm_channel_of(USER), contains="pong plan")
            assert answered["interaction_metadata"]["id"] == command["id"]
            await fake.wait_until(lambda: fake.heartbeats >= 2)

            await fake.send_reconnect()
            fake.dm_message(USER, "sent during the reconnect")
            await fake.wait_until(lambda: len(fake.resumes) == 1)
            await wait_for_text("sent during the reconnect")
            assert fake.connections[-1].path == "/gateway/resume"
            assert fake.resumes[0]["session_id"] == fake.session_id

            await fake.drop_connection()
            fake.dm_message(USER, "sent while dropped")
            await fake.wait_until(lambda: len(fake.resumes) == 2)
            await wait_for_text("sent while dropped")
            fake.dm_message(USER, "sentinel")
            await wait_for_text("sentinel")
            for text in ("hello coach", "sent during the reconnect", "sent while dropped"):
                assert len(user_messages(text)) == 1, text
            assert len(fake.identifies) == 1 and len(fake.connections) == 3
            first, resumed, _ = fake.connections
            assert (first.closed_by, first.close_code) == ("client", 3000)  # after op 7
            assert resumed.resumed and resumed.closed_by == "dropped"
        finally:
            await bot.close()
        await fake.wait_until(lambda: fake.connections[-1].closed_at is not None)
        assert fake.connections[-1].close_code == 1001  # GOING_AWAY ends the session
        assert fake.violations == [] and fake.unknown_calls == []


async def test_gateway_protocol_raw() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as session:
        pending_seq = fake.dispatch("MESSAGE_CREATE", {"id": "1", "channel_id": "2"})
        assert pending_seq is None  # no session yet: waits for READY
        async with session.ws_connect(f"{fake.gateway_url}?v=10&encoding=json") as ws:
            hello = await ws.receive_json()
            assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] == 41250
            await ws.send_json({"op": 1, "d": None})
            assert (await ws.receive_json())["op"] == 11
            await ws.send_json({"op": 2, "d": {"token": "nope", "intents": 0}})
            closed = await ws.receive()
            assert closed.type == aiohttp.WSMsgType.CLOSE and closed.data == 4004

        url = f"{fake.gateway_url}?v=10&encoding=json&compress=zlib-stream"
        async with session.ws_connect(url) as ws:
            inflate = zlib.decompressobj()

            async def receive() -> dict[str, Any]:
                message = await ws.receive()
                assert message.type == aiohttp.WSMsgType.BINARY
                payload: dict[str, Any] = json.loads(inflate.decompress(message.data))
                return payload

            assert (await receive())["op"] == 10
            identify = {"token": fake.token, "intents": INTENT_DIRECT_MESSAGES, "properties": {}}
            await ws.send_json({"op": 2, "d": identify})
            ready = await receive()
            assert (ready["t"], ready["s"]) == ("READY", 1)
            assert ready["d"]["application"]["id"] == str(fake.application_id)
            queued = await receive()
            assert (queued["t"], queued["s"]) == ("MESSAGE_CREATE", 2)
            guild_message = {"id": "3", "channel_id": "9", "guild_id": "1"}
            assert fake.dispatch("MESSAGE_CREATE", guild_message) is None  # no GUILD_MESSAGES
            assert fake.filtered_events == [("MESSAGE_CREATE", guild_message)]
            assert fake.dispatch("ENTITLEMENT_CREATE", {"id": "4"}) == 3  # needs no intent
            assert (await receive())["s"] == 3

        async with session.ws_connect(f"{fake.gateway_url}?v=10") as ws:
            await ws.receive_json()
            await ws.send_json({"op": 6, "d": {"token": fake.token, "session_id": "x", "seq": 1}})
            assert await ws.receive_json() == {"op": 9, "d": False, "s": None, "t": None}

        fake.allowed_privileged_intents = 0
        async with session.ws_connect(f"{fake.gateway_url}?v=10") as ws:
            await ws.receive_json()
            message_content = int(hikari.Intents.MESSAGE_CONTENT)
            await ws.send_json({"op": 2, "d": {"token": fake.token, "intents": message_content}})
            assert (await ws.receive()).data == 4014


# ---------------------------------------------------------------------------------- over HTTP
@contextlib.asynccontextmanager
async def endpoint(handler: Any) -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_post("/interactions", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/interactions"
    finally:
        await runner.cleanup()


async def test_signed_http_interaction(fake: FakeDiscord) -> None:
    verify_key = nacl.signing.VerifyKey(bytes.fromhex(fake.public_key_hex))

    async def interactions(request: web.Request) -> web.Response:
        body = await request.read()
        signature = request.headers["X-Signature-Ed25519"]
        timestamp = request.headers["X-Signature-Timestamp"]
        try:
            verify_key.verify(timestamp.encode() + body, bytes.fromhex(signature))
        except nacl.exceptions.BadSignatureError:
            return web.Response(status=401, text="invalid request signature")
        payload = await request.json()
        if payload["type"] == 1:
            return web.json_response({"type": 1})
        return web.json_response({"type": 4, "data": {"content": "over http"}})

    async with endpoint(interactions) as url:
        ping = fake.ping_interaction()
        assert await fake.post_interaction_http(url, ping, bad_signature=True) == (401, None)
        assert await fake.post_interaction_http(url, ping) == (200, {"type": 1})
        command = fake.command_interaction(USER, "plan")
        status, answer = await fake.post_interaction_http(url, command)
    assert (status, answer["type"]) == (200, 4)
    (call,) = fake.interaction_responses(command["id"])
    assert call.route == "HTTP interaction response" and call.ok
    assert fake.sent_messages(fake.dm_channel_of(USER))[0]["content"] == "over http"


def free_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


async def test_hikari_rest_bot_over_http(fake: FakeDiscord) -> None:
    """hikari's own interaction server answers a bad signature with 400 (Discord asks for 401)
    and builds modal responses from ``component.build()`` tuples: the fake catches both."""
    bot = hikari.RESTBot(
        fake.token,
        rest_url=fake.api_url,
        public_key=fake.public_key_hex,
        banner=None,
        logs=None,
        suppress_optimization_warning=True,
    )

    async def on_command(
        interaction: hikari.CommandInteraction,
    ) -> hikari.api.InteractionResponseBuilder:
        if interaction.command_name == "log":
            row = bot.rest.build_modal_action_row().add_text_input("kg", "Weight (kg)")
            return bot.rest.interaction_modal_builder("Log a set", "log-set").add_component(row)
        return bot.rest.interaction_message_builder(hikari.ResponseType.MESSAGE_CREATE).set_content(
            "over hikari"
        )

    bot.set_listener(hikari.CommandInteraction, on_command)
    sock = free_socket()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    await bot.start(check_for_updates=False, socket=sock)
    try:
        assert (await fake.post_interaction_http(url, fake.ping_interaction()))[0] == 200
        command = fake.command_interaction(USER, "plan")
        status, _ = await fake.post_interaction_http(url, command, bad_signature=True)
        assert status == 400  # hikari's answer; Discord requires 401 here
        status, answer = await fake.post_interaction_http(
            url, fake.command_interaction(USER, "plan")
        )
        assert (status, answer["data"]["content"]) == (200, "over hikari")
        assert fake.violations == []
        status, answer = await fake.post_interaction_http(
            url, fake.command_interaction(USER, "log")
        )
        assert status == 200 and isinstance(answer["data"]["components"][0], list)
        (violation,) = fake.violations
        assert violation.route == "HTTP interaction response" and violation.code == 50035
    finally:
        await bot.close()
        sock.close()
