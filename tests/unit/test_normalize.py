from hypothesis import given, strategies as st

from maina.normalize import normalize


def test_variants_become_one_spelling():
    assert normalize("ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞの期限") == "マイナンバーカードの期限"
    assert normalize("まいなんばーかーど無くしました") == "マイナンバーカードなくしました"
    assert normalize("マイナカード失くした") == "マイナンバーカードなくした"
    assert normalize("個人番号カードを紛失") == "マイナンバーカードを紛失"
    assert normalize("２０１９年３月１０日") == "2019年3月10日"
    assert normalize("パスワ－ド") == "パスワード"
    assert normalize("1〜2か月") == normalize("1～2か月") == "1~2か月"


def test_control_characters_and_spaces():
    assert normalize("  カード\x00なくした\u200b  ") == "カード なくした"
    assert normalize("") == ""


@given(st.text())
def test_never_raises_and_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


def test_my_number_marker_is_not_model_input():
    from maina.mynumber import mask_my_numbers

    masked = mask_my_numbers("私のマイナンバーは1234-5678-9018です。カードなくした").text
    assert "削除" not in normalize(masked)
    assert normalize(masked).endswith("カードなくした")


def test_longer_spellings_win_over_their_parts():
    assert normalize("ゆうこうきげん") == "有効期限"
