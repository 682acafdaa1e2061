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
    extract_dates,
    first_with_role,
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
    for text in ["電話は0144-32-6492です", "0120-95-0178に電話", "1234 5678 9012", "3か月前",
                 "90日以内", "30歳です", "version 1.2.3", "10月", "第一月曜日", "1.5倍", "12/34",
                 "マイナンバーカードの有効期限はいつ？", "", "   "]:
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


def test_first_with_role():
    found = extract_dates("平成2年4月1日生まれで、令和元年7月1日に交付", TODAY)
    assert first_with_role(found, "issue").value == D(2019, 7, 1)
    assert first_with_role(found, "stay_end") is None


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
