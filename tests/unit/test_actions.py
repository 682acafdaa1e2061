"""Custom actions with rasa-sdk trackers built in the test (no servers): exact events and
dispatcher messages. MAINA_TODAY pins the date."""
from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.lifecycle import ActionLifecycleAnswer, ActionLifecycleReset, ValidateLifecycleForm

DOMAIN = {"slots": {name: {} for name in (
    "language", "birth_date", "issue_date", "application_date", "applied_before_threshold",
    "residence_status", "stay_end_date", "requested_slot")},
    "forms": {"lifecycle_form": {"required_slots": ["birth_date", "issue_date"]}}}


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setenv("MAINA_TODAY", "2026-11-25")


def tracker(slots=None, text="", entities=None, intent="inform"):
    values = {name: None for name in DOMAIN["slots"]}
    values.update(slots or {})
    return Tracker(
        sender_id="unit", slots=values,
        latest_message={"text": text, "entities": entities or [], "intent": {"name": intent}},
        events=[], paused=False, followup_action=None,
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
    assert message["cert_line"].startswith("2024年（令和6年）4月1日")
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


def test_form_keeps_residence_status_and_asks_for_the_stay_end():
    t = tracker({"residence_status": "留学"})
    slots = asyncio.run(ValidateLifecycleForm().required_slots([], CollectingDispatcher(), t, DOMAIN))
    assert slots == ["birth_date", "issue_date", "residence_status", "stay_end_date"]


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
