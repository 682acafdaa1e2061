"""What facts/facts.yml must look like: the type of every fact, and the facts that must agree.

Plain Python (pydantic 1, installed with Rasa), no Rasa imports. :func:`maina.facts.load`
checks the file against :class:`FactsFile` and :data:`AGREEMENTS`; a Rasa or action server
whose facts file fails either does not start (:mod:`maina_rasa.startup`).

Every fact is ``{value: …, source: "where it was read", as_of: YYYY-MM-DD}``. The value's
type is declared below, group by group, so that what YAML silently turns into something
else is caught before a resident sees it: an unquoted ``9:30`` is read by YAML as the
number 570 (minutes), ``0144-32-6492`` must stay a phone number, ``1,000`` is text for YAML.

Adding a fact: add it to facts/facts.yml *and* one line to its group here (the start-up
check names the line to add when it is missing).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable, Dict, Generic, Iterator, List, Optional, Tuple, TypeVar

from pydantic import BaseModel, Extra, validator
from pydantic.generics import GenericModel

# --- value types ----------------------------------------------------------------------------
# Each type's ``example`` is what the start-up message suggests writing instead.


class _Checked:
    """A value type: ``check`` returns the value or raises ValueError with a clerk's hint."""

    example = ""
    what = ""

    @classmethod
    def __get_validators__(cls) -> Iterator[Callable[[Any], Any]]:
        yield cls.check

    @classmethod
    def check(cls, value: Any) -> Any:
        raise NotImplementedError


def _not_text(value: Any) -> Optional[str]:
    """Why ``value`` is not text as YAML read it, or None if it is a non-empty string."""
    if isinstance(value, bool):
        return f"YAML read {value} (yes/no/on/off are booleans): put the text in quotes"
    if isinstance(value, int):
        return (f"YAML read the number {value}: a time like 9:30 unquoted becomes minutes "
                "(570); put the text in quotes")
    if isinstance(value, (dt.date, float)):
        return f"YAML read {value!r} as a {type(value).__name__}: put the text in quotes"
    if not isinstance(value, str):
        return f"expected text, got {type(value).__name__}"
    if not value.strip():
        return "the text is empty"
    return None


class Text(str, _Checked):
    """Any non-empty text."""

    what = "text"
    example = '"…"'

    @classmethod
    def check(cls, value: Any) -> str:
        problem = _not_text(value)
        if problem:
            raise ValueError(problem)
        return value


class _Pattern(Text):
    pattern: "re.Pattern[str]" = re.compile(".+")

    @classmethod
    def check(cls, value: Any) -> str:
        value = super().check(value)
        if not cls.pattern.fullmatch(value.strip()):
            raise ValueError(f"expected {cls.what} like {cls.example}, got {value!r}")
        return value


class Phone(_Pattern):
    """A Japanese phone or fax number with hyphens: 10 or 11 digits, starting with 0."""

    what = "a phone number"
    example = '"0144-32-6492"'
    pattern = re.compile(r"0\d{1,4}-\d{1,4}-\d{2,4}")

    @classmethod
    def check(cls, value: Any) -> str:
        value = super().check(value)
        if len(re.sub(r"\D", "", value)) not in (10, 11):
            raise ValueError(f"a Japanese phone number has 10 or 11 digits, like {cls.example}")
        return value


class HoursJa(_Pattern):
    what = "opening hours"
    example = '"9:30〜20:00"'
    pattern = re.compile(r"\d{1,2}:\d{2}〜\d{1,2}:\d{2}")


class HoursEn(_Pattern):
    what = "opening hours (English, with an en dash)"
    example = '"9:30–20:00"'
    pattern = re.compile(r"\d{1,2}:\d{2}–\d{1,2}:\d{2}")


class ClockTime(_Pattern):
    what = "a time of day in quotes"
    example = '"9:30"'
    pattern = re.compile(r"(?:[01]?\d|2[0-3]):[0-5]\d")


class YearDay(_Pattern):
    what = "a day of every year, month-day"
    example = '"12-29"'
    pattern = re.compile(r"(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])")


