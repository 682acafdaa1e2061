"""What a resident says about their case, from the messages the issue was filed with."""
from __future__ import annotations

import datetime as dt

import pytest

from maina import case
from maina.normalize import normalize

TODAY = dt.date(2026, 11, 25)


@pytest.mark.parametrize("text,expected", [
    ("財布ごと踏んでカードが割れてしまった場合も1,000円かかるのでしょうか", "damaged"),
    ("火事で燃えた", "disaster"),
    ("盗まれて警察に届けた、再発行タダ？", "stolen"),
    ("先週なくした、特急で作れる？", "lost"),
    ("カードがなくなった", "lost"),
    ("財布をすられた", "stolen"),
    ("ICチップが読み取れない", "damaged"),
    ("追記欄がいっぱいになった", "remarks_full"),
    ("期限切れのカードの再発行", "expired"),
    ("My card was stolen", "stolen"),
    ("I lost my card", "lost"),
    ("the card is cracked", "damaged"),
    ("父が亡くなった", None),
    ("再発行いくら？", None),
])
def test_reason(text, expected):
    assert case.reason(normalize(text)) == expected


@pytest.mark.parametrize("text,expected", [
    ("急ぎで、電子証明書はいらない", False), ("電子証明書なしだといくら", False),
    ("電子証明書もつけたい", True), ("without the certificates", False), ("再発行いくら", None),
])
def test_certificates(text, expected):
    assert case.certificates(normalize(text)) is expected


@pytest.mark.parametrize("text,expected", [
    ("特急で作れる？", True), ("急ぎで", True), ("express please", True), ("再発行いくら", False),
])
def test_express(text, expected):
    assert case.express(normalize(text)) is expected


@pytest.mark.parametrize("text,expected", [
    ("盗まれて警察に届けた", True), ("盗難届は出しました", True), ("罹災証明書をもらった", True),
    ("盗難届はまだ出してない", False), ("警察には行ってない", False), ("盗まれた", None),
    ("I reported it to the police", True), ("not reported yet", False),
])
def test_proof(text, expected):
    assert case.proof(normalize(text)) is expected


@pytest.mark.parametrize("text,expected", [
    ("はい", True), ("出しました", True), ("まだです", False), ("いいえ", False), ("yes", True),
    ("not yet", False), ("わからない", None),
])
def test_yes_no(text, expected):
    assert case.yes_no(normalize(text)) is expected


@pytest.mark.parametrize("text,expected", [
    ("署名用の暗証番号を5回間違えた", "signing"), ("パスワードを5回まちがえた", "signing"),
    ("利用者証明用の暗証番号がロック", "user"), ("住基の暗証番号", "counter_only"),
    ("券面事項入力補助用", "counter_only"), ("暗証番号を3回間違えた", None), ("signing PIN locked", "signing"),
])
def test_pin_kind(text, expected):
    assert case.pin_kind(normalize(text)) == expected


@pytest.mark.parametrize("text,expected", [
    ("暗証番号を3回間違えた", 3), ("パスワード3回ミスった", 3), ("3回目の申請", None), ("PIN wrong 3 times", 3),
])
def test_pin_tries(text, expected):
    assert case.pin_tries(normalize(text)) == expected


@pytest.mark.parametrize("text,expected", [
    ("わからない", True), ("覚えてないです", True), ("I don't know", True), ("昨日です", False),
])
def test_dont_know(text, expected):
    assert case.dont_know(normalize(text)) is expected


@pytest.mark.parametrize("text,expected", [
    ("来週苫小牧に引っ越してくる", "in"), ("市外から転入した", "in"), ("苫小牧から札幌に引っ越します", "out"),
    ("東京に引っ越す予定", "out"), ("市内で引っ越す", "within"), ("来週引っ越す", None),
    ("I'm moving to another city", "out"), ("we moved here last week", "in"),
])
def test_move_direction(text, expected):
    assert case.move_direction(normalize(text)) == expected


@pytest.mark.parametrize("text,expected", [
    ("耳が聞こえない", "hearing"), ("電話ができません", "hearing"), ("IP電話で0120につながらない", "ip_phone"),
    ("英語で話したい", "foreign"), ("I am deaf", "hearing"), ("今電話つながる？", None),
])
def test_caller(text, expected):
    assert case.caller(normalize(text)) == expected


def test_events_have_the_role_of_their_cue():
    [loss] = case.events(normalize("先週なくした、特急で作れる？"), TODAY)
    assert loss.about == "loss" and loss.when.iso() == "2026-11-16/2026-11-22"
    [move] = case.events(normalize("12月28日に引っ越してきた"), TODAY)
    assert move.about == "move" and move.when.iso() == "2025-12-28"
    assert case.events(normalize("1990年1月15日生まれです"), TODAY) == []


def test_a_loss_is_never_in_the_future():
    assert case.events(normalize("来週必要なのにマイナカードなくした、急いで作りたい"), TODAY) == []
    [loss] = case.events(normalize("今週なくした"), TODAY)  # Monday 23 – Sunday 29 November
    assert loss.when.iso() == "2026-11-23/2026-11-25"


@pytest.mark.parametrize("text,expected", [
    ("カードを止めたい", True), ("なくしたけど今電話つながる？", True), ("盗まれた", True),
    ("今電話つながる？", False), ("I need to stop my card", True), ("再発行の相談", False),
])
def test_wants_to_stop(text, expected):
    assert case.wants_to_stop(normalize(text)) is expected
