"""Two questions in one message (maina.questions)."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from maina.questions import MAX_PARTS, split_questions


@pytest.mark.parametrize("text, parts", [
    ("なくしたけど、再発行はいくら？何日かかる？", ["なくしたけど、再発行はいくら？", "何日かかる？"]),
    ("カードをなくしました。再発行はいくらですか。何日かかりますか。",
     ["カードをなくしました。再発行はいくらですか。", "何日かかりますか。"]),
    ("I lost my card. How much is a new one? How long does it take?",
     ["I lost my card. How much is a new one?", "How long does it take?"]),
    ("暗証番号忘れた。どうすればいい？窓口行かないとダメ？",
     ["暗証番号忘れた。どうすればいい？", "窓口行かないとダメ？"]),
])
def test_two_questions_become_two_parts(text, parts):
    assert split_questions(text) == parts


@pytest.mark.parametrize("text", [
    "父が先月亡くなりました。父のカードは返さないといけないですか",
    "紛失ではなく、財布ごと踏んでカードが割れてしまった場合も1,000円かかるのでしょうか",
    "カードなくした\n急ぎで作れる？",
    "え？いくら？",
    "1985年6月3日生まれです。有効期限は？いつから更新できる？",
    "30歳のときに作った。期限は？更新は？",
    # dates as maina.dates reads them (one definition of a date): kana, counted back, English, year-month
    "へいせい10ねん 8がつ 1にち うまれ。きげんは？こうしんは？",
    "しょうわごじゅうねん うまれです。いつまで？更新は？",
    "5か月前に期限が切れた。更新できる？いくら？",
    "さんかげつまえに きれた。どうすればいい？いくら？",
    "my card say expire 2027 July. when can i renew? need reservation?",
    "有効期限は2027/7。いつから更新？予約はいる？",
    "さんじゅっさいのときにつくった。きげんは？こうしんは？",
    "/lost_card",
    "",
    "ほんと？",
])
def test_one_question_stays_whole(text):
    assert split_questions(text) == [text]


def test_no_more_than_max_parts():
    text = "いくら？何日？どこで？持ち物は？代理は？"
    parts = split_questions(text)
    assert len(parts) == MAX_PARTS and "".join(parts) == text


@given(st.text(alphabet="あいうカード再発行？。?！ \n0123456789年月", max_size=60))
def test_parts_keep_every_character_in_order(text):
    parts = split_questions(text)
    assert 1 <= len(parts) <= MAX_PARTS
    if len(parts) == 1:
        assert parts == [text]
    else:
        assert "".join(parts).replace(" ", "").replace("\n", "") == \
            text.replace(" ", "").replace("\n", "")


@pytest.mark.parametrize("text, parts", [
    # numbers that are no date do not keep a message whole (the old pattern took 2.5 and 32-6492 for dates)
    ("1.5倍になるの？手数料は？", ["1.5倍になるの？", "手数料は？"]),
    ("0144-32-6492に電話していい？何時まで？", ["0144-32-6492に電話していい？", "何時まで？"]),
])
def test_numbers_that_are_not_dates_do_not_stop_the_split(text, parts):
    assert split_questions(text) == parts
