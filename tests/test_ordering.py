"""Updates from one chat are handled in order; different chats in parallel."""

from __future__ import annotations

import asyncio

from telegram import Update

from handlers.telegram.ordering import PerChatUpdateProcessor
from tests import updates


def update(chat: int, text: str) -> Update:
    parsed = Update.de_json(updates.message(chat, text), None)
    assert parsed is not None
    return parsed


async def test_same_chat_in_order_other_chats_in_parallel() -> None:
    processor = PerChatUpdateProcessor(16)
    log: list[str] = []
    release_first = asyncio.Event()

    async def handle(name: str, wait: asyncio.Event | None = None) -> None:
        log.append(f"start {name}")
        if wait is not None:
            await wait.wait()
        log.append(f"end {name}")

    first = asyncio.create_task(
        processor.process_update(update(1, "a"), handle("1a", release_first))
    )
    await asyncio.sleep(0)
    second = asyncio.create_task(processor.process_update(update(1, "b"), handle("1b")))
    other = asyncio.create_task(processor.process_update(update(2, "x"), handle("2x")))
    await asyncio.wait_for(other, 1)  # chat 2 is not held up by chat 1
    assert "end 2x" in log and "start 1b" not in log  # chat 1's second update waits
    release_first.set()
    await asyncio.wait_for(asyncio.gather(first, second), 1)
    assert log.index("end 1a") < log.index("start 1b")
