"""The topic in play and the resident's situation (maina.conversation, maina/conversation.yml)."""
from __future__ import annotations

import glob
from pathlib import Path

import pytest
import yaml

from maina import conversation, topics

ROOT = Path(__file__).resolve().parents[2]


def _domain_intents():
    return set(yaml.safe_load(open(ROOT / "domain.yml", encoding="utf-8"))["intents"])


def _responses():
    names = set()
    for path in glob.glob(str(ROOT / "data/responses/*.yml")):
        names.update((yaml.safe_load(open(path, encoding="utf-8")) or {}).get("responses", {}))
    return names


def choose(response, intent, text="", topic=None, situations=(), first=True):
    return conversation.choose(response, intent, text, topic, situations, opening_allowed=first)


# --- the tables agree with the domain, the responses and the catalog -------------------------

def test_every_name_in_the_tables_exists():
    tables = conversation.load()
    intents, responses = _domain_intents(), _responses()
    for topic in tables.topics.values():
        assert topic.intents <= intents, (topic.name, topic.intents - intents)
        assert topic.responses <= responses, topic.name
        for asked, answer in topic.answers.items():
            assert asked in intents, (topic.name, asked)
            assert answer in responses, (topic.name, answer)
    for situation in tables.situations:
        for old, new in situation.replace.items():
            assert old in responses and new in responses, (situation.name, old, new)
        assert situation.opening is None or situation.opening in responses


def test_every_followup_intent_has_its_own_answer_and_a_rule():
    rules = yaml.safe_load(open(ROOT / "data/rules/followup.yml", encoding="utf-8"))["rules"]
    ruled = {r["steps"][0]["intent"]: r["steps"][1]["action"] for r in rules}
    followups = {i for i in _domain_intents() if conversation.is_followup(i)}
    assert followups and set(ruled) == followups
    for intent in followups:
        assert ruled[intent] == f"utter_{intent}" and f"utter_{intent}" in _responses()
        assert topics.catalog()[intent]["group"] == "followup"


def test_every_topic_intent_of_the_catalog_is_in_at_most_one_topic():
    tables = conversation.load()
    assert set(tables.topic_of_intent) <= set(topics.catalog())


def test_an_intent_in_two_topics_is_refused(tmp_path):
    path = tmp_path / "c.yml"
    path.write_text("topics:\n  a: {intents: [x]}\n  b: {intents: [x]}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'x'"):
        conversation.load(path)


# --- follow-ups ------------------------------------------------------------------------------

@pytest.mark.parametrize("topic, intent, expected", [
    ("lost", "followup_cost", "utter_reissue_fee"),
    ("damaged", "followup_cost", "utter_reissue_fee"),
    ("express", "followup_cost", "utter_express_fee"),
    ("koseki", "followup_cost", "utter_konbini_koseki"),
    ("konbini", "followup_hours", "utter_konbini_hours"),
    ("konbini", "followup_where", "utter_konbini_stores"),
    ("hotline", "followup_hours", "utter_hotline_hours"),
    ("reissue", "followup_duration", "utter_reissue_duration"),
    ("renewal", "followup_cost", "utter_renewal_fee"),
    ("certificate", "followup_where", "utter_cert_renewal"),
    ("pin", "followup_how", "utter_pin_forgot_locked"),
    ("insurance", "followup_no_card", "utter_health_insurance_no_card"),
])
def test_a_followup_is_answered_for_the_topic_in_play(topic, intent, expected):
    choice = choose(f"utter_{intent}", intent, "いくら？", topic)
    assert choice.response == expected and choice.topic == topic


def test_a_followup_without_a_topic_asks_back_and_leaves_no_topic():
    choice = choose("utter_followup_cost", "followup_cost", "いくら？", None)
    assert choice.response == "utter_followup_cost" and choice.topic is None


def test_a_followup_the_topic_does_not_answer_asks_back_and_keeps_the_topic():
    choice = choose("utter_followup_proxy", "followup_proxy", "代理は？", "koseki")
    assert choice.response == "utter_followup_proxy" and choice.topic == "koseki"


