"""The NLU date extractor's entities (maina_rasa.nlu.dates.entities_for), today pinned."""
import pytest

from maina_rasa.nlu.dates import entities_for


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setenv("MAINA_TODAY", "2026-11-25")


def by_role(text):
    return {e.get("role"): e["value"] for e in entities_for(text) if e["entity"] == "date"}


def test_roles_and_iso_values():
    assert by_role("平成2年4月1日生まれで、令和元年7月1日に交付されました") == {
        "birth": "1990-04-01", "issue": "2019-07-01"}


def test_impossible_date_is_marked_invalid_not_dropped():
    [entity] = [e for e in entities_for("2月30日生まれです") if e["entity"] == "date"]
    assert entity["value"].startswith("invalid:")


def test_age_at_issue_becomes_an_issue_role_age():
    ages = [e for e in entities_for("30歳のときに作ったカード") if e["entity"] == "age"]
    assert ages == [{"entity": "age", "start": 0, "end": 13, "value": 30, "role": "issue",
                     "extractor": "JapaneseDateExtractor"}]


def test_text_without_dates_gives_nothing():
    assert entities_for("カードをなくしました") == []


@pytest.mark.parametrize("text, intent, resolved", [
    # a renewal or validity question that carries the resident's own dates goes to the calculator
    ("有効期限は2026年12月まで。もう更新できる？", "renewal_procedure", "ask_my_expiry"),
    ("my card expire date pass already, 5 month ago. can i still renew?", "expired", "ask_my_expiry"),
    ("1990年1月15日生まれ、2019年3月10日交付。更新はいつから？", "renewal_procedure", "ask_my_expiry"),
    ("1990年1月15日生まれで、30歳のときに作った。何年もつの？", "validity_card", "ask_my_expiry"),
    # without them, the FAQ answers
    ("期限の3か月前から更新できる？", "renewal_procedure", "renewal_procedure"),
    ("1990年1月15日生まれです。更新はどこで？", "renewal_procedure", "renewal_procedure"),
    ("2月30日に期限が切れた", "expired", "expired"),  # not a usable date
    # other topics keep theirs
    ("2019年3月10日に作ったカードをなくした", "lost_card", "lost_card"),
])
def test_own_dates_make_a_validity_question_the_calculators(text, intent, resolved):
    from maina_rasa.nlu.dates import resolved_intent

    assert resolved_intent(intent, entities_for(text)) == resolved
