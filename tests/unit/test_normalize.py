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


def test_half_width_katakana_is_read_as_the_words_residents_mean():
    assert normalize("ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞ ﾌﾝｼﾂ ﾄﾞｳｽﾙ") == "マイナンバーカード 紛失 どうする"
    assert normalize("ﾏｲﾅﾎﾟｰﾀﾙ") == "マイナポータル"
    assert normalize("マイナポータル") == "マイナポータル"  # full-width loanwords stay


def test_maina_alone_is_the_card():
    assert normalize("マイナ落とした") == "マイナンバーカード落とした"
    for word in ("マイナ保険証", "マイナポイント", "マイナちゃん", "マイナス", "マイナー"):
        assert "マイナンバーカード" not in normalize(word), word


def test_negated_phrases_are_dropped():
    assert normalize("紛失ではなく、カードが割れた") == "カードが割れた"
    assert normalize("じゃなくて戸籍謄本 いくら") == "戸籍謄本 いくら"
    assert normalize("2019年じゃなくて2018年") == "2019年じゃなくて2018年"  # a date correction
    assert normalize("有効ではなくなった") == "有効ではなくなった"
    assert normalize("its not lost but broken") == "its broken"


def test_a_death_is_not_a_lost_card():
    assert "なくし" not in normalize("妻を亡くしました")
