"""The facts file is the single source of numbers, and every response reference resolves."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from maina import facts

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")
# Phone/fax numbers as Japanese numbers are written: 0120-95-0178, 050-3818-1250, 0144-32-6492.
PHONE = re.compile(r"(?<!\d)0\d{1,4}[-‐‑–−－ー]\d{1,4}[-‐‑–−－ー]\d{3,4}(?!\d)")
# Variables that actions pass explicitly (dispatcher.utter_message(response=..., **kwargs)).
ACTION_VARIABLES = {
    "card_expiry", "card_rule", "cert_line", "renewal_line", "next_step",
    "birth_date", "issue_date", "stay_end_date", "residence_status",
    # issue 14: actions/fee.py, actions/moving.py, actions/call_now.py
    "amount", "apply_by", "days_left", "days_ago", "lost_from", "moved", "notice_by", "notice_by_last",
    "continue_by", "latest_by", "number", "suspend_number", "closes", "opens", "open_day",
}


def response_files():
    return sorted((ROOT / "data").glob("**/*.yml"))


def all_response_texts():
    for path in response_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variations in (data.get("responses") or {}).items():
            for variation in variations:
                yield path.name, name, yaml.safe_dump(variation, allow_unicode=True)


def slot_names():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return set(domain.get("slots", {}))


def test_every_fact_has_value_source_and_date():
    loaded = facts.load()
    assert len(loaded) > 50
    for fact in loaded.values():
        assert fact.source.strip(), fact.key
        assert isinstance(fact.as_of, dt.date), fact.key
        assert fact.value is not None, fact.key


def test_malformed_facts_are_rejected(tmp_path):
    bad = tmp_path / "facts.yml"
    bad.write_text("city:\n  tel: {value: '0144', as_of: 2026-01-01}\n", encoding="utf-8")
    with pytest.raises(facts.FactsError, match="source"):
        facts.load(bad)


def test_unknown_fact_raises():
    with pytest.raises(facts.FactsError):
        facts.value("no.such.fact")


def test_template_variables_format_numbers_and_dates():
    ja = facts.template_variables("ja")
    en = facts.template_variables("en")
    assert ja["fee.reissue"] == "1,000"
    assert ja["express_issue.start_date"] == "2024年（令和6年）12月2日"
    assert en["express_issue.start_date"] == "2 December 2024"


def test_every_placeholder_resolves():
    known = set(facts.template_variables("ja")) | slot_names() | ACTION_VARIABLES
    dangling = [
        f"{file}:{name}: {{{key}}}"
        for file, name, text in all_response_texts()
        for key in PLACEHOLDER.findall(text)
        if key not in known
    ]
    assert not dangling, "placeholders with no fact/slot:\n" + "\n".join(dangling)


def test_no_phone_number_is_typed_outside_the_facts_file():
    """Every phone number the bot can say comes from facts/facts.yml."""
    sources = sorted((ROOT / "data" / "responses").glob("*.yml")) + sorted((ROOT / "actions").glob("**/*.py")) \
        + sorted((ROOT / "maina_rasa").glob("**/*.py")) + sorted((ROOT / "web").glob("**/*.*"))
    typed = []
    for path in sources:
        if "vendor" in path.parts or "node_modules" in path.parts:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        typed += [f"{path.relative_to(ROOT)}: {m}" for m in PHONE.findall(text)]
    assert not typed, "use a {facts} placeholder instead:\n" + "\n".join(typed)


def test_phone_numbers_the_bot_says_are_facts():
    """Rendered responses only contain phone numbers that are in the facts file."""
    variables = facts.template_variables("ja")
    fact_numbers = {re.sub(r"\D", "", v) for v in variables.values() if PHONE.fullmatch(v)}
    assert "0120950178" in fact_numbers
    for _file, _name, text in all_response_texts():
        rendered = PLACEHOLDER.sub(lambda m: variables.get(m.group(1), ""), text)
        for number in PHONE.findall(rendered):
            assert re.sub(r"\D", "", number) in fact_numbers, number
