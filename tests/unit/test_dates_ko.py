"""Dates, ages and roles as Korean residents write them (maina.dates, Korean block; issue 15).

The Korean forms are rewritten to the Japanese ones the parser reads, so these tests check the
readings that matter for the calculator: the date, its role, the age, the 「며칠?」 answer, and
that Japanese and English text reads exactly as before.
"""
from __future__ import annotations

import datetime as dt

import pytest

from maina import dates
from maina_rasa.nlu.dates import entities_for, resolved_intent

TODAY = dt.date(2026, 11, 25)


def _read(text):
    return [(m.value or (m.partial.to_slot() if m.partial else m.error), m.role)
            for m in dates.extract_dates(text, TODAY)]


@pytest.mark.parametrize("text, expected", [
    ("1990년 1월 15일", [(dt.date(1990, 1, 15), None)]),
    ("1990년1월15일생이에요", [(dt.date(1990, 1, 15), "birth")]),
    ("생년월일은 1985년 5월 5일이에요", [(dt.date(1985, 5, 5), "birth")]),
    ("90년 1월 15일에 태어났어요", [(dt.date(1990, 1, 15), "birth")]),
    ("05년 3월 3일생", [(dt.date(2005, 3, 3), "birth")]),
    ("2019. 7. 1. 에 발급받았어요", [(dt.date(2019, 7, 1), "issue")]),
    ("카드는 2019.3.10.에 받음", [(dt.date(2019, 3, 10), "issue")]),
    ("19년 7월 1일에 카드 만들었어요", [(dt.date(2019, 7, 1), "issue")]),
    ("발급일: 2021-06-30", [(dt.date(2021, 6, 30), "issue")]),
    ("신청일은 2022년 3월 20일", [(dt.date(2022, 3, 20), "application")]),
    ("2022년 3월 20일에 신청했어요", [(dt.date(2022, 3, 20), "application")]),
    ("재류기간 만료일은 2027년 3월 31일", [(dt.date(2027, 3, 31), "stay_end")]),
    ("재류기간이 2027년 3월 31일에 만료돼요", [(dt.date(2027, 3, 31), "stay_end")]),
    ("비자가 2028년 1월 10일에 끝나요", [(dt.date(2028, 1, 10), "stay_end")]),
    ("유효기간이 2027년 3월 15일인데 언제부터 갱신 돼요?", [(dt.date(2027, 3, 15), "card_expiry")]),
    ("카드가 2025년 10월 1일에 만료됐어요", [(dt.date(2025, 10, 1), "card_expiry")]),
    ("전자증명서 유효기간은 2025년 1월 15일까지", [(dt.date(2025, 1, 15), "cert_expiry")]),
    ("레이와 원년 5월 1일 교부", [(dt.date(2019, 5, 1), "issue")]),
])
def test_korean_dates_and_roles(text, expected):
    assert _read(text) == expected


@pytest.mark.parametrize("text, slot, role", [
    ("2019년 5월에 받았어요", "2019-05", "issue"),      # month known: the form asks for the day
    ("90년생이에요", "1990", "birth"),
    ("3개월 전에 만료됐어요", "2026-08", "card_expiry"),  # counted back from today
    ("2019년이요", "2019", None),                       # a year as the whole answer
])
def test_korean_dates_known_in_part(text, slot, role):
    assert _read(text) == [(slot, role)]


@pytest.mark.parametrize("text, error", [
    ("1990년 2월 30일생", dates.ERROR_INVALID_DATE),
    ("헤이세이 32년 1월 1일", dates.ERROR_ERA_OUT_OF_RANGE),
    ("2030년 1월 1일에 태어났어요", dates.ERROR_FUTURE),
])
def test_korean_impossible_dates(text, error):
    assert [m.error for m in dates.extract_dates(text, TODAY)] == [error]


@pytest.mark.parametrize("text", [
    "유효기간은 10년이에요?",              # a duration, not a year
    "유효기간 3개월 전부터 갱신할 수 있어요?",  # counted from the expiry, not from today
    "30일 이내에 신청해야 돼요?",
    "재발급 수수료 1,000엔",
    "전화번호 0144-32-6492",
])
def test_korean_numbers_that_are_not_dates(text):
    assert dates.extract_dates(text, TODAY) == []


def test_korean_ages():
    assert dates.extract_age_at_issue("30살 때 만들었어요") == 30
    assert dates.extract_age_at_issue("카드는 17세에 받았어요") == 17
    assert dates.extract_current_age("지금 45살이에요") == 45
    assert dates.extract_age_at_issue("지금 45살이에요") is None


@pytest.mark.parametrize("text, day", [("15일이요", 15), ("3일", 3), ("20일에 받았어요", 20)])
def test_korean_day_answers(text, day):
    assert dates.parse_day_answer(text) == day


def test_a_korean_validity_question_with_own_dates_goes_to_the_calculator():
    entities = entities_for("1990년 1월 15일생이고 2019년 3월 10일에 받았는데 유효기간 언제까지예요?")
    assert resolved_intent("validity_card", entities) == "ask_my_expiry"
    assert {e["role"] for e in entities} == {"birth", "issue"}


@pytest.mark.parametrize("text", ["平成2年1月15日生まれ", "2019年3月10日に作った", "born on 15 January 1990",
                                  "30歳のときに作った", "5か月前に切れた"])
def test_japanese_and_english_read_as_before(text):
    # no Hangul: the Korean block never runs
    assert dates._Normalised(text).text == dates._Normalised(text + " ").text.rstrip()
    assert dates.extract_dates(text, TODAY) or dates.extract_age_at_issue(text)


def test_korean_dates_read_the_same_after_the_nlu_normaliser():
    """The NLU pipeline reads dates from normalised text (Korean spaces dropped, spellings unified)."""
    from maina.normalize import normalize

    for text, expected in test_korean_dates_and_roles.pytestmark[0].args[1]:
        assert _read(normalize(text)) == expected, text
