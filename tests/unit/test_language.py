"""Language detection (maina.language) and the NLU component that keeps the conversation's language."""
from __future__ import annotations

import collections
from pathlib import Path

import pytest
import yaml

from maina import language, locales
from maina.language import detect_language, normalize_code, switch_request
from maina.mynumber import MARKER
from maina.normalize import normalize

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text", [
    "I lost my My Number Card",
    "When does my card expire?",
    "how much is a reissue",
    "Where can I get a juminhyo at Lawson?",
    "hello",
    "Thanks!",
    "I was born on 15 January 1990 and got my card on 10 March 2019",
    "I'm a Permanent Resident",
    "what is mynaportal",
    "How do I register my マイナ保険証?",           # English grammar around a Japanese term
    "What does 署名用電子証明書 mean?",
    "oops, not 2019 but 2018",
    "ＩＳ ＴＨＥ ＣＡＲＤ ＦＲＥＥ？",                   # full-width Latin
    "I don't speak Japanese",
    "English please",
    "can you answer in English?",
    "英語でお願いします",                              # a request in Japanese for English
    "英語で話せますか",
])
def test_english(text):
    assert detect_language(text) == "en"


@pytest.mark.parametrize("text", [
    "カードをなくした",
    "マイナンバーカードの有効期限はいつ？",
    "有効期限",                                       # kanji only
    "マイナンバーカード 紛失",
    "1990年1月15日です",                              # a date with Japanese grammar
    "My Number Cardの有効期限",                       # hiragana: Japanese grammar
    "e-Taxで確定申告したい",
    "OKです",
    "英語で紛失の連絡ができる番号はありますか",           # asks about English, in Japanese
    "日本語",
    "日本語でお願いします",
    "Japanese please",
    "can you answer in Japanese?",
    "switch back to Japanese",
])
def test_japanese(text):
    assert detect_language(text) == "ja"


@pytest.mark.parametrize("text", [
    "", "   ", None, 42,
    "/lost_card", '/switch_language{"language":"en"}',  # payloads: the slot keeps its value
    "OK", "ok", "no", "yes",                          # a yes/no in the calculator does not switch
    "12345", "2027/3/31", "H2.1.15", "R1.7.1",        # numbers and dates
    "15 January 1990",
    "1990年1月15日", "平成2年1月15日", "令和元年7月1日", "30歳",  # the kiosk's date picker
    "😀", "👍👍", "!!!", "？",
    "PIN", "QR", "e-Tax", "Mynaportal",                # loanwords typed in Japanese too
    "mainanbaa kaado nakushita",                       # romaji
    MARKER,                                            # a masked My Number alone
])
def test_unclear_keeps_the_slot(text):
    assert detect_language(text) is None


def test_masked_my_number_does_not_make_text_japanese():
    assert detect_language(f"my number is {MARKER}, is that ok?") == "en"


@pytest.mark.parametrize("text,expected", [
    ("English", "en"), ("english please!", "en"), ("英語", "en"), ("英語で", "en"),
    ("日本語", "ja"), ("日本語で。", "ja"), ("Japanese", "ja"), ("in Japanese", "ja"),
    ("I lost my card in English class", None), ("日本語の案内はありますか", None), ("", None),
])
def test_switch_request_is_the_whole_message(text, expected):
    assert switch_request(text) == expected


@pytest.mark.parametrize("value,expected", [
    ("en", "en"), ("en-US", "en"), ("English", "en"), ("ja", "ja"), ("ja_JP", "ja"),
    ("日本語", "ja"), ("fr", None), (None, None), (1, None),
])
def test_normalize_code(value, expected):
    assert normalize_code(value) == expected


def test_normalised_model_input_is_detected_like_the_raw_text():
    """The component runs after the normaliser (lower case, NFKC, canonical spellings)."""
    for text in ("I LOST MY CARD", "まいなんばーかーど なくした", "ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞの期限"):
        assert detect_language(normalize(text)) == detect_language(text)


# ---- the training data -------------------------------------------------------------------

def _examples(path: Path):
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for block in data.get("nlu") or []:
        for line in (block.get("examples") or "").splitlines():
            if line.strip().startswith("- "):
                yield block["intent"], line.strip()[2:].strip()


