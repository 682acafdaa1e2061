"""The calculator's other answers through the actions (rasa-sdk trackers built here, no servers),
rendered with the real responses and facts. MAINA_TODAY and MAINA_NOW pin the day and the time.

Every expected amount, date and number is written out by hand:
today is Wednesday 2026-11-25; express issue: apply within 30 days of the loss (the day of the
loss not counted); moving in: 転入届 within 14 days, continued use within 90 days of it; the call
centre answers 9:30–20:00 on weekdays, 9:30–17:30 on weekends and holidays, not 12/29–1/3; the
suspension line always; the city counter 8:45–17:15 on weekdays.
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.call_now import ActionCallNow
from actions.fee import ActionFeeAnswer, ValidateFeeForm
from actions.moving import ActionMoveAnswer, ValidateMoveForm
from maina import facts

ROOT = Path(__file__).resolve().parents[2]
SLOTS = ("language", "case_reason", "case_certificates", "case_express", "case_proof", "fee_case",
         "loss_date", "move_date", "move_direction", "pin_kind", "pin_tries", "caller", "requested_slot")
DOMAIN = {"slots": {name: {} for name in SLOTS},
          "forms": {"fee_form": {"required_slots": ["case_reason", "case_express", "loss_date", "case_proof"]},
                    "move_form": {"required_slots": ["move_date", "move_direction"]}}}


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    monkeypatch.setenv("MAINA_TODAY", "2026-11-25")
    monkeypatch.setenv("MAINA_NOW", "2026-11-25T10:00")


def _responses() -> Dict[str, List[Dict[str, Any]]]:
    found: Dict[str, List[Dict[str, Any]]] = {}
    for path in sorted((ROOT / "data/responses").glob("*.yml")):
        found.update((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {})
    return found


NLG = TemplatedNaturalLanguageGenerator(_responses())


def render(message: Dict[str, Any], slots: Dict[str, Any]) -> str:
    """The text Rasa would send: the response's variation for the slots, facts and the action's values."""
    language = slots.get("language") or "ja"
    values = facts.template_variables(language)
    values.update({k: v for k, v in message.items() if k != "response"})
    filled = {name: None for name in SLOTS}
    filled.update(slots)
    filled["language"] = language
    return NLG.generate_from_slots(message["response"], filled, "rest", **values)["text"]


def tracker(slots=None, text="", intent="inform", events=None, entities=None, loop=None) -> Tracker:
    values = {name: None for name in SLOTS}
    values.update(slots or {})
    return Tracker(
        sender_id="unit", slots=values,
        latest_message={"text": text, "entities": entities or [], "intent": {"name": intent}},
        events=events or [], paused=False, followup_action=None,
        active_loop={"name": loop} if loop else {}, latest_action_name="action_listen",
    )


def run(action, t: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, DOMAIN))
    return dispatcher.messages, events


def topic_events(topic: str, text: str = "いくら？") -> List[Dict[str, Any]]:
    return [{"event": "user", "text": "…"}, {"event": "bot", "text": "…", "metadata": {"topic": topic}},
            {"event": "user", "text": text}]


# --------------------------------------------------------------------------------------------
# Fee by situation: every fee case, express within and past 30 days

# (slots, response, amount, fragments of the Japanese text)
FEE_CASES = [
    ({"case_reason": "lost"}, "utter_fee_reissue", "1,000", ["1,000円", "800円", "電子証明書200円"]),
    ({"case_reason": "damaged", "case_certificates": "without"}, "utter_fee_reissue_no_cert", "800", ["800円"]),
    ({"case_reason": "stolen", "case_proof": "yes"}, "utter_fee_free_theft", "0", ["無料", "受理番号"]),
    ({"case_reason": "stolen", "case_proof": "no"}, "utter_fee_theft_without_proof", "1,000",
     ["1,000円", "盗難届", "無料"]),
    ({"case_reason": "stolen", "case_proof": "no", "case_certificates": "without"}, "utter_fee_theft_without_proof",
     "800", ["800円"]),
    ({"case_reason": "disaster", "case_proof": "yes"}, "utter_fee_free_disaster", "0", ["無料", "罹災証明書"]),
    ({"case_reason": "disaster", "case_proof": "no"}, "utter_fee_disaster_without_proof", "1,000",
     ["1,000円", "罹災証明書"]),
    ({"case_reason": "remarks_full"}, "utter_fee_free_remarks_full", "0", ["追記欄", "無料"]),
    ({"case_reason": "office_error"}, "utter_fee_free_office_error", "0", ["無料", "0144-32-6492"]),
    ({"case_reason": "expired"}, "utter_fee_renewal_free", "0", ["無料", "1,000円"]),
    # express, lost on 1 November: last day 1 December (Tuesday), 6 days left
    ({"case_reason": "lost", "case_express": "yes", "loss_date": "2026-11-01"}, "utter_fee_express", "2,000",
     ["2,000円", "2026年（令和8年）12月1日（火）", "あと6日"]),
    ({"case_reason": "damaged", "case_express": "yes", "case_certificates": "without", "loss_date": "2026-11-20"},
     "utter_fee_express", "1,800", ["1,800円", "2026年（令和8年）12月20日（日）", "あと25日"]),
    # within 30 days, the last one: lost on 26 October → today
    ({"case_reason": "lost", "case_express": "yes", "loss_date": "2026-10-26"}, "utter_fee_express_last_day",
     "2,000", ["今日", "2026年（令和8年）11月25日（水）"]),
    # past 30 days: lost on 25 October → the limit was 24 November
    ({"case_reason": "lost", "case_express": "yes", "loss_date": "2026-10-25"}, "utter_fee_express_passed",
     "1,000", ["過ぎちゃった", "2026年（令和8年）11月24日（火）", "1,000円"]),
    # 「先週なくした」 (16–22 November): apply by 16 December (Wednesday) to be safe, 21 days
    ({"case_reason": "lost", "case_express": "yes", "loss_date": "2026-11-16/2026-11-22"},
     "utter_fee_express_period", "2,000", ["遅くとも2026年（令和8年）12月16日（水）", "あと21日"]),
    ({"case_reason": "disaster", "case_express": "yes"}, "utter_fee_express_not_eligible", None,
     ["2,000円", "0144-32-6492"]),
    ({"case_reason": "lost", "case_express": "yes", "loss_date": "unknown"}, "utter_express_fee", None,
     ["2,000円", "30日以内"]),
]


@pytest.mark.parametrize("slots,response,amount,fragments", FEE_CASES)
def test_fee_answer(slots, response, amount, fragments):
    messages, events = run(ActionFeeAnswer(), tracker(slots, intent="reissue_fee"))
    assert events == []
    [message] = messages
    assert message["response"] == response
    assert message.get("amount") == amount
    text = render(message, slots)
    for fragment in fragments:
        assert fragment in text, text


def test_fee_answer_in_english():
    slots = {"case_reason": "lost", "case_express": "yes", "loss_date": "2026-11-01", "language": "en"}
    [message], _ = run(ActionFeeAnswer(), tracker(slots))
    text = render(message, slots)
    assert "2,000 yen" in text and "Tuesday, 1 December 2026" in text and "6 days" in text


def required(action, t: Tracker) -> List[str]:
    return asyncio.run(action.required_slots([], CollectingDispatcher(), t, DOMAIN))


def extract(action, t: Tracker) -> Dict[str, Any]:
    events = asyncio.run(action.get_extraction_events(CollectingDispatcher(), t, DOMAIN))
    return {e["name"]: e["value"] for e in events}


def test_fee_form_asks_only_what_changes_the_amount():
    # lost, no express: nothing to ask (certificates are never asked)
    assert required(ValidateFeeForm(), tracker({"case_reason": "lost"})) == ["case_reason"]
    # stolen: the police report decides free or 1,000 yen
    assert required(ValidateFeeForm(), tracker({"case_reason": "stolen"})) == ["case_reason", "case_proof"]
    # express after a loss: the day decides the last day
    assert required(ValidateFeeForm(), tracker({"case_reason": "lost", "case_express": "yes"})) == \
        ["case_reason", "case_express", "loss_date"]
    # express, reason unknown: paid, free or not eligible
    assert required(ValidateFeeForm(), tracker({"case_express": "yes"})) == ["case_reason", "case_express"]


def test_the_topic_in_play_gives_the_reason_and_the_intent_asks_express():
    t = tracker({"case_certificates": "without"}, text="急ぎで、電子証明書はいらない", intent="express_issue",
                events=topic_events("lost", "急ぎで、電子証明書はいらない"))
    assert extract(ValidateFeeForm(), t) == {"case_express": "yes", "case_reason": "lost"}


@pytest.mark.parametrize("text,value", [("昨日です", "2026-11-24"), ("11月20日", "2026-11-20"),
                                        ("先週の金曜", "2026-11-20"), ("わからない", "unknown")])
def test_the_day_of_the_loss_is_read_from_the_answer(text, value):
    t = tracker({"case_reason": "lost", "case_express": "yes", "requested_slot": "loss_date"}, text=text)
    assert extract(ValidateFeeForm(), t)["loss_date"] == value


def test_a_period_on_both_sides_of_the_limit_asks_the_day():
    t = tracker({"case_reason": "lost", "case_express": "yes", "requested_slot": "loss_date"}, text="先月です")
    found = extract(ValidateFeeForm(), t)
    assert found["loss_date"] is None  # October: too late for its first days, in time for its last


@pytest.mark.parametrize("text,value", [("出しました", "yes"), ("まだです", "no"), ("よくわからない", "unknown")])
def test_the_proof_is_read_from_the_answer(text, value):
    t = tracker({"case_reason": "stolen", "requested_slot": "case_proof"}, text=text)
    assert extract(ValidateFeeForm(), t)["case_proof"] == value


def test_the_question_asked_again_instead_of_an_answer_gets_the_answer_for_what_is_known():
    t = tracker({"case_reason": "lost", "case_express": "yes", "requested_slot": "loss_date"},
                text="それいくら？", intent="followup_cost")
    assert extract(ValidateFeeForm(), t) == {"loss_date": "unknown"}
    [message], _ = run(ActionFeeAnswer(), tracker({"case_reason": "lost", "case_express": "yes",
                                                   "loss_date": "unknown"}, intent="followup_cost"))
    assert message["response"] == "utter_express_fee"
    t = tracker({"move_date": "2026-12-01", "requested_slot": "move_direction"}, text="いつまで？",
                intent="followup_deadline")
    assert extract(ValidateMoveForm(), t) == {"move_direction": "unknown"}


def test_a_followup_with_the_case_and_no_topic_is_answered_for_the_case():
    t = tracker({"case_reason": "stolen", "fee_case": "stolen"}, text="盗まれたけどいくら？", intent="followup_cost",
                events=[{"event": "user", "text": "盗まれたけどいくら？"}])
    assert required(ValidateFeeForm(), t) == ["case_reason", "case_proof"]


def test_a_followup_about_another_topic_gets_its_static_answer():
    t = tracker({"case_reason": "stolen", "fee_case": "stolen"}, text="いくら？", intent="followup_cost",
                events=topic_events("konbini"))
    assert required(ValidateFeeForm(), t) == []
    [message], _ = run(ActionFeeAnswer(), t)
    assert message["response"] == "utter_followup_cost"  # the NLG answers it for the konbini topic


# --------------------------------------------------------------------------------------------
# Deadlines of a move

MOVE_CASES = [
    # moving in on 1 December (Tuesday): 転入届 by 15 December (Tuesday), 20 days; continued use by 1 March 2027
    ({"move_date": "2026-12-01", "move_direction": "in"}, "utter_deadline_move_in",
     ["2026年（令和8年）12月15日（火）", "あと20日", "2027年（令和9年）3月1日（月）"]),
    ({"move_date": "2026-11-11", "move_direction": "in"}, "utter_deadline_move_in_last_day",
     ["今日", "2026年（令和8年）11月25日（水）"]),
    ({"move_date": "2026-11-01", "move_direction": "in"}, "utter_deadline_move_in_passed",
     ["2026年（令和8年）11月15日（日）", "10日過ぎて", "0144-32-6492"]),
    # 「来週」: 30 November – 6 December → 14 December (Monday) to 20 December (Sunday)
    ({"move_date": "2026-11-30/2026-12-06", "move_direction": "in"}, "utter_deadline_move_in_period",
     ["2026年（令和8年）12月14日（月）", "2026年（令和8年）12月20日（日）", "あと19日"]),
    # moving out on 1 December: the new city's 転入届 by 31 December at the latest, 15 December if moving in that day
    ({"move_date": "2026-12-01", "move_direction": "out"}, "utter_deadline_move_out",
     ["2026年（令和8年）12月31日（木）", "あと36日", "2026年（令和8年）12月15日（火）"]),
    ({"move_date": "2026-10-20", "move_direction": "out"}, "utter_deadline_move_out_passed",
     ["2026年（令和8年）11月19日（木）", "6日過ぎて"]),
    ({"move_date": "2026-12-01", "move_direction": "within"}, "utter_address_name_change", []),
    ({"move_date": "unknown", "move_direction": "in"}, "utter_move_in", ["14日以内", "90日以内"]),
]


@pytest.mark.parametrize("slots,response,fragments", MOVE_CASES)
def test_move_answer(slots, response, fragments):
    [message], events = run(ActionMoveAnswer(), tracker(slots, intent="move_in"))
    assert message["response"] == response and events == []
    text = render(message, slots)
    for fragment in fragments:
        assert fragment in text, text


def test_move_answer_in_english():
    slots = {"move_date": "2026-12-01", "move_direction": "in", "language": "en"}
    [message], _ = run(ActionMoveAnswer(), tracker(slots))
    assert "Tuesday, 15 December 2026" in render(message, slots)


def test_move_form_asks_the_direction_unless_the_intent_says_it():
    assert required(ValidateMoveForm(), tracker({"move_date": "2026-12-01"})) == ["move_date", "move_direction"]
    assert extract(ValidateMoveForm(), tracker({"move_date": "2026-12-01"}, intent="move_in")) == \
        {"move_direction": "in"}
    t = tracker({"move_direction": "in", "requested_slot": "move_date"}, text="12月1日です")
    assert extract(ValidateMoveForm(), t) == {"move_date": "2026-12-01"}


# --------------------------------------------------------------------------------------------
# Whom to call now: every routing case around each boundary

# (MAINA_NOW, slots, topic in play, text, response, number, fragments)
CALL_CASES = [
    ("2026-11-25T09:29", {}, None, "今電話つながる？", "utter_call_now_closed", "0120-95-0178",
     ["2026年（令和8年）11月25日（水）の9:30"]),
    ("2026-11-25T09:30", {}, None, "今電話つながる？", "utter_call_now_open", "0120-95-0178", ["20:00まで"]),
    ("2026-11-25T17:30", {}, None, "今電話つながる？", "utter_call_now_open", "0120-95-0178", ["20:00まで"]),
    ("2026-11-25T19:59", {}, None, "今電話つながる？", "utter_call_now_open", "0120-95-0178", ["20:00まで"]),
    ("2026-11-25T20:00", {}, None, "今電話つながる？", "utter_call_now_closed", "0120-95-0178",
     ["2026年（令和8年）11月26日（木）の9:30"]),
    # Saturday 21:00: the general line is closed, the suspension line is open
    ("2026-11-28T21:00", {}, None, "今電話してつながる？", "utter_call_now_closed", "0120-95-0178",
     ["2026年（令和8年）11月29日（日）の9:30", "24時間365日"]),
    ("2026-11-28T17:29", {}, None, "今電話つながる？", "utter_call_now_open", "0120-95-0178", ["17:30まで"]),
    ("2026-11-28T17:30", {}, None, "今電話つながる？", "utter_call_now_closed", "0120-95-0178",
     ["11月29日（日）の9:30"]),
    ("2026-11-28T21:00", {}, "lost", "今電話つながる？", "utter_call_now_suspend", "0120-95-0178",
     ["今すぐつながる", "24時間365日"]),
    # a public holiday (Monday 23 November): weekend hours; the counter is closed
    ("2026-11-23T17:29", {}, None, "今電話つながる？", "utter_call_now_open", "0120-95-0178", ["17:30まで"]),
    ("2026-11-23T10:00", {}, None, "市役所の窓口って今開いてる？", "utter_call_now_counter_closed", "0144-32-6492",
     ["2026年（令和8年）11月24日（火）の8:45"]),
    # 31 December: everything but suspension is closed until 4 January
    ("2026-12-31T21:00", {}, None, "今電話つながる？", "utter_call_now_closed", "0120-95-0178",
     ["2027年（令和9年）1月4日（月）の9:30"]),
    ("2026-12-31T21:00", {}, None, "カードなくした、今電話つながる？", "utter_call_now_suspend", "0120-95-0178",
     ["24時間365日"]),
    ("2026-12-31T10:00", {}, "reissue", "今電話つながる？", "utter_call_now_counter_closed", "0144-32-6492",
     ["2027年（令和9年）1月4日（月）の8:45"]),
    ("2027-01-03T12:00", {}, None, "今電話つながる？", "utter_call_now_closed", "0120-95-0178",
     ["2027年（令和9年）1月4日（月）の9:30"]),
    ("2027-01-04T09:29", {}, None, "今電話つながる？", "utter_call_now_closed", "0120-95-0178",
     ["2027年（令和9年）1月4日（月）の9:30"]),
    ("2027-01-04T09:30", {}, None, "今電話つながる？", "utter_call_now_open", "0120-95-0178", ["20:00まで"]),
    ("2027-01-04T08:45", {}, "pin", "今電話つながる？", "utter_call_now_counter_open", "0144-32-6492", ["17:15まで"]),
    # the caller: hearing → fax; foreign language → 0120-0178-27; IP phone → 050
    ("2026-11-28T21:00", {"caller": "hearing"}, None, "今つながる？", "utter_call_now_fax", "0120-601-785",
     ["FAX 0120-601-785"]),
    ("2026-11-28T21:00", {"caller": "hearing"}, "reissue", "今つながる？", "utter_call_now_counter_fax",
     "0144-32-2198", ["0120-601-785"]),
    ("2026-11-25T10:00", {"caller": "foreign"}, None, "今電話つながる？", "utter_call_now_open", "0120-0178-27",
     ["0120-0178-27"]),
    ("2026-12-31T21:00", {"caller": "foreign"}, None, "今電話つながる？", "utter_call_now_closed", "0120-0178-27",
     ["今でも 0120-0178-27"]),
    ("2026-11-25T10:00", {"caller": "ip_phone"}, None, "今電話つながる？", "utter_call_now_open", "050-3818-1250",
     ["050-3818-1250"]),
    ("2026-11-28T21:00", {"caller": "ip_phone"}, "lost", "今電話つながる？", "utter_call_now_suspend",
     "050-3818-1250", ["050-3818-1250"]),
]


@pytest.mark.parametrize("moment,slots,topic,text,response,number,fragments", CALL_CASES)
def test_call_now(monkeypatch, moment, slots, topic, text, response, number, fragments):
    monkeypatch.setenv("MAINA_TODAY", moment[:10])
    monkeypatch.setenv("MAINA_NOW", moment)
    events = topic_events(topic, text) if topic else []
    [message], returned = run(ActionCallNow(), tracker(slots, text=text, intent="call_now", events=events))
    assert returned == []
    assert message["response"] == response and message["number"] == number
    rendered = render(message, slots)
    for fragment in fragments:
        assert fragment in rendered, rendered


def test_call_now_in_english_gives_the_foreign_language_line(monkeypatch):
    monkeypatch.setenv("MAINA_TODAY", "2026-12-31")
    monkeypatch.setenv("MAINA_NOW", "2026-12-31T21:00")
    slots = {"language": "en"}
    [message], _ = run(ActionCallNow(), tracker(slots, text="can I call now?", intent="call_now"))
    text = render(message, slots)
    assert message["number"] == "0120-0178-27"
    assert "Monday, 4 January 2027 at 9:30" in text and "24/7" in text


# --------------------------------------------------------------------------------------------
# PINs by kind: a response variation per kind (no action)

@pytest.mark.parametrize("kind,language,fragments", [
    ("signing", "ja", ["5回", "利用者証明用", "JPKI暗証番号リセット", "6:30〜23:00"]),
    ("user", "ja", ["3回", "署名用", "顔認証"]),
    ("counter_only", "ja", ["窓口でだけ", "数字4桁"]),
    ("signing", "en", ["5 wrong tries", "user-certificate PIN"]),
    ("user", "en", ["3 wrong tries", "signing PIN"]),
    ("counter_only", "en", ["only at the Tomakomai City office"]),
])
def test_pin_answer_by_kind(kind, language, fragments):
    text = render({"response": "utter_pin_locked"}, {"pin_kind": kind, "language": language})
    for fragment in fragments:
        assert fragment in text, text


def test_the_action_server_registers_every_action_and_no_base_class():
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    assert {"validate_fee_form", "action_fee_answer", "validate_move_form", "action_move_answer",
            "action_call_now"} <= set(executor.actions)
