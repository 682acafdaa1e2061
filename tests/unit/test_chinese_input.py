"""Dates, ages and residence statuses as Chinese residents write them (maina.dates and
maina.residence, their Chinese blocks; issue 15)."""
from __future__ import annotations

import datetime as dt

import pytest

from maina.dates import extract_age_at_issue, extract_current_age, extract_dates
from maina.residence import stated_status

TODAY = dt.date(2026, 11, 25)


def _found(text):
    return [(m.value, m.role) for m in extract_dates(text, TODAY)]


@pytest.mark.parametrize("text,expected", [
    ("我1990年1月15日出生，2019年7月1日领的卡", [(dt.date(1990, 1, 15), "birth"), (dt.date(2019, 7, 1), "issue")]),
    ("2019年7月1日领卡，1990年1月15日出生", [(dt.date(2019, 7, 1), "issue"), (dt.date(1990, 1, 15), "birth")]),
    ("生日是1990年1月15号，办卡是2019年7月1号", [(dt.date(1990, 1, 15), "birth"), (dt.date(2019, 7, 1), "issue")]),
    ("出生于1985年12月3日", [(dt.date(1985, 12, 3), "birth")]),
    ("一九九零年一月十五日出生", [(dt.date(1990, 1, 15), "birth")]),
    ("卡是2018年3月5号办的", [(dt.date(2018, 3, 5), "issue")]),
    ("2022年3月10号申请的", [(dt.date(2022, 3, 10), "application")]),
    ("我的卡2027年3月15日到期，什么时候可以更新", [(dt.date(2027, 3, 15), "card_expiry")]),
    ("有效期到2027年3月15号", [(dt.date(2027, 3, 15), "card_expiry")]),
    ("在留卡到期是2027年3月31日", [(dt.date(2027, 3, 31), "stay_end")]),
    ("签证到期2027年4月30号", [(dt.date(2027, 4, 30), "stay_end")]),
    ("电子证明书的有效期是2026年8月1日", [(dt.date(2026, 8, 1), "cert_expiry")]),
    ("1990年1月15号", [(dt.date(1990, 1, 15), None)]),              # a bare answer to the form's question
    ("1990/1/15", [(dt.date(1990, 1, 15), None)]),
])
def test_chinese_dates_and_their_roles(text, expected):
    assert _found(text) == expected


def test_counted_back_like_japanese():
    for chinese, japanese in (("5个月前过期了", "5か月前に切れた"), ("上个月过期了", "先月切れた"),
                              ("3天前到期了", "3日前に切れた")):
        got = [(m.month, m.day, m.role) for m in extract_dates(chinese, TODAY)]
        assert got == [(m.month, m.day, m.role) for m in extract_dates(japanese, TODAY)] and got


def test_impossible_chinese_date_is_reported():
    (mention,) = extract_dates("1990年2月30号出生", TODAY)
    assert mention.value is None and mention.error == "invalid_date" and mention.role == "birth"


@pytest.mark.parametrize("text,at_issue,now", [
    ("我30岁的时候办的卡", 30, None),
    ("30岁那年办的", 30, None),
    ("我现在45岁", None, 45),
    ("我今年35岁", None, 35),
])
def test_chinese_ages(text, at_issue, now):
    assert extract_age_at_issue(text) == at_issue
    assert extract_current_age(text) == now


@pytest.mark.parametrize("text", ["5月号の雑誌", "3号館で申請した", "15号室"])
def test_japanese_go_is_not_a_day(text):
    assert all(m.day is None for m in extract_dates(text, TODAY))


@pytest.mark.parametrize("text,status", [
    ("我是永住者", "永住者"),
    ("我是留学签证", "留学"),
    ("我的在留资格是技术・人文知识・国际业务", "技術・人文知識・国際業務"),
    ("工作签证", "技術・人文知識・国際業務"),
    ("我是技能实习生", "技能実習"),
    ("家属签证", "家族滞在"),
    ("特别永住者", "特別永住者"),
    ("我是高度专门职2号", "高度専門職2号"),
    ("我是外国人", "外国人住民"),
])
def test_chinese_residence_statuses(text, status):
    assert stated_status(text).key == status


@pytest.mark.parametrize("text,status", [
    ("我是留学生，1998年2月2日出生，2023年4月1日领的卡", "留学"),
    ("在留资格是技能实习，签证到2027年", "技能実習"),
    ("我不是留学生了，现在是永住者", "永住者"),
])
def test_a_status_stated_inside_a_chinese_sentence(text, status):
    assert stated_status(text).key == status


def test_a_former_status_is_not_stated():
    assert stated_status("以前是留学，1990年出生") is None
