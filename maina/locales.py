"""Languages beyond Japanese and English: one translator's file per language (issue 15).

Japanese is the source (Rasa's responses in data/responses/, topic labels in maina/topics.yml);
English sits next to it as Rasa's conditional variations. Every other language Maina-chan
speaks is one file, ``locales/<code>.yml``, that a translator edits without reading code:

```yaml
language: zh
name: 简体中文
review: machine translation - to be reviewed by a native speaker
date_format: "{year}年{month}月{day}日"      # also month_format, year_format, month_day_format
weekday_format: "{date}（{weekday}）"         # a day with its weekday: a deadline, a move
weekdays: [星期一, 星期二, 星期三, 星期四, 星期五, 星期六, 星期日]   # Monday first
topics: {lost_card: 卡丢失・被盗, ...}        # button labels, by intent
buttons: {日本語: 日本語, ...}                # other button titles, by their Japanese title
facts: {reissue.duration: 约1～2个月, ...}    # the words inside facts; numbers stay in facts.yml
texts: {my_number_warning: ..., ...}         # the channels' own texts
responses: {utter_lost_card: "...", ...}     # every answer, with the same {placeholders}
variants:                                    # where the Japanese answer changes with a slot
  utter_pin_locked: {pin_kind=signing: "...", pin_kind=user: "..."}
menu: {lost_card: 丢失・被盗, ...}            # the main menu's short labels (maina/topics.yml menu:)
ui: {widget: {send: 发送, ...}, kiosk: {...}} # the web pages' words (widget.js/kiosk.js STRINGS)
```

``variants`` mirror the Japanese response's variations that have a condition on a slot other
than ``language`` (``utter_pin_locked`` by ``pin_kind``): keyed ``slot=value``; the
``responses`` text is the answer when no variant's condition holds.

``ui`` is served to the pages in config.json (maina_rasa/channels/web.py): ``{group.key}``
fact placeholders are filled there, ``{n}``, ``{year}`` … by the page.

Only words are translated: numbers, fees, phone numbers, hours and dates still come from
facts/facts.yml (a placeholder such as ``{fee.reissue}``). Plain Python, no Rasa.
"""
from __future__ import annotations

import datetime as _dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
LOCALES_DIR = ROOT / "locales"
BUILT_IN = ("ja", "en")  # Japanese (the source) and English (Rasa variations)
BUILT_IN_NAMES = {"ja": "日本語", "en": "English"}  # each language's name in itself
# A fact value in Japanese words (kana or kanji) must be translated; digits, phone numbers,
# hours such as 9:30〜20:00 and addresses on the web read the same in every language.
_JAPANESE_WORDS = re.compile("[\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


@dataclass(frozen=True)
class Locale:
    language: str
    name: str
    review: str
    date_format: str
    month_format: str
    year_format: str
    month_day_format: str
    weekday_format: str = "{date}"
    weekdays: Tuple[str, ...] = ()
    topics: Mapping[str, str] = field(default_factory=dict)
    buttons: Mapping[str, str] = field(default_factory=dict)
    facts: Mapping[str, str] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)
    responses: Mapping[str, str] = field(default_factory=dict)
    variants: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    menu: Mapping[str, str] = field(default_factory=dict)
    ui: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def response(self, name: str, slots: Mapping[str, Any]) -> Optional[str]:
        """The text of response ``name`` for these slot values: the variant whose
        ``slot=value`` holds, else the plain translation; None when not translated."""
        for condition, text in self.variants.get(name, {}).items():
            slot, _, value = condition.partition("=")
            if str(slots.get(slot)) == value:
                return text
        return self.responses.get(name)

    def date(self, day: _dt.date) -> str:
        return self.date_format.format(year=day.year, month=day.month, day=day.day,
                                       mm=f"{day.month:02d}", dd=f"{day.day:02d}")

    def date_with_weekday(self, day: _dt.date) -> str:
        weekday = self.weekdays[day.weekday()] if len(self.weekdays) == 7 else ""
        return self.weekday_format.format(date=self.date(day), weekday=weekday)


