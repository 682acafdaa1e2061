"""Korean through the real REST channel (issue 15): questions as Korean residents type them,
follow-ups, the kept language, the switch, and the calculator (MAINA_TODAY = 2026-11-25).

Each question starts a new conversation (its first message sets the language). Key facts use
the dev-question rule (answer_check.contains_key_facts: `|` any of, `&&` all groups; spaces,
hyphens and commas ignored): numbers come out as in facts/facts.yml, dates as 2029년 1월 15일.
"""
from __future__ import annotations

import re
import uuid
from typing import Any, Dict, List

import pytest
from answer_check import missed_questions, score
from test_english_rest import _buttons, _post, _text

TARGET = 0.95
FREE_DIAL, FOREIGN_CARD, CITY_TEL = "0120-95-0178", "0120-0178-27", "0144-32-6492"

# (question, key facts). Written for this file, not translated from the Japanese tests, and
# not copies of data/nlu/ko.yml.
QUESTIONS = [
    # lost, stolen, re-issue, changes, contacts
    ("어제 지하철에서 지갑이랑 마이넘버 카드를 같이 잃어버렸어요 ㅠㅠ 어떡해요", f"{FREE_DIAL} && 분실신고"),
    ("가방을 도둑맞았는데 카드도 들어 있었어요", f"{FREE_DIAL} && 도난신고"),
    ("카드 정지하는 전화번호 몇 번이에요?", FREE_DIAL),
    ("마이나카드 재발급 수수료 얼마예요?", "1,000엔 && 800엔"),
    ("재발급 받으려면 시청에 뭐 가져가야 돼요?", "얼굴 사진 && 1,000엔"),
    ("카드 일주일 안에 빨리 받는 방법 없어요?", "2,000엔 && 2024년 12월 2일"),
    ("카드가 반으로 부러졌어요", "1,000엔"),
    ("시내에서 이사했는데 마이넘버 카드도 가져가야 해요?", "추기란"),
    ("삿포로에서 도마코마이로 이사 왔어요. 카드는 어떻게 해요?", "90일 && 14일"),
    ("결혼 전 성을 카드에 같이 넣을 수 있어요?", "2019년 11월 5일"),
    ("분실했을 때 경찰서에도 가야 돼요?", "접수번호"),
    ("정지한 카드를 집에서 찾았어요", "일시정지 해제"),
    ("시청 마이넘버 담당 전화번호 알려주세요", CITY_TEL),
    ("청각장애가 있어서 전화를 못 해요. 카드 정지는 어떻게 해요?", "0120-601-785"),
    ("시청 몇 시까지 열어요?", "8:45 && 17:15"),
    # card basics and applying
    ("외국인인데 마이넘버 카드 처음 만들고 싶어요", "QR코드 && 무료"),
    ("신청용 사진 사이즈가 어떻게 돼요?", "4.5cm && 6개월"),
    ("교부 신청서를 버려 버렸어요", "신청서 ID"),
    ("카드 완성됐다는 엽서가 왔는데 받으러 갈 때 뭐 필요해요?", "교부 통지서"),
    ("제가 입원 중인데 남편이 대신 카드 받아도 돼요?", "대리인"),
    ("두 살 아들 카드도 만들 수 있어요?", "15세 && 5번째"),
    ("마이넘버 카드 있으면 뭐가 편해요?", "마이나 보험증"),
    ("종이 통지카드 아직 쓸 수 있나요?", "2020년 5월 25일"),
    ("마이나포털이 뭐예요?", "https://myna.go.jp/"),
    ("마이나포인트 지금 신청할 수 있어요?", "끝났"),
    ("카드 비밀번호 친구한테 알려줘도 돼요?", "안 돼요"),
    ("주기카드 아직 가지고 있는데 써도 돼요?", "2015년 12월 31일"),
    ("너 로봇이야?", CITY_TEL),
    # validity, renewal, certificates, PINs
    ("마이넘버 카드 유효기간이 몇 년이에요?", "10번째 && 5번째"),
    ("전자증명서는 언제 만료돼요?", "5번째"),
    ("유학생은 카드 유효기간이 어떻게 돼요?", "재류기간 && 영주자"),
    ("재류카드 갱신했는데 마이넘버 카드도 뭐 해야 돼요?", "재류카드 && 1,000엔"),
    ("카드 갱신은 어떻게 해요?", "3개월 && 무료"),
    ("J-LIS에서 하늘색 봉투가 왔어요 이게 뭐예요?", "J-LIS && 2~3개월"),
    ("카드 유효기간 지나버렸어요", "무료"),
    ("비밀번호 까먹었어요 편의점에서 리셋 돼요?", "5번 && 3번 && 6:30"),
    ("카드 비밀번호는 몇 개예요?", "숫자 4자리 && 6~16자리"),
    ("비밀번호 바꾸고 싶어요", "마이나포털"),
    ("나이 드신 엄마가 비밀번호를 못 외워요. 비밀번호 없는 카드 있어요?", "얼굴인증"),
    ("서명용 전자증명서는 어디에 써요?", "e-Tax && 15세"),
    # services
    ("병원에서 종이 보험증 대신 마이넘버 카드 써야 돼요?", "2024년 12월 2일 && 자격확인서"),
    ("마이나 보험증 등록은 어디서 해요?", "세븐은행"),
    ("마이넘버 카드가 없으면 병원 못 가요?", "자격확인서"),
    ("비밀번호 잠겼는데 병원에서 카드 쓸 수 있어요?", "얼굴 인증"),
    ("편의점에서 주민표 몇 시까지 뗄 수 있어요?", "6:30 && 23:00 && 12월 29일"),
    ("주민표 떼려면 어느 편의점 가야 해요?", "로손 && 세븐일레븐"),
    ("편의점에서 주민표 얼마예요?", "250엔 && 450엔"),
    ("e-Tax로 확정신고 하려면 뭐 필요해요?", "서명용 전자증명서 && 6~16자리"),
    ("자격확인서 유효기간 언제까지예요?", "5년"),
    # added after the first runs, never tuned against
    ("마이나카드 뒷면 QR코드에는 뭐가 들어 있어요?", "마이넘버"),
    ("회사에서 마이넘버 제출하라는데 카드 어느 면 보여줘요?", "앞면과 뒷면"),
    ("카드 추기란이 꽉 찼대요 돈 들어요?", "무료"),
    ("IP전화라서 0120이 안 걸려요", "050-3818-1250"),
    ("한국으로 귀국하는데 마이넘버 카드 가져가도 돼요?", "효력을 잃"),
    ("아버지가 돌아가셨는데 아버지 카드는 어떻게 해요?", "명복"),
    ("급해요 카드 잃어버렸는데 다음 주에 꼭 필요해요", "2,000엔"),
    ("카드 반납하고 싶은데 어디로 가요?", "반납"),
    ("통지카드를 잃어버렸는데 마이넘버 카드 신청할 수 있나요?", "주민표"),
    ("자격정보 안내만 있으면 병원 갈 수 있어요?", "진료"),
    ("전자증명서 나중에 카드에 넣을 수 있어요?", "무료"),
    ("편의점에서 본적지 호적 떼려면 등록해야 돼요?", "https://ks.lg-waps.jp/ksgu"),
    # the calculator, one shot
    ("1990년 1월 15일생이고 2019년 3월 10일에 카드 받았어요. 유효기간 언제까지예요?",
     "2029년 1월 15일 && 2024년 1월 15일"),
    ("영주자이고 1975년 10월 10일생, 2021년 3월 5일에 발급받았어요. 언제 만료돼요?", "2030년 10월 10일"),
]

