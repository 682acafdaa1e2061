"""The calculator's other questions through the real REST channel (issue 14): fee by situation,
deadlines of a move, PINs by kind, whom to call now.

The `bot` servers run on Wednesday 2026-11-25 at 10:00 (MAINA_TODAY / MAINA_NOW in conftest);
a second bot runs on 2026-12-31 at 21:00 (year-end closure). Every expected amount, date and
number is written out by hand from the rules:

* re-issue 1,000 yen (800 without certificates), free with the police receipt number after a
  theft or the fire station's 罹災証明書 after a fire, free when the 追記欄 is full;
* express issue 2,000 yen (1,800 without certificates), apply within 30 days of the loss, the
  day of the loss not counted (lost 1 November → 1 December);
* moving in: 転入届 within 14 days of the move, continued use within 90 days of the 転入届;
  moving out: the new city's 転入届 within 30 days of the planned move-out day;
* the call centre 0120-95-0178 answers 9:30–20:00 on weekdays, not 12/29–1/3; stopping a card
  works 24 hours; the city counter (0144-32-6492) 8:45–17:15 on weekdays.
"""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import List, Tuple

import pytest
from conftest import PORT_OFFSET, Bot

# Ports of the second bot, free among the tests' (5105/5155 `bot`, 5205/5255 lab, 5215/5265
# resilience, 5225/5275 staff report, 5285/5295 load).
YEAR_END_RASA_PORT, YEAR_END_ACTION_PORT = 5235 + PORT_OFFSET, 5245 + PORT_OFFSET

# (messages of one conversation, fragments the last answer must contain)
Case = Tuple[List[str], List[str]]

CASES: List[Case] = [
    # --- fee by situation ---
    (["盗まれて警察に届けた、再発行タダ？"], ["無料", "受理番号"]),
    (["財布ごと踏んでカードが割れてしまった場合も1,000円かかるのでしょうか"], ["1,000円", "800円"]),
    (["火事で燃えた。再発行の手数料は？", "まだない"], ["1,000円", "罹災証明書"]),
    (["火事で燃えてしまって、消防署で罹災証明書をもらいました。再発行にお金はかかる？"], ["無料"]),
    (["追記欄がいっぱいになったら再発行にお金かかる？"], ["無料"]),
    (["先週なくした、特急で作れる？"], ["2,000円", "遅くとも2026年（令和8年）12月16日（水）"]),
    (["11月1日に落とした。特急発行はいつまでに申請すればいい？"],
     ["2,000円", "2026年（令和8年）12月1日（火）", "あと6日"]),
    (["10月20日になくしたけど特急発行できる？"], ["2026年（令和8年）11月19日（木）", "過ぎ", "1,000円"]),
    (["カードなくした", "急ぎで、電子証明書はいらない", "昨日です"],
     ["1,800円", "2026年（令和8年）12月24日（木）"]),
    (["my card was stolen, do i have to pay for a new one? i have police report"], ["free", "receipt number"]),
    (["I lost my card 3 days ago, can I get it by express issue?"],
     ["2,000 yen", "Tuesday, 22 December 2026"]),
    # --- deadlines of a move ---
    (["来週苫小牧に引っ越してくる、カードの手続きの期限は？"],
     ["2026年（令和8年）12月14日（月）", "2026年（令和8年）12月20日（日）"]),
    (["12月1日に苫小牧に引っ越してきます。転入届の期限は？"],
     ["2026年（令和8年）12月15日（火）", "あと20日", "2027年（令和9年）3月1日（月）"]),
    (["11月20日に市外から引っ越してきた。カードの継続利用はいつまで？"],
     ["2026年（令和8年）12月4日（金）", "2027年（令和9年）2月18日（木）"]),
    (["12月10日に苫小牧から札幌に引っ越します。手続きの期限は？"],
     ["2027年（令和9年）1月9日（土）", "2026年（令和8年）12月24日（木）"]),
    (["12月1日に引っ越すんだけど、カードの手続きはいつまで？", "苫小牧に引っ越してくる"],
     ["2026年（令和8年）12月15日（火）"]),
    (["I'm moving to Tomakomai on 1 December, what are the deadlines for my card?"],
     ["Tuesday, 15 December 2026"]),
    # --- PINs by kind ---
    (["署名用の暗証番号を5回間違えた"], ["5回", "利用者証明用", "JPKI暗証番号リセット", "6:30〜23:00"]),
    (["暗証番号を3回間違えてロックされた", "利用者証明用の暗証番号"], ["3回", "署名用", "顔認証"]),
    (["住基の暗証番号を忘れてロックしちゃった"], ["窓口でだけ"]),
    # --- whom to call now (Wednesday 10:00) ---
    (["今電話してつながる？"], ["0120-95-0178", "20:00まで"]),
    (["カードなくした", "今電話つながる？"], ["今すぐつながる", "0120-95-0178"]),
    (["市役所の窓口って今開いてる？"], ["17:15まで", "0144-32-6492"]),
    (["耳が聞こえないのですが、今連絡できるところはありますか"], ["0120-601-785"]),
    (["IP電話だと0120につながらない、今電話できる？"], ["050-3818-1250"]),
    (["can I call the hotline right now?"], ["0120-0178-27", "20:00"]),
]


def _conversation(bot: Bot, messages: List[str]) -> str:
    sender = f"calc-{uuid.uuid4().hex[:8]}"
    answer = ""
    for message in messages:
        answer = bot.text(message, sender)
    return answer


@pytest.mark.parametrize("messages,fragments", CASES, ids=[c[0][-1][:24] for c in CASES])
def test_calculator_answer(bot, messages, fragments):
    answer = _conversation(bot, messages)
    for fragment in fragments:
        assert fragment in answer, answer


def test_one_question_back_then_the_answer(bot):
    sender = f"calc-{uuid.uuid4().hex[:8]}"
    asked = bot.text("盗まれたんだけど、再発行いくら？", sender)
    assert "盗難届" in asked and "1,000円" not in asked  # a question, not yet the amount
    assert "無料" in bot.text("はい、出しました", sender)


YEAR_END_CASES: List[Case] = [
    (["今電話つながる？"], ["2027年（令和9年）1月4日（月）の9:30", "0120-95-0178", "24時間365日"]),
    (["カードを盗まれた！今電話つながる？"], ["今すぐつながる", "0120-95-0178"]),
    (["市役所の窓口って今開いてる？"], ["2027年（令和9年）1月4日（月）の8:45"]),
    (["can I call now?"], ["Monday, 4 January 2027", "0120-0178-27"]),
]


@pytest.fixture(scope="module")
def year_end_bot(managed_bots):
    managed = managed_bots(YEAR_END_RASA_PORT, YEAR_END_ACTION_PORT,
                           {"MAINA_TODAY": "2026-12-31", "MAINA_NOW": "2026-12-31T21:00"})
    return Bot(managed.url, managed.env, Path(managed.run_dir))


@pytest.mark.parametrize("messages,fragments", YEAR_END_CASES, ids=[c[0][-1][:24] for c in YEAR_END_CASES])
def test_on_new_years_eve_only_the_suspension_line_answers(year_end_bot, messages, fragments):
    answer = _conversation(year_end_bot, messages)
    for fragment in fragments:
        assert fragment in answer, answer
