"""Custom actions with rasa-sdk trackers built in the test (no servers): exact events and
dispatcher messages. MAINA_TODAY pins the date."""
from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.lifecycle import (
    LIFECYCLE_SLOTS,
    ActionAskDateDetail,
    ActionLifecycleAnswer,
    ActionLifecycleExplain,
    ActionLifecycleReset,
    ValidateLifecycleForm,
)

DOMAIN = {"slots": {name: {} for name in ["language", "requested_slot", "date_detail"] + LIFECYCLE_SLOTS},
          "forms": {"lifecycle_form": {"required_slots": ["birth_date", "issue_date"]}}}


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setenv("MAINA_TODAY", "2026-11-25")


def tracker(slots=None, text="", entities=None, intent="inform", events=None):
    values = {name: None for name in DOMAIN["slots"]}
    values.update(slots or {})
    return Tracker(
        sender_id="unit", slots=values,
        latest_message={"text": text, "entities": entities or [], "intent": {"name": intent}},
        events=events or [], paused=False, followup_action=None,
        active_loop={"name": "lifecycle_form"}, latest_action_name="action_listen",
    )


def run(action, t):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, DOMAIN))
    return dispatcher.messages, events


def test_answer_renders_the_dates():
    messages, events = run(ActionLifecycleAnswer(), tracker(
        {"birth_date": "1990-04-01", "issue_date": "2019-07-01"}))
    assert events == []
    [message] = messages
    assert message["response"] == "utter_lifecycle_result"
    assert message["card_expiry"].startswith("2029年（令和11年）4月1日")
    assert message["cert_line"] == "電子証明書の有効期限は 2024年（令和6年）4月1日 だよ。"
    assert message["whose_card"] == "カード"
    assert "10回目" in message["card_rule"]


def test_answer_in_english():
    messages, _ = run(ActionLifecycleAnswer(), tracker(
        {"birth_date": "1990-01-15", "issue_date": "2019-03-10", "language": "en"}))
    assert messages[0]["card_expiry"] == "15 January 2029"


def test_answer_reasks_inconsistent_dates():
    messages, events = run(ActionLifecycleAnswer(), tracker(
        {"birth_date": "2000-01-01", "issue_date": "2015-01-01"}))
    assert messages[0]["response"] == "utter_lifecycle_issue_before_card_launch"
    assert SlotSet("issue_date", None) in events


def test_reset_clears_every_calculator_slot():
    _, events = run(ActionLifecycleReset(), tracker({"birth_date": "1990-01-15"}))
    assert {e["name"] for e in events} >= {"birth_date", "issue_date", "residence_status"}
    assert all(e["value"] is None for e in events)


def test_form_extracts_dates_by_role():
    t = tracker(text="1988年9月3日生まれで、2018年2月20日にカードを作りました", entities=[
        {"entity": "date", "value": "1988-09-03", "role": "birth"},
        {"entity": "date", "value": "2018-02-20", "role": "issue"},
    ])
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateLifecycleForm().get_extraction_events(dispatcher, t, DOMAIN))
    assert SlotSet("birth_date", "1988-09-03") in events
    assert SlotSet("issue_date", "2018-02-20") in events


def test_form_fills_the_requested_slot_with_a_date_without_cue():
    t = tracker({"requested_slot": "issue_date", "birth_date": "1990-01-15"}, text="令和元年7月1日",
                entities=[{"entity": "date", "value": "2019-07-01"}])
    events = asyncio.run(ValidateLifecycleForm().get_extraction_events(CollectingDispatcher(), t, DOMAIN))
    assert events == [SlotSet("issue_date", "2019-07-01")]


def test_form_reasks_an_unusable_date_instead_of_rejecting_silently():
    t = tracker({"requested_slot": "birth_date"}, text="2月30日",
                entities=[{"entity": "date", "value": "invalid:invalid_date"}])
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateLifecycleForm().get_extraction_events(dispatcher, t, DOMAIN))
    assert dispatcher.messages[0]["response"] == "utter_lifecycle_invalid_date"
    assert events == [SlotSet("birth_date", None)]


