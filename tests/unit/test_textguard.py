"""maina.textguard.sanitize_user_text: controls, length, empty, My Numbers."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maina.mynumber import MARKER, is_digit_char
from maina.textguard import (
    DEFAULT_MAX_CHARS,
    MAX_CHARS_ENV,
    WARN_CONTROL_CHARS,
    WARN_EMPTY,
    WARN_MY_NUMBER,
    WARN_TRUNCATED,
    max_message_chars,
    sanitize_user_text,
    strip_control_chars,
)

VALID = "123456789018"  # made-up test number with a correct check digit


def test_plain_text_is_unchanged():
    result = sanitize_user_text("カードをなくしたらどうすればいい？")
    assert result.text == "カードをなくしたらどうすればいい？"
    assert result.warnings == frozenset()
    assert not (result.empty or result.truncated or result.masked)


def test_newlines_and_tabs_become_spaces():
    assert sanitize_user_text("カード\nなくした\tどうしよう").text == "カード なくした どうしよう"
    assert sanitize_user_text("a\r\nb").text == "a  b"
    assert sanitize_user_text("a\u2028b").text == "a b"


def test_other_control_and_format_characters_are_removed():
    result = sanitize_user_text("カ\x00ー\x07ド\u200bを\u202eなくした\ufeff")
    assert result.text == "カードをなくした"
    assert WARN_CONTROL_CHARS in result.warnings


def test_lone_surrogates_are_removed():
    result = sanitize_user_text("な\ud800くした")
    assert result.text == "なくした"
    result.text.encode("utf-8")  # would raise with a surrogate left


def test_emoji_sequences_keep_their_joiner():
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467"
    assert sanitize_user_text(family).text == family


@pytest.mark.parametrize("text", ["", "   ", "　　", "\n\t ", "\x00\x01", None, 42])
def test_empty_and_whitespace_only_are_flagged(text):
    result = sanitize_user_text(text)
    assert result.text == ""
    assert result.empty
    assert WARN_EMPTY in result.warnings


def test_my_number_is_masked_and_flagged():
    result = sanitize_user_text(f"番号は{VALID}です")
    assert result.text == f"番号は{MARKER}です"
    assert result.masked and WARN_MY_NUMBER in result.warnings
    assert result.my_numbers == 1


def test_my_number_split_by_newlines_or_zero_width_spaces_is_masked():
    assert sanitize_user_text("1234\n5678\n9018").text == MARKER
    assert sanitize_user_text("1234\u200b5678\u200b9018").text == MARKER
    assert sanitize_user_text("1234\x005678\x009018").text == MARKER


def test_long_text_is_cut_and_flagged():
    result = sanitize_user_text("あ" * 1500)
    assert len(result.text) == DEFAULT_MAX_CHARS
    assert result.truncated and WARN_TRUNCATED in result.warnings
    assert result.original_length == 1500


def test_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(MAX_CHARS_ENV, "20")
    assert max_message_chars() == 20
    assert len(sanitize_user_text("い" * 50).text) == 20
    monkeypatch.setenv(MAX_CHARS_ENV, "not a number")
    assert max_message_chars() == DEFAULT_MAX_CHARS
    monkeypatch.setenv(MAX_CHARS_ENV, "-5")
    assert max_message_chars() == DEFAULT_MAX_CHARS


def test_explicit_limit_wins_over_environment(monkeypatch):
    monkeypatch.setenv(MAX_CHARS_ENV, "20")
    assert len(sanitize_user_text("い" * 50, max_chars=30).text) == 30


def test_text_at_the_limit_is_not_truncated():
    result = sanitize_user_text("う" * 10, max_chars=10)
    assert result.text == "う" * 10
    assert not result.truncated


def test_a_cut_never_splits_the_marker():
    text = "あ" * 10 + VALID + "いいい"
    for limit in range(10, 10 + len(MARKER)):
        result = sanitize_user_text(text, max_chars=limit)
        assert result.text == "あ" * 10
        assert result.truncated
    assert sanitize_user_text(text, max_chars=10 + len(MARKER)).text == "あ" * 10 + MARKER


@given(
    st.integers(min_value=1, max_value=40),
    st.text(alphabet="あいう 　", max_size=20),
    st.text(alphabet="-  ", max_size=2),
)
def test_masking_happens_before_the_cut(limit, prefix, sep):
    """Whatever the limit, not one digit of the number can be left behind by the cut."""
    number = sep.join(["1234", "5678", "9018"])
    result = sanitize_user_text(prefix + number + "です", max_chars=limit)
    assert len(result.text) <= limit
    assert not any(is_digit_char(ch) for ch in result.text)


@given(st.text(max_size=300))
def test_result_is_clean_and_bounded(text):
    result = sanitize_user_text(text, max_chars=100)
    assert len(result.text) <= 100
    assert result.text == result.text.strip()
    assert strip_control_chars(result.text) == result.text
    result.text.encode("utf-8")
    assert result.empty == (result.text == "")
