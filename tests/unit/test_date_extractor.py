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