def test_form_asks_for_the_stay_end_of_a_student():
    t = tracker({"residence_status": "留学", "birth_date": "2001-04-10", "issue_date": "2023-04-20"})
    slots = asyncio.run(ValidateLifecycleForm().required_slots([], CollectingDispatcher(), t, DOMAIN))
    assert slots == ["stay_end_date"]


def test_every_explanation_line_renders_in_both_languages():
    """Each explanation code the rules produce has its response (ja + en) and every placeholder fills."""
    from actions.lifecycle import _line
    from maina import lifecycle
    from test_lifecycle import CASES, TODAY

    D = dt.date
    results = [
        lifecycle.compute_lifecycle(*case[1:3], TODAY, application=case[3], residence_status=case[4],
                                    stay_end=case[5]) for case in CASES
    ] + [lifecycle.compute_lifecycle(D(1990, 1, 1), D(2020, 1, 1), TODAY, adult_guardianship=True),
         lifecycle.compute_lifecycle(D(1988, 9, 3), D(2018, 2, 20), D(2027, 6, 4)),
         lifecycle.compute_lifecycle(D(1990, 2, 2), D(2026, 10, 20), TODAY,
                                     residence_status="国籍喪失による経過滞在者", nationality_loss=D(2026, 10, 1))]
    seen = set()
    for result in results:
        for explanation in result.explanations:
            seen.add(explanation.code)
            ja, en = _line(explanation, "ja"), _line(explanation, "en")
            assert ja and en and ja != en, explanation
            assert "{" not in ja + en
    assert len(seen) >= 20


# --------------------------------------------------------------------------------------------
# Whole conversations through the form's actions, with the real date extractor (no Rasa):
# the validation action reads each message, the form asks what the calculator says is missing,
# and the answer action answers once nothing is. Dates derived by hand, TODAY = 2026-11-25.


class Conversation:
    def __init__(self, lang="ja"):
        self.slots = {"language": lang}
        self.said = []

    def say(self, text, intent="inform"):
        from maina_rasa.nlu.dates import entities_for

        messages, events = run(ValidateLifecycleForm(), tracker(self.slots, text, entities_for(text), intent))
        for event in events:
            self.slots[event["name"]] = event["value"]
        requested = self.slots.get("requested_slot")
        if requested is None:
            more, answer_events = run(ActionLifecycleAnswer(), tracker(self.slots))
            messages += more
            for event in answer_events:
                self.slots[event["name"]] = event["value"]
        elif requested == "date_detail":
            messages += run(ActionAskDateDetail(), tracker(self.slots))[0]
        else:
            messages.append({"response": f"utter_ask_{requested}"})
        self.said = messages
        return messages

    def last(self, response):
        return next(m for m in self.said if m["response"] == response)


