"""Whose card the resident asks about (maina.holder, probe E04)."""
from __future__ import annotations

import pytest

from maina.holder import KEYS, card_holder


@pytest.mark.parametrize("text, key", [
    ("娘のカードの有効期限を知りたいです。2012年12月3日生まれです", "daughter"),
    ("息子が2019年に作ったカード", "son"),
    ("子どもの期限を知りたいです。2010年5月5日生まれで2021年6月1日に交付", "child"),
    ("うちの子のカードはいつまで？", "child"),
    ("母（昭和23年7月20日生まれ）のマイナンバーカードについてお尋ねします", "mother"),
    ("父は昭和20年生まれです", "father"),
    ("祖母のカードの期限", "family"),
    ("妻のカードも調べたい", "family"),
    ("my son's card: born 29 February 2012", "son"),
    ("my 10-year-old daughter got her card in 2021", "daughter"),
    ("checking for my kid", "child"),
    ("My Mother's card expires when?", "mother"),
])
def test_someone_elses_card(text, key):
    assert card_holder(text) == key


@pytest.mark.parametrize("text", [
    "自分のカードの有効期限を調べたい",
    "子どもの頃に作ったカード",  # the resident's own card, made as a child
    "子供のときに作った",
    "大丈夫ですか",
    "工夫が必要",
    "母子手帳",
    "my card expires in July",
    "I'm a mother of two, when does my card expire?",
    "",
])
def test_the_residents_own_card_or_not_said(text):
    assert card_holder(text) is None


def test_every_key_has_its_words_in_both_languages():
    from actions import texts

    for key in KEYS + ("unknown",):
        ja, en = (texts.render(f"utter_lifecycle_line_card_of_{key}", lang) for lang in ("ja", "en"))
        assert ja.endswith("カード") and en.endswith("card") and "あなた" not in ja
