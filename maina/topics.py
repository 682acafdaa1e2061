"""The topic catalog (maina/topics.yml): button labels for intents, and topic suggestions."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Sequence

import yaml

PATH = Path(__file__).resolve().parent / "topics.yml"
# Never offered as a suggestion: they are not topics a resident would pick.
NOT_SUGGESTED = {"greet", "goodbye", "thanks", "out_of_scope", "help", "bot_challenge"}
# Offered when the model has no good guesses at all (the kiosk home menu, same order).
MAIN_TOPICS = ["lost_card", "ask_my_expiry", "pin_overview", "konbini_what",
               "address_name_change", "contact_city"]


@functools.lru_cache(maxsize=1)
def catalog() -> Dict[str, Dict[str, str]]:
    with open(PATH, encoding="utf-8") as handle:
        return yaml.safe_load(handle)["topics"]


def label(intent: str, lang: str = "ja") -> str:
    entry = catalog().get(intent, {})
    return entry.get("en" if lang == "en" else "ja") or intent


def button(intent: str, lang: str = "ja") -> Dict[str, str]:
    return {"title": label(intent, lang), "payload": f"/{intent}"}


def suggestions(ranking: Sequence[Mapping[str, object]], count: int,
                min_confidence: float = 0.0) -> List[str]:
    """The ``count`` most likely answerable topics from an NLU intent ranking."""
    picked: List[str] = []
    for entry in ranking:
        name = str(entry.get("name", ""))
        confidence = float(entry.get("confidence") or 0.0)
        entry = catalog().get(name)
        if entry and entry.get("group") != "followup" and name not in NOT_SUGGESTED \
                and confidence >= min_confidence:
            picked.append(name)
        if len(picked) == count:
            break
    return picked


def with_main_topics(picked: Iterable[str], count: int) -> List[str]:
    """Top up suggestions with the main topics so there are always ``count`` buttons."""
    result = list(dict.fromkeys(picked))
    for name in MAIN_TOPICS:
        if len(result) >= count:
            break
        if name not in result:
            result.append(name)
    return result[:count]