DIALOGUE_INTENTS = {"inform", "affirm", "deny", "stop", "switch_language"}


def test_every_english_topic_example_is_detected_as_english():
    files = [ROOT / "data/nlu/english.yml", ROOT / "tests/nlu/english.yml"]
    wrong = [(intent, text) for path in files for intent, text in _examples(path)
             if intent not in DIALOGUE_INTENTS and detect_language(normalize(text)) != "en"]
    assert not wrong


def test_no_japanese_example_is_detected_as_english():
    """Every Japanese sentence (with hiragana) of every group stays Japanese."""

    wrong = []
    for path in sorted((ROOT / "data/nlu").glob("*.yml")) + sorted((ROOT / "tests/nlu").glob("*.yml")):
        if path.stem in locales.all_locales():
            continue  # another language's own tests (data/nlu/vi.yml: 「資格確認書 là gì」)
        for intent, text in _examples(path):
            if intent == "switch_language":
                continue
            if language._HIRAGANA.search(text) and detect_language(normalize(text)) != "ja":
                wrong.append((path.name, intent, text))
    assert not wrong


# ---- the NLU component -------------------------------------------------------------------

rasa = pytest.importorskip("rasa")


def _message(text, metadata=None):
    from rasa.shared.nlu.training_data.message import Message

    data = {"text": text}
    if metadata is not None:
        data["metadata"] = metadata
    return Message(data=data)


def _run(text, metadata=None):
    from maina_rasa.nlu.language import LanguageDetector

    message = _message(text, metadata)
    LanguageDetector().process([message])
    return message


def _language_entities(message):
    return [e["value"] for e in message.get("entities", []) if e["entity"] == "language"]


def test_component_adds_the_language_entity():
    assert _language_entities(_run("I lost my card")) == ["en"]
    assert _language_entities(_run("カードをなくした")) == ["ja"]
    assert _language_entities(_run("15 January 1990")) == []


def test_text_wins_over_the_channel_hint():
    assert _language_entities(_run("カードをなくした", {"language": "en"})) == ["ja"]
    assert _language_entities(_run("I lost my card", {"language": "ja"})) == ["en"]


def test_unclear_text_takes_the_channel_hint():
    # the kiosk's date picker in English mode sends 1990年1月15日 with metadata language=en
    assert _language_entities(_run("1990年1月15日", {"language": "en"})) == ["en"]
    assert _language_entities(_run("OK", {"language": "ja"})) == ["ja"]
    assert _language_entities(_run("OK", {"language": "fr"})) == []


def test_what_a_button_sends_keeps_the_conversation_language():
    """「なくした」 under a Vietnamese title (Mất thẻ) is what the button sends, not Japanese."""
    from maina_rasa.nlu.language import button_texts

    assert {"なくした", "今日", "市外へ引っ越す"} <= button_texts()
    assert _language_entities(_run("なくした")) == []
    assert _language_entities(_run("なくした", {"language": "vi"})) == ["vi"]
    assert _language_entities(_run("カードをなくした")) == ["ja"]  # typed: Japanese


def _unpacked(message):
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

    return YAMLStoryReader.unpack_regex_message(message)


def test_bare_payload_carries_the_channel_language():
    """RegexMessageHandler runs last and keeps only the payload's entities."""
    parsed = _unpacked(_run("/lost_card", {"language": "en"}))
    assert parsed.get("intent")["name"] == "lost_card"
    assert _language_entities(parsed) == ["en"]
    parsed = _unpacked(_run("/lost_card"))
    assert parsed.get("intent")["name"] == "lost_card" and _language_entities(parsed) == []


def test_payload_with_entities_is_left_alone():
    parsed = _unpacked(_run('/switch_language{"language":"ja"}', {"language": "en"}))
    assert parsed.get("intent")["name"] == "switch_language"
    assert _language_entities(parsed) == ["ja"]


@pytest.mark.parametrize("text,expected", [("English", "en"), ("日本語", "ja"), ("English please", "en")])
def test_switch_buttons_become_the_switch_payload(text, expected):
    parsed = _unpacked(_run(text, {"language": "ja" if expected == "en" else "en"}))
    assert parsed.get("intent")["name"] == "switch_language"
    assert _language_entities(parsed) == [expected]


