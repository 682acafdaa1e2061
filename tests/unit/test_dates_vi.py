"""Dates as Vietnamese residents write them (maina.dates_vi through maina.dates; issue 15)."""
from __future__ import annotations

import datetime as dt

import pytest

from maina import dates, dates_vi

TODAY = dt.date(2026, 11, 25)


def _found(text):
    return [(str(m.value) if m.ok else m.error, m.role) for m in dates.extract_dates(text, TODAY)]


@pytest.mark.parametrize("text,value", [
    ("15/01/1990", "1990-01-15"),
    ("ngày 15/1/1990", "1990-01-15"),
    ("ngày 01/07/2019", "2019-07-01"),             # day first: never ambiguous in Vietnamese
    ("ngay 01-07-2019", "2019-07-01"),
    ("ngày 1.7.2019", "2019-07-01"),
    ("ngày 15 tháng 1 năm 1990", "1990-01-15"),
    ("15 tháng 1 năm 1990", "1990-01-15"),
    ("ngay 15 thang 1 nam 1990", "1990-01-15"),     # without diacritics
    ("ngày 4 tháng 3, 2019", "2019-03-04"),
    ("NGÀY 4 THÁNG 3 NĂM 2019", "2019-03-04"),
])
def test_full_dates(text, value):
    assert _found(text) == [(value, None)]


@pytest.mark.parametrize("text,year,month,day", [
    ("tháng 5/2019", 2019, 5, None),
    ("thang 5 nam 2019", 2019, 5, None),
    ("năm 2019", 2019, None, None),
    ("ngày 15 tháng 1", None, 1, 15),
])
def test_dates_known_in_part(text, year, month, day):
    [mention] = dates.extract_dates(text, TODAY)
    assert (mention.error, mention.year, mention.month, mention.day) == ("incomplete_date", year, month, day)


@pytest.mark.parametrize("text,expected", [
    ("Tôi sinh ngày 15/01/1990, nhận thẻ ngày 01/07/2019. Khi nào hết hạn?",
     [("1990-01-15", "birth"), ("2019-07-01", "issue")]),
    ("sinh 2/3/1988 nhan the 5/6/2020, visa het han 1/8/2027",
     [("1988-03-02", "birth"), ("2020-06-05", "issue"), ("2027-08-01", "stay_end")]),
    ("nộp đơn 20/3/2022, nhận thẻ 10/5/2022, sinh 2/4/2004",
     [("2022-03-20", "application"), ("2022-05-10", "issue"), ("2004-04-02", "birth")]),
    ("visa của tôi hết hạn ngày 31/3/2027", [("2027-03-31", "stay_end")]),
    ("hạn thẻ lưu trú 31/3/2027", [("2027-03-31", "stay_end")]),
    ("thẻ của em hết hạn 15/3/2027, khi nào gia hạn được?", [("2027-03-15", "card_expiry")]),
    ("the co hieu luc den 15/3/2027", [("2027-03-15", "card_expiry")]),
    ("chứng thư điện tử hết hạn 10/10/2026", [("2026-10-10", "cert_expiry")]),
    ("ngày sinh 29/2/2000", [("2000-02-29", "birth")]),
])
def test_what_each_date_is(text, expected):
    assert _found(text) == expected


def test_impossible_and_future_dates_are_reported():
    assert _found("sinh ngày 30/2/1990") == [("invalid_date", "birth")]
    assert _found("nhận thẻ ngày 1/1/2030") == [("future", "issue")]


def test_counted_back_from_today():
    [mention] = dates.extract_dates("hết hạn 2 tháng trước rồi", TODAY)
    assert (mention.relative, mention.role, mention.year, mention.month) == (True, "card_expiry", 2026, 9)
    [mention] = dates.extract_dates("mình nhận thẻ cách đây 2 năm", TODAY)
    assert (mention.relative, mention.role, mention.year) == (True, "issue", 2024)
    [mention] = dates.extract_dates("làm thẻ năm ngoái", TODAY)
    assert (mention.role, mention.year) == ("issue", 2025)


def test_ages():
    assert dates.extract_age_at_issue("em sinh năm 1995, làm thẻ lúc 25 tuổi") == 25
    assert dates.extract_age_at_issue("lúc làm thẻ em 25 tuổi") == 25
    assert dates.extract_age_at_issue("khi tôi 30 tuổi") == 30
    assert dates.extract_current_age("năm nay em 30 tuổi") == 30
    assert dates.extract_age_at_issue("năm nay em 30 tuổi") is None


def test_day_answer():
    assert dates.parse_day_answer("ngày 15") == 15
    assert dates.parse_day_answer("ngay 3") == 3


@pytest.mark.parametrize("text", [
    "I was born on 03/04/1990",            # English keeps its ambiguity
    "1990年1月15日生まれ", "平成2年1月15日", "マイナンバーカードをなくした",
    "0144-32-6492", "How much is the fee?",
])
def test_other_languages_are_left_alone(text):
    assert not dates_vi.looks_vietnamese(dates._Normalised(text).text)


def test_offsets_point_at_the_original_text():
    text = "Em sinh ngày 15 tháng 1 năm 1990 nha"
    [mention] = dates.extract_dates(text, TODAY)
    assert mention.text == "ngày 15 tháng 1 năm 1990"
    assert text[mention.start:mention.end] == mention.text


def test_a_label_with_the_card_word_binds_to_its_own_date():
    """Resident probe: 「ngày cấp thẻ 01/06/2024, thời hạn lưu trú đến 30/11/2026」 took the issue
    date for the end of the stay (the word thẻ stood between the label and its date)."""
    import datetime as dt

    from maina import dates
    from maina.normalize import normalize

    text = normalize("Thẻ My Number của tôi hết hạn khi nào? Ngày sinh 12/05/1998, ngày cấp thẻ 01/06/2024, "
                     "thời hạn lưu trú đến 30/11/2026")
    found = [(m.partial.to_slot(), m.role) for m in dates.extract_dates(text, dt.date(2026, 11, 30))]
    assert found == [("1998-05-12", "birth"), ("2024-06-01", "issue"), ("2026-11-30", "stay_end")]
