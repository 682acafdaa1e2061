"""The facts-aware NLG with the conversation: follow-ups, situations, languages (issue 11)."""
from __future__ import annotations

import asyncio
import glob
from pathlib import Path

import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, Restarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from maina_rasa.nlg import FactsNaturalLanguageGenerator, conversation_state

ROOT = Path(__file__).resolve().parents[2]


def _domain() -> Domain:
    raw = yaml.safe_load(open(ROOT / "domain.yml", encoding="utf-8"))
    responses = {}
    for path in sorted(glob.glob(str(ROOT / "data/responses/*.yml"))):
        responses.update(yaml.safe_load(open(path, encoding="utf-8")).get("responses", {}))
    raw["responses"] = responses
    return Domain.from_dict(raw)


DOMAIN = _domain()
NLG = FactsNaturalLanguageGenerator(domain=DOMAIN)


def user(text, intent):
    return UserUttered(text, {"name": intent, "confidence": 0.9})


def bot(topic, situations=None):
    metadata = {"topic": topic, "utter_action": "x"}
    if situations:
        metadata["situations"] = situations
    return BotUttered("…", metadata=metadata)


def say(events, action, language=None):
    if language:
        events = [SlotSet("language", language)] + list(events)
    tracker = DialogueStateTracker.from_events("t", events, slots=DOMAIN.slots)
    return asyncio.run(NLG.generate(action, tracker, "rest"))


def test_a_followup_is_answered_for_the_topic_and_records_it():
    answer = say([user("カードなくした", "lost_card"), bot("lost"),
                  user("いくら？", "followup_cost")], "utter_followup_cost")
    assert "1,000円" in answer["text"] and answer["topic"] == "lost"


def test_the_topic_reaches_back_over_a_thanks():
    answer = say([user("コンビニで戸籍謄本とれる？", "konbini_koseki"), bot("koseki"),
                  user("ありがとう", "thanks"), bot(None),
                  user("いくら？", "followup_cost")], "utter_followup_cost")
    assert "450円" in answer["text"]


def test_no_topic_after_a_restart_or_too_long_ago():
    restarted = say([user("なくした", "lost_card"), bot("lost"), Restarted(),
                     user("いくら？", "followup_cost")], "utter_followup_cost")
    assert restarted["topic"] is None and "どの手数料" in restarted["text"]
    events = [user("なくした", "lost_card"), bot("lost")]
    for _ in range(3):
        events += [user("こんにちは", "greet"), bot(None)]
    old = say(events + [user("いくら？", "followup_cost")], "utter_followup_cost")
    assert "どの手数料" in old["text"]


def test_a_situation_found_earlier_carries_to_the_followup():
    answer = say([user("急ぎで作りたい、なくした", "lost_card"), bot("lost", ["urgent"]),
                  user("それいくら？", "followup_cost")], "utter_followup_cost")
    assert "2,000円" in answer["text"] and answer["situations"] == ["urgent"]


def test_an_opening_is_said_once_per_turn():
    first = say([user("最悪、何度も聞いてるのに。再発行いくら", "reissue_fee")], "utter_reissue_fee")
    assert first["text"].startswith("ごめんね") and "1,000円" in first["text"]
    second = say([user("最悪、何度も聞いてるのに。再発行いくら", "reissue_fee"), bot("reissue")],
                 "utter_reissue_fee")
    assert not second["text"].startswith("ごめんね")


def test_conversation_state_reads_the_latest_answer_with_a_topic():
    tracker = DialogueStateTracker.from_events("t", [
        user("a", "lost_card"), bot("lost"), user("b", "konbini_what"), bot("konbini"),
        user("c", "followup_hours")], slots=DOMAIN.slots)
    state = conversation_state(tracker)
    assert state.topic == "konbini" and state.first_in_turn


def test_english_followup_in_english():
    answer = say([user("I lost my card", "lost_card"), bot("lost"),
                  user("how much to get a new one?", "followup_cost")],
                 "utter_followup_cost", language="en")
    assert "1,000 yen" in answer["text"]


def test_a_recognised_only_language_gets_its_hotline_text_and_english_elsewhere():
    th = say([user("บัตรหาย", "other_language")], "utter_other_language", language="th")
    assert "0120-0178-27" in th["text"] and "ขออภัย" in th["text"]
    # the languages Maina-chan speaks, by their own names, and the same in English
    assert "简体中文" in th["text"] and "Tiếng Việt" in th["text"] and "(English) I can answer in" in th["text"]
    assert [b["payload"] for b in th["buttons"]] == ["English", "日本語", "中文", "Tiếng Việt", "한국어"]
    th_other = say([user("the", "lost_card")], "utter_lost_card", language="th")
    assert th_other["text"].startswith("First, call")


def test_every_answer_records_the_conversations_language():
    """The slot, not the language of the text said: a Thai conversation answered in English
    is still Thai (the web pages show the nearest language they have)."""
    assert say([user("カードなくした", "lost_card")], "utter_lost_card")["language"] == "ja"
    assert say([user("I lost my card", "lost_card")], "utter_lost_card", language="en")["language"] == "en"
    assert say([user("the", "lost_card")], "utter_lost_card", language="th")["language"] == "th"