# Two turns in one conversation: (first, second, key facts of the second answer).
FOLLOW_UPS = [
    ("카드 잃어버렸어요", "얼마예요?", "1,000엔"),
    ("카드 잃어버렸어요", "며칠 걸려요?", "1~2개월"),
    ("편의점에서 호적등본 뗄 수 있어요?", "얼마예요?", "450엔"),
    ("특급 발급이 뭐예요?", "얼마야?", "2,000엔"),
    ("편의점에서 주민표 뗄 수 있어요?", "주말에도 돼요?", "6:30"),
    ("카드 분실했어요", "전화번호는요?", FREE_DIAL),
    ("비밀번호 잠겼어요", "어디서 해요?", "도마코마이시"),
    ("카드 갱신하고 싶어요", "돈 들어요?", "무료"),
]


def _titles(messages: List[Dict[str, Any]]) -> List[str]:
    return [b["title"] for b in _buttons(messages)]


_HANGUL = re.compile("[\uac00-\ud7a3]")
_JAPANESE_SENTENCE = re.compile("だよ|してね|ます。|です。|かな？")


def _korean(text: str) -> bool:
    """A Korean answer: Hangul, and no Japanese sentence (Japanese terms in brackets are fine)."""
    return bool(_HANGUL.search(text)) and not _JAPANESE_SENTENCE.search(text)


