"""Residence statuses (在留資格) of foreign residents and how each affects the card's validity.

Categories (guidebook p.4 "外国人住民の場合の有効期限"; rules "Card validity"):

===========================  =================================================================
``national_like``            永住者, 特別永住者, 高度専門職2号: same as Japanese nationals
``mid_long_term``            every other 中長期在留者: the earlier of the period-of-stay end and
                             the birthday limit; 有効期間変更 at the counter after a stay renewal
``temporary_refuge``         一時庇護許可者: until the end of the landing period (上陸期間)
``provisional_stay``         仮滞在許可者: until the end of the provisional-stay period
``transitional_birth``       出生による経過滞在者: until the day 60 days after birth have passed
``transitional_nationality`` 国籍喪失による経過滞在者: likewise from the loss of nationality
``not_eligible``             短期滞在, 外交, 公用: not registered residents, no card
``foreign_unspecified``      「外国人です」 with no status yet: the card may end with a period of
                             stay, so the calculator asks for it (or for 永住者 etc.)
===========================  =================================================================

A status counts only when the resident states it as theirs (:func:`stated_status`): 「留学生です」,
「在留資格は留学」, "I'm a student", a bare answer 「永住者」 — not 「留学生の友達が」, "I'm not a
student any more", 「永住者の配偶者ではなく永住者です」 (→ 永住者) or "I was born in Japan".
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

NATIONAL_LIKE = "national_like"
MID_LONG_TERM = "mid_long_term"
TEMPORARY_REFUGE = "temporary_refuge"
PROVISIONAL_STAY = "provisional_stay"
TRANSITIONAL_BIRTH = "transitional_birth"
TRANSITIONAL_NATIONALITY = "transitional_nationality"
NOT_ELIGIBLE = "not_eligible"
FOREIGN_UNSPECIFIED = "foreign_unspecified"

CATEGORIES = (
    NATIONAL_LIKE,
    MID_LONG_TERM,
    TEMPORARY_REFUGE,
    PROVISIONAL_STAY,
    TRANSITIONAL_BIRTH,
    TRANSITIONAL_NATIONALITY,
    NOT_ELIGIBLE,
    FOREIGN_UNSPECIFIED,
)
# categories whose card ends with a period given by the user (stay_end)
PERIOD_BOUND = frozenset({MID_LONG_TERM, TEMPORARY_REFUGE, PROVISIONAL_STAY})
# the status a stated period of stay implies when no status was said
MID_LONG_TERM_KEY = "中長期在留者"
TRANSITIONAL = frozenset({TRANSITIONAL_BIRTH, TRANSITIONAL_NATIONALITY})


@dataclass(frozen=True)
class ResidenceStatus:
    key: str  # canonical Japanese name: 永住者
    name_en: str  # English name used by the Immigration Services Agency: Permanent Resident
    category: str  # one of CATEGORIES


# canonical name, English name, category, extra aliases (Japanese or English)
_TABLE: Tuple[Tuple[str, str, str, Tuple[str, ...]], ...] = (
    ("日本人", "Japanese national", NATIONAL_LIKE, ("日本国籍", "japanese", "japanese national", "japanese citizen")),
    ("永住者", "Permanent Resident", NATIONAL_LIKE,
     ("永住", "永住権", "permanent resident", "permanent residency", "permanent residence", "pr")),
    ("特別永住者", "Special Permanent Resident", NATIONAL_LIKE, ("特別永住", "special permanent resident")),
    ("高度専門職2号", "Highly Skilled Professional (ii)", NATIONAL_LIKE,
     ("高度専門職第2号", "高度専門職二号", "高度人材2号", "highly skilled professional ii",
      "highly skilled professional 2", "highly skilled professional no 2", "hsp ii", "hsp 2", "hsp2")),
    ("高度専門職1号", "Highly Skilled Professional (i)", MID_LONG_TERM,
     ("高度専門職第1号", "高度専門職1号イ", "高度専門職1号ロ", "高度専門職1号ハ", "高度専門職一号",
      "highly skilled professional i", "highly skilled professional 1", "hsp i", "hsp 1", "hsp1")),
    ("技術・人文知識・国際業務", "Engineer/Specialist in Humanities/International Services", MID_LONG_TERM,
     ("技人国", "技術人文知識国際業務", "engineer specialist in humanities international services",
      "engineer", "specialist in humanities", "work visa", "working visa")),
    ("留学", "Student", MID_LONG_TERM, ("student", "student visa", "留学生")),
    ("家族滞在", "Dependent", MID_LONG_TERM, ("dependent", "dependant", "dependent visa", "family visa")),
    ("定住者", "Long-Term Resident", MID_LONG_TERM, ("long term resident",)),
    ("日本人の配偶者等", "Spouse or Child of Japanese National", MID_LONG_TERM,
     ("日本人の配偶者", "spouse or child of japanese national", "spouse of japanese national",
      "spouse of japanese", "spouse visa")),
    ("永住者の配偶者等", "Spouse or Child of Permanent Resident", MID_LONG_TERM,
     ("永住者の配偶者", "spouse or child of permanent resident", "spouse of permanent resident")),
    ("技能実習", "Technical Intern Training", MID_LONG_TERM,
     ("技能実習1号", "技能実習2号", "技能実習3号", "技能実習生", "technical intern training", "technical intern")),
    ("育成就労", "Employment for Skill Development", MID_LONG_TERM, ("employment for skill development",)),
    ("特定技能", "Specified Skilled Worker", MID_LONG_TERM,
     ("特定技能1号", "特定技能2号", "specified skilled worker", "specified skilled worker i",
      "specified skilled worker ii", "ssw")),
    ("経営・管理", "Business Manager", MID_LONG_TERM, ("経営管理", "business manager", "business management")),
    ("企業内転勤", "Intra-company Transferee", MID_LONG_TERM, ("intra company transferee",)),
    ("技能", "Skilled Labor", MID_LONG_TERM, ("skilled labor", "skilled labour")),
    ("介護", "Nursing Care", MID_LONG_TERM, ("nursing care",)),
    ("教授", "Professor", MID_LONG_TERM, ("professor",)),
    ("芸術", "Artist", MID_LONG_TERM, ("artist",)),
    ("宗教", "Religious Activities", MID_LONG_TERM, ("religious activities",)),
    ("報道", "Journalist", MID_LONG_TERM, ("journalist",)),
    ("法律・会計業務", "Legal/Accounting Services", MID_LONG_TERM, ("法律会計業務", "legal accounting services")),
    ("医療", "Medical Services", MID_LONG_TERM, ("medical services",)),
    ("研究", "Researcher", MID_LONG_TERM, ("researcher",)),
    ("教育", "Instructor", MID_LONG_TERM, ("instructor",)),
    ("興行", "Entertainer", MID_LONG_TERM, ("entertainer",)),
    ("文化活動", "Cultural Activities", MID_LONG_TERM, ("cultural activities",)),
    ("研修", "Trainee", MID_LONG_TERM, ("trainee",)),
    ("特定活動", "Designated Activities", MID_LONG_TERM, ("designated activities", "working holiday")),
    ("一時庇護", "Landing Permission for Temporary Refuge", TEMPORARY_REFUGE,
     ("一時庇護許可者", "一時庇護のための上陸許可", "temporary refuge",
      "landing permission for temporary refuge")),
    ("仮滞在", "Provisional Stay", PROVISIONAL_STAY,
     ("仮滞在許可者", "provisional stay", "provisional stay permission")),
    ("出生による経過滞在者", "Transitional stay after birth in Japan", TRANSITIONAL_BIRTH,
     ("出生による経過滞在", "transitional stay after birth")),
    ("国籍喪失による経過滞在者", "Transitional stay after loss of Japanese nationality", TRANSITIONAL_NATIONALITY,
     ("国籍喪失による経過滞在", "日本国籍喪失", "国籍喪失", "loss of japanese nationality",
      "transitional stay after loss of nationality", "lost japanese nationality")),
    ("短期滞在", "Temporary Visitor", NOT_ELIGIBLE,
     ("temporary visitor", "tourist", "tourist visa", "short term stay")),
    ("外交", "Diplomat", NOT_ELIGIBLE, ("diplomat", "diplomatic")),
    ("公用", "Official", NOT_ELIGIBLE, ("official",)),
    # not statuses themselves: what residents say when they do not name one
    (MID_LONG_TERM_KEY, "Mid- to long-term resident", MID_LONG_TERM,
     ("中長期", "mid to long term resident", "mid-long term resident", "medium to long term resident",
      "mid long term resident")),
    ("外国人住民", "Foreign resident", FOREIGN_UNSPECIFIED,
     ("外国人", "外国籍", "foreigner", "foreign resident", "foreign national", "not japanese")),
)

# ---- Chinese (zh) names ----------------------------------------------------------------------
# Simplified Chinese forms of the statuses, as Chinese residents write them (issue 15): the
# Immigration Services Agency's Chinese materials keep the Japanese names in simplified characters
# (技能实习, 技术・人文知识・国际业务), residents add 签证 ("visa").
_ZH_ALIASES: Dict[str, Tuple[str, ...]] = {
    "永住者": ("永住签证", "永驻"),
    "特別永住者": ("特别永住者", "特别永住"),
    "高度専門職2号": ("高度专门职2号", "高度专门职第2号", "高度人才2号"),
    "高度専門職1号": ("高度专门职1号", "高度专门职第1号", "高度人才1号"),
    "技術・人文知識・国際業務": ("技术・人文知识・国际业务", "技术人文知识国际业务", "技人国", "工作签证", "工作签"),
    "留学": ("留学签证", "留学签"),
    "家族滞在": ("家族滞在签证", "家属签证", "家族签证", "陪读签证"),
    "定住者": ("定住签证", "定住"),
    "日本人の配偶者等": ("日本人配偶者", "日本人的配偶者", "日本人配偶者等", "日配"),
    "永住者の配偶者等": ("永住者配偶者", "永住者的配偶者", "永配"),
    "技能実習": ("技能实习", "技能实习生", "技能实习签证", "实习生"),
    "特定技能": ("特定技能1号", "特定技能2号", "特定技能签证"),
    "経営・管理": ("经营・管理", "经营管理", "经管签证", "经营管理签证"),
    "企業内転勤": ("企业内转勤",),
    "介護": ("护理签证", "介护"),
    "特定活動": ("特定活动",),
    "短期滞在": ("旅游签证", "短期签证"),
}
_TABLE = tuple((name, name_en, category, aliases + _ZH_ALIASES.get(name, ()))
               for name, name_en, category, aliases in _TABLE)
# 「我是留学生，…」「在留资格是永住者」 state a status; 「我不是留学生」「以前是留学」 do not
_ZH_STATED_BEFORE = re.compile(r"(?:我是|我现在是|现在是|我属于|在留资格是|在留资格:|签证是|我的签证是|"
                               r"我拿的是|我持有)\s*$")
_ZH_NEGATED_BEFORE = re.compile(r"(?:不是|以前是|之前是|原来是|曾经是)\s*$")
# ---- end Chinese -----------------------------------------------------------------------------
# --- Vietnamese names (issue 15), as Vietnamese residents say them; with and without diacritics.
_VI_ALIASES: Dict[str, Tuple[str, ...]] = {
    "永住者": ("vĩnh trú", "vinh tru", "người vĩnh trú", "nguoi vinh tru"),
    "特別永住者": ("vĩnh trú đặc biệt", "vinh tru dac biet"),
    "高度専門職2号": ("chuyên gia tay nghề cao số 2", "chuyên gia trình độ cao số 2"),
    "高度専門職1号": ("chuyên gia tay nghề cao số 1", "chuyên gia trình độ cao số 1"),
    "技術・人文知識・国際業務": ("kỹ sư", "ky su", "kỹ thuật nhân văn quốc tế", "gijinkoku"),
    "留学": ("du học", "du hoc", "du học sinh", "du hoc sinh"),
    "家族滞在": ("lưu trú gia đình", "đoàn tụ gia đình", "visa gia đình", "visa gia dinh", "visa phụ thuộc"),
    "定住者": ("định cư", "dinh cu", "người định cư"),
    "日本人の配偶者等": ("vợ chồng người nhật", "vo chong nguoi nhat", "vợ/chồng người nhật", "visa kết hôn"),
    "永住者の配偶者等": ("vợ chồng người vĩnh trú", "vợ/chồng người vĩnh trú"),
    "技能実習": ("thực tập sinh", "thuc tap sinh", "thực tập kỹ năng", "thuc tap ky nang"),
    "特定技能": ("kỹ năng đặc định", "ky nang dac dinh", "tokutei ginou", "tokutei"),
    "経営・管理": ("kinh doanh quản lý", "visa kinh doanh"),
    "企業内転勤": ("chuyển công tác nội bộ",),
    "特定活動": ("hoạt động đặc định", "hoat dong dac dinh"),
    "短期滞在": ("lưu trú ngắn hạn", "visa du lịch", "visa ngắn hạn"),
    "外国人住民": ("người nước ngoài", "nguoi nuoc ngoai"),
}
_TABLE = tuple((name, name_en, category, aliases + _VI_ALIASES.get(name, ()))
               for name, name_en, category, aliases in _TABLE)
# said as one's own: 「tôi là vĩnh trú」「em visa du học」「mà là kỹ năng đặc định」「tư cách lưu trú: định cư」
_VI_STATED_BEFORE = re.compile(
    r"(?:(?<![^\W\d_])(?<!bạn )(?<!ban )(?:tôi|toi|em|mình|minh|tớ|anh|chị|chi|vợ|chồng)\s+"
    r"(?:(?:hiện |đang |hien |dang )?(?:là|la|có|co|cầm|theo|bên|ben|đi|di)\s+)?(?:(?:visa|diện|dien)\s+)?"
    r"|(?<![^\W\d_])(?:mà là|ma la|visa|diện|dien|tư cách lưu trú|tu cach luu tru)\s*(?:(?:là|la)\s*|:\s*)?)$"
)
_VI_NEGATED_BEFORE = re.compile(
    r"(?:không phải|khong phai|ko phải|ko phai|không còn|khong con|trước là|truoc la|trước đây là|hồi trước là)"
    r"\s*(?:là\s*|la\s*)?(?:visa\s*)?$"
)

_ARTICLES = re.compile(r"\b(?:a|an|the)\b")


def _key(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).lower()
    s = s.replace("ⅱ", "ii").replace("ⅰ", "i")
    s = re.sub(r"\bno\.?\s*", "no ", s)
    s = _ARTICLES.sub(" ", s)
    s = s.replace("第", "")
    return re.sub(r"[\s・･/\-()（）「」『』.,、。:：\"'’]+", "", s)


def _build_index() -> Dict[str, ResidenceStatus]:
    index: Dict[str, ResidenceStatus] = {}
    for name, name_en, category, aliases in _TABLE:
        status = ResidenceStatus(name, name_en, category)
        for alias in (name, name_en) + aliases:
            index.setdefault(_key(alias), status)
    return index


_INDEX = _build_index()
# names too short or too generic to count inside a sentence without a clear statement
# (「介護の仕事」 is a job, 「医療費」 a cost): see _JA_WEAK_STATED_AFTER
_NO_SUBSTRING = frozenset(_key(a) for a in ("pr", "hsp1", "hsp2", "ssw", "技能", "教育", "医療", "研究", "報道",
                                            "宗教", "芸術", "介護", "研修", "興行", "official", "japanese",
                                            "永住", "日本人"))


def normalise_status(text: Optional[str]) -> Optional[ResidenceStatus]:
    """Map a status name in Japanese or English (or a message stating one) to its entry.

    ``"永住者"``, ``"Permanent Resident"``, ``"在留資格は留学です"``, ``"Highly Skilled Professional (ii)"``,
    ``"高度専門職第2号"`` all resolve. Returns None when unknown or ambiguous (``"高度専門職"``
    without its number): the bot should then ask.
    """
    if not text or not isinstance(text, str):
        return None
    return _INDEX.get(_key(text)) or stated_status(text)


# ---------------------------------------------------------------------------------------------
# Is a status stated in a message, as the resident's own?

_SEP = r"[\s・･/\-()（）.,、]*"


def _alias_pattern(alias: str) -> str:
    norm = unicodedata.normalize("NFKC", alias).lower().replace("ⅱ", "ii").replace("ⅰ", "i")
    tokens = [re.escape(t) for t in re.split(r"[\s・･/\-()（）.,、]+", norm) if t]
    body = _SEP.join(tokens)
    return rf"\b{body}\b" if norm.isascii() else body


def _alias_regex() -> "re.Pattern[str]":
    aliases = {}
    for name, name_en, _category, extra in _TABLE:
        for alias in (name, name_en) + extra:
            aliases.setdefault(alias, _INDEX[_key(alias)])
    ordered = sorted(aliases, key=len, reverse=True)
    _ALIAS_STATUS.update({i: aliases[a] for i, a in enumerate(ordered)})
    _ALIAS_WEAK.update(i for i, a in enumerate(ordered) if _key(a) in _NO_SUBSTRING)
    return re.compile("|".join(f"(?P<a{i}>{_alias_pattern(a)})" for i, a in enumerate(ordered)))


_ALIAS_STATUS: Dict[int, ResidenceStatus] = {}
_ALIAS_WEAK: set = set()  # short or generic names (技能, 医療, PR): only with a clear statement
_ALIASES = _alias_regex()

# after the name: a statement (です, ビザ, の在留資格, として, に変わった) or a negation/past
_JA_STATED_AFTER = re.compile(
    r"^\s*(?:者|生)?\s*(?:です|だよ|だ(?=$|[。、!！,]|けど|から)|になります|になりました|になった|に変わ|に変更|"
    r"の(?:在留)?資格|の中長期|ビザ|で(?:す|、|,|。|住|働|滞在|在留|来日|日本|$)|として|を持って|があり|を(?:取|もら)|持ち|の人です|"
    r"(?=$|[。!！]))"
)
_JA_WEAK_STATED_AFTER = re.compile(r"^\s*(?:です|だよ|ビザ|の(?:在留)?資格)")
_JA_NEGATED_AFTER = re.compile(
    r"^\s*(?:者|生)?\s*(?:じゃな|ではな|でな|じゃありま|ではありま|以外|でもな|をやめ|から|だった|でした|ではなくなっ|じゃなくなっ)"
)
_JA_STATED_BEFORE = re.compile(r"(?:在留資格|ビザ|資格|ステータス)\s*(?:は|が|:|：)\s*$")
_JA_NEGATED_BEFORE = re.compile(r"(?:元|前は|以前は|昔は)\s*$")
_EN_STATED_BEFORE = re.compile(
    r"(?:\bi'?m|\bi am|\bwe are|\bwe're|\bmy (?:status|visa|residence status|status of residence) is|"
    r"\bstatus(?: of residence)?:?|\bvisa:?|\bon|\bas|\bbut|\bi have|\bi hold|\bi got)\s+(?:a |an |the )?$"
)
_EN_NEGATED_BEFORE = re.compile(
    r"(?:\bnot|n't|\bno longer|\bnever|\bno more|\bex-|\bformer|\bformerly|\bused to be|\bwas|\bwere)"
    r"\s*(?:a |an |the )?$"
)
_EN_STATED_AFTER = re.compile(r"^\s*(?:visa|status)\b")
_EN_NEGATED_AFTER = re.compile(r"^\s*(?:any ?more|no more|before|previously)\b")
_FILLER = re.compile(
    r"^[\s、。,.!！]*(?:はい|いいえ|いや|yes|no|えっと|えーと|うーん|私は|わたしは|僕は"
    r"|i'?m|i am|it'?s|a|an)?[\s、。,.!！]*$")
_PUNCT_AFTER = re.compile(r"^[\s、。,.!！)）」』]*$")
_CLAUSE_AFTER = re.compile(r"^\s*[、,。.]")
_QUESTION = re.compile(r"[?？]|\b(?:do|does|can|should|is|are)\b|ですか|ますか")


# --- Korean (ko, issue 15) ----------------------------------------------------------------------
# Korean residents name their status as the Korean pages of the Immigration Services Agency do
# (영주자, 특별영주자, 고도전문직 2호, 기술·인문지식·국제업무, 유학, 가족체재, ...). A Korean message is
# read with the Japanese names and statement words put in (「저는 영주자예요」 → 「저는 永住者です」), so
# the rules below (statements, negations, weak names) apply unchanged.
_HANGUL = re.compile("[\uac00-\ud7a3]")
_KO_NAMES = (  # the longest first
    ("영주자의 배우자 등", "永住者の配偶者等"), ("영주자의 배우자", "永住者の配偶者等"),
    ("영주자 배우자", "永住者の配偶者等"), ("일본인의 배우자 등", "日本人の配偶者等"),
    ("일본인의 배우자", "日本人の配偶者等"), ("일본인 배우자", "日本人の配偶者等"),
    ("배우자 비자", "日本人の配偶者等"),
    ("특별영주자", "特別永住者"), ("특별 영주자", "特別永住者"), ("특별영주", "特別永住者"),
    ("영주권자", "永住者"), ("영주권", "永住権"), ("영주자", "永住者"),
    ("고도전문직 2호", "高度専門職2号"), ("고도 전문직 2호", "高度専門職2号"),
    ("고도전문직 1호", "高度専門職1号"), ("고도 전문직 1호", "高度専門職1号"),
    ("기술·인문지식·국제업무", "技術・人文知識・国際業務"), ("기술 인문지식 국제업무", "技術・人文知識・国際業務"),
    ("기술인문지식국제업무", "技術・人文知識・国際業務"), ("기인국", "技術・人文知識・国際業務"),
    ("취업 비자", "技術・人文知識・国際業務"), ("취업비자", "技術・人文知識・国際業務"),
    ("유학생", "留学生"), ("유학", "留学"), ("가족체재", "家族滞在"), ("가족 체재", "家族滞在"),
    ("가족비자", "家族滞在"),
    ("정주자", "定住者"), ("기능실습생", "技能実習生"), ("기능실습", "技能実習"), ("특정기능", "特定技能"),
    ("경영·관리", "経営・管理"), ("경영관리", "経営・管理"), ("기업내 전근", "企業内転勤"),
    ("기업 내 전근", "企業内転勤"),
    ("특정활동", "特定活動"), ("워킹홀리데이", "working holiday"), ("단기체재", "短期滞在"), ("관광비자", "短期滞在"),
    ("일시비호", "一時庇護"), ("가체재", "仮滞在"), ("외국인", "外国人"), ("외국 국적", "外国籍"),
    ("일본 국적", "日本国籍"), ("일본인", "日本人"),
)
_KO_WORDS_AFTER = (  # statement and negation words after a name
    (r"\s*(?:이|가)?\s*아니", "じゃな"), (r"\s*(?:이었|였)(?:어요|습니다|어)", "だった"),
    (r"\s*(?:예요|이에요|입니다|이요|임|이야|야)(?![가-힣])", "です"), (r"\s*(?:이고|고)(?=[\s,])", "で、"),
    (r"\s*비자", "ビザ"),
    (r"\s*(?:을|를)?\s*(?:가지고|갖고)?\s*있", "があり"),
)
_KO_WORDS_BEFORE = ((r"(?:재류|체류)\s*자격\s*(?:은|는|이|가)?\s*", "在留資格は"),
                    (r"비자\s*(?:은|는|가)\s*", "ビザは"), (r"(?:전에는|예전에는|옛날에는)\s*", "前は"))
_KO_NAME_RE = re.compile("|".join(re.escape(k).replace("\\ ", r"\s*") for k, _ in _KO_NAMES))
_KO_NAME_BY_KEY = {re.sub(r"\s+", "", k): v for k, v in _KO_NAMES}
_KO_AFTER_RE = [(re.compile(r"(?<=[\u3040-\u30ff\u4e00-\u9fffa-z])" + p), v) for p, v in _KO_WORDS_AFTER]
_KO_BEFORE_RE = [(re.compile(p), v) for p, v in _KO_WORDS_BEFORE]


def _from_korean(norm: str) -> str:
    """A Korean message with the Japanese status names and statement words put in."""
    if not _HANGUL.search(norm):
        return norm
    norm = _KO_NAME_RE.sub(lambda m: _KO_NAME_BY_KEY[re.sub(r"\s+", "", m.group(0))], norm)
    for pattern, word in _KO_BEFORE_RE + _KO_AFTER_RE:
        norm = pattern.sub(word, norm)
    return norm
# --- end of the Korean block ---------------------------------------------------------------------


def stated_status(text: Optional[str]) -> Optional[ResidenceStatus]:
    """The status ``text`` states as the resident's own, or None (see the module docstring).

    With several, the last stated one wins: 「永住者の配偶者ではなく永住者です」 → 永住者,
    「留学から技人国に変わりました」 → 技術・人文知識・国際業務.
    """
    if not text or not isinstance(text, str):
        return None
    norm = unicodedata.normalize("NFKC", text).lower().replace("ⅱ", "ii").replace("ⅰ", "i")
    norm = _from_korean(norm)  # Korean block
    stated: Optional[ResidenceStatus] = None
    for m in _ALIASES.finditer(norm):
        index = int(m.lastgroup[1:])
        before, after = norm[max(0, m.start() - 40):m.start()], norm[m.end():m.end() + 40]
        ascii_name = m.group(0).isascii()
        if (_EN_NEGATED_BEFORE if ascii_name else _JA_NEGATED_BEFORE).search(before) or \
                (_EN_NEGATED_AFTER if ascii_name else _JA_NEGATED_AFTER).match(after) or \
                (not ascii_name and _ZH_NEGATED_BEFORE.search(before)) or \
                _VI_NEGATED_BEFORE.search(before):
            continue
        opening = bool(_FILLER.match(norm[:m.start()]))
        # 「永住者」 as the whole answer, or a message that opens with it: "Student visa, my stay ends…"
        bare = opening and (bool(_PUNCT_AFTER.match(re.sub(r"^\s*(?:です|だよ|now|please)", "", norm[m.end():])))
                            or (bool(_CLAUSE_AFTER.match(after)) and not _QUESTION.search(norm)))
        if ascii_name:
            said = bool(_EN_STATED_BEFORE.search(before) or _EN_STATED_AFTER.match(after))
        elif index in _ALIAS_WEAK:
            said = bool(_JA_WEAK_STATED_AFTER.match(after) or _JA_STATED_BEFORE.search(before)
                        or _ZH_STATED_BEFORE.search(before))
        else:
            said = bool(_JA_STATED_AFTER.match(after) or _JA_STATED_BEFORE.search(before)
                        or _ZH_STATED_BEFORE.search(before))
        said = said or bool(_VI_STATED_BEFORE.search(before))  # Vietnamese (issue 15)
        if said or bare:
            stated = _ALIAS_STATUS[index]
    return stated
