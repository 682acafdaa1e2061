"""The case extractor as a pipeline component: entities with codes, roles and offsets."""
from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from maina.normalize import normalize
from maina_rasa.nlu.case import CaseExtractor, entities_for


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setenv("MAINA_TODAY", "2026-11-25")


def values(text):
    return {(e["entity"], e.get("role")): e["value"] for e in entities_for(normalize(text))}


def test_the_issues_messages():
    assert values("盗まれて警察に届けた、再発行タダ？") == {("reason", None): "stolen", ("proof", None): "yes"}
    assert values("急ぎで、電子証明書はいらない") == {("certificates", None): "without", ("express", None): "yes"}
    assert values("先週なくした、特急で作れる？") == {
        ("reason", None): "lost", ("express", None): "yes", ("event_date", "loss"): "2026-11-16/2026-11-22"}
    assert values("来週苫小牧に引っ越してくる、カードの手続きの期限は？") == {
        ("move", None): "in", ("event_date", "move"): "2026-11-30/2026-12-06"}
    assert values("署名用の暗証番号を5回間違えた") == {("pin_kind", None): "signing"}
    assert values("暗証番号を3回間違えた") == {("pin_tries", None): "3"}
    assert values("耳が聞こえない") == {("caller", None): "hearing"}
    assert values("有効期限はいつ？") == {}


def test_a_birth_date_is_not_an_event():
    assert ("event_date", "loss") not in values("1990年1月15日生まれ、2019年3月10日に作ったカードの期限")


def test_offsets_of_the_event_date():
    text = "カードを先週の金曜になくした"
    [event] = [e for e in entities_for(text) if e["entity"] == "event_date"]
    assert text[event["start"]:event["end"]] == "先週の金曜"


def test_component_adds_entities_and_skips_payloads():
    extractor = CaseExtractor()
    message = Message(data={TEXT: "盗まれた"})
    payload = Message(data={TEXT: "/reissue_fee"})
    extractor.process([message, payload])
    assert [e["value"] for e in message.get(ENTITIES)] == ["stolen"]
    assert not payload.get(ENTITIES)


def test_a_move_with_its_day_is_a_moving_question_not_the_expiry_calculator():
    """Resident probe: 「11/25に東京から越してきた…いつまでに？」 went to the calculator's
    birth-date question; "I move out … on 12/10" to the fallback."""
    from maina_rasa.nlu.case import move_intent

    moved_in = entities_for("11/20に東京から越してきたんだけど いつまでに届け出ればいい?")
    moving_out = entities_for("i move out to sapporo on 12/10, what is deadline")
    birth = entities_for("1990年1月15日生まれで2019年7月1日にカードをもらった")
    assert move_intent({"name": "ask_my_expiry", "confidence": 0.88}, moved_in) == \
        {"name": "move_in", "confidence": 0.9}
    assert move_intent({"name": "address_name_change", "confidence": 0.24}, moving_out) == \
        {"name": "address_name_change", "confidence": 0.9}
    assert move_intent({"name": "ask_my_expiry", "confidence": 0.9}, birth) is None
    assert move_intent({"name": "card_pickup", "confidence": 0.4}, moved_in) is None  # another topic
    assert move_intent({"name": "move_in", "confidence": 0.95}, moved_in) is None  # already sure


@pytest.mark.parametrize("text, intent", [
    ("お世話になっております。先日自宅が火事になり、マイナンバーカードが焼けてしまいました。消防署で罹災証明書は"
     "いただいております。再発行の手数料はいかほどかかりますでしょうか。", "reissue_fee"),
    ("카드가 불에 탔어요. 이재증명서 있어요. 재발급 비용 얼마예요?", "reissue_fee"),
    ("the my number bi gay roi, lam lai mat bao nhieu tien", "reissue_fee"),
    ("急ぎで！カードなくした、特急だといくら？", "express_issue"),
])
def test_a_reason_and_a_cost_question_is_a_fee_question(text, intent):
    """Resident probe: a long polite letter about a fire was answered with the fax number."""
    from maina_rasa.nlu.case import fee_intent

    extracted = entities_for(normalize(text))
    assert fee_intent({"name": "hotline_hearing", "confidence": 0.79}, extracted, text)["name"] == intent
    assert fee_intent({"name": "reissue_fee", "confidence": 0.5}, extracted, text) is None  # already one
    assert fee_intent({"name": "konbini_certs_fees", "confidence": 0.6}, extracted, text) is None


def test_a_cost_question_without_a_reason_keeps_its_intent():
    from maina_rasa.nlu.case import fee_intent

    text = "コンビニで住民票はいくら？"
    assert fee_intent({"name": "konbini_certs_fees", "confidence": 0.9}, entities_for(normalize(text)), text) is None
