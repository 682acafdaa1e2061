"""The calculator through the real REST channel: one-shot questions in varied phrasing.

Expected dates are derived by hand (MAINA_TODAY = 2026-11-25 in the servers):
the card ends on the Nth birthday after the issue date (N = 10 for adults, 5 for minors;
adult = 20+ for applications before 2022-04-01, 18+ after), certificates on the 5th.
"""
from __future__ import annotations

import uuid

import pytest

CASES = [
    # born 1988-09-03, issued 2018-02-20 (age 29) → 10th birthday after issue = 2027-09-03
    ("1988年9月3日生まれで、2018年2月20日にカードを作りました。有効期限は?", ["2027年（令和9年）9月3日"]),
    # born H2.4.1 = 1990-04-01, issued R1.7.1 = 2019-07-01 → card 2029-04-01, certs 2024-04-01
    ("平成2年4月1日生まれで、令和元年7月1日に交付されました。有効期限はいつ？",
     ["2029年（令和11年）4月1日", "2024年（令和6年）4月1日"]),
    ("H2.4.1生まれ、R1.7.1に受け取ったカードの期限を教えて", ["2029年（令和11年）4月1日"]),
    ("誕生日は1990/04/01、交付日は2019/07/01です。カードはいつまで使える？", ["2029年（令和11年）4月1日"]),
    ("１９９０年４月１日生まれ、２０１９年７月１日発行のマイナカードの有効期限", ["2029年（令和11年）4月1日"]),
    ("平成二年四月一日生まれで令和元年七月一日にもらったカードの期限は？", ["2029年（令和11年）4月1日"]),
    # born 1985-12-31, issued 2020-12-31 (on the birthday: not counted) → 10th after = 2030-12-31
    ("1985年12月31日生まれ、2020年12月31日にカードを受け取りました。期限はいつまで？",
     ["2030年（令和12年）12月31日"]),
    # born 2010-05-05, issued 2021-06-01 (age 11) → 5th birthday after = 2026-05-05 (expired)
    ("子どもの期限を知りたいです。2010年5月5日生まれで2021年6月1日に交付", ["2026年（令和8年）5月5日"]),
    # born 2005-06-10, issued 2023-01-10 (age 17, applied after 2022-04) → 5th = 2027-06-10
    ("2005年6月10日生まれ、2023年1月10日交付。有効期限は？", ["2027年（令和9年）6月10日"]),
    # born 2004-03-15, issued 2023-06-01 (age 19, new rule: adult) → 10th = 2033-03-15
    ("2004年3月15日生まれで2023年6月1日にカードをもらった。いつまで有効？", ["2033年（令和15年）3月15日"]),
    # born 2002-01-20, issued 2021-05-10 (age 19, old rule: minor) → 5th = 2026-01-20
    ("2002年1月20日生まれ、2021年5月10日にカード交付。期限は？", ["2026年（令和8年）1月20日"]),
    # born 1960-07-07 (S35), issued 2016-02-01 → 1st birthday after 2016-07-07, 10th 2025-07-07
    ("昭和35年7月7日生まれ、平成28年2月1日交付のカードの有効期限は", ["2025年（令和7年）7月7日"]),
    ("S60.3.3生まれでH30.3.3にカード作ったけど期限いつ？", ["2028年（令和10年）3月3日"]),
    # born 1975-10-10, issued 2017-04-01 → 1st birthday after 2017-10-10, 10th 2026-10-10
    ("生年月日1975年10月10日、交付年月日2017年4月1日。カードの期限を計算して", ["2026年（令和8年）10月10日"]),
    # born 1990-01-15, age 30 at issue → 40th birthday = 2030-01-15
    ("1990年1月15日生まれで、30歳のときに作ったカードの期限は？", ["2030年（令和12年）1月15日"]),
    ("I was born on 15 January 1990 and got my card on 10 March 2019. When does it expire?",
     ["2029"]),
]


@pytest.mark.parametrize("question,expected", CASES)
def test_one_shot_question_gets_exact_dates(bot, question, expected):
    answer = bot.text(question, sender=f"life-{uuid.uuid4().hex[:8]}")
    for fragment in expected:
        assert fragment in answer, answer


def test_multi_turn_form_asks_only_for_what_is_missing(bot):
    sender = f"life-{uuid.uuid4().hex[:8]}"
    assert "生年月日" in bot.text("自分のカードの有効期限を調べたい", sender)
    assert "交付日" in bot.text("1990年1月15日です", sender)
    answer = bot.text("令和元年7月1日に受け取りました", sender)
    assert "2029年（令和11年）1月15日" in answer


def test_correction_recomputes(bot):
    sender = f"life-{uuid.uuid4().hex[:8]}"
    first = bot.text("1990年1月15日生まれ、2019年3月10日交付のカードの期限は？", sender)
    assert "2029年（令和11年）1月15日" in first
    corrected = bot.text("あ、間違えた。2019年じゃなくて2018年", sender)
    assert "2028年（令和10年）1月15日" in corrected


def test_impossible_dates_get_a_friendly_reask(bot):
    sender = f"life-{uuid.uuid4().hex[:8]}"
    bot.text("有効期限を調べる", sender)
    answer = bot.text("2月30日生まれです", sender)
    assert "もう一度" in answer or "年・月・日" in answer
    sender = f"life-{uuid.uuid4().hex[:8]}"
    answer = bot.text("1990年1月15日生まれで2015年3月1日にカードを作りました。期限は？", sender)
    assert "2016" in answer  # cards exist since 2016: the issue date is asked again


def test_stop_leaves_the_form(bot):
    sender = f"life-{uuid.uuid4().hex[:8]}"
    bot.text("有効期限を調べる", sender)
    assert "やめておく" in bot.text("やめる", sender)


def test_correction_in_japanese_era_years(bot):
    sender = f"life-{uuid.uuid4().hex[:8]}"
    # born 1990-01-15, issued 2021-05-10 → 2031-01-15; corrected to 令和2年 = 2020-05-10 → 2030-01-15
    first = bot.text("1990年1月15日生まれ、令和3年5月10日交付。期限は？", sender)
    assert "2031年（令和13年）1月15日" in first
    corrected = bot.text("ごめん、令和3年じゃなくて令和2年だった", sender)
    assert "2030年（令和12年）1月15日" in corrected


def test_stop_after_the_answer_is_not_silent(bot):
    sender = f"life-{uuid.uuid4().hex[:8]}"
    bot.text("1990年1月15日生まれ、2019年3月10日交付のカードの期限は？", sender)
    answer = bot.text("やっぱりやめる", sender)
    assert answer.strip() and "ごめんね、いま" not in answer
