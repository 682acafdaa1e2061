"""Find and mask My Numbers (個人番号, 12 digits) in free text.

Pure Python, no Rasa imports. Used by every input channel *before* a ``UserMessage`` is
built, because Rasa stores the user's text twice (event text and ``parse_data["text"]``)
plus the metadata, and debug logs print it (see shared/reference/style.md, "Where personal
data gets stored").

What counts as a My Number here (recall first: a leaked number is worse than an
over-masked one):

* A *digit* is any character with a Unicode digit value: ASCII ``0-9``, full-width ``０-９``,
  other scripts' decimal digits, superscripts and circled ``①``-``⑨``.
* A *group* is a maximal run of digits. Groups are *chained* when only a short run
  (at most :data:`MAX_SEPARATOR_RUN` characters) of separators lies between them:
  whitespace (incl. full-width space and newlines), hyphens and dashes of any kind
  (``-‐‑‒–—―ー−－ｰ﹣⁃``), dots (``.．・･``), slashes (``/／``), commas (``,，、``), wave dashes
  (``〜～~``), brackets (``()（）[]［］「」【】`` …), underscores and invisible format characters
  (zero-width space etc.). Colons, letters, kanji and kana break a chain, so times
  ``9:30〜20:00`` and amounts with a unit ``1,000円`` are never joined to their neighbours.
* Every run of consecutive groups of one chain whose digits add up to exactly
  :data:`MY_NUMBER_LENGTH` is masked, from its first to its last digit, by :data:`MARKER`.
  Overlapping runs are merged into one marker, so no digit of a 12-digit number survives.
* A contiguous run of exactly :data:`MISTYPED_LENGTH` (13) digits is masked too: a My Number
  with one key pressed twice is still personal data. **A phone number is never masked by this
  rule**: Japanese numbers have at most 11 digits (mobile and IP phones ``090-1234-5678``,
  ``050-…``; fixed lines and ``0120``/``0570`` numbers have 10), and an international number is
  written with its ``+`` (E.164), which the rule skips (``+8613812345678`` stays).
  The 12-digit rule above does catch ``+81 90-1234-5678`` (81 + 10 digits = 12): a phone
  number the bot never needs, masked on purpose rather than risk a leak.
* Otherwise a group is never split: a contiguous run of 14+ digits (e.g. a 16-digit card
  number typed without spaces) is *not* a My Number and stays, and so does a 12-digit run
  glued to two or more digits. Numbers with fewer than 12 digits in their chain (phone
  numbers such as ``0144-32-6492``, ``090-1234-5678``, dates such as ``20190310``) never change.
* Dates written ``YYYY-M-D`` / ``YYYY.MM.DD`` / ``YYYY/M/D`` (same hyphen/dot/slash both
  times, plausible year, month and day) are atomic: a window may hold a whole date but never
  cut one. So ``2000-01-01 2020-05-01`` (16 digits) survives, while ``2019-03-10-1234`` and
  even ``2000.1.1 2020.5.1`` (exactly 12 digits in one chain) are masked: any chain of exactly
  12 digits is masked whatever it looks like, including ``123,456,789,018`` and a bare list of
  amounts ``1,000 2,000 3,000``.
* The check digit is *not* required: a mistyped number is still personal data.
  :func:`is_valid_my_number` is provided for callers that want to know.

Known limits: kanji numerals (一二三…) and numbers split by letters or colons are not
detected; another number joined to a My Number by separators only (``0144-32-6492、12-3456…``)
may be masked with it, because which digits belong to which number cannot be known; a
4-4-4-4 grouped 16-digit number is masked (it contains 12-digit windows), so is a 13-digit
法人番号 (a public corporate number).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

MY_NUMBER_LENGTH = 12
MISTYPED_LENGTH = MY_NUMBER_LENGTH + 1
MARKER = "［マイナンバー削除］"
MAX_SEPARATOR_RUN = 3

HYPHENS = "-‐‑‒–—―ー−－ｰ﹣⁃"
DOTS = ".．・･"
SLASHES = "/／"
COMMAS = ",，、､"
WAVE_DASHES = "〜～~〰"
BRACKETS = "()（）[]［］「」『』【】〔〕｢｣"
OTHER_SEPARATORS = "_＿"
_SEPARATOR_CHARS = frozenset(HYPHENS + DOTS + SLASHES + COMMAS + WAVE_DASHES + BRACKETS + OTHER_SEPARATORS)
_DATE_SEPARATORS = frozenset(HYPHENS + DOTS + SLASHES) - {"ー", "ｰ"}
_INTERNATIONAL_PREFIX = frozenset("+＋")

# Legal basis of the check digit: 行政手続における特定の個人を識別するための番号の利用等に関する
# 法律施行令 第8条. Weights Q_n for n = 1..11, n counted from the digit next to the check digit.
CHECK_DIGIT_WEIGHTS: Tuple[int, ...] = tuple(n + 1 if n <= 6 else n - 5 for n in range(1, 12))


@dataclass(frozen=True)
class MaskResult:
    """``text`` with every My Number replaced by :data:`MARKER`; ``found`` how many."""

    text: str
    found: int

    @property
    def masked(self) -> bool:
        return self.found > 0


def _digit_value(ch: str) -> Optional[int]:
    return unicodedata.digit(ch, None)


def is_digit_char(ch: str) -> bool:
    """True for any character with a Unicode digit value (``7``, ``７``, ``⁷``, ``⑦``)."""
    return unicodedata.digit(ch, None) is not None


def is_separator_char(ch: str) -> bool:
    """True for characters that may sit between the digit groups of one number."""
    return ch.isspace() or ch in _SEPARATOR_CHARS or unicodedata.category(ch) == "Cf"


def _digits_of(value: str) -> Optional[List[int]]:
    """Digit values of ``value``, ignoring separators; None if anything else is in it."""
    digits: List[int] = []
    for ch in value:
        digit = _digit_value(ch)
        if digit is not None:
            digits.append(digit)
        elif not is_separator_char(ch):
            return None
    return digits


def check_digit(first_eleven: str) -> int:
    """The check digit (0-9) for the first 11 digits of a My Number.

    check = 11 - (Σ P_n × Q_n mod 11), with P_n the n-th digit counted from the right of the
    11 digits and Q_n = n + 1 (1 ≤ n ≤ 6) or n - 5 (7 ≤ n ≤ 11); 0 if the remainder is ≤ 1.
    """
    digits = _digits_of(first_eleven)
    if digits is None or len(digits) != MY_NUMBER_LENGTH - 1:
        raise ValueError("check_digit needs exactly 11 digits")
    total = sum(p * q for p, q in zip(reversed(digits), CHECK_DIGIT_WEIGHTS))
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def is_valid_my_number(digits: str) -> bool:
    """True if ``digits`` is 12 digits (separators allowed) with a correct check digit."""
    if not isinstance(digits, str):
        return False
    values = _digits_of(digits)
    if values is None or len(values) != MY_NUMBER_LENGTH:
        return False
    first_eleven = "".join(str(v) for v in values[:-1])
    return check_digit(first_eleven) == values[-1]


# --- scanning -------------------------------------------------------------------------

_Group = Tuple[int, int]  # [start, end) in the text


def _digit_groups(text: str) -> List[_Group]:
    groups: List[_Group] = []
    i, n = 0, len(text)
    while i < n:
        if is_digit_char(text[i]):
            j = i + 1
            while j < n and is_digit_char(text[j]):
                j += 1
            groups.append((i, j))
            i = j
        else:
            i += 1
    return groups


def _chains(text: str, groups: Sequence[_Group]) -> List[List[_Group]]:
    chains: List[List[_Group]] = []
    for group in groups:
        if chains:
            gap = text[chains[-1][-1][1] : group[0]]
            if len(gap) <= MAX_SEPARATOR_RUN and all(is_separator_char(c) for c in gap):
                chains[-1].append(group)
                continue
        chains.append([group])
    return chains


def _value(text: str, group: _Group) -> int:
    result = 0
    for ch in text[group[0] : group[1]]:
        result = result * 10 + (_digit_value(ch) or 0)
    return result


def _is_date(text: str, chain: Sequence[_Group], k: int) -> bool:
    """Groups k, k+1, k+2 read as YYYY<s>M<s>D with one hyphen/dot separator <s>."""
    if k + 2 >= len(chain):
        return False
    year, month, day = chain[k], chain[k + 1], chain[k + 2]
    lengths = (year[1] - year[0], month[1] - month[0], day[1] - day[0])
    if lengths[0] != 4 or not (1 <= lengths[1] <= 2) or not (1 <= lengths[2] <= 2):
        return False
    sep1 = text[year[1] : month[0]]
    sep2 = text[month[1] : day[0]]
    if sep1 != sep2 or len(sep1) != 1 or sep1 not in _DATE_SEPARATORS:
        return False
    return (
        1900 <= _value(text, year) <= 2099
        and 1 <= _value(text, month) <= 12
        and 1 <= _value(text, day) <= 31
    )


def _units(text: str, chain: Sequence[_Group]) -> List[Tuple[int, int, int]]:
    """(first group, last group, digit count) for the chain; dates are atomic units."""
    units = []
    k = 0
    while k < len(chain):
        if _is_date(text, chain, k):
            digits = sum(g[1] - g[0] for g in chain[k : k + 3])
            units.append((k, k + 2, digits))
            k += 3
        else:
            units.append((k, k, chain[k][1] - chain[k][0]))
            k += 1
    return units


def _windows(units: Sequence[Tuple[int, int, int]]) -> List[Tuple[int, int]]:
    """Runs of consecutive units (as unit index ranges) holding exactly 12 digits."""
    windows = []
    total = 0
    lo = 0
    for hi, unit in enumerate(units):
        total += unit[2]
        while total > MY_NUMBER_LENGTH and lo <= hi:
            total -= units[lo][2]
            lo += 1
        if total == MY_NUMBER_LENGTH:
            windows.append((lo, hi))
    return windows


def _disjoint_count(windows: Sequence[Tuple[int, int]]) -> int:
    count, last_end = 0, -1
    for lo, hi in windows:
        if lo > last_end:
            count += 1
            last_end = hi
    return count


def _is_mistyped_run(text: str, group: _Group) -> bool:
    """A contiguous 13-digit run not written as an international phone number (``+…``)."""
    start, end = group
    return end - start == MISTYPED_LENGTH and not (
        start > 0 and text[start - 1] in _INTERNATIONAL_PREFIX
    )


def find_my_numbers(text: str) -> List[Tuple[int, int, int]]:
    """Spans ``(start, end, count)`` of ``text`` to mask, in order, non-overlapping."""
    groups = _digit_groups(text)
    # a 13-digit run can never be part of a 12-digit window, so the two never overlap
    spans: List[Tuple[int, int, int]] = [
        (start, end, 1) for start, end in groups if _is_mistyped_run(text, (start, end))
    ]
    for chain in _chains(text, groups):
        if sum(g[1] - g[0] for g in chain) < MY_NUMBER_LENGTH:
            continue
        units = _units(text, chain)
        windows = _windows(units)
        # merge overlapping windows (unit index ranges) into regions
        regions: List[List[Tuple[int, int]]] = []
        for window in windows:
            if regions and window[0] <= regions[-1][-1][1]:
                regions[-1].append(window)
            else:
                regions.append([window])
        for region in regions:
            first_group = chain[units[region[0][0]][0]]
            last_group = chain[units[max(w[1] for w in region)][1]]
            spans.append((first_group[0], last_group[1], _disjoint_count(region)))
    return sorted(spans)


def mask_my_numbers(text: str) -> MaskResult:
    """Replace every 12-digit number (any formatting, any check digit) and every contiguous
    13-digit run by :data:`MARKER`."""
    if not text:
        return MaskResult(text, 0)
    spans = find_my_numbers(text)
    if not spans:
        return MaskResult(text, 0)
    parts: List[str] = []
    position = 0
    for start, end, _ in spans:
        parts.append(text[position:start])
        parts.append(MARKER)
        position = end
    parts.append(text[position:])
    return MaskResult("".join(parts), sum(count for _, _, count in spans))


def contains_my_number(text: str) -> bool:
    """True if :func:`mask_my_numbers` would mask something in ``text``."""
    return bool(text) and bool(find_my_numbers(text))
