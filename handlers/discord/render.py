"""The coach's messages as Discord writes them: Markdown (everything else escaped), pieces
of at most 2000 characters, and buttons as message components whose custom_id is the action
codec's. Discord rejects a whole message for one component too many, a label too long or two
components with the same custom_id, so the layout keeps to its limits: at most 5 rows of 5
buttons, else the choices become select menus (25 options each)."""

from __future__ import annotations

import re
from typing import Any

from bot.coach.actions import encode
from bot.coach.messages import Button, Keyboard
from plans.text import Text, split

MAX_TEXT = 2000
MAX_ROWS = 5
MAX_BUTTONS = 5
MAX_LABEL = 80
MAX_OPTIONS = 25
MAX_OPTION_LABEL = 100
BUTTON, SELECT, ROW = 2, 3, 1
SECONDARY, LINK = 2, 5
_AROUND = {"bold": "**", "italic": "*", "code": "`"}
# Markdown Discord reads anywhere (emphasis, code, strike, spoilers, links, mentions) and at
# the start of a line (quotes, headings, lists).
_SPECIAL = re.compile(r"([\\*_`~|\[\]<])")
_LINE_START = re.compile(r"(?m)^(\s*)([>#-]|\d+\.)(?=\s)")
JSON = dict[str, Any]


def escape(plain: str) -> str:
    def line_start(match: re.Match[str]) -> str:
        indent, mark = match.group(1), match.group(2)
        return indent + (mark[:-1] + "\\." if mark.endswith(".") else "\\" + mark)

    return _LINE_START.sub(line_start, _SPECIAL.sub(r"\\\1", plain))


def to_markdown(value: Text) -> str:
    out: list[str] = []
    for span in value.spans:
        if span.style == "code":
            out.append(f"`{span.text.replace('`', 'ˋ')}`")
        elif span.style == "link":
            out.append(f"[{escape(span.text)}](<{span.url}>)")
        elif span.style in _AROUND and span.text.strip():
            mark = _AROUND[span.style]
            body = span.text.strip()
            lead, trail = span.text[: len(span.text) - len(span.text.lstrip())], ""
            trail = span.text[len(span.text.rstrip()) :]
            out.append(f"{lead}{mark}{escape(body)}{mark}{trail}")
        else:
            out.append(escape(span.text))
    return "".join(out)


def pieces(value: Text, limit: int = MAX_TEXT) -> list[str]:
    """The text as one or more messages within Discord's limit (markup included)."""
    room = limit
    while True:
        rendered = [to_markdown(part) for part in split(value, room)]
        if all(len(r) <= limit for r in rendered) or room < 200:
            return rendered
        room -= room // 4


def _label(text: str, limit: int = MAX_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def components(buttons: Keyboard, *, private_chat_url: str | None = None) -> list[JSON]:
    """Action rows for the keyboard: buttons when they fit 5×5, else select menus."""
    cells: list[list[JSON]] = []
    choices: list[tuple[str, str]] = []  # (label, custom_id) of every action button
    seen: set[str] = set()
    for row in buttons:
        rendered: list[JSON] = []
        for button in row:
            cell = _button(button, private_chat_url, seen)
            if cell is None:
                continue
            rendered.append(cell)
            if "custom_id" in cell:
                choices.append((button.label, cell["custom_id"]))
        if rendered:
            cells.append(rendered)
    if not cells:
        return []
    if len(cells) <= MAX_ROWS and all(len(row) <= MAX_BUTTONS for row in cells):
        return [{"type": ROW, "components": row} for row in cells]
    links = [cell for row in cells for cell in row if cell.get("style") == LINK]
    menus = [
        {
            "type": ROW,
            "components": [
                {
                    "type": SELECT,
                    "custom_id": f"menu:{index}",
                    "placeholder": "Choose…",
                    "options": [
                        {"label": _label(label, MAX_OPTION_LABEL), "value": custom_id}
                        for label, custom_id in choices[start : start + MAX_OPTIONS]
                    ],
                }
            ],
        }
        for index, start in enumerate(range(0, len(choices), MAX_OPTIONS))
    ]
    rows = menus[: MAX_ROWS - (1 if links else 0)]
    if links:
        rows.append({"type": ROW, "components": links[:MAX_BUTTONS]})
    return rows


def _button(button: Button, private_chat_url: str | None, seen: set[str]) -> JSON | None:
    label = _label(button.label)
    if button.action is not None:
        custom_id = encode(button.action)
        if custom_id in seen:  # Discord refuses two components with one custom_id
            return None
        seen.add(custom_id)
        return {"type": BUTTON, "style": SECONDARY, "label": label, "custom_id": custom_id}
    url = private_chat_url if button.private_chat else button.url
    if url:
        return {"type": BUTTON, "style": LINK, "label": label, "url": url}
    return None
