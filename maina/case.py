"""What a resident says about their own case, read from one message.

「盗まれて警察に届けた」 → reason ``stolen``, proof ``yes``; 「急ぎで、電子証明書はいらない」 →
express, certificates ``without``; 「来週苫小牧に引っ越してくる」 → move ``in`` on a date;
「署名用の暗証番号を5回間違えた」 → PIN ``signing``; 「耳が聞こえない」 → caller ``hearing``.

The calculator's answers (fee, deadlines, whom to call now, PINs) change with these; the NLU
component maina_rasa.nlu.case turns them into entities, the actions read them back from slots.
Cue words are regular expressions over the NFKC, lower-cased message. The urgent,
cannot-phone, IP-phone and bereaved cues are the conversation's own (maina/conversation.yml),
not a second list.
Pure functions; ``today`` is passed in.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import List, Optional, Pattern, Tuple

from maina import conversation, event_dates, facts
from maina.event_dates import EventDate

# Reasons for a new card, as maina.fees knows them.
LOST, STOLEN, DAMAGED, DISASTER = "lost", "stolen", "damaged", "disaster"
REMARKS_FULL, OFFICE_ERROR, EXPIRED = "remarks_full", "office_error", "expired"
LOSS_EVENTS = (LOST, STOLEN, DAMAGED, DISASTER)  # reasons that happen on a day
# The PIN kinds as the answers tell them apart: the two certificate PINs, and the two PINs
# only the counter resets (住民基本台帳用・券面事項入力補助用: same digits, same way to unlock).
PIN_KINDS = ("signing", "user", "counter_only")
DONT_KNOW = "unknown"  # a slot value: the resident said they do not know
MOVE_IN, MOVE_OUT, MOVE_WITHIN = "in", "out", "within"
HEARING, IP_PHONE, FOREIGN = "hearing", "ip_phone", "foreign"


def _re(*patterns: str) -> Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# First match wins: 「盗まれてなくなった」 is a theft, 「火事で燃えて壊れた」 a disaster. The last pattern of
# each: the words Chinese, Korean and Vietnamese residents use (issue 15).
_REASONS: Tuple[Tuple[str, Pattern[str]], ...] = (
    (REMARKS_FULL, _re(r"追記欄.{0,6}(?:いっぱい|一杯|埋ま|うま|足りな|たりな|満杯|余白|書くところ|書く場所)",
                       r"remarks? (?:field|column|space).{0,12}(?:full|no (?:more )?(?:space|room))")),
    (OFFICE_ERROR, _re(r"(?:役所|市役所|市|区役所|職員|窓口)(?:の|が)(?:ミス|間違|まちが|誤)",
                       r"(?:office|city|staff)(?:'s)? (?:mistake|error)")),
    (EXPIRED, _re(r"期限(?:が)?切れ|期限(?:が)?過ぎ|失効", r"\bexpired\b")),
    (STOLEN, _re(r"盗まれ|ぬすまれ|盗難|盗られ|とられ|取られ|すられ|スられ|スリ|ひったくり|空き巣|置き引き",
                 r"\bstolen\b|\btheft\b|\bpickpocket|\brobbed\b|\bsnatched\b",
                 r"被偷|被盗|偷走|被抢|扒手|도난|도둑|훔쳐|소매치기|bị trộm|bi trom|móc túi|moc tui|bị cướp|bi cuop")),
    (DISASTER, _re(r"火事|火災|燃え|もえ|焼け|焼失|災害|地震|水害|浸水|津波|洪水|台風|罹災|被災",
                   r"\bfire\b|\bburn(?:t|ed)?\b|\bflood|\bdisaster|\bearthquake|\btsunami|\btyphoon",
                   r"火灾|着火|烧了|烧掉|烧坏|受灾|水灾|화재|불에\s*타|불타|이재|침수|홍수|"
                   r"bị cháy|bi chay|cháy nhà|chay nha|"
                   r"hỏa hoạn|hoa hoan|thiên tai|thien tai|động đất|dong dat|ngập lụt|ngap lut")),
    (DAMAGED, _re(r"割れ|われ|折れ|おれ|曲が|まが|壊れ|こわれ|壊し|こわし|破損|損傷|傷が|ヒビ|ひび|"
                  r"踏ん|ふん(?:で|じゃ)|"
                  r"読み取れな|読めな|よめな|反応しな|使えなくな|欠け|はげ|剥げ|洗濯|水没|濡れ|ぬれ|溶け",
                  r"\bbroken\b|\bbroke\b|\bcrack|\bdamaged?\b|\bsnapped\b|\bbent\b|\bwashed\b|\bscratch|"
                  r"\bdoes(?:n't| not) (?:work|read)",
                  r"坏了|弄坏|折断|裂开|断了|破损|读不出|부러|깨졌|깨져|파손|고장|휘어|금이\s*갔|"
                  r"bị gãy|bi gay|bị nứt|bi nut|bị hỏng|bi hong|bị hư|bi hu|bị cong|bi cong")),
    (LOST, _re(r"なくし|なくな|紛失|落とし|見当たら|みあたら|見つからな|みつからな|置き忘れ"
               r"|どこかに(?:いっ|やっ)|行方不明",
               r"\blost\b|\blose\b|\bmisplaced\b|\bcan'?t find\b|\bcannot find\b|\bdropped\b|\bmissing\b",
               r"丢了|丢失|弄丢|不见了|找不到|遗失|掉了|잃어버|분실|잃었|없어졌|"
               r"bị mất|bi mat the|the bi mat|mất thẻ|mat the|làm mất|lam mat|"
               r"đánh rơi|danh roi|không tìm thấy|khong tim thay")),
)

_WITHOUT_CERTS = _re(
    r"(?:電子)?証明書(?:は|を|が|の)?(?:いらな|要らな|不要|なし|無し|無しで|つけな|付けな|のせな|載せな|入れな|搭載しな|搭載なし|いれな)",
    r"証明書なし|証明書抜き",
    r"\bwithout (?:the |any )?(?:electronic )?certificates?\b|\bno (?:electronic )?certificates?\b|"
    r"\bdon'?t (?:need|want) (?:the |any )?(?:electronic )?certificates?\b")
_WITH_CERTS = _re(
    r"(?:電子)?証明書(?:も|あり|付き|つき|込み|入り)|(?:電子)?証明書(?:を|も)?(?:のせ|載せ|入れ|いれ|つけ|付け|搭載し)(?:て|たい|る|ます)",
    r"\bwith (?:the )?(?:electronic )?certificates?\b|\bincluding (?:the )?certificates?\b")
_EXPRESS = _re(r"特急|とっきゅう|急行", r"\bexpress\b|\bexpedite|\bfast[- ]track")

_PROOF_NO = _re(
    r"(?:届け|届|出し|だし|提出し|もらっ|貰っ)(?:て)?(?:い)?な(?:い|くて|かった)|まだ(?:届|出し|だし|警察|もらっ)|"
    r"(?:届|証明書?|受理番号)(?:は|が|も)?(?:ない|なし|無い|無し)|警察(?:に|へ)?(?:は)?(?:行って|言って|届けて)(?:い)?ない",
    r"\bnot (?:yet )?reported\b|\bhaven'?t reported\b|\bno (?:police )?report\b|\bno (?:fire|disaster) certificate\b|"
    r"\bdidn'?t report\b|\bnot (?:yet )?(?:been )?to the police\b")
_PROOF_YES = _re(
    r"(?:盗難届|被害届|遺失届|罹災証明書?|罹災届|届け?出?)(?:を|は|も)?(?:出し|だし|提出|届け|もらっ|貰っ|ある|あり|済)",
    r"警察(?:に|へ)(?:届け|とどけ|言っ|いっ|行っ|連絡し|相談し)|受理番号(?:が|は|も)?(?:ある|あり|もらっ|わかる)",
    r"消防(?:署)?(?:で|から)(?:証明|罹災)",
    r"\breported (?:it |the theft |the loss )?to the police\b|\bhave (?:a |the )?(?:police report|report number|"
    r"disaster certificate|fire certificate)\b|\bpolice report number\b",
    r"罹灾证明|受灾证明|报警了|报案了|이재\s*증명서|도난\s*신고(?:를)?\s*했|분실\s*신고(?:를)?\s*했|"
    r"đã báo công an|da bao cong an|giấy chứng nhận thiệt hại|giay chung nhan thiet hai")

_PIN_KINDS: Tuple[Tuple[str, Pattern[str]], ...] = (
    ("signing", _re(r"署名用|しょめいよう|英数字|6(?:〜|~|-|から)16|e-?tax|確定申告",
                    r"\bsigning\b|\bsignature\b|\b6 ?(?:to|-) ?16\b")),
    ("user", _re(r"利用者証明|りようしゃしょうめい|ログイン用|ログインの|マイナポータルの",
                 r"\buser(?:-| )?(?:certificate|authentication)\b|\blog-?in pin\b")),
    ("counter_only", _re(r"住民基本台帳|住基|じゅうき|券面事項|券面|入力補助|けんめん",
                         r"\bresident(?:s)? regist|\bcard[- ]info(?:rmation)?\b")),
)
_PIN_TRIES = re.compile(r"(\d+)\s*(?:回|度|times?|tries)")
_PIN_WORDS = re.compile(r"暗証番号|パスワード|pin|password|passcode")

_MOVE_IN = _re(r"引っ?越してく|ひっこしてく|引っ?越してき|ひっこしてき|越してくる|越してきた|転入|市外から|町外から|"
               r"(?:他|ほか|別|よそ)の?(?:市|町|村|県|都|区|まち)から|移り住|移ってく|移ってき",
               r"\bmov(?:e|ed|ing) (?:in|into|here|to (?:this city|here))\b|\bmoved here\b|\bmoving here\b",
               r"\brelocat\w* (?:to|here)")
_MOVE_OUT = _re(r"転出|市外へ|市外に|町外へ|(?:他|ほか|別|よそ)の?(?:市|町|村|県|都|区|まち)(?:へ|に)|引っ?越してい|"
                r"出ていく|出て行く|出ていき|離れる",
                r"\bmov(?:e|ed|ing) (?:out|away)\b|\bleav(?:e|ing) (?:the city|town)\b",
                r"\bmov(?:e|ing) to another (?:city|town)\b")
_MOVE_WITHIN = _re(r"市内で|市内の|市内に|同じ市|転居", r"\bwithin the city\b|\bin the same city\b")
_MOVE_TO_PLACE = re.compile(r"([一-龥ァ-ヶ]{2,})(?:市|町|村|県|都|府|区)?(?:に|へ)(?:引っ?越|ひっこ|転居|移)")
_MOVE_ANY = _re(r"引っ?越|ひっこ|越して(?:き|く|い)|越した|転入|転出|転居|移り住|移って|\bmov(?:e|ed|ing)\b|\brelocat")
_PAST_TENSE = _re(r"(?:し|き|い|っ|ん)た(?:$|[。、！？!?\s]|けど|が|ので|から|んだ|んです|のに|ばかり|ところ)"
                  r"|ました|済",
                  r"\b(?:moved|lost|dropped|ago|yesterday|last)\b")
_FUTURE_TENSE = _re(r"予定|つもり|する(?:$|[。、！？!?\s]|けど|が|ので|から|んだ|んです|の|予定|とき)"
                    r"|します|来週|来月|明日|あした|再来",
                    r"\b(?:will|going to|plan(?:ning)?|next|tomorrow|soon)\b")

_FOREIGN = _re(r"外国語|英語で|中国語|韓国語|スペイン語|ポルトガル語|日本語(?:が|は)?(?:話せな|苦手|わからな|できな)",
               r"\bforeign language|\bin english\b|\bdon'?t speak japanese\b|\bno japanese\b|\bcan'?t speak japanese\b")


def cue_text(text: Optional[str]) -> str:
    return conversation.cue_text(text)


def _situation(name: str) -> Optional[conversation.Situation]:
    return next((s for s in conversation.tables().situations if s.name == name), None)


def reason(text: str) -> Optional[str]:
    """Why a new card is needed: lost, stolen, damaged, disaster, remarks_full, office_error,
    expired; None when the message does not say (or speaks of a death, not a lost card)."""
    message = cue_text(text)
    bereaved = _situation("bereaved")
    for code, pattern in _REASONS:
        if pattern.search(message):
            if code == LOST and bereaved is not None and bereaved.applies_to(message):
                return None
            return code
    return None


_COST = _re(r"手数料|いくら|幾ら|いかほど|費用|料金|お金|金額|何円|無料|タダ|有料",
            r"\bhow much\b|\bcost|\bfees?\b|\bprice\b|\bfree\b|\bpay\b",
            r"多少钱|费用|收费|免费|얼마|비용|수수료|무료",
            r"bao nhiêu|bao nhieu|lệ phí|le phi|mất tiền|mat tien|miễn phí|mien phi")


def asks_cost(text: str) -> bool:
    """The message asks what something costs (or whether it is free)."""
    return bool(_COST.search(cue_text(text)))


def certificates(text: str) -> Optional[bool]:
    """True: with the electronic certificates, False: without, None: not said."""
    message = cue_text(text)
    if _WITHOUT_CERTS.search(message):
        return False
    if _WITH_CERTS.search(message):
        return True
    return None


def express(text: str) -> bool:
    """特急発行 asked for, or in a hurry (the conversation's urgent cues)."""
    message = cue_text(text)
    urgent = _situation("urgent")
    return bool(_EXPRESS.search(message)) or bool(urgent and any(c.search(message) for c in urgent.cues))


def proof(text: str) -> Optional[bool]:
    """Has the police report (盗難届 receipt number) or the fire station's 罹災証明? None: not said."""
    message = cue_text(text)
    if _PROOF_NO.search(message):
        return False
    if _PROOF_YES.search(message):
        return True
    return None


_YES = _re(r"^(?:はい|うん|ええ|ある|あります|あるよ|出した|出しました|だした|届けた|届けました"
           r"|もらった|もらいました|済み|済んで|"
           r"yes|yeah|yep|i do|i have|done)")
_NO = _re(r"^(?:いいえ|いや|ううん|ない|ないです|ありません|まだ|まだです|出してない|出していない|届けてない|"
          r"no\b|nope|not yet|i don'?t|i haven'?t)")


def yes_no(text: str) -> Optional[bool]:
    """A short answer to Maina-chan's yes/no question (「はい」「まだです」「出した」); None otherwise."""
    message = cue_text(text).strip()
    said = proof(message)
    if said is not None:
        return said
    if _NO.search(message):
        return False
    if _YES.search(message):
        return True
    return None


def pin_kind(text: str) -> Optional[str]:
    """Which PIN (PIN_KINDS): named (署名用…), or told by the tries (only the signing PIN
    takes more wrong tries than the user-certificate PIN's lock count)."""
    message = cue_text(text)
    for kind, pattern in _PIN_KINDS:
        if pattern.search(message):
            return kind
    tries = pin_tries(message)
    if tries is not None and tries > int(facts.value("pin.user_lock_tries")):
        return "signing"
    return None


def pin_tries(text: str) -> Optional[int]:
    """Wrong tries the resident counted (「3回間違えた」), when PINs are the subject."""
    message = cue_text(text)
    tries = _PIN_TRIES.search(message)
    return int(tries.group(1)) if tries and _PIN_WORDS.search(message) else None


_DONT_KNOW = _re(r"わから|分から|わかりません|不明|覚えてな|おぼえてな|忘れ(?:た|ちゃ)|知らな|しらな|さあ",
                 r"\bdon'?t know\b|\bnot sure\b|\bno idea\b|\bcan'?t remember\b|\bforgot\b")


def dont_know(text: str) -> bool:
    """「わからない」「覚えてない」: the resident cannot answer Maina-chan's question."""
    return bool(_DONT_KNOW.search(cue_text(text)))


def move_direction(text: str) -> Optional[str]:
    """in: moving into the city, out: to another city, within: inside the city; None: not said."""
    message = cue_text(text)
    city = str(facts.value("city.name")).removesuffix("市")
    city_en = str(facts.value("city.name_en")).lower().removesuffix(" city")
    elsewhere = _MOVE_TO_PLACE.search(message)
    if re.search(f"\\b(?:mov(?:e|ed|ing)|relocat\\w*) (?:in)?to {city_en}\\b", message):
        return MOVE_IN
    if re.search(f"\\b(?:mov(?:e|ed|ing)|relocat\\w*) (?:out )?(?:of|from|away from) {city_en}\\b", message):
        return MOVE_OUT
    if re.search(f"{city}(?:市)?(?:内|の中)で", message):
        return MOVE_WITHIN
    if re.search(f"{city}(?:市)?から", message):
        return MOVE_OUT
    if re.search(f"{city}(?:市)?(?:に|へ)", message) and _MOVE_ANY.search(message):
        return MOVE_IN
    if _MOVE_OUT.search(message) or (elsewhere and city not in elsewhere.group(1)):
        return MOVE_OUT
    if _MOVE_WITHIN.search(message):
        return MOVE_WITHIN
    if _MOVE_IN.search(message):
        return MOVE_IN
    return None


def mentions_move(text: str) -> bool:
    return bool(_MOVE_ANY.search(cue_text(text)))


def caller(text: str) -> Optional[str]:
    """Who is calling, where it changes the number: hearing (fax first), ip_phone (050
    numbers), foreign (the foreign-language line)."""
    message = cue_text(text)
    for situation, who in (("cannot_phone", HEARING), ("ip_phone", IP_PHONE)):
        cues = _situation(situation)
        if cues is not None and cues.applies_to(message):
            return who
    if _FOREIGN.search(message):
        return FOREIGN
    return None


_STOP_CARD = _re(r"(?:カード|機能)?(?:を)?(?:止め|とめ|停止)(?:たい|て|る|たら|なきゃ)",
                 r"\bstop (?:my|the) card\b|\bsuspend\b|\bblock (?:my|the) card\b")


def wants_to_stop(text: str) -> bool:
    """The resident wants their card stopped now: they say so, or that it is lost or stolen."""
    message = cue_text(text)
    return bool(_STOP_CARD.search(message)) or reason(message) in (LOST, STOLEN)


_CITY_OFFICE = _re(r"市役所|窓口|市の担当|市の電話", r"\bcity (?:office|hall)\b|\bcounter\b")


def mentions_city_office(text: str) -> bool:
    """The message is about the city office (市役所・窓口), not the national call centre."""
    return bool(_CITY_OFFICE.search(cue_text(text)))


def where_in_time(text: str, about: str) -> str:
    """Where a date without a year goes: a loss is in the past; a move by the verb's tense."""
    if about == "loss":
        return event_dates.PAST
    message = cue_text(text)
    if _FUTURE_TENSE.search(message):
        return event_dates.FUTURE
    if _PAST_TENSE.search(message):
        return event_dates.PAST
    return event_dates.NEAR


@dataclass(frozen=True)
class Event:
    """The day of a loss (``about="loss"``) or of a move (``about="move"``)."""

    about: str
    when: EventDate
    start: int
    end: int


def events(text: str, today: _dt.date) -> List[Event]:
    """Dates the message gives for its move or loss. A date with neither cue is not an event
    (a birth or issue date belongs to the expiry calculator)."""
    about = "move" if mentions_move(text) else "loss" if reason(text) in LOSS_EVENTS else None
    if about is None:
        return []
    where = where_in_time(text, about)
    found = []
    for mention in event_dates.find(text, today, where):
        when = mention.when
        if about == "loss":  # a loss is never ahead (「来週必要なのになくした」: 来週 is not the loss)
            if when.first > today:
                continue
            when = EventDate(when.first, min(when.last, today))
        found.append(Event(about, when, mention.start, mention.end))
    return found
