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


# ---------------------------------------------------------------------------------------------
# Dates the way residents tell them (issue 12). Every expected date is derived by hand below the
# case, with MAINA_TODAY = 2026-11-25. Rules: Nth birthday strictly after the issue date (N = 10
# from the adult age on — 20 for applications before 2022-04-01, 18 from then — else 5); a stated
# period-of-stay end caps the card; renewal from the first day with less than 3 months left;
# マイナ保険証 until the end of the 3rd month after the expiry month.

TOLD_AS_RESIDENTS_DO = [
    # born 1975-01-01 (昭和50年), made in May 2019 (age 44, adult): the 1st birthday after any May
    # day is 2020-01-01 → 10th 2029-01-01; every day of May gives the same answer (it says so)
    ("令和元年5月に作ったんだけど期限いつまで？誕生日は昭和50年1月1日",
     ["2029年（令和11年）1月1日", "何日に受け取っても同じ"]),
    # born 2003-08-20; applied January 2022 (old rule, adult = 20), received 2022-02-20 (the year
    # carries from the application) aged 18 → minor, 5 birthdays: 2022-08-20 … 2026-08-20 (expired)
    ("2003年8月20日生まれです。カードは2022年1月に申請して2月20日に受け取りました。有効期限いつまでですか？",
     ["2026年（令和8年）8月20日", "過ぎているよ"]),
    # born 1975-06-15; issued on the 42nd birthday 2017-06-15 (平成29年), which does not count →
    # 1st 2018-06-15 → 10th 2027-06-15
    ("昭和50年6月15日生まれです。ちょうど誕生日の平成29年6月15日にカードが発行されました",
     ["2027年（令和9年）6月15日"]),
    # しょうわ22ねん = 1947-03-03; card in February 2021 (age 73): every February day precedes the
    # March birthday → 1st 2021-03-03 → 10th 2030-03-03
    ("しょうわ22ねん 3がつ3にち うまれです。かーどは れいわ3ねん2がつに もらいました。きげんは？",
     ["2030年（令和12年）3月3日"]),
    # へいせいにねん しがつ ついたち = 1990-04-01; れいわがんねん しちがつ ついたち = 2019-07-01 (age 29)
    # → 1st 2020-04-01 → 10th 2029-04-01
    ("へいせいにねん しがつ ついたち うまれ、れいわがんねん しちがつ ついたちに うけとった。いつまで？",
     ["2029年（令和11年）4月1日"]),
    # born 1992-02-14, issued 2024-05-20 (32): birthday rule 2034-02-14; the stated period of stay
    # ends 2027-03-31, earlier → the card ends 2027-03-31 (no status was named)
    ("My period of stay ends on March 31, 2027. I was born on 14 February 1992 and my card was issued on 20 May 2024",
     ["31 March 2027"]),
    # the same in Japanese with 中長期在留者
    ("在留期間の満了日が2027年3月31日の中長期在留者です。1992年2月14日生まれで、2024年5月20日にカードをもらいました。期限は？",
     ["2027年（令和9年）3月31日"]),
    # 永住者 (not 永住者の配偶者等): like nationals; born 1985-10-10, issued 2020-01-15 (34) →
    # 1st 2020-10-10 → 10th 2029-10-10 (no stay end asked)
    ("永住者の配偶者ではなく永住者です。1985年10月10日生まれ、2020年1月15日交付。期限は？",
     ["2029年（令和11年）10月10日"]),
    # "born in Japan" is no status: born 1990-03-03, issued 2018-06-01 (28) → 1st 2019-03-03 →
    # 10th 2028-03-03
    ("I was born in Japan on 3 March 1990 and received my card on 1 June 2018, when does it expire?",
     ["3 March 2028"]),
    # "not a student any more": no period of stay; born 1995-05-05, issued 2020-08-01 (25) →
    # 1st 2021-05-05 → 10th 2030-05-05
    ("I'm not a student any more. Born 5 May 1995, card issued 1 August 2020. expiry?", ["5 May 2030"]),
    # the card's own expiry 2027-03-15: less than 3 months remain from 2026-12-16 (21 days away)
    ("有効期限が2027年3月15日なんだけど、いつから更新できる？", ["2026年（令和8年）12月16日", "21日"]),
    ("my card is valid until 15 March 2027, when can i renew?", ["16 December 2026"]),
    # expired 5 months before 2026-11-25 → June 2026: renew free; insurance until 2026-09-30 (over)
    ("my card expire date pass already, 5 month ago. can i still renew? how much money?",
     ["free", "30 September 2026"]),
    # expired 3 months ago → August 2026: insurance until the end of November 2026
    ("期限、3ヶ月前に切れちゃってた…今からでも大丈夫？", ["2026年（令和8年）11月30日", "無料"]),
    # expiring in December 2026: for every December day the window is already open
    ("有効期限は2026年12月まで。もう更新できる？", ["今、更新できるよ"]),
    # age path: born 1990-01-15, made at 30 (2020-01-15..2021-01-14) → birthdays 31..40 → 2030-01-15
    ("1990年1月15日生まれで、30さいのときにつくったカードのきげんは？", ["2030年（令和12年）1月15日"]),
    # age path near 2022: born 2003-06-01, made at 18 (2021-06-01..2022-05-31): applied before
    # 2022-04-01 → minor, 5 → 2026-06-01; applied from then (received April-May 2022) → adult,
    # 10 → 2031-06-01; received by 2022-03-31 decides the first
    ("2003年6月1日生まれ、18歳のときに作ったカードはいつまで？",
     ["2026年（令和8年）6月1日", "2031年（令和13年）6月1日", "2022年（令和4年）3月31日までに受け取った"]),
    # current age 45 with a 3 March birthday on 2026-11-25 → born 1981-03-03; issued 2020-01-10 (38)
    # → 1st 2020-03-03 → 10th 2029-03-03
    ("今45歳で誕生日は3月3日です。2020年1月10日にカードを受け取りました。期限は？", ["2029年（令和11年）3月3日"]),
    # year only: born 1980-01-01, made some day of 2018 (37/38, adult): the 1st birthday after is
    # 2019-01-01 for every day (1 January 2018 itself does not count) → 10th 2028-01-01
    ("1980年1月1日生まれで2018年に作りました。期限は？", ["2028年（令和10年）1月1日"]),
    # a long polite letter: born 1948-07-20, received December 2018 (70) → 1st 2019-07-20 →
    # 10th 2028-07-20
    ("お世話になっております。母（昭和23年7月20日生まれ）のマイナンバーカードについてお尋ねします。"
     "平成30年の12月に受け取ったのですが、有効期限がいつになるのか教えていただけますでしょうか。よろしくお願いいたします。",
     ["2028年（令和10年）7月20日"]),
    # LINE-short with kana: S63.2.2 = 1988-02-02, H31.3.5 = 2019-03-05 (31) → 1st 2020-02-02 →
    # 10th 2029-02-02
    ("S63.2.2うまれ H31.3.5こうふ きげんは", ["2029年（令和11年）2月2日"]),
    # non-native English: born 1999-12-24, card in March 2021 (21, adult under the old rule) →
    # 1st 2021-12-24 → 10th 2030-12-24 for every March day
    ("i get my card march 2021, my birthday 24 December 1999, when it finish", ["24 December 2030"]),
]