ONE_MESSAGE = [
    # born 1975-01-01, card made in May 2019 (age 44): 1st birthday after = 2020-01-01 → 10th
    # 2029-01-01 whatever the day of May
    ("ja", "令和元年5月に作ったんだけど期限いつまで？誕生日は昭和50年1月1日", "utter_lifecycle_result",
     {"card_expiry": ["2029年（令和11年）1月1日"], "card_rule": ["何日に受け取っても同じ期限"]}),
    # born 2003-08-20; applied 2022-01 (old rule), received 2022-02-20 (year carried) aged 18 →
    # minor: 5th birthday after issue = 2026-08-20 (expired on 2026-11-25)
    ("ja", "2003年8月20日生まれです。カードは2022年1月に申請して2月20日に受け取りました。有効期限いつまでですか？",
     "utter_lifecycle_result", {"card_expiry": ["2026年（令和8年）8月20日"], "renewal_line": ["過ぎているよ"]}),
    # born 昭和50年, issued on the birthday 平成29年6月15日 → born 1975-06-15; the issue-day
    # birthday does not count → 1st 2018-06-15 → 10th 2027-06-15
    ("ja", "昭和50年生まれです。ちょうど誕生日の平成29年6月15日にカードが発行されました", "utter_lifecycle_result",
     {"card_expiry": ["2027年（令和9年）6月15日"]}),
    # born 1992-02-14, issued 2024-05-20: birthday rule 2034-02-14; the stated stay end is earlier
    ("en", "My period of stay ends on March 31, 2027. I was born on 14 February 1992 and my card was "
     "issued on 20 May 2024", "utter_lifecycle_result", {"card_expiry": ["31 March 2027"]}),
    # expiry 2027-03-15: less than 3 months remain from 2026-12-16, 21 days after 2026-11-25
    ("ja", "有効期限が2027年3月15日なんだけど、いつから更新できる？", "utter_lifecycle_expiry_result",
     {"known": ["2027年（令和9年）3月15日"], "advice": ["2026年（令和8年）12月16日", "21日"]}),
    # 5 months before 2026-11-25 → June 2026: renewal free; insurance worked until 2026-09-30
    ("en", "my card expire date pass already, 5 month ago. can i still renew? how much money?",
     "utter_lifecycle_expiry_result", {"known": ["June 2026"], "advice": ["free", "30 September 2026"]}),
    # a date still to come with no cue is the card's expiry: 2027-01-31 → open since 2026-11-01, 67 days left
    ("ja", "2027/1/31だけど、いつから更新できる？", "utter_lifecycle_expiry_result", {"advice": ["あと67日"]}),
    # probe n30: July 2027, the year first; for every July day renewal opens 3 months before → April 2027
    ("en", "my card say expire 2027 July. when can i renew? need reservation?", "utter_lifecycle_expiry_result",
     {"known": ["July 2027"], "advice": ["from April 2027", "free"]}),
    # probe n29: the visa's end is the period of stay; born 1990-01-01, issued 2024-10-01 (34): 10th
    # birthday after issue 2034-01-01, the stay ends earlier on 2027-08-31
    ("en", "I am foreigner, not permanent resident. born 1990/1/1, got card 2024/10/1. my visa until 2027/8/31. "
     "card expire when?", "utter_lifecycle_result", {"card_expiry": ["31 August 2027"]}),
]


@pytest.mark.parametrize("lang, text, response, expected", ONE_MESSAGE)
def test_one_message_answers(lang, text, response, expected):
    talk = Conversation(lang)
    talk.say(text, intent="ask_my_expiry")
    answer = talk.last(response)
    for field, fragments in expected.items():
        for fragment in fragments:
            assert fragment in answer[field], (field, answer[field])


def test_month_only_issue_asks_only_the_day_when_it_matters():
    # born 1990-05-15, made in May 2019: before the 15th → 2028-05-15, after → 2029-05-15
    talk = Conversation()
    talk.say("平成2年5月15日生まれ、令和元年5月に作った", intent="ask_my_expiry")
    assert talk.slots["requested_slot"] == "date_detail"
    ask = talk.last("utter_lifecycle_ask_day")
    assert ask["known"] == "2019年（令和元年）5月" and ask["what"] == "カードを受け取ったの"
    talk.say("20日")  # issued 2019-05-20 (age 29) → 1st birthday 2020-05-15 → 10th 2029-05-15
    assert talk.last("utter_lifecycle_result")["card_expiry"].startswith("2029年（令和11年）5月15日")


def test_hiragana_over_two_messages():
    # born 1947-03-03 (昭和22年), card received in February 2021 (age 73): every February day comes
    # before the March birthday → 1st 2021-03-03 → 10th 2030-03-03
    talk = Conversation()
    talk.say("しょうわ22ねん 3がつ3にち うまれです", intent="ask_my_expiry")
    assert talk.slots["birth_date"] == "1947-03-03" and talk.slots["requested_slot"] == "issue_date"
    talk.say("かーどは れいわ3ねん2がつに もらいました")
    assert talk.last("utter_lifecycle_result")["card_expiry"].startswith("2030年（令和12年）3月3日")


