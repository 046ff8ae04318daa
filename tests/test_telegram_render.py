"""The Telegram adapter's rendering: rich text as Telegram HTML (everything escaped), long
messages split under Telegram's limit with their tags intact, buttons as inline keyboards."""

from __future__ import annotations

import datetime as dt
import re

from bot.coach.actions import Action
from bot.coach.messages import Button
from handlers.telegram.render import MAX_TEXT, markup, pieces, to_html
from plans.text import bold, code, italic, lines, link, text


def test_styles_become_tags_and_everything_else_is_escaped() -> None:
    message = text(
        bold("Day <1>"),
        " & ",
        italic("a"),
        " ",
        code("x<y"),
        " ",
        link("s", 'https://e.org/?a=1&b="2"'),
    )
    assert to_html(message) == (
        '<b>Day &lt;1&gt;</b> &amp; <i>a</i> <code>x&lt;y</code> '
        '<a href="https://e.org/?a=1&amp;b=&quot;2&quot;">s</a>'
    )  # fmt: skip


def test_long_messages_split_under_the_limit_with_balanced_tags() -> None:
    row = text(bold("Squat & press <heavy>"), " 3×5 @ 60 kg · ", italic("keep the heels down"))
    message = lines(*[row] * 400)
    parts = pieces(message)
    assert len(parts) > 1 and all(len(p) <= MAX_TEXT for p in parts)
    for part in parts:
        assert len(re.findall("<b>", part)) == len(re.findall("</b>", part))
        assert len(re.findall("<i>", part)) == len(re.findall("</i>", part))


def test_buttons_become_an_inline_keyboard() -> None:
    day = dt.date(2026, 11, 23)
    keyboard = markup(
        (
            (Button("✅ Done", Action("dl", ("done", day))),),
            (Button("Open the chat", private_chat=True), Button("Guide", url="https://e.org")),
        ),
        "runstrong_bot",
    )
    assert keyboard is not None
    (done,), (private, guide) = keyboard.inline_keyboard
    assert done.callback_data == "dl:done:2026-11-23"
    assert private.url == "https://t.me/runstrong_bot?start=private"
    assert guide.url == "https://e.org"
    assert markup(()) is None
