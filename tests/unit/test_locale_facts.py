"""The numbers inside translated facts (locales/<code>.yml, ``facts:``; issue 15).

A fact such as ``reissue.duration`` 「1か月〜2か月程度」 is translated as words with its numbers
("khoảng 1–2 tháng"): the translation must carry the numbers of the Japanese or English value
and no other, so that a typo or a stale number in a translator's file is caught.
"""
from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml

from maina import facts, locales, residence

CODES = sorted(locales.all_locales())


def _numbers(value) -> Counter:
    """The numbers of a text, with thousands separators and decimal marks read alike."""
    return Counter(re.findall(r"\d+", str(value or "")))


@pytest.mark.parametrize("code", CODES)
def test_translated_facts_keep_their_numbers(code):
    """No number that is not in the fact, and every number of the Japanese value (or of the
    English one, for 令和2年9月 → "September 2020")."""
    known = facts.all_facts()
    problems = []
    for key, text in locales.get(code).facts.items():
        if key not in known:
            problems.append(f"{key}: no such fact")
            continue
        japanese = _numbers(known[key].value)
        english = _numbers(getattr(known.get(f"{key}_en"), "value", ""))
        said = _numbers(text)
        if said - (japanese | english):
            problems.append(f"{key}: numbers {dict(said - (japanese | english))} are not in the fact")
        elif not (set(japanese) <= set(said) or (english and set(english) <= set(said))):
            problems.append(f"{key}: numbers of {known[key].value!r} are missing")
    assert not problems, f"{code}:\n" + "\n".join(problems)


@pytest.mark.parametrize("code", CODES)
def test_status_names_are_residence_statuses(code):
    """``statuses:`` (the calculator's status names) names only statuses maina.residence knows."""
    raw = yaml.safe_load((locales.LOCALES_DIR / f"{code}.yml").read_text(encoding="utf-8")) or {}
    keys = {name for name, *_ in residence._TABLE}
    assert not set(raw.get("statuses") or {}) - keys