def test_domain_fills_the_slot_from_the_entity():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert "language" in domain["entities"] and "switch_language" in domain["intents"]
    slot = domain["slots"]["language"]
    assert slot["initial_value"] == "ja" and slot["influence_conversation"] is False
    assert slot["mappings"] == [{"type": "from_entity", "entity": "language"}]
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    names = [c["name"] for c in config["pipeline"]]
    assert names.index("maina_rasa.nlu.language.LanguageDetector") == \
        names.index("maina_rasa.nlu.normalizer.JapaneseNormalizer") + 1


def test_every_response_has_an_english_variation_with_the_same_payloads():
    from maina import topics

    missing, mismatched = [], []
    for path in sorted((ROOT / "data/responses").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variations in (data.get("responses") or {}).items():
            english = [v for v in variations
                       if {"type": "slot", "name": "language", "value": "en"} in (v.get("condition") or [])]
            if not english:
                missing.append(name)
                continue
            assert not variations[0].get("condition"), f"{name}: the Japanese variation comes first"
            ja = [b["payload"] for b in variations[0].get("buttons") or [] if b["payload"].startswith("/")]
            en = [b["payload"] for b in english[0].get("buttons") or [] if b["payload"].startswith("/")]
            if ja != en:
                mismatched.append(name)
            for button in english[0].get("buttons") or []:
                intent = button["payload"][1:]
                if button["payload"].startswith("/") and intent in topics.catalog() \
                        and name not in ("utter_lifecycle_result",):
                    assert button["title"] == topics.label(intent, "en"), (name, button)
    assert not missing, f"responses without an English variation: {missing}"
    assert not mismatched, f"English buttons differ from the Japanese ones: {mismatched}"


def test_english_hotline_answers_give_the_foreign_language_numbers():
    texts = {}
    for path in sorted((ROOT / "data/responses").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variations in (data.get("responses") or {}).items():
            for v in variations:
                if v.get("condition"):
                    texts[name] = v["text"]
    for name in ("utter_lost_card", "utter_hotline_numbers", "utter_contact_national", "utter_contact_city",
                 "utter_qa_carry"):
        assert "{hotline.free_dial}" in texts[name] or name == "utter_contact_national", name
        assert "{hotline.foreign_card}" in texts[name], name
        assert "{hotline.foreign_system}" in texts[name], name


def test_line_postbacks_do_not_force_japanese():
    """LINE follows the user's language: the channel's Japanese hint for postbacks (its own
    texts) must not reach Rasa as metadata, or every button press would switch to Japanese."""
    import asyncio

    from maina_rasa.channels.line.channel import LineInput

    received = []

    async def on_new_message(message):
        received.append(message)
        await message.output_channel.send_text_message(message.sender_id, "ok")

    async def scenario():
        channel = LineInput("secret", "token")
        await channel._run_turn("/lost_card", "line:U1", "postback", "user", on_new_message)
        await channel._run_turn("I lost my card", "line:U1", "message", "user", on_new_message)

    asyncio.run(scenario())
    assert "language" not in received[0].metadata
    assert received[0].metadata["line"]["event_type"] == "postback"
    assert "language" not in (received[1].metadata or {})


def test_every_topic_has_english_examples_and_held_out_tests():
    """Issue 7: every topic the Japanese assistant covers is answered in English too."""
    from maina import topics

    wanted = set(topics.catalog()) | {"inform", "stop", "affirm", "deny", "switch_language"}
    training = collections.Counter(i for i, _ in _examples(ROOT / "data/nlu/english.yml"))
    held_out = collections.Counter(i for i, _ in _examples(ROOT / "tests/nlu/english.yml"))
    assert not {i for i in wanted if training[i] < 10}, "fewer than 10 English training examples"
    assert not {i for i in wanted if held_out[i] < 3}, "fewer than 3 held-out English examples"
    train_texts = {t.lower() for _, t in _examples(ROOT / "data/nlu/english.yml")}
    assert not [t for _, t in _examples(ROOT / "tests/nlu/english.yml") if t.lower() in train_texts]


# ---- Chinese (zh): residents' messages, and no Japanese message taken for Chinese -------------

@pytest.mark.parametrize("text", [
    "我的卡丢了怎么办",
    "要多久",                                         # only characters Japanese also writes
    "在留卡到期了",
    "多少钱",
    "有效期",
    "周末呢",
    "我的マイナンバーカード丢了",                        # a Japanese word inside Chinese
    "在留カード更新了，个人编号卡也要去市役所吗",
    "便利店能开住民票吗",
    "1990年1月15号出生",                               # a day written 号
    "我30岁的时候办的",
    "我的卡找不到了",
    "補辦要帶什麼",                                     # traditional characters
    "中文", "请用中文", "Chinese please",               # asking for Chinese
])
def test_chinese(text):
    assert detect_language(text) == "zh"
    assert detect_language(normalize(text)) == "zh"


@pytest.mark.parametrize("text", [
    "有効期限", "在留カード", "再発行 手数料", "マイナンバーカード 紛失", "暗証番号 忘れた",
    "電子証明書 更新", "中国語の案内はありますか", "登録完了", "在留期間満了",
])
def test_japanese_with_shared_characters_is_not_chinese(text):
    assert detect_language(text) == "ja"


@pytest.mark.parametrize("text", [
    "1990年1月15日", "2019年7月1日", "30歳", "OK",
    "永住者", "住民票", "15号", "中止",                # Han characters that read the same in both
])
def test_a_date_or_a_shared_word_keeps_the_conversation_language(text):
    assert detect_language(text) is None


def test_no_japanese_or_english_example_is_detected_as_chinese():
    files = [p for p in sorted((ROOT / "data/nlu").glob("*.yml")) + sorted((ROOT / "tests/nlu").glob("*.yml"))
             if p.stem not in ("zh", "ko", "vi")]
    wrong = [(path.name, intent, text) for path in files for intent, text in _examples(path)
             if "zh" in (detect_language(text), detect_language(normalize(text)))]
    assert not wrong


def test_every_chinese_topic_example_is_detected_as_chinese():
    files = [ROOT / "data/nlu/zh.yml", ROOT / "tests/nlu/zh.yml"]
    wrong = [(intent, text) for path in files if path.exists() for intent, text in _examples(path)
             if intent not in DIALOGUE_INTENTS and detect_language(normalize(text)) not in ("zh", None)]
    assert not wrong


# ---- Vietnamese (issue 15) ----------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Tôi bị mất thẻ My Number rồi, phải làm sao?",
    "cấp lại thẻ mất bao nhiêu tiền vậy ạ",
    "the my number bi mat roi lam sao",                # without diacritics
    "cap lai the bao nhieu tien",
    "lam the o dau",
    "tong dai my number so may",
    "quen ma pin the my number",
    "lay ho tich o konbini",
    "em muốn lấy 住民票 ở konbini",                    # Japanese words inside
    "マイナ保険証 là gì",
    "資格情報のお知らせ là gì",
    "thẻ マイナンバーカード hết hạn khi nào",
    "chào", "cam on", "cảm ơn nhiều",
    "sinh 15/1/1990 nhan the 1/7/2019",
])
def test_vietnamese(text):
    assert detect_language(text) == "vi"
    assert detect_language(normalize(text)) == "vi"