def test_a_topic_intent_sets_its_own_topic():
    assert choose("utter_lost_card", "lost_card", "なくした").topic == "lost"
    assert choose("utter_lost_card", "lost_card", "なくした", "konbini").topic == "lost"
    assert choose("utter_greet", "greet", "こんにちは", "lost").topic is None


def test_the_calculator_result_puts_validity_in_play():
    assert choose("utter_lifecycle_result", "inform", "1990年1月1日").topic == "validity"


def test_the_topic_rereads_a_topic_intent_unless_the_card_is_named():
    choice = choose("utter_reissue_procedure", "reissue_procedure", "再発行してもらえますか",
                    "notification_card")
    assert choice.response == "utter_notification_card_lost"
    assert choice.topic == "notification_card"
    named = choose("utter_reissue_procedure", "reissue_procedure",
                   "マイナンバーカードの再発行は？", "notification_card")
    assert named.response == "utter_reissue_procedure" and named.topic == "reissue"


# --- situations ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "耳が聞こえないので電話ができません。カードをなくしたら？",
    "聴覚障害があってカードを止めたい",
    "I'm deaf, how do I stop my card",
])
def test_a_resident_who_cannot_phone_gets_the_fax_first(text):
    assert choose("utter_lost_card", "lost_card", text).response == "utter_hotline_hearing"


def test_a_resident_who_can_phone_gets_the_phone():
    assert choose("utter_lost_card", "lost_card", "電話できる？なくした").response == "utter_lost_card"


@pytest.mark.parametrize("text", [
    "来週出張で身分証いるのにマイナカードなくした 急ぎで作れる？",
    "カードなくした、すぐ欲しい",
    "lost my card, i need it urgently",
])
def test_urgency_with_a_lost_card_gives_express_issue(text):
    choice = choose("utter_lost_card", "lost_card", text)
    assert choice.response == "utter_lost_card_urgent" and "urgent" in choice.situations


def test_urgency_carries_over_to_a_followup_on_the_same_topic():
    urgent = choose("utter_lost_card", "lost_card", "急ぎでカード作りたい、なくした")
    followup = choose("utter_followup_cost", "followup_cost", "それいくら？",
                      urgent.topic, urgent.situations)
    assert followup.response == "utter_express_fee"
    assert choose("utter_followup_cost", "followup_cost", "それいくら？", "lost").response \
        == "utter_reissue_fee"


def test_a_carried_situation_does_not_change_a_new_question():
    choice = choose("utter_lost_card", "lost_card", "自分のマイナンバーカードもなくした", "deceased",
                    ("bereaved",))
    assert choice.response == "utter_lost_card" and choice.topic == "lost"


def test_bereavement_gets_condolences_once_and_the_deceased_answer():
    choice = choose("utter_lost_card", "lost_card", "父が亡くなりました。カードは止めるの？")
    assert choice.response == "utter_deceased_holder" and choice.opening is None
    other = choose("utter_validity_certificate", "validity_certificate",
                   "母が亡くなった。電子証明書はどうなる？")
    assert other.opening == "utter_opening_condolence"
    assert choose("utter_validity_certificate", "validity_certificate",
                  "母が亡くなった。電子証明書は？", first=False).opening is None


def test_an_upset_resident_gets_an_apology_first():
    choice = choose("utter_reissue_fee", "reissue_fee", "何度も電話したのに最悪。再発行いくら")
    assert choice.opening == "utter_opening_upset" and choice.response == "utter_reissue_fee"
    assert choose("utter_reissue_fee", "reissue_fee", "再発行いくら").opening is None


def test_the_express_word_itself_is_not_urgency_to_rewrite():
    assert choose("utter_express_issue", "express_issue", "特急発行を急ぎでお願いしたい").situations == ()