def _load(path: Path) -> Locale:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    code = raw.get("language") or path.stem
    if code != path.stem or code in BUILT_IN:
        raise ValueError(f"{path}: 'language: {code}' must be the file name and not ja/en")
    date_format = raw.get("date_format") or "{year}-{mm}-{dd}"
    return Locale(
        language=code,
        name=str(raw.get("name") or code),
        review=str(raw.get("review") or ""),
        date_format=date_format,
        month_format=raw.get("month_format") or "{year}-{mm}",
        year_format=raw.get("year_format") or "{year}",
        month_day_format=raw.get("month_day_format") or "{mm}-{dd}",
        weekday_format=raw.get("weekday_format") or "{date}",
        weekdays=tuple(str(w) for w in raw.get("weekdays") or ()),
        topics={str(k): str(v) for k, v in (raw.get("topics") or {}).items()},
        buttons={str(k): str(v) for k, v in (raw.get("buttons") or {}).items()},
        facts={str(k): str(v) for k, v in (raw.get("facts") or {}).items()},
        texts={str(k): str(v) for k, v in (raw.get("texts") or {}).items()},
        responses={str(k): str(v) for k, v in (raw.get("responses") or {}).items()},
        variants={str(name): {str(k): str(v) for k, v in (texts or {}).items()}
                  for name, texts in (raw.get("variants") or {}).items()},
        menu={str(k): str(v) for k, v in (raw.get("menu") or {}).items()},
        ui={str(page): {str(k): str(v) for k, v in (texts or {}).items()}
            for page, texts in (raw.get("ui") or {}).items()},
    )


@functools.lru_cache(maxsize=1)
def all_locales() -> Dict[str, Locale]:
    """Every ``locales/<code>.yml``, by language code (read once per process)."""
    if not LOCALES_DIR.is_dir():
        return {}
    return {path.stem: _load(path) for path in sorted(LOCALES_DIR.glob("*.yml"))}


def get(language: Optional[str]) -> Optional[Locale]:
    return all_locales().get(language or "")


def spoken() -> Tuple[str, ...]:
    """The languages Maina-chan answers in: ja, en and every locale file."""
    return BUILT_IN + tuple(all_locales())


def names() -> Dict[str, str]:
    """Every spoken language's name in itself, ja and en first: 日本語, English, 简体中文, …"""
    return {**BUILT_IN_NAMES, **{code: locale.name for code, locale in all_locales().items()}}


def spoken_names() -> str:
    """「日本語 / English / 简体中文 / …」, for the answer to a resident whose language
    Maina-chan does not speak yet."""
    return " / ".join(names().values())


def is_japanese_words(value: Any) -> bool:
    return isinstance(value, str) and bool(_JAPANESE_WORDS.search(value))


def fact_text(locale: Locale, key: str, value: Any, english: Optional[Any]) -> str:
    """A fact as it reads in ``locale``: its translation, a date in the locale's format, a
    number with separators, a language-neutral string as it is; untranslated Japanese words
    fall back to the English variant (the completeness test lists every such gap)."""
    if key in locale.facts:
        return locale.facts[key]
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, _dt.date):
        return locale.date(value)
    if is_japanese_words(value) and english is not None:
        return str(english)
    return str(value)


def partial_date(locale: Locale, date: Any) -> str:
    """What is known of a date (maina.partial.PartialDate) in ``locale``'s formats."""
    if getattr(date, "complete", False):
        return locale.date(date.date)
    values = {"year": date.year, "month": date.month, "day": date.day,
              "mm": f"{date.month:02d}" if date.month else "", "dd": f"{date.day:02d}" if date.day else ""}
    if date.year is None:
        return locale.month_day_format.format(**values)
    return (locale.month_format if date.month else locale.year_format).format(**values)


def reload() -> None:
    all_locales.cache_clear()
