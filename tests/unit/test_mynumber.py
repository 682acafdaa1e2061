"""maina.mynumber: every 12-digit number is masked, other numbers are left alone.

Test numbers are made up (123456789018 has a correct check digit, nothing else about it
is real); hypothesis generates the rest.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maina.mynumber import (
    CHECK_DIGIT_WEIGHTS,
    MARKER,
    MaskResult,
    check_digit,
    contains_my_number,
    is_digit_char,
    is_valid_my_number,
    mask_my_numbers,
)

VALID = "123456789018"  # check digit 8, computed by hand below
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
SEPARATOR_CHARS = " 　\n\t-‐‑‒–—―ー−－ｰ.．・_\u200b/／,，、〜～~()（）［］「」"
JAPANESE = (
    "あいうえおかきくけこさしすせそなにぬねのまみむめもやゆよわをん"
    "アイウエオカキクケコマイナンバーカード番号申請再発行手数料円市役所窓口"
    "、。！？「」（）abcXYZ"
)

digits12 = st.text(alphabet="0123456789", min_size=12, max_size=12)
separators = st.text(alphabet=SEPARATOR_CHARS, min_size=0, max_size=3)
japanese = st.text(alphabet=JAPANESE, min_size=0, max_size=12)


@st.composite
def formatted(draw, digits_strategy=digits12):
    """(digits, text) with random full-width digits and 0-3 separators between digits."""
    digits = draw(digits_strategy)
    parts = []
    for index, digit in enumerate(digits):
        if draw(st.booleans()):
            digit = digit.translate(FULL_WIDTH)
        parts.append(digit)
        if index < len(digits) - 1:
            parts.append(draw(separators))
    return digits, "".join(parts)


def digit_string(text: str) -> str:
    return "".join(ch for ch in text if is_digit_char(ch))


# --- masking: recall --------------------------------------------------------------------


@given(formatted(), japanese, japanese)
@settings(max_examples=400)
def test_any_formatting_of_twelve_digits_is_masked(number, prefix, suffix):
    digits, text = number
    result = mask_my_numbers(prefix + text + suffix)
    assert result.text == prefix + MARKER + suffix
    assert result.found == 1
    assert not any(is_digit_char(ch) for ch in result.text)


@given(formatted(), formatted(), japanese)
def test_no_four_digit_piece_survives_next_to_other_numbers(number, other, middle):
    digits, text = number
    _, other_text = other
    message = f"電話0144-32-6492で、{text}です。{middle}もうひとつ{other_text}"
    result = mask_my_numbers(message)
    assert result.text == f"電話0144-32-6492で、{MARKER}です。{middle}もうひとつ{MARKER}"
    assert result.found == 2
    survivors = digit_string(result.text)
    assert survivors == "0144326492"


@pytest.mark.parametrize(
    "text",
    [
        VALID,
        "1234 5678 9018",
        "1234-5678-9018",
        "1234　5678　9018",
        "1234 - 5678 - 9018",
        "１２３４－５６７８－９０１８",
        "1234ー5678ー9018",
        "1234−5678−9018",
        "1234–5678—9018",
        "1234.5678.9018",
        "1-2-3-4-5-6-7-8-9-0-1-8",
        "12 3456 789 018",
        "1234\n5678\n9018",
        "1234\u200b5678\u200b9018",
        "2019-03-10-1234",  # looks like a date + 4 digits: still 12 digits
        # slashes, commas, wave dashes and brackets between the groups (issue 13)
        "1234/5678/9018",
        "1234／5678／9018",
        "1234,5678,9018",
        "1234，5678，9018",
        "1234、5678、9018",
        "1234〜5678〜9018",
        "1234～5678～9018",
        "1234~5678~9018",
        "123,456,789,018",  # typed like an amount: still 12 digits
        "2019/03/10/1234",
    ],
)
def test_common_formats_are_masked(text):
    assert mask_my_numbers(f"番号は{text}です").text == f"番号は{MARKER}です"


@pytest.mark.parametrize("run", ["1234567890181", "１２３４５６７８９０１８１", "9123456789018"])
def test_a_thirteen_digit_run_is_masked(run):
    # a My Number with one digit typed twice is still personal data
    result = mask_my_numbers(f"番号は{run}です")
    assert result.text == f"番号は{MARKER}です"
    assert result.found == 1


@pytest.mark.parametrize(
    "phone",
    [
        "0144326492",  # fixed line: 10 digits
        "09012345678",  # mobile: 11 digits, the longest Japanese number
        "05038181250",  # IP phone
        "+8613812345678",  # international numbers carry their "+" (E.164): skipped
    ],
)
def test_a_phone_number_is_never_masked_by_the_thirteen_digit_rule(phone):
    assert mask_my_numbers(f"電話は{phone}です").text == f"電話は{phone}です"


def test_a_japanese_mobile_in_international_form_has_twelve_digits_and_is_masked():
    # known over-masking, documented in maina/mynumber.py: 81 + 10 digits = 12 digits
    assert mask_my_numbers("+81 90-1234-5678").text == f"+{MARKER}"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("(1234)5678-9018", f"({MARKER}"),
        ("（1234）5678-9018", f"（{MARKER}"),
        ("[1234] [5678] [9018]", f"[{MARKER}]"),
        ("「1234」「5678」「9018」", f"「{MARKER}」"),
    ],
)
def test_brackets_between_the_groups_are_masked(text, expected):
    # the mask runs from the first to the last digit: the outer brackets stay
    assert mask_my_numbers(f"番号は{text}です").text == f"番号は{expected}です"


def test_a_phone_number_glued_to_a_my_number_by_separators_is_masked_with_it():
    # recall first: which digits belong to which number cannot be known
    result = mask_my_numbers("0144-32-6492、12-3456789018")
    assert not any(is_digit_char(ch) for ch in result.text)


def test_valid_and_invalid_check_digits_are_both_masked():
    assert is_valid_my_number(VALID)
    assert not is_valid_my_number("123456789010")
    assert mask_my_numbers(VALID).text == MARKER
    assert mask_my_numbers("123456789010").text == MARKER


def test_number_glued_to_letters_is_masked():
    assert mask_my_numbers(f"ID{VALID}です").text == f"ID{MARKER}です"
    assert mask_my_numbers(f"abc{VALID}xyz").text == f"abc{MARKER}xyz"


def test_phone_number_then_my_number_keeps_the_phone_number():
    assert mask_my_numbers(f"0144-32-6492 {VALID}").text == f"0144-32-6492 {MARKER}"


def test_twelve_digit_window_inside_a_longer_chain_is_masked():
    # the digits left of the window may belong to the number: mask generously
    result = mask_my_numbers("090-1234-5678 1234-5678-9018")
    assert result.found == 1
    assert "5678" not in result.text and "9018" not in result.text
    # a 4-4-4-4 card number contains 12-digit windows: masked too (documented)
    assert mask_my_numbers("1234 5678 9012 3456").text == MARKER


def test_two_numbers_in_one_chain_count_twice():
    result = mask_my_numbers(f"{VALID} {VALID}")
    assert result.text == f"{MARKER} {MARKER}"
    assert result.found == 2
    # grouped numbers whose windows overlap become one marker, still counted twice
    result = mask_my_numbers("1234 5678 9018 1234 5678 9018")
    assert result.text == MARKER
    assert result.found == 2


# --- masking: what stays ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "0120-95-0178",
        "0144-32-6492",
        "050-3818-1250",
        "090-1234-5678",
        "09012345678",
        "2019年3月10日",
        "2019/03/10",
        "20190310",
        "2000-01-01 2020-05-01",
        "2024.12.02 2025.12.01",
        "受理番号 12345678",
        "受理番号 1234567890",
        "12345678901812",  # 14 digits: not a mistyped My Number
        "1234567890123456",  # a 16-digit card number typed without spaces
        "1,000円と250円と450円",
        "1,000円、2,000円",
        "2019/03/10, 2024/12/02",  # dates are atomic, 8 + 8 digits
        "9:30〜20:00",
        "12345678901/2345678901",
        "",
        "マイナンバーカードをなくした",
    ],
)
def test_other_numbers_are_unchanged(text):
    result = mask_my_numbers(text)
    assert result.text == text
    assert result.found == 0
    assert not contains_my_number(text)


@given(formatted(st.text(alphabet="0123456789", min_size=1, max_size=11)), japanese, japanese)
def test_fewer_than_twelve_digits_are_unchanged(number, prefix, suffix):
    _, text = number
    message = prefix + text + suffix
    assert mask_my_numbers(message) == MaskResult(message, 0)


@given(
    st.text(alphabet="0123456789", min_size=14, max_size=40),
    st.booleans(),
    japanese,
    japanese,
)
def test_contiguous_runs_longer_than_thirteen_are_unchanged(digits, wide, prefix, suffix):
    if wide:
        digits = digits.translate(FULL_WIDTH)
    message = prefix + digits + suffix
    assert mask_my_numbers(message).text == message


@pytest.mark.parametrize("extra", ["12", "1234"])
def test_twelve_digits_glued_to_more_digits_are_not_partially_masked(extra):
    for text in (VALID + extra, extra + VALID):
        assert mask_my_numbers(text).text == text


def test_twelve_digits_glued_to_one_more_digit_are_masked_whole():
    for text in (VALID + "1", "1" + VALID):
        assert mask_my_numbers(text).text == MARKER


def test_a_list_of_amounts_with_twelve_digits_is_masked():
    # commas join groups now; recall first: four bare amounts look like a grouped number
    assert MARKER in mask_my_numbers("1,000 2,000 3,000 4,000").text


# --- check digit ------------------------------------------------------------------------


def test_weights_follow_the_ordinance():
    # Q_n = n + 1 for 1 <= n <= 6, n - 5 for 7 <= n <= 11
    assert CHECK_DIGIT_WEIGHTS == (2, 3, 4, 5, 6, 7, 2, 3, 4, 5, 6)


@pytest.mark.parametrize(
    "first_eleven, expected",
    [
        # P (right to left) = 1,0,9,8,7,6,5,4,3,2,1; Σ P×Q = 212; 212 mod 11 = 3; 11 - 3 = 8
        ("12345678901", 8),
        # Σ = 0 → remainder 0 → check digit 0
        ("00000000000", 0),
        # only P1 = 6: Σ = 12 → remainder 1 → check digit 0 (not 10)
        ("00000000006", 0),
        # only P1 = 5: Σ = 10 → remainder 10 → 11 - 10 = 1
        ("00000000005", 1),
        # all ones: Σ Q = 47 → remainder 3 → 8
        ("11111111111", 8),
        # only P11 = 1 (leftmost): Q11 = 6 → remainder 6 → 5
        ("10000000000", 5),
    ],
)
def test_check_digit_hand_computed(first_eleven, expected):
    assert check_digit(first_eleven) == expected
    assert is_valid_my_number(first_eleven + str(expected))
    wrong = (expected + 1) % 10
    assert not is_valid_my_number(first_eleven + str(wrong))


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_exactly_one_check_digit_fits(first_eleven):
    fitting = [d for d in range(10) if is_valid_my_number(first_eleven + str(d))]
    assert fitting == [check_digit(first_eleven)]


@pytest.mark.parametrize(
    "value", ["", "12345678901", "1234567890180", "12345678901x", None, 123456789018]
)
def test_invalid_inputs_are_not_valid_numbers(value):
    assert not is_valid_my_number(value)


def test_separators_and_full_width_are_accepted_by_the_validator():
    assert is_valid_my_number("1234 5678 9018")
    assert is_valid_my_number("１２３４－５６７８－９０１８")


def test_check_digit_needs_eleven_digits():
    with pytest.raises(ValueError):
        check_digit("123")
