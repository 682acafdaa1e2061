"""The dev-question checking rule: key facts present after normalisation.

`|` = any of, `&&` = all groups; compare after NFKC, without spaces, hyphens or commas,
〜 read as ~, and ヶ/カ/ヵ月 read as か月.
"""
from __future__ import annotations

import re
import unicodedata

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
