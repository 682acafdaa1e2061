"""Languages from translators' files (maina.locales, locales/<code>.yml; issue 15).

The mechanism is tested with a small locale written here; every real locale file is checked
for completeness: every response, topic label and channel text translated, the same facts
as the Japanese text (no number typed, none lost), every fact's words translated.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import glob
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from maina import facts, language, locales, topics
from maina.placeholders import PLACEHOLDER

ROOT = Path(__file__).resolve().parents[2]


def _responses():
    found = {}
    for path in sorted(glob.glob(str(ROOT / "data/responses/*.yml"))):
        found.update((yaml.safe_load(open(path, encoding="utf-8")) or {}).get("responses", {}))
    return found


def _japanese_text(variations):
    for variation in variations:
        if not any(c.get("name") == "language" for c in variation.get("condition") or []):
            return variation.get("text", "")
    return ""


def _japanese_variants(variations):
    """{"slot=value": text} of the Japanese variations conditioned on another slot."""
    found = {}
    for variation in variations:
        conditions = variation.get("condition") or []
        if any(c.get("name") == "language" and c.get("value") != "ja" for c in conditions):
            continue
        for c in conditions:
            if c.get("name") != "language":
                found[f"{c['name']}={c['value']}"] = variation.get("text", "")
    return found


def _english_text(variations):
    for variation in variations:
        if any(c.get("name") == "language" and c.get("value") == "en"
               for c in variation.get("condition") or []):
            return variation.get("text", "")
    return ""


@pytest.fixture
def sample_locale(tmp_path, monkeypatch):
    (tmp_path / "zz.yml").write_text("""
language: zz
name: Test language
review: test
date_format: "{dd}.{mm}.{year}"
month_format: "{mm}.{year}"
year_format: "{year}"
month_day_format: "{dd}.{mm}"
topics: {reissue_procedure: RP-zz, reissue_fee: RF-zz, card_found: CF-zz}
buttons: {}
facts: {city.name: Tomakomai-zz, reissue.duration: 1-2 months-zz}
texts: {empty_message: "empty-zz"}
responses:
  utter_lost_card: >-
    Call {hotline.free_dial} in {city.name}; new card in {reissue.duration},
    express from {express_issue.start_date}.
  utter_pin_locked: "counter-zz {city.name}"
variants:
  utter_pin_locked: {pin_kind=signing: "signing-zz {pin.signing_digits}"}