def test_period_of_stay_over_several_messages():
    # 留学, born 2001-04-10, issued 2023-04-20: birthday rule 2033-04-10, stay ends 2027-03-31
    talk = Conversation()
    talk.say("カードの期限を知りたいです。留学生です", intent="ask_my_expiry")
    assert talk.slots["requested_slot"] == "birth_date"
    talk.say("2001年4月10日")
    assert talk.slots["requested_slot"] == "issue_date"
    talk.say("2023年4月20日に受け取りました")
    assert talk.slots["requested_slot"] == "stay_end_date"
    talk.say("2027年3月31日です")
    assert talk.last("utter_lifecycle_result")["card_expiry"].startswith("2027年（令和9年）3月31日")


def test_period_of_stay_after_the_answer():
    # born 1992-02-14, issued 2024-05-20 (32): 10th birthday after issue 2034-02-14; then the stay
    # end 2027-03-31 is told → the card ends on 2027-03-31
    talk = Conversation()
    talk.say("1992年2月14日生まれ、2024年5月20日交付", intent="ask_my_expiry")
    assert talk.last("utter_lifecycle_result")["card_expiry"].startswith("2034年（令和16年）2月14日")
    talk.say("あ、在留期限は2027年3月31日です")
    assert talk.last("utter_lifecycle_result")["card_expiry"].startswith("2027年（令和9年）3月31日")


def test_a_new_question_starts_over():
    talk = Conversation()
    talk.say("1992年2月14日生まれ、2024年5月20日交付", intent="ask_my_expiry")
    talk.say("子どものも調べたい", intent="ask_my_expiry")
    assert talk.slots["birth_date"] is None and talk.slots["requested_slot"] == "birth_date"


@pytest.mark.parametrize("text, intent, answered_by, stops", [
    ("カードなくしたかも", "lost_card", "utter_lost_card", True),  # another topic: the form stops
    ("友達は10年って言ってたけど違うの？", "why_my_expiry", "action_lifecycle_explain", False),
    ("カードの期限って何年？", "validity_card", "utter_validity_card", False),
    ("いくらかかる？", "followup_cost", "utter_renewal_fee", False),  # a follow-up for the topic in play
])
def test_after_another_answer_inside_the_form(text, intent, answered_by, stops):
    events = [{"event": "user", "text": text}, {"event": "action", "name": answered_by},
              {"event": "action", "name": "lifecycle_form"}]
    t = tracker({"birth_date": "1990-01-15", "requested_slot": "issue_date"}, text=text, intent=intent, events=events)
    messages, slot_events = run(ValidateLifecycleForm(), t)
    assert messages == []
    if stops:
        assert SlotSet("requested_slot", None) in slot_events and SlotSet("birth_date", None) in slot_events
    else:  # the form asks its question again
        assert slot_events == [SlotSet("requested_slot", "issue_date")]


def test_the_rule_for_this_resident():
    # born 2005-06-10, issued 2023-01-10 aged 17 (new rule: adult from 18) → 5th birthday 2027-06-10
    messages, _ = run(ActionLifecycleExplain(), tracker({"birth_date": "2005-06-10", "issue_date": "2023-01-10"}))
    assert "17歳" in messages[0]["why"] and "5回目" in messages[0]["why"] and "2027年（令和9年）6月10日" in messages[0]["why"]
    messages, _ = run(ActionLifecycleExplain(), tracker({"language": "en"}))
    assert "10 years" in messages[0]["why"]


def test_the_answer_says_nothing_when_the_form_was_left():
    messages, events = run(ActionLifecycleAnswer(), tracker({}))
    assert messages == [] and events == []