def _sender() -> str:
    return f"ko-{uuid.uuid4().hex[:10]}"


def test_korean_questions_contain_key_facts(bot):
    assert len(QUESTIONS) >= 40
    misses = missed_questions(lambda question: bot.text(question, sender=_sender()), QUESTIONS, _korean)
    assert score("Korean questions", len(QUESTIONS), misses) >= TARGET, "\n".join(misses)


def test_korean_follow_ups_keep_the_topic(bot):
    def two_turns(first: str, second: str) -> str:
        sender = _sender()
        bot.text(first, sender)
        return bot.text(second, sender)

    asked = [(f"{first} ⏎ {second}", checks) for first, second, checks in FOLLOW_UPS]
    misses = missed_questions(lambda pair: two_turns(*pair.split(" ⏎ ")), asked, _korean)
    assert score("Korean follow-ups", len(asked), misses) >= 7 / 8, "\n".join(misses)


def test_korean_is_kept_for_buttons_and_left_for_japanese(bot):
    sender = _sender()
    first = bot.ask("마이넘버 카드 잃어버렸어요", sender)
    assert _korean(_text(first)) and FREE_DIAL in _text(first)
    assert "재발급 절차" in _titles(first)  # Korean labels, the same payloads
    fee = _text(bot.ask("/reissue_fee", sender))  # a button says nothing about the language
    assert "1,000엔" in fee and _korean(fee)
    japanese = _text(bot.ask("再発行の手続きを教えて", sender))
    assert "1,000円" in japanese and not _HANGUL.search(japanese)


def test_switching_to_korean_and_back(bot):
    sender = _sender()
    bot.ask("こんにちは", sender)
    switched = _text(bot.ask("한국어", sender))
    assert "한국어로 답할게요" in switched
    lost = _text(bot.ask("/lost_card", sender))
    assert _korean(lost) and FREE_DIAL in lost
    english = _text(bot.ask("영어로 해 주세요", sender))
    assert "English" in english and not _HANGUL.search(english)
    assert not _HANGUL.search(_text(bot.ask("/lost_card", sender)))


def test_the_page_toggle_metadata_answers_in_korean(bot):
    """The widget/kiosk/LINE language (metadata ko) for button payloads and picked dates."""
    sender = _sender()
    lost = _text(_post(bot, "/lost_card", sender, {"language": "ko"}))
    assert _korean(lost) and FREE_DIAL in lost
    assert "생년월일" in _text(_post(bot, "/ask_my_expiry", sender, {"language": "ko"}))
    assert "교부일" in _text(_post(bot, "1990年1月15日", sender, {"language": "ko"}))
    answer = _text(_post(bot, "2019年3月10日", sender, {"language": "ko"}))
    assert "2029년 1월 15일" in answer and _korean(answer), answer


# The calculator over several turns: (message, what the answer must contain), in one conversation.
CALCULATOR = {
    "three turns": [
        ("제 카드 유효기간 계산해 주세요", "생년월일"),
        ("1990년 1월 15일이요", "교부일"),
        ("2019. 3. 10.", "2029년 1월 15일"),
    ],
    # issued in July 2019, the birthday month: before or after the 20th decides
    "asks the day": [
        ("내 카드 언제 만료되는지 알고 싶어요", "생년월일"),
        ("1985년 7월 20일생", "교부일"),
        ("2019년 7월에 받았어요", "카드를 받은 날은 2019년 7월 며칠인가요?"),
        ("25일이요", "2029년 7월 20일"),
    ],
    "residence status": [
        ("유효기간 계산해 줘", "생년월일"),
        ("1998년 2월 2일생이에요", "교부일"),
        ("유학생이고 2023년 4월 1일에 받았어요", "재류기간"),
        ("2027년 3월 31일", "2027년 3월 31일"),
    ],
    "don't know, then stop": [
        ("제 유효기간 알려주세요", "생년월일"),
        ("1992년 8월 12일생", "교부일"),
        ("모르겠어요", "대충"),
        ("그만할래요", "그만"),
    ],
}


@pytest.mark.parametrize("name", sorted(CALCULATOR))
def test_calculator_in_korean(bot, name):
    sender = _sender()
    for message, wanted in CALCULATOR[name]:
        answer = bot.text(message, sender)
        assert wanted in answer and _korean(answer), f"{message!r} → {answer!r}"
