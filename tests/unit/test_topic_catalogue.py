"""Adding a topic: one checklist that names every missing piece (issue 13).

A topic is an intent of maina/topics.yml. docs/CONTENT.md ("Adding a topic") lists the files it
touches; this test reads them all and reports, per topic, what is still missing — so a new
topic is done when this test passes, and a removed one leaves nothing behind.
"""
from __future__ import annotations

import collections
import glob
from pathlib import Path
from typing import Dict, List, Set

import yaml

from maina import locales, topics

ROOT = Path(__file__).resolve().parents[2]
# Answered by an action or a form instead of a plain rule → utter_<intent> (see data/rules/).
NOT_A_PLAIN_ANSWER = {"ask_my_expiry", "call_now", "out_of_scope"}
MIN_TRAINING = {"ja": 10, "en": 10}
MIN_HELD_OUT = 3


def _load(pattern: str) -> List[dict]:
    return [yaml.safe_load(open(path, encoding="utf-8")) or {} for path in sorted(glob.glob(str(ROOT / pattern)))]


def _examples(paths: List[str]) -> Dict[str, int]:
    counts: Dict[str, int] = collections.Counter()
    for path in paths:
        for block in (yaml.safe_load(open(path, encoding="utf-8")) or {}).get("nlu", []):
            if "intent" in block:
                counts[block["intent"]] += len([line for line in str(block.get("examples", "")).splitlines()
                                                if line.strip().startswith("- ")])
    return counts


def _ruled_intents(pattern: str, key: str) -> Set[str]:
    found = set()
    for data in _load(pattern):
        for entry in data.get(key, []) or []:
            for step in entry.get("steps", []):
                if "intent" in step:
                    found.add(step["intent"])
    return found


def _nlu_files(root: str, languages: Set[str]) -> Dict[str, List[str]]:
    """Example files by language: english.yml, <locale>.yml, every other file Japanese."""
    by_language: Dict[str, List[str]] = collections.defaultdict(list)
    for path in sorted(glob.glob(str(ROOT / root / "*.yml"))):
        stem = Path(path).stem
        language = "en" if stem == "english" else stem if stem in languages else "ja"
        by_language[language].append(path)
    return by_language


def missing_pieces() -> Dict[str, List[str]]:
    """{topic: [what is missing]} for every topic of the catalogue."""
    domain = yaml.safe_load(open(ROOT / "domain.yml", encoding="utf-8"))
    intents = set(domain.get("intents", []))
    responses = {name for data in _load("data/responses/*.yml") for name in (data.get("responses") or {})}
    ruled = _ruled_intents("data/rules/*.yml", "rules")
    tested = _ruled_intents("tests/test_*.yml", "stories")
    codes = set(locales.all_locales())
    training = {lang: _examples(paths) for lang, paths in _nlu_files("data/nlu", codes).items()}
    held_out = {lang: _examples(paths) for lang, paths in _nlu_files("tests/nlu", codes).items()}
    report: Dict[str, List[str]] = {}
    for intent, entry in topics.catalog().items():
        group = entry.get("group", "")
        gaps = []
        if intent not in intents:
            gaps.append("domain.yml: intents")
        if not entry.get("ja") or not entry.get("en"):
            gaps.append("maina/topics.yml: ja and en labels")
        if entry.get("group") != "followup" and intent not in NOT_A_PLAIN_ANSWER:
            if f"utter_{intent}" not in responses:
                gaps.append(f"data/responses/{group}.yml: utter_{intent}")
            if intent not in ruled:
                gaps.append(f"data/rules/{group}.yml: a rule {intent} → utter_{intent}")
        for language, minimum in MIN_TRAINING.items():
            if training.get(language, {}).get(intent, 0) < minimum:
                where = "data/nlu/english.yml" if language == "en" else f"data/nlu/{group}.yml"
                gaps.append(f"{where}: {minimum}+ training examples")
        for language in ("ja", "en"):
            if held_out.get(language, {}).get(intent, 0) < MIN_HELD_OUT:
                where = "tests/nlu/english.yml" if language == "en" else f"tests/nlu/{group}.yml"
                gaps.append(f"{where}: {MIN_HELD_OUT}+ held-out examples")
        if intent not in tested and entry.get("group") != "followup":
            gaps.append(f"tests/test_{group}.yml: a story")
        for code in sorted(codes):
            locale = locales.get(code)
            if intent not in locale.topics:
                gaps.append(f"locales/{code}.yml: topics label")
            if f"utter_{intent}" in responses and f"utter_{intent}" not in locale.responses:
                gaps.append(f"locales/{code}.yml: responses utter_{intent}")
        if gaps:
            report[intent] = gaps
    return report


def test_every_topic_has_every_piece():
    report = missing_pieces()
    assert not report, "topics with missing pieces (docs/CONTENT.md, 'Adding a topic'):\n" + "\n".join(
        f"  {intent}: " + "; ".join(gaps) for intent, gaps in sorted(report.items()))


def test_every_intent_with_examples_is_a_topic_or_a_dialogue_intent():
    domain = yaml.safe_load(open(ROOT / "domain.yml", encoding="utf-8"))
    dialogue = set(domain.get("intents", [])) - set(topics.catalog())
    trained = set(_examples(sorted(glob.glob(str(ROOT / "data/nlu/*.yml")))))
    assert trained <= set(topics.catalog()) | dialogue
    # the dialogue intents (inform, affirm, stop, switch_language …) are the few the form and the
    # channels use; a new answerable intent belongs in the catalogue instead
    assert len(dialogue) <= 12, sorted(dialogue)