""", encoding="utf-8")
    monkeypatch.setattr(locales, "LOCALES_DIR", tmp_path)
    locales.reload()
    facts.reload()
    yield locales.get("zz")
    locales.reload()
    facts.reload()


def test_a_locale_brings_its_words_and_keeps_the_facts(sample_locale):
    variables = facts.template_variables("zz")
    assert variables["city.name"] == "Tomakomai-zz"
    assert variables["fee.reissue"] == "1,000"
    assert variables["express_issue.start_date"] == "02.12.2024"
    assert variables["city.office"] == facts.value("city.office_en")  # untranslated words: English


def test_the_nlg_answers_in_the_locale_with_localized_buttons(sample_locale):
    from rasa.shared.core.events import SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from tests.unit.test_nlg import DOMAIN, FactsNaturalLanguageGenerator

    nlg = FactsNaturalLanguageGenerator(domain=DOMAIN)
    events = [SlotSet("language", "zz"), UserUttered("x", {"name": "lost_card", "confidence": 1})]
    tracker = DialogueStateTracker.from_events("t", events, slots=DOMAIN.slots)
    answer = asyncio.run(nlg.generate("utter_lost_card", tracker, "rest"))
    assert answer["text"] == ("Call 0120-95-0178 in Tomakomai-zz; new card in 1-2 months-zz, "
                              "express from 02.12.2024.")
    assert [b["title"] for b in answer["buttons"]] == ["RP-zz", "RF-zz", "CF-zz"]
    other = asyncio.run(nlg.generate("utter_police_report", tracker, "rest"))
    assert other["text"].startswith("If you lost it")  # not translated: English


def test_a_variant_follows_its_slot_and_the_plain_text_is_the_rest(sample_locale):
    assert sample_locale.response("utter_pin_locked", {"pin_kind": "signing"}) == \
        "signing-zz {pin.signing_digits}"
    assert sample_locale.response("utter_pin_locked", {"pin_kind": "counter_only"}) == \
        "counter-zz {city.name}"
    assert sample_locale.response("utter_police_report", {}) is None


def test_a_button_title_with_a_fact_is_translated_filled_in():
    from maina_rasa.nlg import _localized_button

    locale = locales.Locale("zz", "zz", "test", "", "", "", "",
                            buttons={"署名用（{pin.signing_digits}）": "signing-zz ({pin.signing_digits})"})
    button = {"title": "署名用（6〜16桁）", "payload": "/inform"}
    assert _localized_button(button, locale, {"pin.signing_digits": "6〜16桁"})["title"] == \
        "signing-zz (6〜16桁)"
    assert _localized_button(button, locale, {"pin.signing_digits": "4桁"})["title"] == "署名用（6〜16桁）"


def test_a_locale_language_is_spoken_and_others_are_routed(sample_locale):
    assert locales.spoken() == ("ja", "en", "zz")
    assert language.is_spoken("zz") and not language.is_spoken("zh")
    assert language.normalize_code("zz-XX") is None  # not a recognised language code
    assert language.text_language("我的卡丢了怎么办") == "en"


def test_channel_texts_come_from_the_locale(sample_locale):
    from maina_rasa.channels import common

    assert common.render("empty_message", "zz") == "empty-zz"
    assert common.render("truncated_note", "zz", max_chars=10).startswith("Your message")


def test_partial_dates_in_the_locale(sample_locale):
    from maina.partial import PartialDate

    assert locales.partial_date(sample_locale, PartialDate(2019, 5, None)) == "05.2019"
    assert locales.partial_date(sample_locale, PartialDate(None, 9, 3)) == "03.09"
    assert sample_locale.date(dt.date(2029, 1, 15)) == "15.01.2029"


def test_a_locale_file_must_be_named_after_its_language(tmp_path, monkeypatch):
    (tmp_path / "zz.yml").write_text("language: en\n", encoding="utf-8")
    monkeypatch.setattr(locales, "LOCALES_DIR", tmp_path)
    locales.reload()
    with pytest.raises(ValueError, match="file name"):
        locales.all_locales()
    locales.reload()


# --- every real locale file is complete -------------------------------------------------------

REAL = sorted(locales.all_locales())
NOT_TRANSLATED = {"utter_other_language"}  # said only in languages Maina-chan does not speak


@pytest.mark.parametrize("code", REAL)
def test_every_response_and_label_is_translated(code):
    from maina_rasa.channels import common

    locale = locales.get(code)
    assert locale.review, f"{code}: say who reviewed it (or that it awaits review)"
    missing = [name for name in _responses() if name not in NOT_TRANSLATED
               and name not in locale.responses]
    assert not missing, f"{code}: responses not translated: {missing}"
    assert not [i for i in topics.catalog() if i not in locale.topics], f"{code}: topic labels"
    assert not [k for k in common.CHANNEL_TEXTS if k not in locale.texts], f"{code}: channel texts"
    assert not set(locale.responses) - set(_responses()), f"{code}: responses that do not exist"
    variants = {name: sorted(_japanese_variants(v)) for name, v in _responses().items()
                if _japanese_variants(v)}
    assert {name: sorted(locale.variants.get(name, {})) for name in variants} == variants, \
        f"{code}: variants (an answer that changes with a slot) must mirror the Japanese ones"
    assert set(locale.variants) <= set(variants), f"{code}: variants of answers that do not vary"


# The pages' own words: ja/en typed in the JS (the pages speak without config.json), the other
# languages in the locale's `ui:` with exactly the keys of the English words.
PAGES = {"widget": ROOT / "web/static/maina/widget.js", "kiosk": ROOT / "web/static/maina/kiosk.js"}


def _english_page_keys(path):
    text = path.read_text(encoding="utf-8")
    start = text.index("\n    en: {") + len("\n    en: {")
    block = text[start:text.index("\n    }\n", start)]
    return re.findall(r"(?:^|[{,])\s*([A-Za-z][A-Za-z0-9]*)\s*:", block, re.M)


def test_the_page_keys_are_read_from_the_english_words():
    assert {"placeholder", "send", "welcome", "helpful", "error", "language"} <= set(
        _english_page_keys(PAGES["widget"]))
    assert {"homeTitle", "restart", "idleCount", "dateValue"} <= set(_english_page_keys(PAGES["kiosk"]))


@pytest.mark.parametrize("code", REAL)
def test_every_menu_label_and_word_of_the_web_pages_is_translated(code):
    locale = locales.get(code)
    assert not [i.intent for i in topics.menu() if not locale.menu.get(i.intent)], f"{code}: menu labels"
    assert not set(locale.menu) - set(topics.main_topics()), f"{code}: menu labels of no menu item"
    for page, path in PAGES.items():
        wanted = _english_page_keys(path)
        words = locale.ui.get(page, {})
        assert not [k for k in wanted if not words.get(k)], f"{code}: ui.{page} words missing"
        assert not set(words) - set(wanted), f"{code}: ui.{page} words the page does not have"
        typed = [k for k, v in words.items() if PHONE_LIKE.search(v)]
        assert not typed, f"{code}: ui.{page} types a number instead of a fact: {typed}"


PHONE_LIKE = re.compile(r"\d{2,}-\d")


def _digits(text):
    return Counter(re.findall(r"\d+", PLACEHOLDER.sub(" ", text)))


@pytest.mark.parametrize("code", REAL)
def test_translations_keep_every_fact_and_type_no_number(code):
    locale = locales.get(code)
    responses = _responses()
    problems = []
    translations = [(name, text, _japanese_text(responses.get(name, [])))
                    for name, text in locale.responses.items()]
    translations += [(f"{name} ({condition})", text,
                      _japanese_variants(responses.get(name, [])).get(condition, ""))
                     for name, texts in locale.variants.items() for condition, text in texts.items()]
    for label, text, japanese in translations:
        name = label.split(" ")[0]
        wanted = set(PLACEHOLDER.findall(japanese))
        # a translation may also say what the English one adds for foreign residents (the
        # foreign-language line), by the same fact without its _en suffix
        allowed = wanted | {re.sub(r"_en$", "", p) for p in
                            PLACEHOLDER.findall(_english_text(responses.get(name, [])))}
        got = set(PLACEHOLDER.findall(text))
        if wanted - got or got - allowed:
            problems.append(f"{label}: placeholders missing {sorted(wanted - got)}, "
                            f"not in the Japanese or English {sorted(got - allowed)}")
        if _digits(text) - _digits(japanese):
            problems.append(f"{label}: typed numbers {dict(_digits(text) - _digits(japanese))}")
    assert not problems, f"{code}:\n" + "\n".join(problems)


@pytest.mark.parametrize("code", REAL)
def test_the_words_of_every_fact_a_translation_uses_are_translated(code):
    locale = locales.get(code)
    texts = list(locale.responses.values()) + list(locale.texts.values()) + \
        [text for variants in locale.variants.values() for text in variants.values()]
    used = {name for text in texts for name in PLACEHOLDER.findall(text)}
    untranslated = sorted(key for key in used if "." in key and key not in locale.facts
                          and locales.is_japanese_words(facts.all_facts().get(key).value
                                                        if key in facts.all_facts() else None))
    assert not untranslated, f"{code}: facts with Japanese words to translate: {untranslated}"


def test_no_typed_button_payload_carries_a_fact():
    """A payload is what the bot reads back: a fact in it would be filled in the resident's
    language (도마코마이시から引っ越す) and no longer be understood."""
    payloads = [(name, button.get("payload", "")) for name, variations in _responses().items()
                for variation in variations for button in variation.get("buttons") or []]
    assert not [(name, p) for name, p in payloads if not p.startswith("/") and "{" in p]


@pytest.mark.parametrize("code", REAL)
def test_a_deadline_reads_as_the_language_writes_a_day(code):
    """A move or an express-issue deadline with its weekday, never in the Japanese form."""
    from maina import days

    locale = locales.get(code)
    assert len(locale.weekdays) == 7 and "{date}" in locale.weekday_format and "{weekday}" in locale.weekday_format
    text = days.with_weekday(dt.date(2026, 12, 16), code)  # a Wednesday
    assert "令和" not in text and "（水）" not in text
    expected = {"zh": "2026年12月16日（星期三）", "vi": "Thứ Tư, 16/12/2026", "ko": "2026년 12월 16일(수)"}
    if code in expected:
        assert text == expected[code]
