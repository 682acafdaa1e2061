"""A broken facts file stops the servers at start-up with a message a clerk can act on.

Each test edits one line of the real facts/facts.yml in a copy, the way a clerk would, and
checks the message: the line, the fact, and what to write instead.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from maina import facts, facts_schema
from maina_rasa import startup

ROOT = Path(__file__).resolve().parents[2]
FACTS = (ROOT / "facts" / "facts.yml").read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def broken(tmp_path: Path, old: str, new: str) -> Path:
    assert FACTS.count(old) == 1, old
    path = tmp_path / "facts.yml"
    path.write_text(FACTS.replace(old, new), encoding="utf-8")
    return path


def problems_of(path: Path) -> list:
    with pytest.raises(facts.FactsFileError) as caught:
        facts.load(path)
    return caught.value.problems


def test_the_real_file_passes():
    loaded = facts.load()
    assert loaded["hotline.suspension_hours"].value == "24時間365日"
    assert len(loaded) > 100


def test_unquoted_time_read_as_minutes_is_refused_with_the_fix(tmp_path):
    path = broken(tmp_path, 'weekday_hours: {value: "9:30〜20:00"', "weekday_hours: {value: 9:30")
    (problem,) = problems_of(path)
    assert problem.line == line_of(FACTS, "  weekday_hours: ")
    assert problem.key == "hotline.weekday_hours"
    assert "570" in problem.message and "quotes" in problem.message
    assert '"9:30〜20:00"' in problem.message


@pytest.mark.parametrize("field", ["source", "as_of"])
def test_a_fact_without_source_or_date_is_refused(tmp_path, field):
    old = '  fax: {value: "0144-32-2198", source: "guidebook p.14; rules (Tomakomai city)", as_of: 2026-11-25}'
    kept = {"source": 'as_of: 2026-11-25', "as_of": 'source: "guidebook p.14; rules (Tomakomai city)"'}
    path = broken(tmp_path, old, f'  fax: {{value: "0144-32-2198", {kept[field]}}}')
    (problem,) = problems_of(path)
    assert (problem.line, problem.key) == (line_of(FACTS, "  fax: "), "city.fax")
    assert f"has no {field}: add {field}:" in problem.message


def test_an_empty_date_is_refused(tmp_path):
    path = broken(tmp_path, '"0144-32-2198", source: "guidebook p.14; rules (Tomakomai city)", as_of: 2026-11-25',
                  '"0144-32-2198", source: "guidebook p.14; rules (Tomakomai city)", as_of: ')
    (problem,) = problems_of(path)
    assert problem.key == "city.fax" and "as_of is empty" in problem.message


@pytest.mark.parametrize(
    "old, new, key, words",
    [
        ('reissue: {value: 1000,', 'reissue: {value: "1,000",', "fee.reissue", "write 1000, not 1,000"),
        ('"0144-32-6492", source: "guidebook p.14; rules (Tomakomai city)"',
         '"0144-32-649", source: "guidebook p.14; rules (Tomakomai city)"', "city.tel", "10 or 11 digits"),
        ("start_date: {value: 2024-12-02", 'start_date: {value: "2024/12/02"', "express_issue.start_date",
         "like 2024-12-02 (no quotes)"),
        ("apply_within_days: {value: 30,", "apply_within_days: {value: 0,", "express_issue.apply_within_days",
         "at least 1"),
        ('portal: {value: "https://myna.go.jp/"', 'portal: {value: "myna.go.jp"', "web.portal", "web address"),
        ('duration: {value: "1か月〜2か月程度", source: "guidebook p.3 (交付には1カ月～2カ月程度要します)"',
         'duration: {value: yes, source: "guidebook p.3 (交付には1カ月～2カ月程度要します)"', "reissue.duration",
         "booleans"),
    ],
)
def test_wrong_types_are_refused_with_an_example(tmp_path, old, new, key, words):
    (problem,) = problems_of(broken(tmp_path, old, new))
    assert problem.key == key
    assert words in problem.message
    assert problem.line == line_of(FACTS.replace(old, new), new)


def test_a_misspelt_fact_is_named_with_the_right_spelling(tmp_path):
    path = broken(tmp_path, "  tel2: ", "  tell2: ")
    found = {p.key: p for p in problems_of(path)}
    assert "did you mean city.tel2?" in found["city.tell2"].message
    assert found["city.tell2"].line == line_of(FACTS, "  tel2: ")
    assert "is missing" in found["city.tel2"].message


def test_a_yaml_error_is_refused_with_its_line(tmp_path):
    path = broken(tmp_path, 'tel: {value: "0144-32-6492",', 'tel: {value: "0144-32-6492,')
    (problem,) = problems_of(path)
    assert problem.line == line_of(FACTS, "  tel: ")
    assert "YAML cannot read this" in problem.message and "quotes" in problem.message


@pytest.mark.parametrize(
    "old, new, key, other",
    [
        ("adult_age: {value: 18,", "adult_age: {value: 19,", "card.adult_age", "card_validity_rules"),
        ("adult_age_before: {value: 20,", "adult_age_before: {value: 18,", "card.adult_age_before",
         "card_validity_rules"),
        ("adult_age_change_date: {value: 2022-04-01,", "adult_age_change_date: {value: 2022-04-02,",
         "card.adult_age_change_date", "card_validity_rules"),
        ("reissue_cert_part: {value: 200,", "reissue_cert_part: {value: 300,", "fee.reissue", "fee.reissue_cert_part"),
        ('weekend_hours_en: {value: "9:30–17:30"', 'weekend_hours_en: {value: "9:30–18:00"',
         "hotline.weekend_hours", "hotline.weekend_hours_en"),
        ('other_digits: {value: "数字4桁"', 'other_digits: {value: "数字6桁"', "pin.other_digits",
         "convenience_store.pin_digits"),
        ("number_digits: {value: 12,", "number_digits: {value: 11,", "card.number_digits", "by law"),
        ('hotline: {weekday: ["9:30", "20:00"]', 'hotline: {weekday: ["9:00", "20:00"]',
         "hotline.weekday_hours", "contact_hours"),
        ('city_office: {weekday: ["8:45", "17:15"]', 'city_office: {weekday: ["8:30", "17:15"]',
         "city.office_hours", "contact_hours"),
        ("{application_from: 2022-04-01, application_to: null, adult_age: 18",
         "{application_from: 2022-04-02, application_to: null, adult_age: 18", "card_validity_rules",
         "the next day"),
    ],
)
def test_facts_that_disagree_are_refused(tmp_path, old, new, key, other):
    problems = problems_of(broken(tmp_path, old, new))
    assert key in {p.key for p in problems}
    problem = next(p for p in problems if p.key == key)
    assert other in problem.message
    name = key.split(".")[-1] + ":"
    assert problem.line == next(i for i, line in enumerate(FACTS.splitlines(), 1)
                                if line.strip().startswith(name))


def test_a_route_to_a_number_that_is_not_a_fact_is_refused(tmp_path):
    problems = problems_of(broken(tmp_path, "foreign: hotline.foreign_system}", "foreign: hotline.foriegn_system}"))
    assert any(p.key == "contact_routes" and "system foreign" in p.message for p in problems)


def test_every_agreement_names_known_facts():
    known = set(facts.load())
    for keys, _check in facts_schema.AGREEMENTS:
        assert set(keys) <= known, keys


def test_every_fact_has_a_declared_type():
    for key in facts.load():
        assert facts_schema.expected_type(tuple(key.split("."))) is not None, key


def test_the_message_lists_every_problem_with_file_and_lines(tmp_path):
    path = broken(tmp_path, 'weekday_hours: {value: "9:30〜20:00"', "weekday_hours: {value: 9:30")
    path.write_text(path.read_text(encoding="utf-8").replace("adult_age: {value: 18,", "adult_age: {value: 19,"),
                    encoding="utf-8")
    with pytest.raises(facts.FactsFileError) as caught:
        facts.load(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: 1 problem")  # types first; agreements once types are right
    path.write_text(FACTS.replace("adult_age: {value: 18,", "adult_age: {value: 19,")
                    .replace("reissue_cert_part: {value: 200,", "reissue_cert_part: {value: 300,"), encoding="utf-8")
    with pytest.raises(facts.FactsFileError) as caught:
        facts.load(path)
    # the changed certificate part disagrees with two totals: both are named
    assert str(caught.value).startswith(f"{path}: 3 problems; the bot does not start")
    assert f"line {line_of(FACTS, '  adult_age:')}, card.adult_age: is 19" in str(caught.value)


# --- start-up ---------------------------------------------------------------------------


@pytest.fixture()
def facts_file(monkeypatch, tmp_path):
    """Point MAINA_FACTS_FILE at a copy; restore the real facts and start-up state after."""
    path = tmp_path / "facts.yml"
    path.write_text(FACTS, encoding="utf-8")
    monkeypatch.setenv(facts.ENV_VAR, str(path))
    startup.reset()
    yield path
    monkeypatch.delenv(facts.ENV_VAR)
    startup.reset()
    facts.reload()


def _channels():
    from maina_rasa.channels.line.channel import LineInput
    from maina_rasa.channels.rest import GuardedRestInput
    from maina_rasa.channels.socketio import GuardedSocketIOInput
    from maina_rasa.channels.web import WebPages

    return [GuardedRestInput, GuardedSocketIOInput, LineInput, WebPages]


@pytest.mark.parametrize("channel", _channels(), ids=lambda c: c.__name__)
def test_every_channel_refuses_to_start_with_a_broken_facts_file(facts_file, channel):
    from rasa.shared.exceptions import RasaException

    facts_file.write_text(FACTS.replace("adult_age: {value: 18,", "adult_age: {value: 19,"), encoding="utf-8")
    with pytest.raises(startup.StartupError) as caught:
        channel.from_credentials({})
    assert isinstance(caught.value, RasaException)  # Rasa's CLI prints it and exits 1
    assert "card.adult_age: is 19" in str(caught.value)


def test_start_up_refuses_a_placeholder_that_no_fact_fills(facts_file, monkeypatch, tmp_path):
    from maina import placeholders

    typo = tmp_path / "typo.yml"
    typo.write_text("responses:\n  utter_x:\n  - text: 電話は{hotline.free_dail}だよ\n", encoding="utf-8")
    real = placeholders.response_files()
    monkeypatch.setattr(placeholders, "response_files", lambda root=None: real + [typo])
    with pytest.raises(startup.StartupError) as caught:
        startup.prepare_rasa()
    assert "1 placeholder(s) would reach residents unfilled" in str(caught.value)
    assert "typo.yml line 3 (utter_x): {hotline.free_dail} is not a fact" in str(caught.value)
    assert "did you mean {hotline.free_dial}?" in str(caught.value)


def test_channel_texts_and_web_config_use_known_facts():
    known = facts.load()
    assert startup.content_problems(known) == []
    less = {k: v for k, v in known.items() if k not in ("city.tel", "hotline.free_dial")}
    problems = "\n".join(startup.content_problems(less))
    assert "maina_rasa/channels/common.py (no_response_apology, ja): {city.tel}" in problems
    assert "maina_rasa/channels/web.py (CONFIG_FACTS): hotline.free_dial" in problems


def test_start_up_runs_once_and_no_turn_reads_the_file_again(facts_file, monkeypatch):
    reads = []
    original = facts._read
    monkeypatch.setattr(facts, "_read", lambda path: reads.append(path) or original(path))
    startup.prepare_rasa()
    for channel in _channels():
        channel.from_credentials({})
    for _ in range(1000):  # what the NLG and the channels do on every turn
        facts.template_variables("ja")
        facts.value("city.tel")
    assert len(reads) == 1


def test_the_action_server_refuses_to_start_with_a_broken_facts_file(tmp_path):
    path = broken(tmp_path, 'weekday_hours: {value: "9:30〜20:00"', "weekday_hours: {value: 9:30")
    result = subprocess.run(
        [sys.executable, "-m", "maina_rasa.action_server", "--actions", "actions", "--port", "1"],
        cwd=ROOT, env={"PATH": "/usr/bin:/bin", facts.ENV_VAR: str(path), "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1
    assert "StartupError" in result.stderr and "hotline.weekday_hours" in result.stderr
    assert f"line {line_of(FACTS, '  weekday_hours: ')}" in result.stderr