@pytest.mark.parametrize("question,expected", TOLD_AS_RESIDENTS_DO)
def test_dates_told_as_residents_do(bot, question, expected):
    answer = bot.text(question, sender=f"told-{uuid.uuid4().hex[:8]}")
    for fragment in expected:
        assert fragment in answer, answer


# Conversations: (message, fragments the answer must contain) per turn.
DIALOGUES = {
    "month-only: only the day is asked": [
        # born 1990-05-15, made in May 2019: before the 15th → 2028-05-15, from the 15th → 2029-05-15
        ("平成2年5月15日生まれで、令和元年5月にマイナカード作りました。いつまで？", ["2019年（令和元年）5月の何日"]),
        # the 20th: age 29 → 1st birthday after 2020-05-15 → 10th 2029-05-15
        ("20日です", ["2029年（令和11年）5月15日"]),
    ],
    "month-only: the day in kana": [
        # born 1975-05-20, made in May 2019: the day decides; じゅうごにち = 15 → 1st birthday
        # 2019-05-20 → 10th 2028-05-20
        ("1975年5月20日生まれ。2019年5月にカード作った。期限は？", ["何日"]),
        ("じゅうごにち", ["2028年（令和10年）5月20日"]),
    ],
    "month-only in English": [
        # born 1990-05-15, card in May 2019 → the day decides; the 20th → 15 May 2029
        ("I was born on 15 May 1990 and got my card in May 2019. When does it expire?", ["Which day of May 2019"]),
        ("the 20th", ["15 May 2029"]),
    ],
    "period of stay over several messages": [
        # 留学, born 2001-04-10, issued 2023-04-20 (22): birthday rule 2033-04-10; stay ends 2027-03-31
        ("留学生です。マイナンバーカードの期限を計算してほしい", ["生年月日"]),
        ("2001年4月10日", ["交付日"]),
        ("2023年4月20日に受け取りました", ["在留期間"]),
        ("2027年3月31日です", ["2027年（令和9年）3月31日"]),
    ],
    "period of stay told after the answer": [
        # born 1992-02-14, issued 2024-05-20 (32) → 10th birthday after issue 2034-02-14; then the
        # stay end 2027-03-31 → the card ends on 2027-03-31
        ("1992年2月14日生まれ、2024年5月20日交付。期限は？", ["2034年（令和16年）2月14日"]),
        ("あ、在留期限は2027年3月31日です", ["2027年（令和9年）3月31日"]),
    ],
    "a side question inside the form, then the form goes on": [
        ("自分のカードの有効期限を調べたい", ["生年月日"]),
        ("友達は10年って言ってたけど違うの？", ["回目の誕生日", "生年月日"]),  # the rule, then the question again
        # born 1990-01-15, issued 2019-03-10 (29) → 1st 2020-01-15 → 10th 2029-01-15
        ("1990年1月15日生まれ、2019年3月10日に受け取った", ["2029年（令和11年）1月15日"]),
        # after the answer, the rule for this resident: 29 on the issue day, 10th birthday
        ("なんで10回目の誕生日なの？", ["29歳", "10回目"]),
    ],
    "「わからない」 gets a hint and the question again": [
        ("有効期限を計算して", ["生年月日"]),
        ("1985年4月4日", ["交付日"]),
        ("覚えてない", ["だいたいで大丈夫", "交付日"]),
        # made at 33: 2018-04-04..2019-04-03 → birthdays 34..43 → the 43rd, 2028-04-04
        ("33歳のときだったと思う", ["2028年（令和10年）4月4日"]),
    ],
}


