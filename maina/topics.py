"""The topic catalog (maina/topics.yml): button labels for intents, topic suggestions, and
the main menu every channel shows (kiosk, LINE rich menu, topics offered without a guess)."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Sequence, Tuple

import yaml

from maina import locales

PATH = Path(__file__).resolve().parent / "topics.yml"
# Never offered as a suggestion: they are not topics a resident would pick.
NOT_SUGGESTED = {"greet", "goodbye", "thanks", "out_of_scope", "help", "bot_challenge"}


@functools.lru_cache(maxsize=1)
def _document() -> Dict[str, Any]:
    with open(PATH, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def catalog() -> Dict[str, Dict[str, str]]:
    return _document()["topics"]


@dataclass(frozen=True)
class MenuItem:
    """One entry of the main menu (``menu:`` in maina/topics.yml)."""

    intent: str
    ja: str
    en: str
    icon: str
    color: Tuple[int, int, int]

    @property
    def payload(self) -> str:
        return f"/{self.intent}"

    def label(self, lang: str = "ja") -> str:
        """The short menu label in ``lang``: ja/en here, other languages from their locale
        file's ``menu:`` (English while a translation is missing; the locale test lists it)."""
        if lang == "ja":
            return self.ja
        locale = locales.get(lang)
        return (locale.menu.get(self.intent) if locale else None) or self.en


@functools.lru_cache(maxsize=1)
def menu() -> Tuple[MenuItem, ...]:
    """The main menu, in order."""
    return tuple(
        MenuItem(intent=str(item["intent"]), ja=str(item["ja"]), en=str(item["en"]),
                 icon=str(item["icon"]), color=tuple(int(c) for c in item["color"]))
        for item in _document()["menu"]
    )


def main_topics() -> List[str]:
    """Offered when the model has no good guesses at all: the main menu's topics."""
    return [item.intent for item in menu()]


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
    for name in main_topics():
        if len(result) >= count:
            break
        if name not in result:
            result.append(name)
    return result[:count]
