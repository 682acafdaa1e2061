"""The facts file is the single source of numbers, and every response reference resolves."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from maina import facts, placeholders
from maina.placeholders import PLACEHOLDER

ROOT = Path(__file__).resolve().parents[2]
# Phone/fax numbers as Japanese numbers are written: 0120-95-0178, 050-3818-1250, 0144-32-6492.
PHONE = re.compile(r"(?<!\d)0\d{1,4}[-‐‑–−－ー]\d{1,4}[-‐‑–−－ー]\d{3,4}(?!\d)")


def all_response_texts():
    for path in placeholders.response_files():
        for name, text in placeholders.responses(path):
            yield path.name, name, text


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
    dangling = placeholders.unknown_placeholders(facts.template_variables("ja"))
    assert not dangling, "placeholders with no fact/slot:\n" + "\n".join(map(str, dangling))


def test_an_unknown_placeholder_is_found_with_file_line_and_suggestion(tmp_path):
    (tmp_path / "data" / "responses").mkdir(parents=True)
    (tmp_path / "domain.yml").write_text("version: '3.1'\nslots:\n  language: {type: text}\n")
    (tmp_path / "data" / "responses" / "lost.yml").write_text(
        "version: '3.1'\nresponses:\n  utter_lost_card:\n  - text: |-\n"
        "      まずは電話してね。\n      {hotline.free_dail}（{language}）\n"
        "    buttons:\n    - {title: '{hotline.free_dial}', payload: /x}\n",
        encoding="utf-8",
    )
    (found,) = placeholders.unknown_placeholders({"hotline.free_dial"}, root=tmp_path)
    assert (found.line, found.response, found.name) == (6, "utter_lost_card", "hotline.free_dail")
    assert found.suggestion == "hotline.free_dial"
    assert "lost.yml line 6 (utter_lost_card): {hotline.free_dail}" in str(found)


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


def test_the_start_up_check_reads_the_response_files_as_safe_load_does():
    """The placeholder check parses with PyYAML's C loader (start-up time): same documents."""
    import yaml

    from maina import placeholders

    for path in placeholders.response_files():
        text = path.read_text(encoding="utf-8")
        assert placeholders._load_yaml(text) == (yaml.safe_load(text) or {}), path