def test_an_unsure_model_is_decided_by_the_topic_in_play():
    ranking = [("cert_signing", 0.27), ("pin_overview", 0.18), ("jpki_what", 0.1)]
    choice = conversation.choose("utter_ask_rephrase", "nlu_fallback", "署名用は何桁？", "pin",
                                 ranking=ranking)
    assert choice.response == "utter_pin_overview" and choice.topic == "pin"
    followup = conversation.choose("utter_ask_rephrase", "nlu_fallback", "郵送で申請できる？",
                                   "reissue", ranking=[("followup_online", 0.49),
                                                       ("apply_how", 0.45)])
    assert followup.response == "utter_reissue_online" and followup.topic == "reissue"


def test_an_unsure_model_without_a_fitting_guess_still_asks_back():
    weak = conversation.choose("utter_ask_rephrase", "nlu_fallback", "うーん", "pin",
                               ranking=[("greet", 0.2), ("pin_overview", 0.05)])
    assert weak.response == "utter_ask_rephrase" and weak.topic is None
    assert conversation.choose("utter_ask_rephrase", "nlu_fallback", "x", None,
                               ranking=[("pin_overview", 0.3)]).response == "utter_ask_rephrase"


def test_a_followup_that_names_its_topic_is_answered_for_it():
    choice = conversation.choose("utter_followup_cost", "followup_cost", "更新は無料？", None,
                                 ranking=[("followup_cost", 0.5), ("renewal_procedure", 0.2)])
    assert choice.response == "utter_renewal_fee" and choice.topic == "renewal"
    weak = conversation.choose("utter_followup_cost", "followup_cost", "無料？", None,
                               ranking=[("followup_cost", 0.8), ("renewal_procedure", 0.05)])
    assert weak.response == "utter_followup_cost"
    switched = conversation.choose("utter_followup_cost", "followup_cost", "更新は無料？", "lost",
                                   ranking=[("followup_cost", 0.5), ("renewal_procedure", 0.35)])
    assert switched.response == "utter_renewal_fee" and switched.topic == "renewal"
    stray = conversation.choose("utter_followup_hours", "followup_hours", "土日は？", "konbini",
                                ranking=[("followup_hours", 0.6), ("contact_national", 0.2)])
    assert stray.response == "utter_konbini_hours"
    kept = conversation.choose("utter_followup_cost", "followup_cost", "いくら？", "lost",
                               ranking=[("followup_cost", 0.96), ("renewal_procedure", 0.01)])
    assert kept.response == "utter_reissue_fee" and kept.topic == "lost"


@pytest.mark.parametrize("text, expected", [
    ("IP電話だとフリーダイヤルつながらない、カードなくした", "utter_hotline_ip"),
    ("my ip phone can't call 0120, lost card", "utter_hotline_ip"),
])
def test_an_ip_phone_gets_the_050_number(text, expected):
    assert choose("utter_lost_card", "lost_card", text).response == expected


def test_a_foreign_national_moving_abroad_returns_the_card():
    assert choose("utter_move_abroad", "move_abroad", "I am Vietnamese, going back to my country") \
        .response == "utter_move_abroad_foreign"
    assert choose("utter_move_abroad", "move_abroad", "海外赴任でカードどうなる").response \
        == "utter_move_abroad"


def test_a_found_card_cannot_be_unlocked_by_phone():
    assert choose("utter_followup_phone", "followup_phone", "電話で解除できる？", "found").response \
        == "utter_card_found"


@pytest.mark.parametrize("text", [
    "カードが使えなくなりました", "暗証番号を3回まちがえて使えなくなりました", "どこにあるかわからなくなった",
    "カードがなくなりました",
])
def test_a_card_that_stopped_working_is_no_bereavement(text):
    """「なくなりました」 alone is not 「亡くなりました」 (resident probe: condolences for a locked PIN)."""
    assert "bereaved" not in choose("utter_pin_locked", "pin_locked", text).situations


@pytest.mark.parametrize("text", ["ちちがなくなりました。カードは？", "母が先月なくなったんだけど",
                                  "祖母が亡くなりました"])
def test_a_death_in_the_family_in_kana_or_kanji_is_bereavement(text):
    assert "bereaved" in choose("utter_lost_card", "lost_card", text).situations