@pytest.mark.parametrize("turns", DIALOGUES.values(), ids=DIALOGUES.keys())
def test_conversations_told_as_residents_do(bot, turns):
    sender = f"told-{uuid.uuid4().hex[:8]}"
    for message, expected in turns:
        answer = bot.text(message, sender)
        for fragment in expected:
            assert fragment in answer, (message, answer)


def test_another_topic_inside_the_form_stops_it(bot):
    sender = f"told-{uuid.uuid4().hex[:8]}"
    assert "生年月日" in bot.text("有効期限を計算して", sender)
    answer = bot.text("あ、そういえばカードなくしたかも", sender)
    assert "0120-95-0178" in answer and "生年月日を教えて" not in answer, answer


# ---------------------------------------------------------------------------------------------
# Residents' probe against the issue-12 build (n25–n30, E04, Y12). MAINA_TODAY = 2026-11-25; every
# date derived by hand below its case.

PROBE_ONE_SHOT = [
    # n25, all hiragana 和暦: へいせい10ねん = 1998 → born 1998-08-01; れいわ5ねん = 2023 → issued
    # 2023-04-03, aged 24 (adult under either rule). Birthdays after issue: 2023-08-01 is the 1st,
    # so the 10th is 2032-08-01 (not 2033: that would be the 11th); certificates the 5th, 2027-08-01
    ("へいせい10ねん 8がつ 1にち うまれ れいわ5ねん 4がつ 3にち に うけとった きげん いつ",
     ["2032年（令和14年）8月1日", "2027年（令和9年）8月1日", "発行時24歳"], []),
    # n26: born 2004-03-25; applied 2022-03-20, before 2022-04-01 → adult from 20; received
    # 5月10日 with the year carried from the application → 2022-05-10, aged 18 → minor, 5 birthdays
    # after issue: 2023-03-25 … 2027-03-25 (one answer, no application date asked)
    ("2004年3月25日生まれです。2022年3月20日に申請して、5月10日に受け取りました。有効期限はいつですか。",
     ["2027年（令和9年）3月25日", "20歳以上"], ["または", "申請日を教えて"]),
    # n29: born 1990-01-01, issued 2024-10-01 (34) → 10th birthday after issue 2034-01-01; the
    # stated period of stay ends 2027-08-31, earlier → the card ends 2027-08-31; no 永住者 line
    ("在留期間は2027年8月31日までです。1990年1月1日生まれで、2024年10月1日にカードを受け取りました。有効期限は？",
     ["2027年（令和9年）8月31日", "有効期間変更"], ["日本人と同じ", "2034年（令和16年）1月1日 だよ"]),
    # n29 in English, the visa's end as the period of stay: the same dates → 31 August 2027
    ("I am foreigner, not permanent resident. born 1990/1/1, got card 2024/10/1. my visa until 2027/8/31. "
     "card expire when?", ["31 August 2027"], ["Permanent", "When does your period of stay end"]),
    # n30: expiry July 2027 (the year first); for every July day renewal opens 3 months before, on
    # 2027-04-02 … 2027-05-01, none open yet on 2026-11-25 → from April 2027; no birth date asked
    ("my card say expire 2027 July. when can i renew? need reservation?",
     ["July 2027", "April 2027"], ["date of birth"]),
    # E04: born 2012-12-03, received 2021-06-01 aged 8 (old rule, minor) → 1st birthday after issue
    # 2021-12-03 → 5th 2025-12-03; no signing certificate before 15, reached on 2027-12-03
    ("娘のカードの有効期限を知りたいです。2012年12月3日生まれで、2021年6月1日に受け取りました",
     ["娘さんのカードの有効期限は 2025年（令和7年）12月3日",
      "15歳未満は署名用電子証明書は発行されないよ。2027年（令和9年）12月3日から窓口で申請できるよ。"],
     ["あなた", "（15歳未満", "。）"]),
    # Y12: born 2012-02-29, issued 2021-06-01 aged 9 (old rule, minor): validity counts 28 February
    # in common years → 2022-02-28, 2023-02-28, 2024-02-29, 2025-02-28, 2026-02-28 (5th); the age
    # 15 (signing certificate) comes on 1 March 2027; the answer says which date counts for what
    ("my son's card: born 29 February 2012, card issued 1 June 2021. when does it expire?",
     ["Your son's card is valid until 28 February 2026", "goes up on 1 March", "from 1 March 2027"], ["Your card"]),
]


