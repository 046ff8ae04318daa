"""Rich text as the coach writes it: words with bold, italic, code and links, and nothing of
any chat's markup. Each chat's adapter renders it (Telegram HTML, Discord Markdown, plain
text in the terminal), escaping as that chat needs.

    text("✅ ", bold("Logged"), " for today") + "\\n" + italic("Edit your message to fix it.")
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Style = Literal["", "bold", "italic", "code", "link"]


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text in one style; `url` for links."""

    text: str
    style: Style = ""
    url: str = ""

    def __add__(self, other: TextLike) -> Text:
        return Text((self,)) + other

    def __radd__(self, other: str) -> Text:
        return Text((Span(other),)) + self


@dataclass(frozen=True, slots=True)
class Text:
    """A sequence of spans. `+` and `Text.join` build it; `plain` reads it without styles
    (also what `in`, `len` and truthiness look at)."""

    spans: tuple[Span, ...] = ()

    def __add__(self, other: TextLike) -> Text:
        return Text(self.spans + _spans(other))

    def __radd__(self, other: str) -> Text:
        return Text(_spans(other) + self.spans)

    def __contains__(self, item: str) -> bool:
        return item in self.plain

    def __len__(self) -> int:
        return sum(len(s.text) for s in self.spans)

    @property
    def plain(self) -> str:
        return "".join(s.text for s in self.spans)

    @staticmethod
    def join(separator: TextLike, parts: Iterable[TextLike]) -> Text:
        out: list[Span] = []
        between = _spans(separator)
        for index, part in enumerate(parts):
            if index:
                out.extend(between)
            out.extend(_spans(part))
        return Text(tuple(out))

    def startswith(self, prefix: str | tuple[str, ...]) -> bool:
        return self.plain.startswith(prefix)


TextLike = Text | Span | str


def _spans(part: TextLike) -> tuple[Span, ...]:
    if isinstance(part, Text):
        return part.spans
    if isinstance(part, Span):
        return (part,) if part.text else ()
    return (Span(part),) if part else ()


def text(*parts: TextLike) -> Text:
    """Concatenate strings (plain), spans and texts."""
    return Text(tuple(span for part in parts for span in _spans(part)))


def bold(value: str) -> Span:
    return Span(value, "bold")


def italic(value: str) -> Span:
    return Span(value, "italic")


def code(value: str) -> Span:
    """Something to type or copy as is: a command, an example log."""
    return Span(value, "code")


def link(label: str, url: str) -> Span:
    return Span(label, "link", url)


def lines(*rows: TextLike) -> Text:
    """Rows joined by line breaks."""
    return Text.join("\n", rows)


def split(value: Text, limit: int) -> list[Text]:
    """`value` in pieces of at most `limit` characters (plain), cut at line breaks where a
    chat caps a message's length; a single longer line is cut where it must be."""
    rows: list[list[Span]] = [[]]
    for span in value.spans:
        pieces = span.text.split("\n")
        for index, piece in enumerate(pieces):
            if index:
                rows.append([])
            if piece:
                rows[-1].append(Span(piece, span.style, span.url))
    out: list[Text] = []
    current: list[Span] = []
    size = 0
    for row in rows:
        row_size = sum(len(s.text) for s in row)
        if current and size + 1 + row_size > limit:
            out.append(Text(tuple(current)))
            current, size = [], 0
        if current:
            current.append(Span("\n"))
            size += 1
        while row_size > limit:  # one line longer than a message: cut it
            head, row = _cut(row, limit - size)
            current.extend(head)
            out.append(Text(tuple(current)))
            current, size = [], 0
            row_size = sum(len(s.text) for s in row)
        current.extend(row)
        size += row_size
    if current or not out:
        out.append(Text(tuple(current)))
    return out


def _cut(row: list[Span], room: int) -> tuple[list[Span], list[Span]]:
    head: list[Span] = []
    for index, span in enumerate(row):
        if len(span.text) <= room:
            head.append(span)
            room -= len(span.text)
            continue
        head.append(Span(span.text[:room], span.style, span.url))
        rest = [Span(span.text[room:], span.style, span.url), *row[index + 1 :]]
        return head, rest
    return head, []
