"""The dev-question checking rule: key facts present after normalisation.

`|` = any of, `&&` = all groups; compare after NFKC, without spaces, hyphens or commas,
〜 read as ~, and ヶ/カ/ヵ月 read as か月.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Callable, List, Sequence, Tuple

def canon(text: str) -> str:
    # Hyphens are dropped, but the katakana long-vowel mark is part of words (カード).
    text = unicodedata.normalize("NFKC", text).replace("〜", "~").replace("～", "~")
    text = re.sub("[ヶカヵ]月", "か月", text)
    return re.sub(r"[\s\-‐‑–—―−－,、，]", "", text)


def contains_key_facts(answer: str, checks: str) -> bool:
    """True when every `&&` group has at least one `|` alternative in the answer."""
    haystack = canon(answer)
    for group in checks.split("&&"):
        options = [canon(o) for o in group.split("|") if o.strip()]
        if not any(option in haystack for option in options):
            return False
    return True


def missed_questions(ask: Callable[[str], str], questions: Sequence[Tuple[str, str]],
                     in_language: Callable[[str], bool]) -> List[str]:
    """Ask each (question, key facts) with ``ask`` (a new conversation each); a printable line
    for every answer without its key facts or not in the expected language (``in_language``)."""
    misses = []
    for question, checks in questions:
        answer = ask(question)
        if not contains_key_facts(answer, checks) or not in_language(answer):
            misses.append(f"{question}\n   expected: {checks}\n   got: {answer!r}")
    return misses


def score(label: str, asked: int, misses: Sequence[str]) -> float:
    """Print the score and every miss (the test's -s output), return the share answered."""
    share = 1 - len(misses) / asked
    print(f"\n{label}: {asked - len(misses)}/{asked} = {share:.1%}")
    for miss in misses:
        print("MISS", miss)
    return share