class Url(_Pattern):
    what = "a web address"
    example = '"https://myna.go.jp/"'
    pattern = re.compile(r"https://[^\s]+")


class Code(_Pattern):
    what = "a code word"
    example = "lost"
    pattern = re.compile(r"[a-z0-9_]+")


class Day(dt.date, _Checked):
    """A calendar date written YYYY-MM-DD without quotes (YAML then reads it as a date)."""

    what = "a date"
    example = "2024-12-02"

    @classmethod
    def check(cls, value: Any) -> dt.date:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise ValueError(f"expected a date written like {cls.example} (no quotes), "
                             f"got {value!r}")
        return value


class Amount(int, _Checked):
    """A whole number ≥ 0 (yen, days, months, ages, counts), written without commas."""

    what = "a whole number"
    example = "1000"
    minimum = 0

    @classmethod
    def check(cls, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            hint = " (write 1000, not 1,000)" if isinstance(value, str) and "," in value else ""
            raise ValueError(f"expected {cls.what} like {cls.example}{hint}, got {value!r}")
        if value < cls.minimum:
            raise ValueError(f"expected {cls.what} of at least {cls.minimum}, got {value}")
        return value


class Yen(Amount):
    what = "an amount in yen"
    example = "1000"


class Count(Amount):
    """Days, months, ages, birthdays, digits, tries: at least 1."""

    what = "a number of at least 1"
    example = "30"
    minimum = 1


# --- the file -------------------------------------------------------------------------------

V = TypeVar("V")


class Fact(GenericModel, Generic[V]):
    value: V
    source: Text
    as_of: Day

    class Config:
        extra = Extra.forbid


class _Group(BaseModel):
    class Config:
        extra = Extra.forbid


class City(_Group):
    name: Fact[Text]
    name_en: Fact[Text]
    office: Fact[Text]
    office_en: Fact[Text]
    tel: Fact[Phone]
    tel2: Fact[Phone]
    fax: Fact[Phone]
    lobby_kiosk: Fact[Text]
    lobby_kiosk_en: Fact[Text]
    address: Fact[Text]
    address_en: Fact[Text]
    office_hours: Fact[Text]
    office_hours_en: Fact[Text]
    office_closed: Fact[Text]
    office_closed_en: Fact[Text]


class Hotline(_Group):
    free_dial: Fact[Phone]
    free_dial_menu_lost: Fact[Count]
    suspension_hours: Fact[Text]
    suspension_hours_en: Fact[Text]
    weekday_hours: Fact[HoursJa]
    weekday_hours_en: Fact[HoursEn]
    weekend_hours: Fact[HoursJa]
    weekend_hours_en: Fact[HoursEn]
    closed_days: Fact[Text]
    closed_days_en: Fact[Text]
    ip_phone_card: Fact[Phone]
    ip_phone_system: Fact[Phone]
    fax_hearing: Fact[Phone]
    foreign_card: Fact[Phone]
    foreign_system: Fact[Phone]
    foreign_languages: Fact[Text]
    foreign_languages_en: Fact[Text]
    card_call_center: Fact[Phone]


class ConvenienceStore(_Group):
    hours: Fact[HoursJa]
    hours_en: Fact[HoursEn]
    closed_days: Fact[Text]
    closed_days_en: Fact[Text]
    stores: Fact[Text]
    stores_en: Fact[Text]
    store_count: Fact[Text]
    store_count_en: Fact[Text]
    fee_standard: Fact[Yen]
    fee_koseki: Fact[Yen]
    discount: Fact[Yen]
    counter_fee_standard: Fact[Yen]
    pin_digits: Fact[Count]
    koseki_register_url: Fact[Url]


class Fee(_Group):
    first_issue: Fact[Yen]
    renewal: Fact[Yen]
    reissue: Fact[Yen]
    reissue_card_part: Fact[Yen]
    reissue_cert_part: Fact[Yen]
    reissue_no_cert: Fact[Yen]
    express: Fact[Yen]
    express_no_cert: Fact[Yen]
    foreign_expired_with_stay: Fact[Yen]
    reissue_free_cases: Fact[List[Code]]


class ExpressIssue(_Group):
    start_date: Fact[Day]
    duration: Fact[Text]
    duration_en: Fact[Text]
    apply_within_days: Fact[Count]
    free_cases: Fact[Text]
    free_cases_en: Fact[Text]
    paid_case_codes: Fact[List[Code]]
    free_case_codes: Fact[List[Code]]


class Reissue(_Group):
    duration: Fact[Text]
    duration_en: Fact[Text]


class Application(_Group):
    duration: Fact[Text]
    duration_en: Fact[Text]
    methods: Fact[Text]
    methods_en: Fact[Text]
    photo_size: Fact[Text]
    photo_size_en: Fact[Text]
    photo_within: Fact[Text]
    photo_within_en: Fact[Text]
    pickup_items: Fact[Text]
    pickup_items_en: Fact[Text]
    proxy_items: Fact[Text]
    juki_end_date: Fact[Day]


class Card(_Group):
    launch_date: Fact[Day]
    notice_card_abolished: Fact[Day]
    maiden_name_start: Fact[Day]
    move_in_continue_days: Fact[Count]
    move_in_after_moving_days: Fact[Count]
    move_in_after_moveout_days: Fact[Count]
    abroad_keep_start: Fact[Day]
    smartphone_cert_android: Fact[Day]
    smartphone_cert_iphone: Fact[Day]
    transitional_stay_days: Fact[Count]
    special_period_months: Fact[Count]
    number_digits: Fact[Count]
    adult_age: Fact[Count]
    minor_birthdays: Fact[Count]
    adult_age_change_date: Fact[Day]
    adult_birthdays: Fact[Count]
    adult_age_before: Fact[Count]
    application_to_issue_max_months: Fact[Count]


class ValidityRule(_Group):
    """One row of card_validity_rules; ``null`` dates mean open-ended."""

    application_from: Optional[Day]
    application_to: Optional[Day]
    adult_age: Count
    adult_birthdays: Count
    minor_birthdays: Count

    @validator("application_from", "application_to", pre=True)
    def _date_or_null(cls, value: Any) -> Any:  # noqa: N805 - pydantic validator
        return None if value is None else Day.check(value)


class LineHours(_Group):
    """One line of contact_hours (maina.contact): when it answers."""

    always: bool = False
    weekday: Optional[Tuple[ClockTime, ClockTime]]
    weekend_holiday: Optional[Tuple[ClockTime, ClockTime]]
    closed: Optional[Tuple[YearDay, YearDay]]


class FactKey(_Pattern):
    what = "the key of a fact"
    example = "hotline.free_dial"
    pattern = re.compile(r"[a-z_]+\.[a-z0-9_]+")


class Route(_Group):
    """One matter of contact_routes (maina.contact): its line and the number for each caller
    (fact keys; that they are phone numbers of this file is an agreement below)."""

    line: Code
    number: FactKey
    hearing: Optional[FactKey]
    ip_phone: Optional[FactKey]
    foreign: Optional[FactKey]


class Certificate(_Group):
    birthdays: Fact[Count]
    signing_min_age: Fact[Count]
    legal_rep_age: Fact[Count]
    kinds: Fact[Count]


class Renewal(_Group):
    window_months: Fact[Count]
    notice_months: Fact[Text]
    notice_months_en: Fact[Text]
    insurance_grace_months: Fact[Count]


class Pin(_Group):
    signing_digits: Fact[Text]
    signing_digits_en: Fact[Text]
    other_digits: Fact[Text]
    other_digits_en: Fact[Text]
    signing_lock_tries: Fact[Count]
    user_lock_tries: Fact[Count]
    reset_app: Fact[Text]
    reset_app_en: Fact[Text]
    count: Fact[Count]


class Insurance(_Group):
    paper_stop_date: Fact[Day]
    paper_end_date: Fact[Day]
    kakuninsho_max_years: Fact[Count]


class Mynapoint(_Group):
    first_round: Fact[Text]
    first_round_en: Fact[Text]


class Web(_Group):
    portal: Fact[Url]
    jpki: Fact[Url]
    card_site: Fact[Url]


class FactsFile(_Group):
    """The whole of facts/facts.yml: one field per group (and the rule table)."""

    city: City
    hotline: Hotline
    convenience_store: ConvenienceStore
    fee: Fee
    express_issue: ExpressIssue
    reissue: Reissue
    application: Application
    card: Card
    card_validity_rules: Fact[List[ValidityRule]]
    contact_routes: Fact[Dict[Code, Route]]
    contact_hours: Fact[Dict[Code, LineHours]]
    certificate: Certificate
    renewal: Renewal
    pin: Pin
    insurance: Insurance
    mynapoint: Mynapoint
    web: Web


def expected_type(path: Tuple[str, ...]) -> Optional[type]:
    """The declared value type of the fact at ``path`` (group, key), or None if unknown."""
    model: Any = FactsFile
    for name in path:
        field = getattr(model, "__fields__", {}).get(name)
        if field is None:
            return None
        model = field.outer_type_
    fields = getattr(model, "__fields__", {})
    return fields["value"].outer_type_ if "value" in fields else None


def type_hint(path: Tuple[str, ...]) -> str:
    """``"a phone number, e.g. "0144-32-6492""`` for the fact at ``path``, or ""."""
    kind = expected_type(path)
    if isinstance(kind, type) and issubclass(kind, _Checked) and kind.what:
        return f"{kind.what}, e.g. {kind.example}"
    return ""


# --- facts that must agree ----------------------------------------------------------------


def _current_rule(values: Dict[str, Any]) -> Dict[str, Any]:
    rows = values["card_validity_rules"]
    return next(row for row in rows if row.get("application_to") is None)


def _previous_rule(values: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    change = _current_rule(values).get("application_from")
    if change is None:
        return None
    return next((row for row in values["card_validity_rules"]
                 if row.get("application_to") == change - dt.timedelta(days=1)), None)


def _times(hours: str) -> List[str]:
    return re.findall(r"\d{1,2}:\d{2}", hours)


# (the facts involved, what must hold, how to say it). Each check gets the values by key
# (``card_validity_rules`` as a list of dicts) and returns None when the facts agree, else
# the sentence for the clerk.
Agreement = Tuple[Tuple[str, ...], Callable[[Dict[str, Any]], Optional[str]]]


def _same(key: str, expected: Callable[[Dict[str, Any]], Any], where: str) -> Agreement:
    def check(values: Dict[str, Any]) -> Optional[str]:
        want = expected(values)
        if values[key] != want:
            return f"{key} is {values[key]}, but {where} says {want}: make them the same"
        return None

    return (key, "card_validity_rules") if "rule" in where else (key,), check


def _sum(total: str, *parts: str) -> Agreement:
    def check(values: Dict[str, Any]) -> Optional[str]:
        if values[total] != sum(values[p] for p in parts):
            shown = " + ".join(f"{p} ({values[p]})" for p in parts)
            return f"{total} is {values[total]}, but {shown} = {sum(values[p] for p in parts)}"
        return None

    return (total, *parts), check


def _same_hours(ja: str, en: str) -> Agreement:
    def check(values: Dict[str, Any]) -> Optional[str]:
        if _times(str(values[ja])) != _times(str(values[en])):
            return f"{ja} ({values[ja]}) and {en} ({values[en]}) give different times"
        return None

    return (ja, en), check


def _digits_in(text_key: str, number_key: str) -> Agreement:
    def check(values: Dict[str, Any]) -> Optional[str]:
        if re.findall(r"\d+", str(values[text_key])) != [str(values[number_key])]:
            return (f"{text_key} ({values[text_key]}) does not say {number_key} "
                    f"({values[number_key]})")
        return None

    return (text_key, number_key), check


def _hours_in_table(text_key: str, line: str, days: str) -> Agreement:
    """The opening hours residents read (text_key) are the hours maina.contact routes by."""
    def check(values: Dict[str, Any]) -> Optional[str]:
        table = list((values["contact_hours"].get(line) or {}).get(days) or [])
        if _times(str(values[text_key])) != table:
            return (f"{text_key} ({values[text_key]}) and contact_hours {line} {days} ({table}) "
                    "give different times")
        return None

    return (text_key, "contact_hours"), check


def _routes_name_phone_facts(values: Dict[str, Any]) -> Optional[str]:
    for matter, route in values["contact_routes"].items():
        if route["line"] not in values["contact_hours"]:
            return f"{matter}: line {route['line']} is not in contact_hours"
        for caller, key in route.items():
            if caller != "line" and not Phone.pattern.fullmatch(str(values.get(key, ""))):
                return f"{matter} {caller}: {key} is not a phone number of this file"
    return None


def _rules_are_contiguous(values: Dict[str, Any]) -> Optional[str]:
    rows = sorted(values["card_validity_rules"],
                  key=lambda row: row.get("application_from") or dt.date.min)
    if rows[0].get("application_from") is not None or rows[-1].get("application_to") is not None:
        return ("card_validity_rules: the first row needs application_from: null and the last "
                "row application_to: null")
    for before, after in zip(rows, rows[1:]):
        end, start = before.get("application_to"), after.get("application_from")
        if end is None or start is None or start != end + dt.timedelta(days=1):
            return (f"card_validity_rules: a row ending {end} must be followed by one starting "
                    "the next day")
    return None


def _number_length(values: Dict[str, Any]) -> Optional[str]:
    from maina.mynumber import MY_NUMBER_LENGTH

    if values["card.number_digits"] != MY_NUMBER_LENGTH:
        return (f"card.number_digits is {values['card.number_digits']}, but a My Number has "
                f"{MY_NUMBER_LENGTH} digits by law (the mask in maina/mynumber.py uses it)")
    return None


AGREEMENTS: List[Agreement] = [
    (("card_validity_rules",), _rules_are_contiguous),
    (("card.number_digits",), _number_length),
    _same("card.adult_age", lambda v: _current_rule(v)["adult_age"],
          "card_validity_rules (the row with application_to: null)"),
    _same("card.adult_birthdays", lambda v: _current_rule(v)["adult_birthdays"],
          "card_validity_rules (the row with application_to: null)"),
    _same("card.minor_birthdays", lambda v: _current_rule(v)["minor_birthdays"],
          "card_validity_rules (the row with application_to: null)"),
    _same("card.adult_age_change_date", lambda v: _current_rule(v)["application_from"],
          "card_validity_rules (application_from of the row with application_to: null)"),
    _same("card.adult_age_before", lambda v: (_previous_rule(v) or {}).get("adult_age"),
          "card_validity_rules (the row before the change)"),
    _sum("fee.reissue", "fee.reissue_card_part", "fee.reissue_cert_part"),
    _sum("fee.reissue_no_cert", "fee.reissue_card_part"),
    _sum("fee.express", "fee.express_no_cert", "fee.reissue_cert_part"),
    _sum("convenience_store.counter_fee_standard", "convenience_store.fee_standard",
         "convenience_store.discount"),
    _same_hours("hotline.weekday_hours", "hotline.weekday_hours_en"),
    _same_hours("hotline.weekend_hours", "hotline.weekend_hours_en"),
    _same_hours("convenience_store.hours", "convenience_store.hours_en"),
    _same_hours("city.office_hours", "city.office_hours_en"),
    _hours_in_table("hotline.weekday_hours", "hotline", "weekday"),
    _hours_in_table("hotline.weekend_hours", "hotline", "weekend_holiday"),
    _hours_in_table("city.office_hours", "city_office", "weekday"),
    (("contact_routes", "contact_hours"), _routes_name_phone_facts),
    _digits_in("pin.other_digits", "convenience_store.pin_digits"),
    _digits_in("pin.other_digits_en", "convenience_store.pin_digits"),
]
