"""scripts/nlu_eval.py: the held-out accuracy gate, per language (no model needed)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("nlu_eval", ROOT / "scripts" / "nlu_eval.py")
nlu_eval = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nlu_eval)


def test_every_held_out_example_has_a_language_and_every_language_is_gated():
    languages = nlu_eval.languages_of_examples(ROOT / "tests" / "nlu")
    assert set(languages.values()) == set(nlu_eval.GATES) >= {"ja", "en"}
    assert sum(1 for lang in languages.values() if lang == "en") >= 50


def test_per_language_accuracy_and_the_gate():
    languages = {"カードなくした": "ja", "lost my card": "en", "期限は？": "ja"}
    predictions = [
        {"text": "カードなくした", "intent": "lost_card", "intent_prediction": {"name": "lost_card"}},
        {"text": "期限は？", "intent": "expiry", "intent_prediction": {"name": "greet"}},
        {"text": "lost my card", "intent": "lost_card", "intent_prediction": {"name": "lost_card"}},
    ]
    tallies = nlu_eval.per_language(predictions, languages)
    assert tallies == {"ja": (1, 2), "en": (1, 1)}
    gates = {"ja": 0.9, "en": 0.9}
    assert nlu_eval.failed_gates({"ja": 0.5, "en": 1.0}, gates) == ["ja: 50.0% is below the gate 90.0%"]
    assert nlu_eval.failed_gates({"ja": 0.95, "en": 0.95}, gates) == []
    assert nlu_eval.failed_gates({"ja": 0.95}, gates) == ["en: no held-out examples"]


def test_the_gates_sit_two_points_under_a_measurement_and_fail_a_regression():
    # a drop of more than 2 points from the measured accuracy fails in either language
    measured = {"ja": 758 / 786, "en": 138 / 144, "zh": 264 / 282, "vi": 300 / 310, "ko": 300 / 322}
    assert nlu_eval.failed_gates(measured) == []
    for language, accuracy in measured.items():
        assert nlu_eval.GATES[language] <= accuracy - 0.02 + 1e-4
        worse = dict(measured, **{language: accuracy - 0.021})
        assert nlu_eval.failed_gates(worse)