@pytest.mark.parametrize("question,expected,absent", PROBE_ONE_SHOT)
def test_probe_one_shot(bot, question, expected, absent):
    answer = bot.text(question, sender=f"probe-{uuid.uuid4().hex[:8]}")
    for fragment in expected:
        assert fragment in answer, answer
    for fragment in absent:
        assert fragment not in answer, answer


PROBE_DIALOGUES = {
    "n26: the application date asked once, then the answer": [
        # born 2004-03-25, received 2022-05-10 aged 18, application unknown: before 2022-04-01 → 5
        # birthdays (2027-03-25), from then → 10 (2032-03-25); the application date decides
        ("2004年3月25日生まれです。2022年5月10日に受け取りました。有効期限はいつですか。",
         ["2027年（令和9年）3月25日 または 2032年（令和14年）3月25日", "申請日"], []),
        # applied 2022-03-20 → old rule, minor → 2027-03-25
        ("申請日は2022年3月20日です", ["2027年（令和9年）3月25日（2027/3/25）"], ["または"]),
    ],
    "n27: a year alone corrects the birth date": [
        # born 1970-05-05, received 2020-02-02 (49) → 1st birthday after 2020-05-05 → 10th 2029-05-05
        ("有効期限を調べたい", ["生年月日"], []),
        ("生まれは1970年5月5日", ["交付日"], []),
        ("受け取りは令和2年2月2日", ["2029年（令和11年）5月5日", "発行時49歳"], []),
        # born 1975-05-05 (the month and day kept), 44 at issue → the same 10th birthday 2029-05-05
        ("ごめん、生まれは1975年だった", ["2029年（令和11年）5月5日", "発行時44歳"], ["年・月・日", "何月何日"]),
    ],
    "n29: the stay end in a later turn, with 「永住者ではありません」": [
        # born 1990-01-01, issued 2024-10-01 (34) → 2034-01-01; then the stay end 2027-08-31 caps it
        ("1990年1月1日生まれで、2024年10月1日にカードを受け取りました。有効期限は？", ["2034年（令和16年）1月1日"], []),
        ("永住者ではありません。在留期間は2027年8月31日まで", ["2027年（令和9年）8月31日", "有効期間変更"],
         ["日本人と同じ"]),
    ],
    "n29: 「外国人です」 before the form started still asks the stay end": [
        ("外国人です。カードの期限を知りたい", [], []),  # the form, or an ask-back first
        ("1990年1月1日", ["交付日"], []),
        ("2024年10月1日", ["在留期間の満了日"], ["2034年"]),
        # born 1990-01-01, issued 2024-10-01 → birthday rule 2034-01-01; the stay ends 2027-08-31
        ("2027年8月31日です", ["2027年（令和9年）8月31日"], ["日本人と同じ"]),
    ],
}


@pytest.mark.parametrize("turns", PROBE_DIALOGUES.values(), ids=PROBE_DIALOGUES.keys())
def test_probe_dialogues(bot, turns):
    sender = f"probe-{uuid.uuid4().hex[:8]}"
    for message, expected, absent in turns:
        answer = bot.text(message, sender)
        for fragment in expected:
            assert fragment in answer, (message, answer)
        for fragment in absent:
            assert fragment not in answer, (message, answer)
