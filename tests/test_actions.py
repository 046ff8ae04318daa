"""The action codec: every button's data fits Telegram's 64 bytes (and Discord's custom_id),
reads back to the same typed action, and anything forged or stale reads as None."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.coach.actions import MAX_BYTES, Action, decode, encode

EXAMPLES = [
    Action("ob", ("running_years", "2plus")),
    Action("ob", ("timezone", "America/Argentina/Buenos_Aires")),
    Action("ob", ("delivery_time", "420")),
    Action("st", ("restart",)),
    Action("set", ("time",)),
    Action("set", ("inc", "2.5")),
    Action("dl", ("done", dt.date(2026, 11, 23))),
    Action("lg", (2147483647, "x")),
    Action("lg", (42, 3, "s12")),
    Action("lg", (42, 0, "c")),
    Action("hi", ("keep",)),
    Action("hi", ("del", 1764000000)),
    Action("go", ("today",)),
]


@pytest.mark.parametrize("action", EXAMPLES, ids=lambda a: encode(a))
def test_round_trip_within_64_bytes(action: Action) -> None:
    data = encode(action)
    assert len(data.encode()) <= MAX_BYTES
    assert decode(data) == action


@pytest.mark.parametrize(
    "data",
    [
        "",
        "zz:1",  # no such action
        "dl:done:2026-13-01",  # not a date
        "dl:done:1999-01-01",  # out of range
        "dl:eat:2026-11-23",  # not a word it takes
        "lg:12:x:extra",
        "lg:2147483648:x",  # past a database row id
        "lg:１２:x",  # full-width digits are not ASCII digits
        "hi:del:" + "9" * 16,
        "ob:step",  # missing its value
        "x" * 65,
    ],
)
def test_forged_or_stale_data_reads_as_none(data: str) -> None:
    assert decode(data) is None


def test_an_action_the_codec_cannot_read_back_is_a_bug() -> None:
    with pytest.raises(ValueError):
        encode(Action("dl", ("done", "tomorrow")))
    with pytest.raises(ValueError):
        encode(Action("ob", ("timezone", "x" * 60)))


@given(st.text(max_size=80))
def test_decoding_never_raises(data: str) -> None:
    found = decode(data)
    assert found is None or decode(encode(found)) == found
