"""Korean (issue 15): the locale's fact words, the normaliser, residence statuses, the calculator's
lines and the NLG's answers in Korean. Dates: tests/unit/test_dates_ko.py; detection:
tests/unit/test_language.py (Korean block)."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from maina import facts, locales
from maina.normalize import normalize
from maina.residence import stated_status

KO = locales.get("ko")


def _numbers(text):
    return set(re.findall(r"\d+", str(text).replace(",", "")))


@pytest.mark.parametrize("key", sorted(KO.facts))
def test_fact_words_keep_every_number_of_the_fact(key):
    """A clerk who changes 「1か月〜2か月程度」 in facts.yml sees this fail until Korean follows."""
    japanese = facts.value(key)
    english = facts.all_facts().get(f"{key}_en")
    versions = [_numbers(japanese)] + ([_numbers(english.value)] if english is not None else [])
    said = _numbers(KO.facts[key])
    # every number of the Japanese (or of the English, for 令和2年 → 2020), and no other number
    assert any(version <= said for version in versions), f"{key}: {KO.facts[key]!r} vs {japanese!r}"
    assert said <= set().union(*versions), f"{key}: {KO.facts[key]!r} vs {japanese!r}"


def test_dates_in_korean():
    assert KO.date(dt.date(2029, 1, 15)) == "2029년 1월 15일"
    assert facts.template_variables("ko")["express_issue.start_date"] == "2024년 12월 2일"
    assert facts.template_variables("ko")["fee.reissue"] == "1,000"


def test_the_calculator_lines_render_in_korean():
    from actions import texts
    from maina.partial import PartialDate

    line = texts.render("utter_lifecycle_line_card_rule", "ko", birthdays=10,
                        birthday_expiry=dt.date(2029, 1, 15), age_at_issue=29)
    assert line == "카드는 발급일 후 10번째 생일(2029년 1월 15일)까지예요(발급 때 29세)."
    what = texts.render("utter_lifecycle_what_issue", "ko")
    asked = texts.render("utter_lifecycle_ask_day", "ko", what=what, known=PartialDate(2019, 5, None))
    assert asked.startswith("카드를 받은 날은 2019년 5월 며칠인가요?")


def test_the_nlg_answers_in_korean_with_korean_buttons():
    from tests.unit.test_nlg import say, user

    answer = say([user("카드 잃어버렸어요", "lost_card")], "utter_lost_card", language="ko")
    assert "0120-95-0178" in answer["text"] and "분실신고" in answer["text"]
    assert [b["title"] for b in answer["buttons"]] == ["재발급 절차", "재발급 수수료", "카드를 찾았을 때"]
    assert [b["payload"] for b in answer["buttons"]] == ["/reissue_procedure", "/reissue_fee", "/card_found"]
    fee = say([user("카드 잃어버렸어요", "lost_card")], "utter_reissue_fee", language="ko")
    assert "1,000엔" in fee["text"] and "800엔" in fee["text"]


@pytest.mark.parametrize("text, canonical", [
    ("마이넘버 카드 잃어버렷어요 ㅠㅠ", "마이넘버카드 잃어버렸어요"),
    ("마이나 카드 일어버렸어요", "마이넘버카드 잃어버렸어요"),
    ("在留カード 갱신했는데", "재류카드 갱신했는데"),
    ("자이류 카드 갱신", "재류카드 갱신"),
    ("비번 까먹음 어케 해요", "비밀번호 까먹음 어떻게 해요"),
    ("시야쿠쇼 몇 시까지", "시청 몇 시까지"),
    ("콘비니에서 住民票", "편의점에서 주민표"),
    ("마이나 호켄쇼 등록", "마이나보험증 등록"),
    ("재발행 수수료", "재발급 수수료"),
    ("카드를 잃어버린 게 아니라 깨졌어요", "깨졌어요"),          # not A but B: B
    ("나뿐만 아니라 아내도 잃어버렸어요", "나뿐만 아니라 아내도 잃어버렸어요"),  # not only
])
def test_korean_spellings(text, canonical):
    assert normalize(text) == canonical
    assert normalize(canonical) == canonical  # idempotent


def test_japanese_text_is_not_touched_by_the_korean_block():
    assert normalize("マイナンバーカードをなくした") == "マイナンバーカードをなくした"
    assert normalize("住民票はコンビニで取れる？") == "住民票はコンビニで取れる?"


@pytest.mark.parametrize("text, status", [
    ("영주자예요", "永住者"), ("저는 특별영주자입니다", "特別永住者"), ("고도전문직 2호예요", "高度専門職2号"),
    ("재류자격은 유학이에요", "留学"), ("유학생이에요", "留学"), ("기술·인문지식·국제업무", "技術・人文知識・国際業務"),
    ("가족체재 비자", "家族滞在"), ("영주자의 배우자 등이에요", "永住者の配偶者等"), ("외국인이에요", "外国人住民"),
    ("전에는 유학이었어요 지금은 기술인문지식국제업무예요", "技術・人文知識・国際業務"),
    ("유학생이고 2023년 4월 1일에 받았어요", "留学"), ("영주자고, 1975년생", "永住者"),
])
def test_korean_residence_statuses(text, status):
    assert stated_status(text).key == status


@pytest.mark.parametrize("text", ["영주자가 아니에요", "친구가 영주자인데요", "유학은 어떻게 가요?"])
def test_korean_statuses_not_stated_as_ones_own(text):
    assert stated_status(text) is None


@pytest.mark.parametrize("text", ["모르겠어요", "잘 몰라요", "기억이 안 나요", "까먹었어요"])
def test_korean_dont_know(text):
    from actions.lifecycle import DONT_KNOW

    assert DONT_KNOW.search(text)


@pytest.mark.parametrize("text, intent, response, chosen, opening", [
    ("한국으로 귀국하는데 카드는요?", "move_abroad", "utter_move_abroad", "utter_move_abroad_foreign", None),
    ("귀가 안 들려서 전화를 못 해요 카드 잃어버렸어요", "lost_card", "utter_lost_card", "utter_hotline_hearing", None),
    ("급해요 카드 잃어버렸어요 다음 주에 필요해요", "lost_card", "utter_lost_card", "utter_lost_card_urgent", None),
    ("특급 발급이 급해요", "express_issue", "utter_express_issue", "utter_express_issue", None),
    ("아버지가 돌아가셨는데 카드는요", "lost_card", "utter_lost_card", "utter_deceased_holder", None),
    ("몇 번이나 물어봤는데 짜증나요 카드 잃어버리면 어떻게 해요", "lost_card", "utter_lost_card",
     "utter_lost_card", "utter_opening_upset"),
    ("IP전화라서 0120이 안 걸려요", "hotline_numbers", "utter_hotline_numbers", "utter_hotline_ip", None),
    ("한국으로 돌아가는데 카드 반납해요?", "move_abroad", "utter_move_abroad", "utter_move_abroad_foreign", None),
])
def test_korean_situations_change_the_answer(text, intent, response, chosen, opening):
    """maina/conversation.yml `situations`: the Korean cue lines (# ko)."""
    from maina import conversation

    choice = conversation.choose(response, intent, text, None)
    assert choice.response == chosen
    assert choice.opening == opening