def test_every_answer_line_is_used_and_renders_in_both_languages():
    """The calculator's lines (utter_lifecycle_line_*) all render with the values the calculator
    gives, in Japanese and English, and none is left unused."""
    from actions import texts
    from actions.lifecycle import _line, render, render_expiry
    from maina import calculator, lifecycle
    from maina.partial import PartialDate as P
    from test_lifecycle import CASES, TODAY

    D = dt.date
    knowns = [calculator.Known(birth=P.of(c[1]), issue=P.of(c[2]), application=c[3] and P.of(c[3]), status=c[4],
                               stay_end=c[5] and P.of(c[5])) for c in CASES] + [
        calculator.Known(birth=P(1975, 1, 1), issue=P(2019, 5)),
        calculator.Known(birth=P(1990, 1, 15), age_at_issue=30),
        calculator.Known(birth=P(2003, 6, 1), age_at_issue=18),
        calculator.Known(birth=P(2003, 6, 1), age_at_issue=19),
        calculator.Known(birth=P(2002, 12, 1), age_at_issue=19),
        calculator.Known(birth=P(2003, 6, 1), issue=P(2022, 5, 20), application=P(2022, 3)),
        calculator.Known(birth=P(2000, 5, 10), issue=P(2020, 5, 10)),
        calculator.Known(birth=P(2008, 2, 29), issue=P(2026, 3, 1), application=P(2026, 1, 15)),
        calculator.Known(card_expiry=P(2026, 6)), calculator.Known(card_expiry=P(2026, 6), status="留学"),
        calculator.Known(card_expiry=P(2026, 10)), calculator.Known(card_expiry=P(2026, 12)),
        calculator.Known(card_expiry=P(2027, 3, 15)), calculator.Known(card_expiry=P(2026, 12, 1)),
        calculator.Known(card_expiry=P(2027, 7)),
        calculator.Known(cert_expiry=P(2026, 12, 20)), calculator.Known(cert_expiry=P(2027, 6, 20)),
        calculator.Known(cert_expiry=P(2025, 6, 20)),
    ]
    explanations = []
    for known in knowns:
        outcome = calculator.plan(known, TODAY)
        for lang in ("ja", "en"):
            if outcome.result is not None:
                assert "{" not in "".join(render(outcome.result, lang).values())
            if outcome.expiry is not None:
                assert "{" not in "".join(render_expiry(outcome.expiry, lang).values())
        explanations += list(outcome.result.explanations if outcome.result else
                             outcome.expiry.explanations if outcome.expiry else [])
        explanations += calculator.rule_for(known, TODAY)
    for result in (lifecycle.compute_lifecycle(D(1990, 1, 1), D(2020, 1, 1), TODAY, adult_guardianship=True),
                   lifecycle.compute_lifecycle(D(1988, 9, 3), D(2018, 2, 20), D(2027, 6, 4)),
                   lifecycle.compute_lifecycle(D(1990, 2, 2), D(2026, 10, 20), TODAY, nationality_loss=D(2026, 10, 1),
                                               residence_status="国籍喪失による経過滞在者"),
                   lifecycle.compute_lifecycle(D(1998, 12, 12), D(2024, 1, 10), TODAY, residence_status="特定技能")):
        explanations += list(result.explanations)
    used = set()
    for explanation in explanations:
        used.add(explanation.code)
        ja, en = _line(explanation, "ja"), _line(explanation, "en")
        assert ja and en and ja != en and "{" not in ja + en, explanation
    lines = {name[len("utter_lifecycle_line_"):] for name in texts.responses() if name.startswith("utter_lifecycle_line_")}
    from maina.holder import KEYS

    rendered_by_the_action = {"either", "cert_expiry", "user_cert_expiry", "known_card_expiry",
                              "known_certificate_expiry"} | {f"card_of_{key}" for key in KEYS + ("unknown",)}
    assert lines - used - rendered_by_the_action == set(), "answer lines nothing produces"


@pytest.mark.parametrize("said, intent, hint", [
    ("わからない", "deny", "utter_lifecycle_dont_know_issue"),
    ("覚えてない…", "out_of_scope", "utter_lifecycle_dont_know_issue"),
    ("not sure, sorry", "deny", "utter_lifecycle_dont_know_issue"),
    ("はい", "affirm", None),  # not an answer: the question again, never silence
])
def test_no_answer_to_a_question_gets_a_hint_and_the_question_again(said, intent, hint):
    talk = Conversation()
    talk.say("1985年4月4日生まれです", intent="ask_my_expiry")
    assert talk.slots["requested_slot"] == "issue_date"
    messages = talk.say(said, intent=intent)
    assert [m["response"] for m in messages] == ([hint] if hint else []) + ["utter_ask_issue_date"]


