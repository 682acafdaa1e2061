"""Whose card a resident asks about: 「娘のカードの期限」, "my son's card", 「母（昭和23年生まれ）の」.

A parent asking about a child's card must not be told 「あなたのカードの有効期限は…」 (probe E04).
:func:`card_holder` names the person when the message says so; the calculator's answer then says
「娘さんのカードの有効期限は…」 (the words are responses, ``utter_lifecycle_line_card_of_<key>``), and
nothing when it does not (「カードの有効期限は…」, right whoever it is).

Only a family word that owns something counts (「娘の」「息子が」「母は」「母（…）の」, "my son's",
"for my daughter"); 「子どもの頃に作った」 is the resident's own card. A missed name gives the neutral
sentence, so the words stay few and plain. Pure function, no Rasa.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Optional, Tuple

# Japanese: the word, then a particle that makes it the owner or the subject (「母（昭和23年7月20日
# 生まれ）のマイナンバーカード」: a bracket may come between).
_JA_OWNS = r"(?:さん|ちゃん|くん)?(?:の(?!(?:頃|ころ|時|とき))|が|は|も|[（(][^）)]{0,40}[）)]\s*の)"
_EN_OWNER = r"\b(?:my|our)\s+(?:[\w-]+\s+){0,2}"
# (key, Japanese words, English words), most specific first: 祖母 before 母. Grandparents and
# spouses are 「ご家族」: the answer names no one it cannot name right.
_HOLDERS: Tuple[Tuple[str, str, str], ...] = (
    ("family", r"祖母|祖父|おばあちゃん|おじいちゃん|おばあさん|おじいさん",
     r"grand(?:mother|father|ma|pa|parents?)"),
    ("daughter", r"娘|むすめ", r"daughters?"),
    ("son", r"息子|むすこ", r"sons?"),
    ("child", r"子ども|子供|こども|うちの子|孫|赤ちゃん|小学生|中学生|高校生", r"kids?|child(?:ren)?|baby|grandchild"),
    ("mother", r"(?<![祖叔伯])母(?:親)?|お母さん|おかあさん|ママ|おふくろ", r"mother|mom|mum|mama"),
    ("father", r"(?<![祖叔伯])父(?:親)?|お父さん|おとうさん|パパ|親父|おやじ", r"father|dad|papa"),
    ("family", r"(?<![丈工])夫|妻|主人|旦那|嫁|奥さん|家内", r"wife|husband|spouse|partner"),
    ("family", r"家族|親|兄|姉|弟|妹", r"family member|parents?|brother|sister"),
)
_PATTERNS = tuple(
    (key, re.compile(rf"(?:{ja}){_JA_OWNS}"), re.compile(rf"{_EN_OWNER}(?:{en})(?:'s|s')?\b"))
    for key, ja, en in _HOLDERS
)
KEYS = tuple(dict.fromkeys(key for key, _, _ in _HOLDERS))


def card_holder(text: str) -> Optional[str]:
    """The key of the person whose card ``text`` is about (see :data:`KEYS`), or None for the
    resident's own card or when it is not said."""
    if not isinstance(text, str) or not text:
        return None
    norm = unicodedata.normalize("NFKC", text).lower()
    found = [(m.start(), key) for key, ja, en in _PATTERNS for pattern in (ja, en) for m in [pattern.search(norm)] if m]
    return min(found)[1] if found else None