@pytest.mark.parametrize("text", ["Tiếng Việt", "tieng viet", "Vietnamese", "nói tiếng Việt", "ベトナム語で"])
def test_vietnamese_switch_request(text):
    assert switch_request(text) == "vi"


@pytest.mark.parametrize("text,expected", [
    ("mainanbaa kaado nakushita", None),              # romaji Japanese
    ("nawala ko ang card ko", "tl"),                 # Tagalog shares "ko"
    ("perdí mi tarjeta, no sé dónde está", "es"),
    ("may I apply for the card online?", "en"),
    ("can I get my card at the city office", "en"),
    ("the my number", "en"),                          # not enough Vietnamese to say
    ("OK", None), ("menu", None),
])
def test_not_vietnamese(text, expected):
    assert detect_language(text) == expected


def _files(*patterns):
    return [path for pattern in patterns for path in sorted(ROOT.glob(pattern))]


def test_no_japanese_or_english_example_is_taken_for_vietnamese():
    wrong = [(path.name, intent, text)
             for path in _files("data/nlu/*.yml", "tests/nlu/*.yml") if path.stem != "vi"
             for intent, text in _examples(path) if detect_language(normalize(text)) == "vi"]
    assert not wrong


def test_vietnamese_topic_examples_are_detected_as_vietnamese():
    """Every Vietnamese example of a topic with three words or more (shorter ones, 「alo」,
    「15/01/1990」, may say nothing about their language: the conversation keeps its own)."""
    wrong = [(intent, text) for path in _files("data/nlu/vi.yml", "tests/nlu/vi.yml")
             for intent, text in _examples(path)
             if intent not in DIALOGUE_INTENTS and len(text.split()) >= 3
             and detect_language(normalize(text)) != "vi"]
    assert not wrong