def test_where_to_find_the_stay_end():
    talk = Conversation()
    talk.say("留学生です。1992年2月14日生まれ、2024年5月20日交付", intent="ask_my_expiry")
    messages = talk.say("在留期限わからない", intent="inform")
    assert [m["response"] for m in messages] == ["utter_lifecycle_dont_know_stay_end", "utter_ask_stay_end_date"]


def test_the_calculators_answers_leave_their_topic_in_play():
    """A follow-up such as 「いくら？」 after the answer from the card's own expiry date is about renewal."""
    from maina.conversation import choose

    assert choose("utter_lifecycle_expiry_result", "ask_my_expiry", "有効期限が2027年3月15日", None).topic == "renewal"
    assert choose("utter_lifecycle_why", "why_my_expiry", "10年じゃないの？", None).topic == "validity"
    assert choose("utter_followup_cost", "followup_cost", "いくら？", "renewal").response == "utter_renewal_fee"


# --------------------------------------------------------------------------------------------
# Residents' probe against the issue-12 build (n25–n30, E04, Y12). TODAY = 2026-11-25.


def test_a_year_alone_corrects_the_year_of_a_known_date():
    # probe n27: born 1970-05-05, received 2020-02-02 (age 49) → 1st birthday after 2020-05-05 →
    # 10th 2029-05-05. 「生まれは1975年だった」 keeps 5 May: born 1975-05-05, 44 at issue, the same
    # 10th birthday 2029-05-05 — and the rule line gives the new age
    talk = Conversation()
    talk.say("有効期限知りたい", intent="ask_my_expiry")
    talk.say("生まれは1970年5月5日")
    talk.say("受け取りは令和2年2月2日")
    assert "発行時49歳" in talk.last("utter_lifecycle_result")["card_rule"]
    talk.say("ごめん、生まれは1975年だった")
    assert talk.slots["birth_date"] == "1975-05-05" and talk.slots["issue_date"] == "2020-02-02"
    answer = talk.last("utter_lifecycle_result")
    assert answer["card_expiry"].startswith("2029年（令和11年）5月5日") and "発行時44歳" in answer["card_rule"]
    why, _ = run(ActionLifecycleExplain(), tracker(talk.slots))
    assert "44歳" in why[0]["why"]


def test_a_year_answers_which_year_of_a_month_and_day():
    talk = Conversation()
    talk.say("誕生日は5月5日です", intent="ask_my_expiry")
    assert talk.slots["requested_slot"] == "date_detail"
    talk.say("1975年です")
    assert talk.slots["birth_date"] == "1975-05-05" and talk.slots["requested_slot"] == "issue_date"


def test_a_card_ending_with_the_stay_says_what_to_do_next():
    # probe n29: born 1990-01-01, issued 2024-10-01 (34) → 10th birthday after issue 2034-01-01; the
    # stay ends 2027-08-31, earlier → the card ends 2027-08-31; what follows: 有効期間変更 after the
    # stay is renewed, and no expiry notice (the line was empty before)
    talk = Conversation()
    talk.say("1990年1月1日生まれで、2024年10月1日にカードを受け取りました。有効期限は？", intent="ask_my_expiry")
    assert talk.last("utter_lifecycle_result")["card_expiry"].startswith("2034年（令和16年）1月1日")
    talk.say("在留期間は2027年8月31日まで")
    answer = talk.last("utter_lifecycle_result")
    assert answer["card_expiry"].startswith("2027年（令和9年）8月31日")
    assert "在留期間の満了日（2027年（令和9年）8月31日）" in answer["card_rule"]
    assert "有効期間変更" in answer["renewal_line"] and "お知らせは届かない" in answer["renewal_line"]
    assert "日本人と同じ" not in answer["card_rule"] + answer["renewal_line"]


