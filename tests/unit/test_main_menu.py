"""One main menu (maina/topics.yml ``menu:``) for every channel: the kiosk home screen
(config.json), the LINE rich menu (tiles, committed richmenu.json) and the topics offered when
the model has no good guess, in the same order with the same labels."""
from __future__ import annotations

import json
from pathlib import Path

from maina import locales, topics
from maina_rasa.channels.line import richmenu
from maina_rasa.channels.web import build_config

ROOT = Path(__file__).resolve().parents[2]
LINE_LABEL_MAX = 20  # LINE: an action label has at most 20 characters


def test_kiosk_line_and_fallback_topics_are_the_same_list():
    menu = topics.menu()
    payloads = [item.payload for item in menu]
    kiosk = build_config()["kiosk"]["menu"]
    assert [entry["payload"] for entry in kiosk] == payloads
    assert [tile.payload for tile in richmenu.TILES] == payloads
    assert ["/" + name for name in topics.main_topics()] == payloads
    assert topics.with_main_topics([], len(menu)) == topics.main_topics()
    # the same words: the kiosk's Japanese and English, LINE's Japanese
    assert [entry["labels"]["ja"] for entry in kiosk] == [item.ja for item in menu]
    assert [entry["labels"]["en"] for entry in kiosk] == [item.en for item in menu]
    committed = json.loads((ROOT / "maina_rasa/channels/line/richmenu.json").read_text("utf-8"))
    assert [(a["action"]["data"], a["action"]["label"]) for a in committed["areas"]] == [
        (item.payload, item.ja) for item in menu]


def test_every_menu_item_is_an_answerable_topic_with_a_line_sized_label():
    catalog = topics.catalog()
    for item in topics.menu():
        assert item.intent in catalog and catalog[item.intent]["group"] != "followup", item
        assert item.intent not in topics.NOT_SUGGESTED, item
        assert 0 < len(item.ja.encode("utf-16-le")) // 2 <= LINE_LABEL_MAX, item
        assert item.en and len(item.color) == 3 and all(0 <= c <= 255 for c in item.color), item
    assert len(topics.menu()) == richmenu.COLUMNS * richmenu.ROWS
    assert len({item.intent for item in topics.menu()}) == len(topics.menu())


def test_the_kiosk_menu_speaks_every_language_and_the_pages_list_them():
    config = build_config()
    assert [lang["code"] for lang in config["languages"]] == list(locales.spoken())
    assert config["languages"][:2] == [{"code": "ja", "name": "日本語"}, {"code": "en", "name": "English"}]
    for code, locale in locales.all_locales().items():
        assert {"code": code, "name": locale.name} in config["languages"]
        assert [e["labels"][code] for e in config["kiosk"]["menu"]] == [
            locale.menu.get(item.intent) or item.en for item in topics.menu()]


def test_page_words_get_their_facts_filled_and_keep_the_pages_placeholders():
    from maina import facts

    ui = build_config()["ui"]
    assert set(ui) == set(locales.all_locales())
    for code, pages in ui.items():
        error = pages["widget"]["error"]
        assert facts.value("city.tel") in error and "{city." not in error, (code, error)
        assert "{n}" in pages["kiosk"]["idleCount"], code
        assert "{year}" in pages["kiosk"]["dateValue"], code


def test_a_missing_menu_translation_reads_english(monkeypatch):
    from dataclasses import replace

    item = topics.menu()[0]
    bare = replace(locales.get("zh"), menu={})
    monkeypatch.setattr(locales, "get", lambda code: bare if code == "zh" else None)
    assert item.label("zh") == item.en
    assert item.label("ja") == item.ja and item.label("en") == item.en
