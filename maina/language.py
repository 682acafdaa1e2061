"""Which language a resident wrote in: Japanese, English, or "can't tell".

:func:`detect_language` looks at the script and at English cue words; it never guesses. A
message that says nothing about its language (a date, a number, an emoji, "OK", a button
payload such as ``/lost_card``) gives ``None``, so the conversation keeps its language until
the user writes in the other one (or presses 「English」/「日本語」).

* An explicit request wins: 「英語で」, "in English", "English please" → "en";
  「日本語で」, "in Japanese", "日本語" → "ja".
* Japanese script (kana, kanji) outside date expressions → "ja". Dates such as
  2019年7月1日 / 平成2年1月15日 / 30歳 do not count: the kiosk's date picker sends them in
  every language. A sentence without hiragana (no Japanese grammar) that is clearly English
  ("How do I register my マイナ保険証?") stays English.
* Latin text → "en" when enough of its words are English cue words (common function words and
  the topic's vocabulary). Loanwords residents also type in Japanese (OK, PIN, QR, e-Tax,
  Mynaportal …) are neutral. Romaji without English words ("mainanbaa kaado") → None.

Pure functions, no Rasa: used by the NLU component maina_rasa.nlu.language.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Optional, Tuple

from maina.mynumber import MARKER

JA, EN = "ja", "en"
LANGUAGES = (JA, EN)
# Languages recognised besides ja/en. Those with a translator's file (maina.locales) are
# spoken; for the others the resident gets the foreign-language hotline in their language
# (issue 11) and every other answer in English.
RECOGNISED = ("zh", "ko", "vi", "th", "ne", "my", "es", "pt", "tl", "id")


def is_spoken(code: Optional[str]) -> bool:
    from maina import locales

    return code in locales.spoken()

_HIRAGANA = re.compile("[\u3041-\u309f]")
_JAPANESE = re.compile(
    "[\u3041-\u309f\u30a1-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005\u3006]"
)
_MARKER_NFKC = unicodedata.normalize("NFKC", MARKER)
_ETAX = re.compile(r"\be\s*-\s*tax\b")
_WORD = re.compile(r"[a-z]+(?:['’][a-z]+)?")

# Date and age expressions in Japanese: 2019年7月1日, 平成2年1月15日, 令和元年, 30歳, 7月.
_ERA = r"(?:明治|大正|昭和|平成|令和)"
_NUM = r"(?:\d+|元|[〇一二三四五六七八九十百千]+)"
_DATE_JA = re.compile(
    rf"{_ERA}?\s*{_NUM}\s*年(?:\s*{_NUM}\s*月(?:\s*{_NUM}\s*日)?)?"
    rf"|{_NUM}\s*月\s*{_NUM}\s*日|{_NUM}\s*(?:月|日|歳|才)|{_ERA}"
)

# Explicit requests to switch. Checked before anything else.
_WANT_EN = re.compile(
    r"(?:英語|えいご)(?:で(?:お願い|おねがい|話|はな|答|こた|返|説明|教え|頼)|に(?:して|切り替|切替|変え|かえ))|"
    r"\b(?:in|speak|speaks|use|using|(?:switch|change|go)(?: it)?(?: back)? to|answer in|reply in|write in)"
    r"\s+english\b|^\W*english\W*(?:please|pls|plz)?\W*$|^\W*english\s+(?:please|pls|plz|ok|okay)\b"
)
_NO_JAPANESE = re.compile(
    r"\b(?:don't|dont|do not|can't|cant|cannot|can not)\s+(?:speak|read|understand|write)\s+japanese\b"
)
_WANT_JA = re.compile(
    r"(?:日本語|にほんご)(?:で(?:お願い|おねがい|話|はな|答|こた|返|説明|教え|頼)|に(?:して|戻|もど|切り替|切替|変え|かえ))|"
    r"\b(?:in|speak|speaks|use|using|(?:switch|change|go)(?: it)?(?: back)? to|answer in|reply in|write in)"
    r"\s+(?:japanese|nihongo)\b|^\W*(?:japanese|nihongo)\W*(?:please|pls|plz)?\W*$"
)

# Words residents type in Japanese messages too: they say nothing about the language.
NEUTRAL_WORDS = frozenset("""
ok okay ok's ng pin pins id ids qr ic sns atm atms pc app apps web line e tax etax jpki nfc
iphone android mynaportal myna mynapoint mynumber maina chan lol www http https com jp go
lg wifi sim cd dvd mail gmail yahoo pdf faq tv
""".split())

# Cue words that alone do not switch (a Japanese resident may answer 「no」 in the calculator).
WEAK_CUES = frozenset({"yes", "no", "yeah", "yep", "nope", "sure", "ok", "okay"})

# English cue words: frequent function words, chat words and the topic's vocabulary.
EN_CUES = frozenset("""
a an the i i'm im i've ive i'd me my mine myself you your you're yours we our us he she
his her they their them it it's its is are was were be been being am do does did done don't
doesn't didn't can can't cannot could couldn't should shouldn't would wouldn't will won't shall
may might must have has had having haven't hasn't need needs needed want wants wanted
what what's when where where's which who who's whom whose why how how's whats
to of in on at for from with by about into onto over under after before during until till
since if or and but not no nor so than then too also just only still yet already again
this that these those there here there's some any every each all both other another same
such very more most much many few less least lot lots
please pls plz thanks thank thx ty hello hi hey bye goodbye sorry excuse help yes yeah yep
nope sure hmm oh oops wait
get got gets getting give given go goes going gone went come came make made take took
know tell told say said ask asked see saw look find found keep kept lose lost losing
use used using show showed send sent pay paid cost costs work works working call called
apply applied applying application renew renewed renewing renewal expire expired expires
expiry expiration valid validity issue issued issuing reissue reissued replace replacement
register registered registration change changed changing forgot forget forgotten lock locked
stolen steal stole damaged broken broke burnt burned cracked born birthday birth date
card cards number numbers people person resident residents foreigner foreign city office
counter phone hotline number's fee fees price free yen month months year years day days week
weeks hour hours time times today tomorrow open close closed store stores shop shops
convenience certificate certificates signature signing electronic digital online internet
website smartphone computer reader health insurance hospital clinic doctor pharmacy tax
taxes return police report moving move moved address name surname maiden married marriage
child children kid kids baby son daughter family wife husband parent parents photo picture
form notice letter envelope mail postcard pickup collect proxy stay visa status permanent
period residence japan japanese english language new old first second front back chip
password passwords code safe safety security privacy personal information info data
wallet bag lost-and-found abroad overseas country leave leaving return returning
what's when's where's hello hi good morning evening night morning afternoon bot robot human
someone anyone something anything nothing everything else
stop cancel quit mind student students professional skilled worker workers spouse dependent
trainee intern engineer visitor refugee
correct incorrect right wrong exactly that's greetings cheers hiya way
farewell explain public authentication service services system procedure document documents
required requirement requirements necessary possible impossible allowed okay fine bad good best
better worse quick quickly fast slow soon late early again anymore already ever never always
where's who's which's let let's like would've need want tell show bring carry keep check confirm
""".split())


def normalize_code(value: Any) -> Optional[str]:
    """A language hint (metadata, a payload entity) as a spoken language code: "en-US",
    "English" → "en"; "ja_JP" → "ja"; "zh-CN" → "zh" when locales/zh.yml exists; else None."""
    if not isinstance(value, str):
        return None
    lowered = value.strip().lower().replace("_", "-")
    if lowered in ("en", "english", "英語") or lowered.startswith("en-"):
        return EN
    if lowered in ("ja", "jp", "japanese", "日本語") or lowered.startswith("ja-"):
        return JA
    base = lowered.split("-", 1)[0]
    return base if base in RECOGNISED and is_spoken(base) else None


def text_language(text: Any, hint: Any = None) -> str:
    """The language to answer ``text`` in, for texts the channels write themselves: a spoken
    ``hint`` wins; else the detected language if spoken, English for a recognised language
    Maina-chan does not speak, Japanese when the text does not say."""
    chosen = normalize_code(hint)
    if chosen:
        return chosen
    detected = detect_language(text)
    if detected is None:
        return JA
    return detected if is_spoken(detected) else EN


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKC", text.replace(MARKER, " ")).replace(_MARKER_NFKC, " ")
    return _ETAX.sub("etax", text.lower())


def english_words(text: str) -> Tuple[int, int, bool]:
    """(cue words, non-neutral Latin words, any cue that is not a bare yes/no) in ``text``."""
    words = [w.replace("’", "'") for w in _WORD.findall(text)]
    counted = [w for w in words if w not in NEUTRAL_WORDS]
    cues = [w for w in counted if w in EN_CUES]
    return len(cues), len(counted), any(w not in WEAK_CUES for w in cues)


# Whole messages that only ask to switch (the 「English」/「日本語」 buttons send their title).
_SWITCH_PHRASES = {
    EN: ("english", "english please", "english pls", "in english", "english ok", "英語", "英語で",
         "英語でお願いします", "英語で話して", "英語にして", "英語に切り替え", "えいご", "えいごで"),
    JA: ("日本語", "日本語で", "日本語でお願いします", "日本語で話して", "日本語にして", "日本語に切り替え",
         "にほんご", "にほんごで", "japanese", "japanese please", "in japanese", "nihongo"),
}
_SWITCH_STRIP = re.compile(r"[\s!！?？.。、,・]+")
_SWITCH_INDEX = {_SWITCH_STRIP.sub("", phrase): lang
                 for lang, phrases in _SWITCH_PHRASES.items() for phrase in phrases}


def switch_request(text: Any) -> Optional[str]:
    """The language a message asks for when the whole message is a switch request, else None.

    "English", "English please!", 「日本語」, 「日本語でお願いします」 → en / ja. Longer sentences
    ("Can you answer in English?") are the intent classifier's job.
    """
    if not isinstance(text, str):
        return None
    key = _SWITCH_STRIP.sub("", _plain(text))
    return _SWITCH_INDEX.get(key)


# --- Korean (ko, issue 15) ----------------------------------------------------------------------
# Hangul names Korean, with Japanese words or not (「在留カード 갱신 어디서 해요?」). A Japanese
# sentence quoting a Korean word (「안녕하세요ってどういう意味？」) stays Japanese: Korean needs at least
# as many Hangul letters as hiragana (katakana and kanji are the nouns Korean residents copy from
# their documents). Requests to switch, typed in Korean or asking for Korean, are honoured.
_HANGUL = re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_KO_SWITCH_PHRASES = {
    "ko": ("한국어", "한국어로", "한국말", "한국말로", "한국어로 해 주세요", "한국어로 해주세요", "한국어로 부탁해요",
           "korean", "korean please", "in korean", "韓国語", "韓国語で", "韓国語でお願いします"),
    EN: ("영어", "영어로", "영어로 해 주세요", "영어로 해주세요", "영어로 부탁해요"),
    JA: ("일본어", "일본어로", "일본어로 해 주세요", "일본어로 해주세요", "일본어로 부탁해요"),
}
_SWITCH_INDEX.update({_SWITCH_STRIP.sub("", _plain(phrase)): code
                      for code, phrases in _KO_SWITCH_PHRASES.items() for phrase in phrases})
_KO_VERBS = r"\s*(?:해|답|대답|말|얘기|이야기|설명|알려|부탁|바꿔|바꾸|변경|써|쓰|보내|안내)"
_KO_REQUESTS = (
    ("ko", re.compile(rf"(?:한국어|한국말)로{_KO_VERBS}|\b(?:in|speak|speaks|use|answer in|reply in|write in)"
                      r"\s+korean\b|韓国語(?:で(?:お願い|おねがい|話|はな|答|こた|返|説明|教え)|に(?:して|切り替|変え))")),
    (EN, re.compile(rf"영어로{_KO_VERBS}")),
    (JA, re.compile(rf"일본어로{_KO_VERBS}")),
)


def is_korean(text: str) -> bool:
    """Hangul, and no fewer Hangul letters than hiragana (see the block comment above)."""
    hangul = len(_HANGUL.findall(text))
    return hangul > 0 and hangul >= len(_HIRAGANA.findall(text))


def korean_request(text: str) -> Optional[str]:
    """The language a sentence asks for in Korean or by naming Korean: 「영어로 답해 주세요」 → en,
    「일본어로 말해 줘」 → ja, "Can you answer in Korean?", 「韓国語でお願い」 → ko; else None."""
    for code, pattern in _KO_REQUESTS:
        if pattern.search(text):
            return code
    return None
# --- end of the Korean block ---------------------------------------------------------------------


# Scripts that name their language (Devanagari: Nepali, the largest such group in Japan).
_SCRIPTS = (
    ("ko", re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")),
    ("th", re.compile("[\u0e00-\u0e7f]")),
    ("ne", re.compile("[\u0900-\u097f]")),
    ("my", re.compile("[\u1000-\u109f]")),
)
_KANA = re.compile("[\u3041-\u309f\u30a1-\u30ff\u31f0-\u31ff]")

# ---- Chinese (zh) ---------------------------------------------------------------------------
# Chinese residents type Han characters that Japanese also uses (「要多久」「在留卡到期」) and mix
# in Japanese words (マイナンバー, 在留カード, 住民票). A message is Chinese when it has no hiragana
# (no Japanese grammar; katakana loanwords and pasted Japanese terms are fine) and a character
# Japanese does not write (simplified/traditional forms, particles 吗呢吧哦), a verb with 了
# (忘了), a day written 15号, or more Chinese words of shared characters (多少, 可以, 我是) than
# Japanese-only forms (効 発 証 険 続 …). Every Japanese example of data/nlu
# and tests/nlu stays Japanese (tests/unit/test_language.py).
_ZH_CHARS = re.compile(
    "[们这么吗呢吧请谢还个该让给说时间过对现见问题发证码补办丢钱几为从东长门开关书买卖怎啥咋哪"
    "你您呀啊哦嘛啦呗咱喔嗯效编领续换护险药电话邮偷坏烂岁费贵样谁单报户签务认识车头结离儿妈爸"
    "觉应处递帮咨询营业节须级约预疗资纸张锁记设录册进达归迁变转馆厅员专够两块钟经诉卡网线于"
    "语拜嗨喽晚联传错读蓝废种选备挂黑听乐兴气图"
    "們這麼嗎沒讓說對發證號碼辦錢會從關賣丟險歲續]"
)
_ZH_WORDS = re.compile(r"多少|多久|可以|需要|一下|是否|是不是|不是|知道|能不能|怎样|如何办|没有|没错|没收|算了|"
                       r"不会|不想|好的|是的|对的|我是|我在|我想|我要|我的|我不|我只|我看|^是(?!非)")
_ZH_DAY = re.compile(r"\d\s*月\s*\d{1,2}\s*[号號]")  # 1月15号: Japanese writes 日
# a verb with 了 (忘了, 锁了) and words Japanese never writes: as strong as a Chinese-only character
_ZH_STRONG_WORDS = re.compile(r"[忘掉锁到搬改去来好用拿领收过没丢坏变换办满错死走出]了|修改")
_JA_ONLY = re.compile("[効発証険続届帰変広円駅図売読気楽薬歳様両単辺払転込録県営労働"
                      "満関鉄済戸窓検権価応実児齢扱処拠継択沢経総]")


def looks_chinese(plain: str) -> bool:
    """Chinese rather than Japanese (``plain``: NFKC, lower case): see the block comment."""
    if _HIRAGANA.search(plain):
        return False
    strong = _ZH_CHARS.search(plain) or _ZH_DAY.search(plain) or _ZH_STRONG_WORDS.search(plain)
    return bool(strong) or len(_ZH_WORDS.findall(plain)) > len(_JA_ONLY.findall(plain))


_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_LETTER = re.compile("[a-z]")


def han_undecided(rest: str) -> bool:
    """Han characters only (``rest``: the text without its dates), none of them Japanese-only
    and no Chinese evidence: 「永住者」「住民票」「15号」 read the same in Japanese and Chinese, so
    the message does not say its language and the conversation keeps its own."""
    return (bool(_HAN.search(rest)) and not _KANA.search(rest) and not _LATIN_LETTER.search(rest)
            and not _JA_ONLY.search(rest) and not looks_chinese(rest))


# Whole messages that ask for Chinese (what a 「中文」 button would send, or typed).
_SWITCH_INDEX.update({_SWITCH_STRIP.sub("", _plain(phrase)): "zh" for phrase in (
    "中文", "中文吧", "用中文", "请用中文", "请说中文", "说中文", "中文回答", "用中文回答", "简体中文", "汉语",
    "普通话", "中国語", "中国語で", "chinese", "chinese please", "in chinese")})
# ---- end Chinese ----------------------------------------------------------------------------

# Vietnamese letters (Latin with Vietnamese diacritics).
_VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
# Latin-script languages by their frequent words (after NFKC, lower case, accents kept).
_LATIN_CUES = {
    "es": frozenset("""hola tarjeta perdí perdi cómo dónde cuánto cuanto cuesta necesito quiero
        puedo número numero gracias renovar ayuda favor mi tengo está esta qué dónde donde perdido
        robada robaron también hablo español espanol""".split()),
    "pt": frozenset("""olá ola cartão cartao perdi meu minha não nao obrigado obrigada onde quanto
        custa preciso quero posso você voce renovar ajuda está perdido roubado também falo
        português portugues como""".split()),
    "tl": frozenset("""po ang ng mga ko nawala paano saan magkano salamat kailangan ba yung ako
        ninyo nyo kayo naman lang pwede puwede tagalog""".split()),
    "id": frozenset("""saya kartu hilang bagaimana berapa dimana mana terima kasih tolong tidak bisa
        apa yang dengan untuk ini itu sudah harus mau bahasa indonesia""".split()),
}
_LATIN_WORD = re.compile(r"[a-zà-ÿ]+")


# --- Vietnamese (issue 15) ------------------------------------------------------------------
# Vietnamese is recognised by its letters (_VIETNAMESE). Residents also type it without
# diacritics ("the my number bi mat roi lam sao"): then its frequent words decide, read with
# the accents taken off. English words that Vietnamese messages borrow ("the" = thẻ, "my number",
# "card") do not count as English there.
_VI_WORDS = frozenset("""
toi minh em anh chi ban bi mat lam sao bao nhieu khong ko kg hok dc duoc cap lai gia han het dau
nao gi khi lau roi nhe nha nhi vay oi xin chao cam giup voi phai muon hoi cho thi cua nhung nguoi
viet tieng ngay thang nam sinh tuoi gio tien va hoac neu phi le dang ky ki nop don nhan lay mang
ve tai trong ngoai truoc moi con vi thoi duoc biet hieu hong hu gay chua bang giay khai bao
nhap quen doi chuyen nha ra sao bn ntn mk mik ak dung camon la gi co tren nhanh tong dai tra ma hiem
sdt lien cach may o ho tich thu mo dien thoai ghi cu them chung tu vao benh vien tam biet diem ai
vinh tru goi khoa
""".split())
_VI_LOANS = frozenset("the my number card a on can do an me to so he pass".split())
_VI_LETTERS = re.compile(r"[a-zđ]+")
_CAM_ON = re.compile(r"\bcam\s+on\b")  # cảm ơn: "on" alone is English
_VI_SWITCH = ("tiếng việt", "tieng viet", "tiếng việt đi", "tieng viet di", "tiếng việt nhé", "nói tiếng việt",
              "noi tieng viet", "nói tiếng việt được không", "tiếng việt được không", "vietnamese",
              "in vietnamese", "vietnamese please", "ベトナム語", "ベトナム語で")
_SWITCH_INDEX.update({_SWITCH_STRIP.sub("", phrase): "vi" for phrase in _VI_SWITCH})


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def vietnamese_words(plain: str) -> bool:
    """Vietnamese without its diacritics: at least two Vietnamese words, more of them than
    English words and than the words of any other Latin-script language (a Japanese term may
    stand in it: 「資格確認書 là gì」); a one-word message counts when the word is Vietnamese and
    typed with an accent (「chào」)."""
    words = [w for w in _VI_LETTERS.findall(_CAM_ON.sub("camon", _without_accents(plain)))
             if w not in NEUTRAL_WORDS]
    vietnamese = sum(1 for w in words if w in _VI_WORDS)
    if vietnamese == 0:
        return False
    english = sum(1 for w in words if w in EN_CUES and w not in NEUTRAL_WORDS and w not in _VI_LOANS
                  and w not in _VI_WORDS)
    other = max(sum(1 for w in words if w in cues) for cues in _LATIN_CUES.values())
    if vietnamese == 1:
        return len(words) == 1 and (not plain.isascii() or words[0] == "camon") and not _HIRAGANA.search(plain)
    return vietnamese > english and vietnamese > other
# --- end of the Vietnamese block ---------------------------------------------------------------


def recognised_language(text: Any) -> Optional[str]:
    """The code of a language Maina-chan recognises but does not speak, or None.

    Korean, Thai, Nepali (Devanagari) and Burmese by script; Chinese by Han characters or
    words Japanese does not use, with no kana; Vietnamese by its letters; Spanish,
    Portuguese, Tagalog and Indonesian by at least two of their frequent words and more of
    them than English ones.
    """
    if not isinstance(text, str):
        return None
    plain = _plain(text)
    if not plain.strip() or plain.lstrip().startswith("/"):
        return None
    for code, script in _SCRIPTS:
        if script.search(plain):
            if code == "ko" and not is_korean(plain):
                continue  # a Japanese sentence quoting a Korean word (Korean block)
            return code
    if looks_chinese(plain):
        return "zh"
    if _VIETNAMESE.search(plain) or vietnamese_words(plain):
        return "vi"
    words = _LATIN_WORD.findall(plain)
    if not words:
        return None
    english = sum(1 for w in words if w in EN_CUES and w not in NEUTRAL_WORDS)
    best, best_count = None, 0
    for code, cues in _LATIN_CUES.items():
        count = sum(1 for w in words if w in cues)
        if count > best_count:
            best, best_count = code, count
    if best_count >= 2 and best_count > english:
        return best
    return None


def detect_language(text: Any) -> Optional[str]:
    """"ja", "en", one of :data:`RECOGNISED`, or None when the message does not say
    (see the module docstring)."""
    if not isinstance(text, str):
        return None
    plain = _plain(text).strip()
    if not plain or plain.startswith("/"):
        return None
    wanted = switch_request(plain) or korean_request(plain)
    if wanted:
        return wanted
    if _NO_JAPANESE.search(plain):
        return EN
    if _WANT_JA.search(plain):
        return JA
    if _WANT_EN.search(plain):
        return EN
    other = recognised_language(plain)
    if other:
        return other

    rest = _DATE_JA.sub(" ", plain)
    if han_undecided(rest):
        return None
    japanese = _JAPANESE.findall(rest)
    cues, words, strong = english_words(rest)
    if japanese:
        latin_letters = sum(1 for c in rest if "a" <= c <= "z")
        # English grammar around a few Japanese terms: "How do I register my マイナ保険証?"
        if not _HIRAGANA.search(rest) and cues >= 2 and latin_letters > len(japanese):
            return EN
        return JA
    if cues == 0 or not strong:
        return None
    # Most Latin words must be English; a single cue word decides a one- or two-word message.
    if cues * 3 >= words:
        return EN
    return None
