"""maina.dates / maina.wareki: every input format, invalid dates, roles, garbage input."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maina import wareki
from maina.dates import (
    DateMention,
    check_consistency,
    extract_age_at_issue,
    extract_current_age,
    extract_dates,
    parse_day_answer,
    parse_number,
)

D = dt.date
TODAY = D(2026, 11, 25)


def only(text: str) -> DateMention:
    found = extract_dates(text, TODAY)
    assert len(found) == 1, found
    mention = found[0]
    assert text[mention.start:mention.end] == mention.text
    return mention


# --------------------------------------------------------------------------------------------
# wareki


@pytest.mark.parametrize("day, era, year", [
    (D(2019, 5, 1), "令和", 1),
    (D(2019, 4, 30), "平成", 31),
    (D(1989, 1, 8), "平成", 1),
    (D(1989, 1, 7), "昭和", 64),
    (D(1926, 12, 25), "昭和", 1),
    (D(1926, 12, 24), "大正", 15),
    (D(1912, 7, 30), "大正", 1),
    (D(1912, 7, 29), "明治", 45),
    (D(2029, 1, 15), "令和", 11),
])
def test_to_wareki(day, era, year):
    assert wareki.to_wareki(day) == (era, year)


def test_to_wareki_before_meiji():
    with pytest.raises(ValueError):
        wareki.to_wareki(D(1868, 1, 1))


def test_format_dates():
    assert wareki.format_date_ja(D(2029, 1, 15)) == "2029年（令和11年）1月15日"
    assert wareki.format_date_ja(D(2019, 7, 1)) == "2019年（令和元年）7月1日"
    assert wareki.format_date_ja(D(1989, 1, 8)) == "1989年（平成元年）1月8日"
    assert wareki.format_date_en(D(2029, 1, 15)) == "15 January 2029"
    assert wareki.format_date_en(D(1990, 4, 1)) == "1 April 1990"


# --------------------------------------------------------------------------------------------
# formats


@pytest.mark.parametrize("text, expected", [
    # 西暦
    ("2019年3月10日", D(2019, 3, 10)),
    ("2019 年 3 月 10 日", D(2019, 3, 10)),
    ("2019年03月10日（日）", D(2019, 3, 10)),
    ("2019/3/10", D(2019, 3, 10)),
    ("2019-03-10", D(2019, 3, 10)),
    ("2019.3.10", D(2019, 3, 10)),
    ("2019ー03ー10", D(2019, 3, 10)),  # long-vowel mark typed as a dash
    # 和暦
    ("昭和58年1月2日", D(1983, 1, 2)),
    ("平成2年4月1日", D(1990, 4, 1)),
    ("令和元年5月1日", D(2019, 5, 1)),
    ("令和1年5月1日", D(2019, 5, 1)),
    ("平成元年1月8日", D(1989, 1, 8)),
    ("昭和64年1月7日", D(1989, 1, 7)),
    ("平成31年4月30日", D(2019, 4, 30)),
    ("平成2.4.1", D(1990, 4, 1)),
    ("平2.4.1", D(1990, 4, 1)),
    ("㍻2年4月1日", D(1990, 4, 1)),  # the single-character era sign
    # abbreviations, any case
    ("S58.1.2", D(1983, 1, 2)),
    ("s58.1.2", D(1983, 1, 2)),
    ("H2/4/1", D(1990, 4, 1)),
    ("h2/4/1", D(1990, 4, 1)),
    ("R1.7.1", D(2019, 7, 1)),
    ("r1.7.1", D(2019, 7, 1)),
    ("R元.7.1", D(2019, 7, 1)),
    ("H2年4月1日", D(1990, 4, 1)),
    ("T15.12.24", D(1926, 12, 24)),
    # full-width digits
    ("２０１９年３月１０日", D(2019, 3, 10)),
    ("Ｈ２．４．１", D(1990, 4, 1)),
    ("２０１９／３／１０", D(2019, 3, 10)),
    # kanji numerals
    ("令和元年七月一日", D(2019, 7, 1)),
    ("二〇一九年三月十日", D(2019, 3, 10)),
    ("平成二年四月一日", D(1990, 4, 1)),
    ("昭和五十八年十二月三十一日", D(1983, 12, 31)),
    ("千九百八十八年九月三日", D(1988, 9, 3)),
    # English
    ("15 January 1990", D(1990, 1, 15)),
    ("January 15, 1990", D(1990, 1, 15)),
    ("January 15 1990", D(1990, 1, 15)),
    ("15 Jan 1990", D(1990, 1, 15)),
    ("15 Jan. 1990", D(1990, 1, 15)),
    ("15th of January, 1990", D(1990, 1, 15)),
    ("Jan 15th, 1990", D(1990, 1, 15)),
    ("15-Jan-1990", D(1990, 1, 15)),
    ("1 SEPT 2020", D(2020, 9, 1)),
    ("1990-01-15", D(1990, 1, 15)),
    ("15/01/1990", D(1990, 1, 15)),  # day > 12: day-first
    ("01/15/1990", D(1990, 1, 15)),  # second > 12: month-first
    ("05/05/1990", D(1990, 5, 5)),  # same either way
])
def test_formats(text, expected):
    mention = only(text)
    assert mention.value == expected, mention
    assert mention.error is None
    assert mention.ok
    assert (mention.start, mention.end) == (0, len(text)) or text.endswith("（日）")


def test_era_fields_are_reported():
    mention = only("令和元年7月1日")
    assert (mention.era, mention.era_year, mention.year) == ("令和", 1, 2019)
    mention = only("S58.1.2")
    assert (mention.era, mention.era_year, mention.year) == ("昭和", 58, 1983)


# --------------------------------------------------------------------------------------------
# invalid, impossible, incomplete


@pytest.mark.parametrize("text, error, suggestion", [
    ("2019年2月30日", "invalid_date", None),
    ("2月30日", "invalid_date", None),
    ("2019年4月31日", "invalid_date", None),
    ("2019/13/1", "invalid_date", None),
    ("2019年2月29日", "invalid_date", None),  # 2019 is no leap year
    ("平成0年1月1日", "invalid_date", None),
    ("2019年0月10日", "invalid_date", None),
    ("2019年3月32日", "invalid_date", None),
    # era boundaries: the day exists, the era did not — flagged with the day as suggestion
    ("平成31年5月1日", "era_out_of_range", D(2019, 5, 1)),
    ("平成32年1月1日", "era_out_of_range", D(2020, 1, 1)),
    ("H32.1.1", "era_out_of_range", D(2020, 1, 1)),
    ("令和元年4月30日", "era_out_of_range", D(2019, 4, 30)),
    ("昭和64年1月8日", "era_out_of_range", D(1989, 1, 8)),
    ("平成元年1月7日", "era_out_of_range", D(1989, 1, 7)),
    ("1800年1月1日", "out_of_range", None),
    ("2019年3月", "incomplete_date", None),
    ("3月10日", "incomplete_date", None),
    ("March 2019", "incomplete_date", None),
    ("15 January", "incomplete_date", None),
])
def test_invalid_and_incomplete(text, error, suggestion):
    mention = only(text)
    assert mention.error == error
    assert mention.value is None
    assert not mention.ok
    assert mention.suggestion == suggestion


def test_era_boundaries_valid_side():
    assert only("平成31年4月30日").ok
    assert only("令和元年5月1日").ok
    assert only("昭和64年1月7日").ok
    assert only("平成元年1月8日").ok


def test_ambiguous_day_month_order():
    mention = only("03/04/2019")
    assert mention.error == "ambiguous_date"
    assert set(mention.candidates) == {D(2019, 3, 4), D(2019, 4, 3)}
    assert mention.suggestion is None


def test_incomplete_keeps_what_was_read():
    mention = only("4月1日生まれです")
    assert (mention.year, mention.month, mention.day, mention.role) == (None, 4, 1, "birth")
    mention = only("2019年3月に作った")
    assert (mention.year, mention.month, mention.day, mention.role) == (2019, 3, None, "issue")


@pytest.mark.parametrize("text, expected", [
    ("平成2年生まれです", [("平成2年", 1990, "incomplete_date", "birth")]),
    ("2018年に作ったと思う。誕生日は9月3日", [("2018年", 2018, "incomplete_date", "issue"),
                                        ("9月3日", None, "incomplete_date", "birth")]),
    ("2019年", [("2019年", 2019, "incomplete_date", None)]),  # a bare answer to "when?"
    ("令和元年ごろかな", [("令和元年", 2019, "incomplete_date", None)]),
    ("平成32年", [("平成32年", 2020, "era_out_of_range", None)]),
    ("2024年の法改正で変わった", []),  # a year inside a sentence without a cue is not reported
    ("2019年度に作った", []),
    ("1990年代生まれ", []),
])
def test_year_only(text, expected):
    found = extract_dates(text, TODAY)
    assert [(m.text, m.year, m.error, m.role) for m in found] == expected


def test_future_birth_and_issue_are_flagged_but_stay_end_is_not():
    birth = only("2030年1月1日生まれ")
    assert (birth.error, birth.role, birth.suggestion) == ("future", "birth", D(2030, 1, 1))
    issue = only("2027年1月1日に交付")
    assert issue.error == "future"
    stay = only("在留期限は2028年3月31日です")
    assert stay.ok and stay.role == "stay_end"
    plain = only("2030年1月1日")  # no role: a future date may be a question about the future
    assert plain.ok


def test_non_dates_are_ignored():
    for text in ["電話は0144-32-6492です", "0120-95-0178に電話", "1234 5678 9012", "期限の3か月前から更新できる？",
                 "3か月前になったら通知が来る", "5 months before expiry",
                 "90日以内", "30歳です", "version 1.2.3", "10月", "第一月曜日", "1.5倍", "12/34",
                 "マイナンバーカードの有効期限はいつ？", "", "   ", "I was born 1990, may I ask", "2019/13",
                 "2019-2020", "2019.7"]:
        assert extract_dates(text, TODAY) == [], text


# --------------------------------------------------------------------------------------------
# roles and mixed sentences


def values_roles(text):
    return [(m.value, m.role) for m in extract_dates(text, TODAY)]


def test_mixed_sentence_wareki():
    text = "平成2年4月1日生まれで、令和元年7月1日に交付されました。有効期限はいつ？"
    assert values_roles(text) == [(D(1990, 4, 1), "birth"), (D(2019, 7, 1), "issue")]
    first = extract_dates(text, TODAY)[0]
    assert text[first.start:first.end] == "平成2年4月1日"


def test_mixed_sentence_western():
    text = "1988年9月3日生まれで、2018年2月20日にカードを作りました"
    assert values_roles(text) == [(D(1988, 9, 3), "birth"), (D(2018, 2, 20), "issue")]


def test_mixed_sentence_english():
    text = "I was born on 15 January 1990 and got my card on 10 March 2019"
    assert values_roles(text) == [(D(1990, 1, 15), "birth"), (D(2019, 3, 10), "issue")]
    text = "I got my card on 10 March 2019. I was born on January 15, 1990."
    assert values_roles(text) == [(D(2019, 3, 10), "issue"), (D(1990, 1, 15), "birth")]


@pytest.mark.parametrize("text, role", [
    # birth
    ("生年月日は1990年1月1日です", "birth"),
    ("誕生日：1990/1/1", "birth"),
    ("1990年1月1日生まれ", "birth"),
    ("1990年1月1日産まれ", "birth"),
    ("平成2年4月1日生", "birth"),
    ("1990年1月1日が誕生日", "birth"),
    ("My birthday is 1 January 1990", "birth"),
    ("date of birth: 1990-01-01", "birth"),
    ("DOB 01/01/1990", "birth"),
    # issue
    ("交付日は2019年3月10日", "issue"),
    ("2019年3月10日に発行された", "issue"),
    ("2019年3月10日に作った", "issue"),
    ("2019年3月10日に受け取った", "issue"),
    ("2019年3月10日にもらった", "issue"),
    ("2019年3月10日に取得しました", "issue"),
    ("カードを2019年3月10日に作りました", "issue"),
    ("作ったのは、えーと、2019年3月10日だったかな", "issue"),
    ("受け取った日は2019/3/10", "issue"),
    ("申請したのは2022年3月31日", "application"),
    ("It was issued on 10 March 2019", "issue"),
    ("I received it on 10 March 2019", "issue"),
    # application
    ("2019年1月20日に申請しました", "application"),
    ("申請日は2022/3/31", "application"),
    ("I applied on 31 March 2022", "application"),
    # stay end
    ("在留期間の満了日は2027年3月31日", "stay_end"),
    ("在留期限：2027/3/31", "stay_end"),
    ("2027年3月31日に在留期間が満了します", "stay_end"),
    ("在留カードの有効期限は2027年3月31日", "stay_end"),
    ("My period of stay ends on 31 March 2027", "stay_end"),
    ("my residence card expires on 31 March 2027", "stay_end"),
    ("my visa expires 31 March 2027", "stay_end"),
    # the visa or residence card as the subject (probe n29)
    ("my visa until 2027/8/31", "stay_end"),
    ("my visa is valid until 31 Aug 2027", "stay_end"),
    ("my residence card expire 31 August 2027", "stay_end"),
    ("ビザは2027年8月31日まで", "stay_end"),
    ("在留カードは2027年8月31日までです", "stay_end"),
    ("在留カードを2024年10月1日にもらった", "issue"),  # the residence card's own issue: no stay end
    # extensions: the card's or certificate's own expiry
    ("2029年4月1日まで有効", "card_expiry"),
    ("カードの有効期限は2029年4月1日", "card_expiry"),
    ("電子証明書の有効期限は2024年4月1日", "cert_expiry"),
    ("my card expires on 1 April 2029", "card_expiry"),
    # nothing
    ("2019年3月10日", None),
    ("2019年3月10日はいい天気", None),
])
def test_roles(text, role):
    assert only(text).role == role


def test_labels_bind_to_the_following_date_and_verbs_to_the_preceding_one():
    text = "誕生日は1990年1月1日で、交付日は2019年3月10日です"
    assert values_roles(text) == [(D(1990, 1, 1), "birth"), (D(2019, 3, 10), "issue")]
    text = "2019年3月10日に作って、誕生日は1990年1月1日"
    assert values_roles(text) == [(D(2019, 3, 10), "issue"), (D(1990, 1, 1), "birth")]
    text = "2022年3月1日に申請して、2022年4月20日に受け取りました"
    assert values_roles(text) == [(D(2022, 3, 1), "application"), (D(2022, 4, 20), "issue")]
    text = "I applied on 1 March 2022 and received the card on 20 April 2022"
    assert values_roles(text) == [(D(2022, 3, 1), "application"), (D(2022, 4, 20), "issue")]


def test_roles_do_not_cross_sentences():
    text = "2019年3月10日です。生まれは東京です。"
    assert values_roles(text) == [(D(2019, 3, 10), None)]


def test_offsets_point_into_the_original_text():
    text = "えっと、ｶｰﾄﾞは　２０１９年３月１０日に作って😀、誕生日はＨ２．４．１です"
    found = extract_dates(text, TODAY)
    assert [m.text for m in found] == ["２０１９年３月１０日", "Ｈ２．４．１"]
    assert [text[m.start:m.end] for m in found] == ["２０１９年３月１０日", "Ｈ２．４．１"]
    assert [(m.value, m.role) for m in found] == [(D(2019, 3, 10), "issue"), (D(1990, 4, 1), "birth")]


# --------------------------------------------------------------------------------------------
# age at issue


@pytest.mark.parametrize("text, age", [
    ("30歳のときに作った", 30),
    ("30歳の時に作りました", 30),
    ("３０才のころ作ったと思う", 30),
    ("三十歳の時", 30),
    ("はたちで作った", 20),
    ("二十歳のとき", 20),
    ("when I was 30", 30),
    ("I made it when I was 17 years old", 17),
    ("at the age of 45", 45),
    ("30歳です", None),
    ("カードを作った", None),
    ("", None),
    ("999歳のとき", None),
])
def test_extract_age_at_issue(text, age):
    assert extract_age_at_issue(text) == age


# --------------------------------------------------------------------------------------------
# consistency


def test_check_consistency():
    assert check_consistency(D(1990, 4, 1), D(2019, 7, 1), TODAY) == []
    assert check_consistency(None, None, TODAY) == []
    assert "birth_in_future" in check_consistency(D(2030, 1, 1), None, TODAY)
    assert "issue_in_future" in check_consistency(None, D(2027, 1, 1), TODAY)
    assert check_consistency(None, D(2015, 12, 31), TODAY) == ["issue_before_card_launch"]
    assert check_consistency(None, D(2016, 1, 1), TODAY) == []
    assert "issue_before_birth" in check_consistency(D(2020, 5, 1), D(2020, 4, 1), TODAY)
    assert check_consistency(D(1990, 1, 1), D(2020, 1, 1), TODAY, application=D(2020, 2, 1)) == [
        "application_after_issue"]
    assert "application_in_future" in check_consistency(None, None, TODAY, application=D(2027, 1, 1))
    assert "birth_too_early" in check_consistency(D(1800, 1, 1), None, TODAY)


def test_parse_number():
    assert parse_number("12") == 12
    assert parse_number("十二") == 12
    assert parse_number("三十一") == 31
    assert parse_number("二〇一九") == 2019
    assert parse_number("千九百八十八") == 1988
    assert parse_number("二千十九") == 2019
    assert parse_number("一二十") is None
    assert parse_number("x") is None


# --------------------------------------------------------------------------------------------
# robustness


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_garbage_never_raises(text):
    found = extract_dates(text, TODAY)
    for m in found:
        assert 0 <= m.start <= m.end <= len(text)
        assert text[m.start:m.end] == m.text
        assert (m.value is None) == (not m.ok)
    extract_age_at_issue(text)


date_parts = st.sampled_from(list("年月日/.-元") + ["平成", "令和", "昭和", "H", "R", "生まれ", "交付", " ",
                                                   "January", "born", "\x00", "\u3099", "ｶﾞ", "㍻", "二", "十"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(date_parts, st.integers(0, 3000).map(str)), max_size=40).map("".join))
def test_date_like_garbage_never_raises(text):
    for m in extract_dates(text, TODAY):
        assert text[m.start:m.end] == m.text
        assert m.error is not None or m.value is not None


FORMATS = [
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: d.isoformat(),
    lambda d: f"{d.day} {wareki.MONTHS_EN[d.month - 1]} {d.year}",
    lambda d: f"{wareki.MONTHS_EN[d.month - 1]} {d.day}, {d.year}",
    lambda d: "{0}{1}年{2}月{3}日".format(*_era(d)),
    lambda d: "{4}{1}.{2}.{3}".format(*_era(d)),
]


def _era(d):
    era, year = wareki.to_wareki(d)
    return era, ("元" if year == 1 else year), d.month, d.day, wareki.ERA_BY_NAME[era].letter


@settings(max_examples=200, deadline=None)
@given(st.dates(D(1900, 1, 1), D(2026, 11, 25)), st.sampled_from(FORMATS),
       st.text(alphabet="あいうえおカード、。 abc!?😀", max_size=15),
       st.text(alphabet="あいうえおカード、。 abc!?😀", max_size=15))
def test_any_formatted_date_is_found_inside_text(day, fmt, prefix, suffix):
    written = fmt(day)
    text = f"{prefix} {written} {suffix}"
    found = [m for m in extract_dates(text, TODAY) if m.text == written]
    assert found and found[0].value == day, (text, extract_dates(text, TODAY))


def test_long_input_is_fast():
    chunk = "平成2年4月1日生まれで、令和元年7月1日に交付😀\x07 0144-32-6492 "
    text = (chunk * (10_000 // len(chunk) + 1))[:10_000]
    started = time.perf_counter()
    found = extract_dates(text, TODAY)
    assert time.perf_counter() - started < 2.0
    assert len(found) > 100
    assert extract_dates("🙂" * 10_000, TODAY) == []
    assert extract_dates("\x00\x01\x02" * 3000, TODAY) == []


def test_non_string_input():
    assert extract_dates(None, TODAY) == []  # type: ignore[arg-type]
    assert extract_age_at_issue(None) is None  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# dates as residents type them (issue 12): kana, a year carried over, birthdays, counted back


def found(text):
    return [(m.text, m.partial.to_slot() if m.partial else m.error, m.role) for m in extract_dates(text, TODAY)]


@pytest.mark.parametrize("text, expected", [
    ("しょうわ22ねん 3がつ3にち うまれです", ("しょうわ22ねん 3がつ3にち", "1947-03-03", "birth")),
    ("かーどは れいわ3ねん2がつに もらいました", ("れいわ3ねん2がつ", "2021-02", "issue")),
    ("へいせいにねん しがつ ついたち うまれ", ("へいせいにねん しがつ ついたち", "1990-04-01", "birth")),
    ("れいわがんねん ごがつ とおかに こうふ", ("れいわがんねん ごがつ とおか", "2019-05-10", "issue")),
    ("令和がんねん7がつ1にちに作った", ("令和がんねん7がつ1にち", "2019-07-01", "issue")),
    ("しょうわごじゅうねん じゅういちがつ みっか", ("しょうわごじゅうねん じゅういちがつ みっか", "1975-11-03", None)),
    ("へいせい30ねん12がつ にじゅうよっかに うけとった", ("へいせい30ねん12がつ にじゅうよっか", "2018-12-24", "issue")),
    ("ヘイセイ2ネン", None),  # katakana counters are not read; the era alone is not a date
    ("ショウワ60年3月3日生まれ", ("ショウワ60年3月3日", "1985-03-03", "birth")),
    ("2019ねん5がつ15にちに つくった", ("2019ねん5がつ15にち", "2019-05-15", "issue")),
])
def test_dates_typed_in_kana(text, expected):
    assert found(text) == ([expected] if expected else [])


@pytest.mark.parametrize("text", ["田中さんがつくった", "まいにち", "にちようびに行く", "いつか作りたい", "さんがつく"])
def test_kana_words_that_are_not_dates(text):
    assert extract_dates(text, TODAY) == []


@pytest.mark.parametrize("text, expected", [
    # the issue's example: the year of the application carries to the pickup day
    ("2003年8月20日生まれです。カードは2022年1月に申請して2月20日に受け取りました。",
     [("2003年8月20日", "2003-08-20", "birth"), ("2022年1月", "2022-01", "application"),
      ("2月20日", "2022-02-20", "issue")]),
    ("令和4年3月に申請して5月に受け取った", [("令和4年3月", "2022-03", "application"), ("5月", "2022-05", "issue")]),
    # received in an earlier month than the application: the next year
    ("2022年11月に申請して2月に受け取った", [("2022年11月", "2022-11", "application"), ("2月", "2023-02", "issue")]),
    ("2021年12月10日申請、1月20日交付", [("2021年12月10日", "2021-12-10", "application"),
                                 ("1月20日", "2022-01-20", "issue")]),
    ("期限は2029年4月1日、電子証明書は4月1日までかな", [("2029年4月1日", "2029-04-01", "card_expiry"),
                                             ("4月1日", "2029-04-01", None)]),
    # a birth date neither gives nor takes a year
    ("1990年1月15日生まれで、3月10日に作った", [("1990年1月15日", "1990-01-15", "birth"),
                                     ("3月10日", "--03-10", "issue")]),
    ("2019年3月10日に作った。誕生日は9月3日", [("2019年3月10日", "2019-03-10", "issue"), ("9月3日", "--09-03", "birth")]),
    # a bare month needs a year from an earlier date and a cue
    ("5月に受け取った", []),
    ("2019年3月10日です。4月も忙しかった", [("2019年3月10日", "2019-03-10", None)]),
])
def test_year_carried_from_an_earlier_date(text, expected):
    assert found(text) == expected


def test_carried_year_is_reported():
    [_, issue] = extract_dates("2022年1月に申請して2月20日に受け取りました", TODAY)
    assert issue.carried_year and issue.ok and issue.value == D(2022, 2, 20)


@pytest.mark.parametrize("text, role", [
    ("昭和50年6月15日生まれです。ちょうど誕生日の平成29年6月15日にカードが発行されました", "issue"),
    ("平成29年6月15日、ちょうど誕生日にカードが発行されました", "issue"),
    ("誕生日当日の2017年6月15日に受け取った", "issue"),
    ("I got my card on my birthday, 15 June 2017", "issue"),
])
def test_a_day_that_falls_on_a_birthday_is_not_the_birth_date(text, role):
    last = extract_dates(text, TODAY)[-1]
    assert last.role == role and last.on_birthday and last.value == D(2017, 6, 15)


def test_birthday_label_still_names_the_birth_date():
    [m] = extract_dates("誕生日は1990年1月1日です", TODAY)
    assert m.role == "birth" and not m.on_birthday


@pytest.mark.parametrize("text, expected", [
    # TODAY = 2026-11-25
    ("3か月前に作りました", ("3か月前", "2026-08", "issue")),
    ("3ヶ月くらい前に受け取った", ("3ヶ月くらい前", "2026-08", "issue")),
    ("半年前に期限切れた", ("半年前", "2026-05", "card_expiry")),
    ("先月カードが切れちゃった", ("先月", "2026-10", "card_expiry")),
    ("先々月に期限が切れてた", ("先々月", "2026-09", "card_expiry")),
    ("去年作った", ("去年", "2025", "issue")),
    ("2年前に作ったカード", ("2年前", "2024", "issue")),
    ("3日前に受け取った", ("3日前", "2026-11-22", "issue")),
    ("昨日もらったばかり", ("昨日", "2026-11-24", "issue")),
    ("さんかげつまえに きげんが きれた", ("さんかげつまえ", "2026-08", "card_expiry")),
    ("my card expire date pass already, 5 month ago", ("5 month ago", "2026-06", "card_expiry")),
    ("it expired two months ago", ("two months ago", "2026-09", "card_expiry")),
    ("I got it 2 years ago", ("2 years ago", "2024", "issue")),
    ("received it last month", ("last month", "2026-10", "issue")),
    ("got my card yesterday", ("yesterday", "2026-11-24", "issue")),
])
def test_dates_counted_back_from_today(text, expected):
    [m] = extract_dates(text, TODAY)
    assert (m.text, m.partial.to_slot(), m.role) == expected and m.relative


@pytest.mark.parametrize("text", ["期限の3か月前から更新できる？", "3か月前になったら通知が来る", "有効期限の3ヶ月前に通知書が届く",
                                  "更新は3か月前からできる", "renew 3 months before expiry", "今年の法改正で"])
def test_periods_before_another_date_are_not_counted_back(text):
    assert extract_dates(text, TODAY) == []


@pytest.mark.parametrize("text, role", [
    ("期限は2029年4月1日", "card_expiry"),
    ("有効期限が2027年3月15日なんだけど、いつから更新できる？", "card_expiry"),
    ("2026年6月に切れた", "card_expiry"),
    ("2024年4月に電子証明書が切れた", "cert_expiry"),
    ("my card expired on 1 June 2026", "card_expiry"),
    ("在留期限は2027年3月31日", "stay_end"),
    ("在留期間の満了日が2027年3月31日の中長期在留者です", "stay_end"),
])
def test_expiry_cues(text, role):
    assert only(text).role == role


@pytest.mark.parametrize("text, slot", [
    ("2019年5月15日", "2019-05-15"),
    ("令和元年5月", "2019-05"),
    ("平成2年生まれ", "1990"),
    ("9月3日生まれ", "--09-03"),
    ("May 2019", "2019-05"),
    # the year first, as a card's date reads (probe n30)
    ("expire 2027 July", "2027-07"),
    ("2027, jul.", "2027-07"),
    ("2027 July 5th", "2027-07-05"),
    ("期限は2027/7", "2027-07"),
    ("2027-07に切れる", "2027-07"),
])
def test_partial_values(text, slot):
    assert only(text).partial.to_slot() == slot


@pytest.mark.parametrize("text", ["2月30日", "平成32年1月1日", "2019年13月1日", "03/04/2019"])
def test_impossible_dates_have_no_partial_value(text):
    assert only(text).partial is None


@pytest.mark.parametrize("text, at_issue, now", [
    ("作ったのは17歳の頃", 17, None),
    ("作ったとき、たしか19歳", 19, None),
    ("当時19歳でした", 19, None),
    ("18歳の誕生日に作った", 18, None),
    ("じゅうななさいでつくった", 17, None),
    ("さんじゅっさいのときにつくった", 30, None),
    ("I was 17 when I got it", 17, None),
    ("got it at 19", 19, None),
    ("I got my card at 3pm", None, None),
    ("今30歳で、2019年に作った", None, 30),
    ("今45さいです", None, 45),
    ("I am 45 years old", None, 45),
    ("I'm 30, my birthday is 3 March", None, 30),
    ("今40歳だけど、30歳のときに作った", 30, 40),
])
def test_ages_at_issue_and_now(text, at_issue, now):
    assert extract_age_at_issue(text) == at_issue
    assert extract_current_age(text) == now


@pytest.mark.parametrize("text, day", [
    ("15日", 15), ("15日です", 15), ("じゅうごにち", 15), ("十五日", 15), ("the 15th", 15), ("15", 15),
    ("えっと、3日かな", 3), ("31", 31),
    ("15日に受け取りました", 15), ("32日", None), ("2019年5月15日", None), ("15日はいい天気", None), ("", None),
    ("カードなくした", None),
])
def test_parse_day_answer(text, day):
    assert parse_day_answer(text) == day


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="しょうわへいせいれいわがんねんつきがつにちさいついたちふつかみっかまえかげつ 0123456789元年月日",
               max_size=60))
def test_kana_garbage_keeps_offsets(text):
    for m in extract_dates(text, TODAY):
        assert text[m.start:m.end] == m.text
    extract_age_at_issue(text)
    extract_current_age(text)
    parse_day_answer(text)


@pytest.mark.parametrize("text, expected", [
    # TODAY = 2026-11-25: expiry dates counted ahead
    ("カードの期限が来月で切れそう", ("来月", "2026-12", "card_expiry")),
    ("あと2か月で期限が切れる", ("あと2か月で", "2027-01", "card_expiry")),
    ("らいげつ きれる", ("らいげつ", "2026-12", "card_expiry")),
    ("明日切れる", ("明日", "2026-11-26", "card_expiry")),
    ("my card expires in 2 months", ("in 2 months", "2027-01", "card_expiry")),
    ("expires next month", ("next month", "2026-12", "card_expiry")),
    ("1/31/2027にきれるけど", ("1/31/2027", "2027-01-31", "card_expiry")),
])
def test_dates_counted_ahead(text, expected):
    [m] = extract_dates(text, TODAY)
    assert (m.text, m.partial.to_slot(), m.role) == expected


@pytest.mark.parametrize("text", ["来年度に更新", "in 2019 I got it", "申請してから1か月後に受け取った", "きれいな写真"])
def test_not_counted_ahead(text):
    assert [m for m in extract_dates(text, TODAY) if m.relative] == []
