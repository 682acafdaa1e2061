"""Loads facts/facts.yml: every number, fee, hour, deadline and age, with source and as-of date.

Facts are addressed by dotted keys (``"hotline.free_dial"``). Responses use them as
``{hotline.free_dial}`` placeholders (see maina_rasa.nlg); actions call :func:`value`.
"""
from __future__ import annotations

import datetime as _dt
import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, Mapping

import yaml

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "facts" / "facts.yml"
ENV_VAR = "MAINA_FACTS_FILE"
REQUIRED_FIELDS = ("value", "source", "as_of")


@dataclass(frozen=True)
class Fact:
    key: str
    value: Any
    source: str
    as_of: _dt.date


class FactsError(ValueError):
    """The facts file is malformed or a key is unknown."""


def _walk(node: Mapping[str, Any], prefix: str = "") -> Iterator[Fact]:
    for name, child in node.items():
        key = f"{prefix}{name}"
        if not isinstance(child, Mapping):
            raise FactsError(f"{key}: expected a mapping with {REQUIRED_FIELDS}")
        if "value" in child:
            missing = [f for f in REQUIRED_FIELDS if child.get(f) in (None, "")]
            if missing:
                raise FactsError(f"{key}: missing {', '.join(missing)}")
            as_of = child["as_of"]
            if not isinstance(as_of, _dt.date):
                raise FactsError(f"{key}: as_of must be a YYYY-MM-DD date")
            yield Fact(key, child["value"], str(child["source"]), as_of)
        else:
            yield from _walk(child, prefix=f"{key}.")


def load(path: Path | str | None = None) -> Dict[str, Fact]:
    """Parse and validate a facts file (default: facts/facts.yml or $MAINA_FACTS_FILE)."""
    path = Path(path or os.environ.get(ENV_VAR) or DEFAULT_PATH)
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    if not isinstance(raw, Mapping):
        raise FactsError(f"{path}: top level must be a mapping")
    return {fact.key: fact for fact in _walk(raw)}


@functools.lru_cache(maxsize=1)
def _cached() -> Dict[str, Fact]:
    return load()


def all_facts() -> Dict[str, Fact]:
    """All facts of the default file, loaded once per process."""
    return _cached()


def value(key: str) -> Any:
    """The value of one fact; raises FactsError for an unknown key."""
    try:
        return all_facts()[key].value
    except KeyError:
        raise FactsError(f"unknown fact {key!r}") from None


def reload() -> None:
    """Forget the cached file (tests, or after a clerk edited it)."""
    _cached.cache_clear()
    _template_variables.cache_clear()


def display(value: Any, lang: str) -> str:
    """How a value reads inside a sentence: 1000 → "1,000", dates in the user's language."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, _dt.date):
        from maina.wareki import format_date_en, format_date_ja

        return format_date_en(value) if lang == "en" else format_date_ja(value)
    return str(value)


@functools.lru_cache(maxsize=4)
def _template_variables(lang: str) -> Dict[str, str]:
    return {
        key: display(fact.value, lang)
        for key, fact in all_facts().items()
        if not isinstance(fact.value, (list, dict))
    }


def template_variables(lang: str = "ja") -> Dict[str, str]:
    """Every scalar fact as display text, keyed by dotted key, for ``{group.key}`` placeholders."""
    return dict(_template_variables("en" if lang == "en" else "ja"))
