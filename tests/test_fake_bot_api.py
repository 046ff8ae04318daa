"""Tests for the fake Bot API, driven by a real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import warnings
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from fakes.bot_api import FakeBotApi

TOKEN = "123:ABC"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token=TOKEN) as server:
        yield server


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=api.base_url, base_file_url=api.file_base_url) as client:
        yield client


async def test_get_me(api: FakeBotApi, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot and me.username == "runstrong_test_bot" and me.id == 123
    assert api.base_url == f"{api.root_url}/bot" and bot.base_url == f"{api.base_url}{TOKEN}"


async def test_wrong_token_is_unauthorized(api: FakeBotApi) -> None:
    with pytest.raises(InvalidToken):
        await Bot("999:XYZ", base_url=api.base_url).get_me()


async def test_send_message_recorded_and_returned(api: FakeBotApi, bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    first = await bot.send_message(42, "hello", reply_markup=markup)
    second = await bot.send_message(42, "again")
    assert first.text == "hello" and first.chat_id == 42 and first.from_user is not None
    assert first.reply_markup == markup
    assert second.message_id == first.message_id + 1
    assert [m["text"] for m in api.sent_messages(42)] == ["hello", "again"]
    assert api.sent_messages(7) == []
    call = await api.wait_for_message(42, contains="again", timeout=1)
    assert call.params["chat_id"] == 42

    edited = await bot.edit_message_text("hello!", chat_id=42, message_id=first.message_id)
    assert not isinstance(edited, bool) and edited.text == "hello!"
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("hello!", chat_id=42, message_id=first.message_id)


async def test_long_poll_gets_pushed_update_promptly_and_respects_offset(
    api: FakeBotApi, bot: Bot
) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    assert not poll.done()
    uid = api.push_text(42, "squat day?")
    updates = await asyncio.wait_for(poll, 2)
    assert time.monotonic() - started < 1.0
    assert [u.update_id for u in updates] == [uid]
    assert updates[0].message is not None and updates[0].message.text == "squat day?"

    api.push_command(42, "start")
    again = await bot.get_updates(offset=uid + 1, timeout=0)
    assert [u.update_id for u in again] == [uid + 1]
    assert again[0].message is not None and again[0].message.text == "/start"
    assert await bot.get_updates(offset=uid + 2, timeout=0) == ()
    # confirmed updates are gone for good
    assert await bot.get_updates(timeout=0) == ()


async def test_retry_after_injection(api: FakeBotApi, bot: Bot) -> None:
    api.fail_next("sendMessage", retry_after=3)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(1, "x")
    with warnings.catch_warnings():  # PTB 22 deprecates the int type of retry_after
        warnings.simplefilter("ignore")
        retry = info.value.retry_after  # int in PTB 22 (timedelta when PTB_TIMEDELTA is set)
    assert (retry.total_seconds() if isinstance(retry, dt.timedelta) else retry) == 3
    await bot.send_message(1, "x")  # only once
    assert [c.error_code for c in api.calls if c.method == "sendMessage"] == [429, None]


async def test_block_chat_forbidden(api: FakeBotApi, bot: Bot) -> None:
    api.block_chat(5)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(5, "hi")
    await bot.send_message(6, "hi")


async def test_rate_limits(api: FakeBotApi, bot: Bot) -> None:
    api.enforce_limits(global_per_s=30, per_chat_per_s=1)
    await bot.send_message(9, "one")
    with pytest.raises(RetryAfter):
        await bot.send_message(9, "two")
    await bot.send_message(10, "other chat is fine")
    assert api.rate_limited_count == 1


async def test_send_document_multipart_recorded(api: FakeBotApi, bot: Bot) -> None:
    msg = await bot.send_document(42, b"a,b\n1,2\n", filename="plan.csv", caption="your plan")
    assert msg.document is not None and msg.document.file_name == "plan.csv"
    call = api.calls[-1]
    assert call.method == "sendDocument" and call.params["caption"] == "your plan"
    upload = call.files["document"]
    assert upload.content == b"a,b\n1,2\n" and upload.filename == "plan.csv"
    photo = await bot.send_photo(42, b"\x89PNG fake")
    assert photo.photo and api.calls[-1].files["photo"].content == b"\x89PNG fake"


async def test_get_file_and_download_pushed_document(api: FakeBotApi, bot: Bot) -> None:
    api.push_document(42, "runs.csv", b"date,km\n2024-05-01,5\n")
    (update,) = await bot.get_updates(timeout=0)
    assert update.message is not None and update.message.document is not None
    tg_file = await update.message.document.get_file()
    assert tg_file.file_path is not None and tg_file.file_path.startswith(api.file_base_url)
    assert bytes(await tg_file.download_as_bytearray()) == b"date,km\n2024-05-01,5\n"


async def test_webhook_delivery_with_secret(api: FakeBotApi, bot: Bot) -> None:
    received: asyncio.Queue[tuple[str | None, dict[str, object]]] = asyncio.Queue()

    async def hook(request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        await received.put((secret, await request.json()))
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    try:
        await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
        assert (await bot.get_webhook_info()).url.endswith("/hook")
        with pytest.raises(Conflict):
            await bot.get_updates(timeout=0)
        status = await api.deliver_via_webhook(
            {
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": 1, "type": "private"},
                    "text": "hi",
                }
            }
        )
        assert status == 200
        secret, body = await asyncio.wait_for(received.get(), 2)
        assert secret == "s3cret" and body["update_id"] and "message" in body
        api.push_text(1, "queued")
        assert await api.flush_webhook() == [200]
        assert (await asyncio.wait_for(received.get(), 2))[1]["message"]
        await bot.delete_webhook()
        assert await bot.get_updates(timeout=0) == ()
    finally:
        await runner.cleanup()


async def test_commands_and_unknown_methods(api: FakeBotApi, bot: Bot) -> None:
    await bot.set_my_commands([("start", "Start"), ("log", "Log a workout")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "log"]
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    assert await bot.send_chat_action(42, "typing")
    assert await bot.answer_callback_query("17", text="ok")
    assert await bot.do_api_request("someFutureMethod", api_kwargs={"x": 1}) is True
    assert api.calls[-1].method == "someFutureMethod"


async def test_push_helpers_parse_as_updates(api: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_message(
        42,
        "pick",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]]),
    )
    api.push_callback(42, "a")
    api.push_edited_text(42, 1, "edited")
    api.push_my_chat_member(42, "kicked")
    api.push_sticker(42)
    api.push_photo(42, caption="form check")
    api.push_update(
        {
            "message": {
                "message_id": 99,
                "date": 0,
                "chat": {"id": 3, "type": "private"},
                "text": "raw",
            }
        }
    )
    cb, edited, member, sticker, photo, raw = await bot.get_updates(timeout=0)
    assert cb.callback_query is not None and cb.callback_query.data == "a"
    assert cb.callback_query.message is not None
    assert cb.callback_query.message.message_id == sent.message_id
    assert edited.edited_message is not None and edited.edited_message.text == "edited"
    assert member.my_chat_member is not None
    assert member.my_chat_member.new_chat_member.status == "kicked"
    assert sticker.message is not None and sticker.message.sticker is not None
    assert photo.message is not None and photo.message.photo
    assert raw.message is not None and raw.message.text == "raw"
    assert [cb.update_id + i for i in range(6)] == [
        u.update_id for u in (cb, edited, member, sticker, photo, raw)
    ]


async def test_application_polling_e2e(api: FakeBotApi) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("hi")

    app = ApplicationBuilder().token(TOKEN).base_url(api.base_url).build()
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            api.push_command(77, "start")
            call = await api.wait_for_message(77, contains="hi", timeout=5)
            assert call.params["text"] == "hi"
        finally:
            await app.updater.stop()
            await app.stop()
