"""Rich text: spans of words and styles, cut into pieces a chat accepts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from plans.text import Span, Text, bold, code, italic, lines, link, split, text

spans = st.builds(
    Span,
    st.text(alphabet=st.sampled_from("ab <&>\n—é"), min_size=1, max_size=40),
    st.sampled_from(["", "bold", "italic", "code"]),
)
texts = st.lists(spans, max_size=30).map(lambda s: Text(tuple(s)))


def test_building_text() -> None:
    message = text("✅ ", bold("Logged"), " for today") + "\n" + italic("Edit to fix it.")
    assert message.plain == "✅ Logged for today\nEdit to fix it."
    assert [s.style for s in message.spans] == ["", "bold", "", "", "italic"]
    assert "Logged for" in message and message.startswith("✅")
    assert lines("a", code("b"), "").plain == "a\nb\n"
    assert Text.join(", ", ["x", bold("y")]).plain == "x, y"
    assert link("guide", "https://example.org").url == "https://example.org"


@given(value=texts, limit=st.integers(min_value=1, max_value=60))
def test_split_pieces_fit_and_lose_only_the_line_breaks_they_cut_at(
    value: Text, limit: int
) -> None:
    pieces = split(value, limit)
    assert pieces and all(len(p) <= limit for p in pieces)
    assert "".join(p.plain for p in pieces).replace("\n", "") == value.plain.replace("\n", "")
    for piece in pieces:  # styles travel with their words
        assert all(s.style in ("", "bold", "italic", "code") for s in piece.spans)


def test_split_prefers_line_breaks() -> None:
    value = lines("first line", bold("second line"), "third")
    assert [p.plain for p in split(value, 22)] == ["first line\nsecond line", "third"]
    assert split(value, 22)[0].spans[-1] == bold("second line")
