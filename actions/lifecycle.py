"""The lifecycle calculator: a Rasa form that collects dates, and the answer action.

Thin glue: parsing is in maina.dates (via the JapaneseDateExtractor entities), rules in
maina.lifecycle, texts of fixed sentences in the responses (data/responses/dialogue.yml).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import texts
from maina import clock, dates, lifecycle, residence

DATE_SLOTS = {"birth": "birth_date", "issue": "issue_date", "application": "application_date",
              "stay_end": "stay_end_date"}
LIFECYCLE_SLOTS = ["birth_date", "issue_date", "application_date", "residence_status",
                   "stay_end_date"]
# Unusable-date codes from maina.dates with their own re-ask response (others: invalid_date).
REASKS = {"invalid_date", "incomplete_date", "era_out_of_range", "ambiguous_date", "out_of_range", "future"}


def _language(tracker: Tracker) -> str:
    return "en" if tracker.get_slot("language") == "en" else "ja"


def _iso(value: Optional[str]) -> Optional[dt.date]:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _age_based_issue(birth: dt.date, age: int) -> dt.date:
    """An issue date standing in for 「N歳のときに作った」.

    Any issue date between the Nth and the (N+1)th birthday gives the same card and
    certificate expiry (the k-th birthday after issue is always birthday N+k), so the
    Nth birthday (or the card's launch date, if later) is exact for the expiry dates.
    """
    from maina import facts, periods

    return max(periods.birthday_in_year(birth, birth.year + age), facts.value("card.launch_date"))


_CHUNK_END = re.compile(r"[、。,，.!！?？\s]")
_EN_NOT_BUT = re.compile(r"\bnot\s+(?P<wrong>[^,.!?]+?)\s+but\s+(?P<right>[^,.!?]+)", re.I)
_EN_X_NOT_Y = re.compile(r"(?P<right>[^,.!?]+?)\s*,?\s+not\s+(?P<wrong>[^,.!?]+)", re.I)
_JA_CORRECTION = re.compile(r"(じゃなくて|ではなくて|ではなく|でなくて|でなく|じゃなく)")


def _correction_pair(text: str) -> Optional[Tuple[str, str]]:
    """The (wrong, right) date texts of 「AじゃなくてB」, "not A but B" or "B, not A"."""
    match = _JA_CORRECTION.search(text)
    if match:
        wrong = _CHUNK_END.split(text[: match.start()])[-1]
        right = re.split(r"[、。,，.!！?？\s]|だった|です|でした|だよ", text[match.end():].lstrip())[0]
        return wrong, right
    for pattern in (_EN_NOT_BUT, _EN_X_NOT_Y):
        match = pattern.search(text)
        if match:
            return match.group("wrong"), match.group("right")
    return None


def _corrected(text: str, filled: Dict[str, Optional[str]]) -> Dict[str, str]:
    """Apply 「AじゃなくてB」 / "not A but B" to the filled date slots: the slot matching A takes B.

    A and B are full dates (the slot becomes B) or years in 西暦/和暦 (the slot keeps its
    month and day: 「2019年じゃなくて2018年」, 「令和3年じゃなくて令和2年」, "not 2019 but 2018").
    """
    pair = _correction_pair(text)
    if pair is None:
        return {}
    today = clock.today()

    def read(chunk: str) -> Optional[dates.DateMention]:
        # A bare year is a date mention only when it is the whole text: pass the chunk alone.
        for candidate in [chunk.strip()] + chunk.split()[::-1]:
            if re.fullmatch(r"\d{4}", candidate):
                candidate += "年"
            found = [m for m in dates.extract_dates(candidate, today) if m.year]
            if found:
                return found[-1]
        return None

    wrong, right = read(pair[0]), read(pair[1])
    if wrong is None or right is None:
        return {}
    changes: Dict[str, str] = {}
    for slot, value in filled.items():
        current = _iso(value)
        if current is None:
            continue
        if wrong.ok and right.ok and wrong.value == current:
            changes[slot] = right.value.isoformat()
        elif wrong.month is None and right.month is None and wrong.year == current.year:
            try:
                changes[slot] = current.replace(year=right.year).isoformat()
            except ValueError:  # 29 February into a non-leap year: the 28th (see maina.lifecycle)
                changes[slot] = current.replace(year=right.year, day=28).isoformat()
    return changes


class ValidateLifecycleForm(FormValidationAction):
    """Fills the calculator's slots from one message: dates by role, ages, status, corrections."""

    def name(self) -> Text:
        return "validate_lifecycle_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
        tracker: Tracker, domain: DomainDict,
    ) -> List[Text]:
        slots = ["birth_date", "issue_date"]
        status = residence.normalise_status(tracker.get_slot("residence_status"))
        if status is not None:
            # rasa-sdk keeps only slots listed here, so the status must be listed to survive
            slots.append("residence_status")
            if status.category in residence.PERIOD_BOUND:
                slots.append("stay_end_date")
        return slots

    async def get_extraction_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        """Read every calculator slot from the latest message at once (not only required ones).

        A message that only carried an unusable date re-asks with a reason and clears the
        requested slot: without a SlotSet Rasa would reject the form silently and the
        reason would be lost.
        """
        message = tracker.latest_message or {}
        values, problem = self._extract(tracker, message)
        requested = tracker.get_slot("requested_slot")
        if problem and not values:
            dispatcher.utter_message(response=f"utter_lifecycle_{problem}")
            if requested:
                values[requested] = None
        tracker.slots.update(values)
        return [SlotSet(slot, value) for slot, value in values.items()]

    def _extract(self, tracker: Tracker, message: Dict[str, Any]) -> Tuple[Dict[str, Any], Optional[str]]:
        """(slot values found in the message, reason code of an unusable date or None)."""
        text = message.get("text") or ""
        if text.startswith("/"):
            return {}, None
        filled = {slot: tracker.get_slot(slot) for slot in DATE_SLOTS.values()}
        corrections = _corrected(text, filled)
        if corrections:
            return corrections, None

        values: Dict[str, Any] = {}
        problem: Optional[str] = None
        requested = tracker.get_slot("requested_slot")
        unassigned = []
        for entity in message.get("entities") or []:
            if entity.get("entity") != "date":
                continue
            value = str(entity.get("value", ""))
            if value.startswith("invalid:"):
                code = value.split(":", 1)[1]
                problem = problem or (code if code in REASKS else "invalid_date")
                continue
            slot = DATE_SLOTS.get(entity.get("role") or "")
            if slot and slot not in values:
                values[slot] = value
            elif not slot:
                unassigned.append(value)
        # Dates without a cue word: the one the form asked for, else birth then issue.
        for value in unassigned:
            if requested in DATE_SLOTS.values() and requested not in values:
                values[requested] = value
            else:
                for slot in ("birth_date", "issue_date"):
                    if slot not in values and not filled.get(slot):
                        values[slot] = value
                        break
        age = next((e.get("value") for e in message.get("entities") or []
                    if e.get("entity") == "age"), None)
        birth = _iso(values.get("birth_date") or filled.get("birth_date"))
        if age is not None and birth is not None and "issue_date" not in values:
            values["issue_date"] = _age_based_issue(birth, int(age)).isoformat()
        status = residence.normalise_status(text)
        if status is not None:
            values["residence_status"] = status.key
        return values, problem

    async def validate_residence_status(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {"residence_status": value}

    async def validate_birth_date(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._check(dispatcher, tracker, "birth_date", value)

    async def validate_issue_date(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._check(dispatcher, tracker, "issue_date", value)

    async def validate_application_date(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._check(dispatcher, tracker, "application_date", value)

    def _check(self, dispatcher: CollectingDispatcher, tracker: Tracker,
               slot: str, value: Any) -> Dict[Text, Any]:
        """Reject a date that cannot be right (future birth, issue before 2016 or birth...)."""
        candidate = _iso(value)
        if candidate is None:
            dispatcher.utter_message(response="utter_lifecycle_invalid_date")
            return {slot: None}
        current = {s: _iso(tracker.get_slot(s)) for s in ("birth_date", "issue_date", "application_date")}
        current[slot] = candidate
        errors = dates.check_consistency(current["birth_date"], current["issue_date"], clock.today(),
                                         application=current["application_date"])
        mine = [e for e in errors if e.startswith(slot.split("_")[0])]
        if mine:
            dispatcher.utter_message(response=f"utter_lifecycle_{mine[0]}")
            return {slot: None}
        return {slot: candidate.isoformat()}


class ActionLifecycleAnswer(Action):
    """Computes the resident's dates and answers in a few lines."""

    def name(self) -> Text:
        return "action_lifecycle_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        lang = _language(tracker)
        birth, issue = _iso(tracker.get_slot("birth_date")), _iso(tracker.get_slot("issue_date"))
        if birth is None or issue is None:
            dispatcher.utter_message(response="utter_lifecycle_invalid_date")
            return []
        try:
            result = lifecycle.compute_lifecycle(
                birth, issue, clock.today(),
                application=_iso(tracker.get_slot("application_date")),
                residence_status=tracker.get_slot("residence_status"),
                stay_end=_iso(tracker.get_slot("stay_end_date")),
            )
        except lifecycle.LifecycleInputError as error:
            code = error.codes[0] if error.codes else "invalid_date"
            dispatcher.utter_message(response=f"utter_lifecycle_{code}")
            return [SlotSet(slot, None) for slot in ("birth_date", "issue_date")]
        dispatcher.utter_message(response="utter_lifecycle_result", **render(result, lang))
        return []


class ActionLifecycleReset(Action):
    def name(self) -> Text:
        return "action_lifecycle_reset"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        return [SlotSet(slot, None) for slot in LIFECYCLE_SLOTS]


def _fmt(day: dt.date, lang: str) -> str:
    from maina.wareki import format_date_en, format_date_ja

    return format_date_en(day) if lang == "en" else format_date_ja(day)


# Explanation codes shown in the answer, in this order, at most MAX_LINES of them.
SHOWN = ("rule_ambiguous", "rule_before_change", "rule_assumed_after_change", "rule_by_application_date",
         "birthday_on_issue_not_counted", "feb29_birthday", "residence_like_nationals",
         "residence_capped_by_stay_end", "residence_birthday_limit_first", "residence_refuge_period",
         "residence_transitional", "validity_change_after_stay_renewal")
RENEWAL = ("renewal_depends_on_rule", "renewal_open", "card_expired", "card_expired_with_stay", "renewal_not_yet_open",
           "certificate_expired", "insurance_grace", "expiry_notice")
MAX_LINES = 2


def _line(explanation: lifecycle.Explanation, lang: str) -> str:
    return texts.render(f"utter_lifecycle_line_{explanation.code}", lang, **explanation.params)


def render(result: lifecycle.LifecycleResult, lang: str) -> Dict[str, str]:
    """The variables of utter_lifecycle_result: each a short line in the user's language."""
    by_code = {e.code: e for e in result.explanations}
    if result.ambiguous:
        options = by_code["rule_ambiguous"].params["options"]
        card_expiry = (" / " if lang == "en" else " または ").join(
            _fmt(o["card_expiry"], lang) for o in options)
    else:
        card_expiry = _fmt(result.card_expiry, lang)
        if lang != "en":  # also the compact form residents write: 2029/1/15
            day = result.card_expiry
            card_expiry = f"{card_expiry}（{day.year}/{day.month}/{day.day}）"
    rule_lines = [_line(by_code["card_rule"], lang)] if "card_rule" in by_code else []
    rule_lines += [_line(by_code[c], lang) for c in SHOWN if c in by_code][:MAX_LINES]
    if result.signing_certificate_expiry is None and "no_signing_under_min_age" in by_code:
        cert_line = _line(by_code["no_signing_under_min_age"], lang)
        cert_line = f"{_fmt(result.user_certificate_expiry, lang)} ({cert_line})" if lang == "en" \
            else f"{_fmt(result.user_certificate_expiry, lang)}（{cert_line}）"
    else:
        cert_line = _fmt(result.user_certificate_expiry, lang)
    renewal_lines = [_line(by_code[c], lang) for c in RENEWAL if c in by_code][:MAX_LINES]
    return {
        "card_expiry": card_expiry,
        "card_rule": "\n".join(line for line in rule_lines if line),
        "cert_line": cert_line,
        "renewal_line": "\n".join(line for line in renewal_lines if line),
    }
