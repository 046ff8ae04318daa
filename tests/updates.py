"""Raw Telegram update payloads, as the Bot API sends them, for `process_update` tests."""

from __future__ import annotations

import itertools
import time
from typing import Any

_update_ids = itertools.count(1_000)
_message_ids = itertools.count(5_000)


def next_update_id() -> int:
    """The next update id of this test session: newer than every update built so far."""
    return next(_update_ids)


def user(user_id: int, first_name: str = "Runner", language_code: str = "en") -> dict[str, Any]:
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": first_name,
        "language_code": language_code,
    }


def chat(chat_id: int, chat_type: str = "private") -> dict[str, Any]:
    if chat_type == "private":
        return {"id": chat_id, "type": "private", "first_name": "Runner"}
    return {"id": chat_id, "type": chat_type, "title": "Running club"}


def message(
    chat_id: int,
    text: str | None = None,
    *,
    user_id: int | None = None,
    chat_type: str = "private",
    first_name: str = "Runner",
    language_code: str = "en",
    message_id: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "message_id": message_id or next(_message_ids),
        "date": int(time.time()),
        "chat": chat(chat_id, chat_type),
        "from": user(user_id or chat_id, first_name, language_code),
        **extra,
    }
    if text is not None:
        payload["text"] = text
        if text.startswith("/"):
            command = text.split()[0]
            payload["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return {"update_id": next(_update_ids), "message": payload}


def callback(
    chat_id: int, data: str, *, user_id: int | None = None, message_id: int = 1
) -> dict[str, Any]:
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": user(user_id or chat_id),
            "chat_instance": str(chat_id),
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": chat(chat_id),
                "from": {"id": 999, "is_bot": True, "first_name": "RunStrong"},
                "text": "question",
            },
        },
    }


def sticker(chat_id: int) -> dict[str, Any]:
    return message(
        chat_id,
        sticker={
            "file_id": "stk",
            "file_unique_id": "stk-u",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        },
    )
