"""The calculator's sentences, rendered from the responses in data/responses/ (never typed in Python).

The calculator answers in one message built from several short lines, one response per
explanation code (``utter_lifecycle_line_<code>``). Rasa's NLG renders one response per bot
message, so the action renders these lines itself, the same way: the variation for the user's
language (``condition: language = en``), ``{group.key}`` from the facts file and the action's own
values (dates in the user's language).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Mapping

from maina import facts, locales, placeholders, wareki
from maina.partial import PartialDate
from maina.placeholders import PLACEHOLDER


def responses() -> Dict[str, List[Mapping[str, Any]]]:
    """Every response of the domain and data/responses/ by name (maina.placeholders reads them once)."""
    return placeholders.variations()


def _is_english(variation: Mapping[str, Any]) -> bool:
    return any(c.get("name") == "language" and c.get("value") == "en" for c in variation.get("condition") or [])


def template(name: str, lang: str) -> str:
    """The text of response ``name`` for ``lang``: a language of locales/ (its translation),
    "en", or anything else for Japanese."""
    locale = locales.get(lang)
    if locale is not None and name in locale.responses:
        return locale.responses[name]
    if locale is not None:
        lang = "en"
    for variation in responses()[name]:
        if _is_english(variation) == (lang == "en"):
            return variation["text"]
    raise KeyError(f"{name} has no {lang} variation")


def display(value: Any, lang: str) -> str:
    """A value as it reads in a sentence: dates 「2029年（令和11年）1月15日」 / "15 January 2029",
    known parts of a date 「2019年（令和元年）5月」 / "May 2019", integers with separators."""
    if isinstance(value, PartialDate):
        locale = locales.get(lang)
        if locale is not None:
            return locales.partial_date(locale, value)
        return wareki.format_partial_en(value) if lang == "en" else wareki.format_partial_ja(value)
    if isinstance(value, (dt.date, int)):
        return facts.display(value, lang)
    return str(value)


def render(name: str, lang: str, **values: Any) -> str:
    """Response ``name`` in ``lang`` with facts and ``values`` filled in.

    Raises KeyError for a placeholder that is neither a fact nor a given value (a test renders
    every line with the values the calculator gives, so that is caught before it ships).
    """
    variables = facts.template_variables(lang)
    variables.update({key: display(value, lang) for key, value in values.items()})
    return PLACEHOLDER.sub(lambda m: variables[m.group(1)], template(name, lang))