def test_a_childs_card_is_not_called_yours_and_the_certificate_line_reads_cleanly():
    # probe E04: born 2012-12-03, received 2021-06-01 aged 8 (applied before 2022-04-01, minor) →
    # 1st birthday after issue 2021-12-03 → 5th 2025-12-03 (expired on 2026-11-25); the user
    # certificate ends with the card; no signing certificate before 15, reached on 2027-12-03
    talk = Conversation()
    talk.say("娘のカードの有効期限を知りたいです。2012年12月3日生まれで、2021年6月1日に受け取りました",
             intent="ask_my_expiry")
    answer = talk.last("utter_lifecycle_result")
    assert answer["whose_card"] == "娘さんのカード" and answer["card_expiry"].startswith("2025年（令和7年）12月3日")
    assert answer["cert_line"] == ("利用者証明用電子証明書の有効期限は 2025年（令和7年）12月3日 だよ。\n"
                                   "15歳未満は署名用電子証明書は発行されないよ。2027年（令和9年）12月3日から窓口で申請できるよ。")
    assert "あなた" not in "".join(v for v in answer.values() if isinstance(v, str))
    why, _ = run(ActionLifecycleExplain(), tracker(talk.slots))
    assert "あなた" not in why[0]["why"] and "8歳" in why[0]["why"]


def test_a_new_calculation_forgets_whose_card_it_was():
    talk = Conversation()
    talk.say("子どもの期限を知りたいです。2010年5月5日生まれで2021年6月1日に交付", intent="ask_my_expiry")
    assert talk.last("utter_lifecycle_result")["whose_card"] == "お子さんのカード"
    talk.say("自分のも調べたい", intent="ask_my_expiry")
    talk.say("1990年1月15日生まれ、2019年3月10日に受け取った")
    assert talk.last("utter_lifecycle_result")["whose_card"] == "カード"


def test_a_29_february_birthday_says_which_date_counts_for_what():
    # probe Y12: born 2012-02-29, card issued 2021-06-01 aged 9 (old rule, minor, 5 birthdays): in
    # common years the birthday counted for validity is 28 February → 2022-02-28, 2023-02-28,
    # 2024-02-29, 2025-02-28, 2026-02-28 = the 5th; the age 15 (signing certificate) is reached on
    # 1 March 2027 (年齢計算ニ関スル法律). The answer says which is which (docs/date-parser.md).
    talk = Conversation("en")
    talk.say("my son's card: born 29 February 2012, card issued 1 June 2021. when does it expire?",
             intent="ask_my_expiry")
    answer = talk.last("utter_lifecycle_result")
    assert answer["whose_card"] == "Your son's card" and answer["card_expiry"] == "28 February 2026"
    assert "28 February as the birthday" in answer["card_rule"] and "goes up on 1 March" in answer["card_rule"]
    assert "from 1 March 2027" in answer["cert_line"] and "(" not in answer["cert_line"].split("\n")[1]


def test_the_status_said_just_before_the_form_started_still_counts():
    # probe n29: 「外国人です。カードの期限を知りたい」 got the ask-back, 「1990年1月1日」 started the form
    # — the stay end must still be asked; 「娘の」 said then still names her. An earlier calculation
    # (its answer) ends what counts.
    def extract(events, text, slots=None):
        t = tracker(slots or {}, text, entities_for_test(text), "inform", events=events)
        return asyncio.run(ValidateLifecycleForm().get_extraction_events(CollectingDispatcher(), t, DOMAIN))

    said = [{"event": "user", "text": "外国人です。娘のカードの期限を知りたい"},
            {"event": "action", "name": "action_default_ask_affirmation"},
            {"event": "user", "text": "1990年1月1日"}]
    events = extract(said, "1990年1月1日")
    assert SlotSet("residence_status", "外国人住民") in events and SlotSet("card_holder", "daughter") in events
    t = tracker({"birth_date": "1990-01-01", "issue_date": "2024-10-01", "residence_status": "外国人住民"})
    assert asyncio.run(ValidateLifecycleForm().required_slots([], CollectingDispatcher(), t, DOMAIN)) == ["stay_end_date"]
    after_an_answer = said[:1] + [{"event": "action", "name": "action_lifecycle_answer"}] + said[2:]
    events = extract(after_an_answer, "1990年1月1日")
    assert not any(e["name"] in ("residence_status", "card_holder") for e in events)


def entities_for_test(text):
    from maina_rasa.nlu.dates import entities_for

    return entities_for(text)