# --- Korean (ko, issue 15) ------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "마이넘버 카드 잃어버렸어요",
    "카드 분실했는데 어떡해요 ㅠㅠ",
    "在留カード 갱신했는데 마이넘버카드도 해야 돼요?",         # Japanese nouns copied from documents
    "マイナンバーカード 재발급 얼마예요?",
    "住民票 편의점에서 뗄 수 있나요",
    "コンビニで 주민표 되나요?",                                  # a little hiragana, more Hangul
    "ㅇㅇ",                                                       # jamo only: "yes"
    "1990년 1월 15일생이에요",
    "my number card 비밀번호 까먹었어요",
    "마이나 호켄쇼 등록 어떻게 해요",
])
def test_korean(text):
    assert detect_language(text) == "ko"
    assert language.text_language(text) == "ko"


@pytest.mark.parametrize("text", [
    "안녕하세요ってどういう意味ですか",       # a Japanese sentence quoting Korean
    "韓国の友達に카드って言われたけど何のこと？",
    "ありがとうございましたㅋㅋ",
])
def test_japanese_quoting_korean_stays_japanese(text):
    assert detect_language(text) == "ja"


@pytest.mark.parametrize("text, wanted", [
    ("한국어", "ko"), ("한국어로 해 주세요!", "ko"), ("Korean please", "ko"), ("韓国語でお願いします", "ko"),
    ("영어", "en"), ("영어로 해주세요", "en"), ("일본어로", "ja"), ("일본어로 부탁해요", "ja"),
])
def test_korean_switch_phrases(text, wanted):
    assert switch_request(text) == wanted
    assert detect_language(text) == wanted


@pytest.mark.parametrize("text, wanted", [
    ("영어로 답해 줄 수 있어요?", "en"),
    ("일본어로 말해 주세요", "ja"),
    ("Can you answer in Korean?", "ko"),
    ("韓国語で話してもいいですか", "ko"),
    ("한국어로 설명해 줄래요?", "ko"),
])
def test_korean_requests_in_sentences(text, wanted):
    assert switch_request(text) is None
    assert detect_language(text) == wanted


def test_korean_is_spoken_and_its_codes_are_read():
    assert language.is_spoken("ko")
    assert normalize_code("ko-KR") == "ko" and normalize_code("ko") == "ko"


def _japanese_example_files():

    other = {"english"} | set(locales.all_locales())
    return [path for folder in ("data/nlu", "tests/nlu") for path in sorted((ROOT / folder).glob("*.yml"))
            if path.stem not in other]


def test_no_japanese_example_is_taken_for_korean():
    files = _japanese_example_files()
    assert len(files) >= 10
    wrong = [text for path in files for _, text in _examples(path)
             if detect_language(text) == "ko" or detect_language(normalize(text)) == "ko"]
    assert not wrong


def test_every_korean_example_is_detected_as_korean():
    """Korean training and held-out examples (the switch requests for en/ja and bare dates aside)."""
    files = [ROOT / "data/nlu/ko.yml", ROOT / "tests/nlu/ko.yml"]
    examples = [(intent, text) for path in files for intent, text in _examples(path)]
    assert len(examples) > 1000
    wrong = [(intent, text) for intent, text in examples
             if intent != "switch_language" and detect_language(normalize(text)) not in ("ko", None)]
    assert not wrong
