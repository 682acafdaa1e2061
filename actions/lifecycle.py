"""The lifecycle calculator: a Rasa form that collects what the resident tells, and its answers.

Thin glue: parsing is in maina.dates (via the JapaneseDateExtractor entities), what to ask or
answer in maina.calculator, the rules in maina.lifecycle; every sentence is a response
(data/responses/dialogue.yml, lifecycle.yml), rendered by Rasa or, for the lines of one
answer, by actions.texts.

Dates live in the slots as text, possibly known only in part (maina.partial: ``2019-05``,
``1990``, ``--09-03``), so a resident who said 「令和元年5月」 is asked only for the day.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import texts
from maina import calculator, clock, conversation, dates, holder, lifecycle, locales, residence
from maina.partial import PartialDate

DATE_SLOTS = calculator.SLOT_OF  # role → slot
AGE_SLOTS = {"issue": "age_at_issue", "current": "current_age"}
LIFECYCLE_SLOTS = list(DATE_SLOTS.values()) + list(AGE_SLOTS.values()) + ["residence_status", "card_holder"]
# Unusable-date codes from maina.dates with their own re-ask response (others: invalid_date).
REASKS = {"invalid_date", "incomplete_date", "era_out_of_range", "ambiguous_date", "out_of_range", "future"}
# Intents that keep the calculator going after the question they ask is answered (and follow-ups
# such as 「いくら？」, answered for the topic in play); after any other topic the calculator stops
# (the resident moved on).
CONTINUES_CALCULATOR = {
    "ask_my_expiry", "inform", "affirm", "deny", "why_my_expiry", "nlu_fallback", "out_of_scope",
    "greet", "thanks", "bot_challenge", "help", "switch_language", "other_language",
    "validity_card", "validity_certificate", "validity_foreign", "foreign_stay_renewed",
    "renewal_procedure", "renewal_notice", "expired",
}
# A re-ask code of maina.calculator → the slots it clears (the resident is asked again);
# after status_not_eligible (no card for that status) the calculator stops.
ERROR_SLOTS = {
    **dict.fromkeys(("birth_in_future", "birth_too_early"), ["birth_date", "current_age"]),
    **dict.fromkeys(("issue_in_future", "issue_before_card_launch", "issue_before_birth"),
                    ["issue_date", "age_at_issue"]),
    "age_in_future": ["age_at_issue"],
    **dict.fromkeys(("application_in_future", "application_after_issue", "application_before_birth",
                     "no_rule_for_application_date"), ["application_date"]),
    "stay_end_before_issue": ["stay_end_date"],
    "unknown_residence_status": ["residence_status"],
    "status_not_eligible": LIFECYCLE_SLOTS,
}
DETAIL_SLOT = calculator.ASK_DETAIL  # asked for, never filled: the answer completes a date slot
# 「わからない」「覚えてない」 to a question of the form: a hint where to find it, then the question again
DONT_KNOW = re.compile(r"わから|分から|わかんな|知らな|しらな|覚えてな|おぼえてな|忘れ|わすれ|不明|"
                       r"don'?t know|do not know|not sure|no idea|can'?t remember|forgot|dunno|"
                       r"모르|몰라|기억\s*(?:이\s*)?안\s*나|까먹", re.I)  # Korean (issue 15)
# Intents of an answer to the form's question (their rules lead back into the form): when nothing
# usable was said, the question is asked again rather than the turn ending in silence.
ANSWER_INTENTS = {"inform", "ask_my_expiry", "affirm", "deny"}
# How many earlier messages may still tell the status or whose card it is (_said_just_before).
CONTEXT_MESSAGES = 3
CALCULATION_ENDS = ("action_lifecycle_answer", "action_lifecycle_reset")
HINT_FOR = {"birth": "birth", "issue": "issue", "application": "issue", "stay_end": "stay_end",
            "card_expiry": "expiry", "cert_expiry": "expiry"}


def _language(tracker: Tracker) -> str:
    """ja, en or a language of locales/ (its lines); English for a language not spoken."""
    chosen = tracker.get_slot("language") or "ja"
    if chosen in ("ja", "en") or locales.get(chosen) is not None:
        return chosen
    return "en"


def _partial(value: Any) -> Optional[PartialDate]:
    return PartialDate.from_slot(value)


def known_from(slots: Dict[str, Any]) -> calculator.Known:
    """What the slots say, for maina.calculator."""
    def age(name: str) -> Optional[int]:
        value = slots.get(name)
        return int(value) if isinstance(value, (int, float)) or (isinstance(value, str) and value.isdigit()) else None

    return calculator.Known(
        **{role: _partial(slots.get(slot)) for role, slot in DATE_SLOTS.items()},
        age_at_issue=age("age_at_issue"), current_age=age("current_age"),
        status=slots.get("residence_status") or None,
    )


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
        current = _partial(value)
        if current is None:
            continue
        if wrong.ok and right.ok and current.complete and wrong.value == current.date:
            changes[slot] = right.value.isoformat()
        elif wrong.month is None and right.month is None and wrong.year == current.year:
            moved = current.updated(PartialDate(right.year))
            if not moved.valid:  # 29 February into a common year: the 28th (see maina.periods)
                moved = PartialDate(right.year, current.month, 28)
            changes[slot] = moved.to_slot()
    return changes


class ValidateLifecycleForm(FormValidationAction):
    """Reads every message into the calculator's slots and asks maina.calculator what is missing."""

    def name(self) -> Text:
        return "validate_lifecycle_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        if _left_for_another_topic(tracker):
            # the resident asked about something else (already answered): stop asking
            return [SlotSet(slot, None) for slot in LIFECYCLE_SLOTS] + [SlotSet("requested_slot", None)]
        return await super().run(dispatcher, tracker, domain)

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        """Only the one thing maina.calculator asks for next (none: the form is done)."""
        asked = calculator.plan(known_from(tracker.slots), clock.today()).ask
        return [asked] if asked else []

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        """Keep every calculator slot set in this turn (rasa-sdk would drop those not asked for)."""
        return [SlotSet(slot, value) for slot, value in tracker.slots_to_validate().items()
                if slot in LIFECYCLE_SLOTS or slot == DETAIL_SLOT]

    async def get_extraction_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        """Read the latest message: dates by role, a day for 「何日？」, ages, the status,
        corrections. Dates that cannot be right are re-asked with the reason."""
        message = tracker.latest_message or {}
        text = message.get("text") or ""
        if text.startswith("/") or _answered_already(tracker):
            return []
        stored = {slot: tracker.get_slot(slot) for slot in LIFECYCLE_SLOTS}
        corrections = _corrected(text, {slot: stored[slot] for slot in DATE_SLOTS.values()})
        fresh = not corrections and _starts_over(tracker)
        slots = dict.fromkeys(LIFECYCLE_SLOTS) if fresh else stored
        requested = tracker.get_slot("requested_slot")
        values, problem, birthday_seen = (corrections, None, None) if corrections else \
            _read(text, message.get("entities") or [], slots, requested, known_from(slots))
        if not values and requested:
            if problem:
                dispatcher.utter_message(response=f"utter_lifecycle_{problem}")
            elif DONT_KNOW.search(text):
                dispatcher.utter_message(response=f"utter_lifecycle_dont_know_{_hint(requested, known_from(slots))}")
            elif _intent(tracker) not in ANSWER_INTENTS:
                return []  # another question: Rasa's rules answer it, then the form asks again
            # a SlotSet, or Rasa would reject the form and the turn end without a word
            values[requested if requested in LIFECYCLE_SLOTS else DETAIL_SLOT] = None
        values.update(_said_just_before(tracker, {**slots, **values}))
        updated = {**slots, **{k: v for k, v in values.items() if k in LIFECYCLE_SLOTS}}
        outcome = calculator.plan(dataclasses.replace(known_from(updated), birthday_seen=birthday_seen),
                                  clock.today())
        completed_birth = outcome.known.birth.to_slot() if outcome.known.birth else None
        if completed_birth and completed_birth != updated.get("birth_date"):
            values["birth_date"] = completed_birth
        if outcome.error:
            dispatcher.utter_message(response=f"utter_lifecycle_{outcome.error}")
            values.update(dict.fromkeys(ERROR_SLOTS.get(outcome.error, ["issue_date"])))
        if fresh:
            values = {**{slot: None for slot, value in stored.items() if value is not None}, **values}
        tracker.slots.update(values)
        return [SlotSet(slot, value) for slot, value in values.items()]


def _said_just_before(tracker: Tracker, known: Dict[str, Any]) -> Dict[str, str]:
    """The status and whose card it is, from the resident's messages just before this one
    (since the calculator last answered or was reset, at most CONTEXT_MESSAGES): 「外国人です。期限を
    知りたい」 may get the ask-back instead of the form, and 「1990年1月1日」 then starts it — the
    stay end must still be asked, and 「娘の」 still named."""
    events = list(tracker.events or [])
    current = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=len(events))
    earlier: List[str] = []
    for event in reversed(events[:current]):
        if event.get("event") == "action" and event.get("name") in CALCULATION_ENDS:
            break
        if event.get("event") == "user" and len(earlier) < CONTEXT_MESSAGES:
            earlier.append(event.get("text") or "")
    found: Dict[str, str] = {}
    for text in earlier:  # the latest first
        status = residence.stated_status(text)
        if status is not None and not known.get("residence_status"):
            found.setdefault("residence_status", status.key)
        whose = holder.card_holder(text)
        if whose is not None and not known.get("card_holder"):
            found.setdefault("card_holder", whose)
    return found


def _hint(requested: str, known: calculator.Known) -> str:
    """Which 「わからない」 hint fits the question the form asked."""
    if requested == DETAIL_SLOT:
        detail = calculator.plan(known, clock.today()).detail
        return HINT_FOR[detail.date] if detail else "issue"
    role = next((role for role, slot in DATE_SLOTS.items() if slot == requested), "issue")
    return HINT_FOR[role]


def _events_since_user(tracker: Tracker) -> List[Dict[str, Any]]:
    events = list(tracker.events or [])
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    return events[last_user + 1:]


def _intent(tracker: Tracker) -> Optional[str]:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def _answered_already(tracker: Tracker) -> bool:
    """The form runs again after another action answered the message (an unhappy path): that
    message was read the first time round."""
    ran = {e.get("name") for e in _events_since_user(tracker) if e.get("event") == "action"}
    return bool(ran - {"lifecycle_form", "action_listen", "validate_lifecycle_form", None})


def _left_for_another_topic(tracker: Tracker) -> bool:
    """After another action answered the message: was it about another topic?"""
    intent = _intent(tracker)
    return _answered_already(tracker) and intent not in CONTINUES_CALCULATOR and not conversation.is_followup(intent)


def _starts_over(tracker: Tracker) -> bool:
    """A new 「期限を調べたい」 after an answer: a new calculation, nothing carried over."""
    return _intent(tracker) == "ask_my_expiry" and not tracker.get_slot("requested_slot")


def _read(text: str, entities: List[Dict[str, Any]], slots: Dict[str, Any], requested: Optional[str],
          known: calculator.Known) -> Tuple[Dict[str, Any], Optional[str], Optional[PartialDate]]:
    """(slot values from one message, the reason code of an unusable date, a day on a birthday)."""
    values: Dict[str, Any] = {}
    problem: Optional[str] = None
    birthday_seen: Optional[PartialDate] = None
    detail = calculator.plan(known, clock.today()).detail if requested == calculator.ASK_DETAIL else None
    asked_for = DATE_SLOTS[detail.date] if detail else requested
    unassigned: List[PartialDate] = []
    for entity in entities:
        if entity.get("entity") == "age" and entity.get("role") in AGE_SLOTS:
            values[AGE_SLOTS[entity["role"]]] = int(entity["value"])
            continue
        if entity.get("entity") != "date":
            continue
        value = str(entity.get("value", ""))
        if value.startswith("invalid:"):
            code = value.split(":", 1)[1]
            problem = problem or (code if code in REASKS else "invalid_date")
            continue
        partial = _partial(value)
        if partial is None:
            continue
        if entity.get("group") == "on_birthday":
            birthday_seen = partial
        slot = DATE_SLOTS.get(entity.get("role") or "")
        if slot and slot not in values:
            values[slot] = _merged(slots.get(slot), partial)
        elif not slot:
            unassigned.append(partial)
    # Dates without a cue word: the one the form asked for, else a date still to come is the card's
    # expiry (「1/31/2027だけど、いつから更新？」), else birth then issue.
    for partial in unassigned:
        if asked_for in DATE_SLOTS.values() and asked_for not in values:
            values[asked_for] = _merged(slots.get(asked_for), partial)
            continue
        first = partial.first_day()
        if not asked_for and first is not None and first > clock.today() and "card_expiry_date" not in values:
            values["card_expiry_date"] = partial.to_slot()
            continue
        for slot in ("birth_date", "issue_date"):
            if slot not in values and not slots.get(slot):
                values[slot] = partial.to_slot()
                break
    day = dates.parse_day_answer(text) if detail and detail.missing == "day" else None
    if day is not None and asked_for not in values:
        answered = detail.known.updated(PartialDate(day=day))
        if answered.valid:
            values[asked_for] = answered.to_slot()
        else:
            problem = problem or "invalid_date"
    status = residence.stated_status(text)
    if status is not None:
        values["residence_status"] = status.key
    whose = holder.card_holder(text)  # 「娘のカード」: the answer names her, never 「あなたの」
    if whose is not None:
        values["card_holder"] = whose
    return values, problem, birthday_seen


def _merged(stored: Any, said: PartialDate) -> str:
    """A date said in part completes or corrects the one known so far: a date without its year
    (「5月15日」) completes 「2019年5月」; a year alone replaces the year and keeps the month and
    day (「ごめん、生まれは1975年だった」 after 1970年5月5日 → 1975-05-05; 「何年の5月5日？」 →
    「1975年」). A year-month is a new date (its day is not the old one's)."""
    known = _partial(stored)
    if known is not None and (said.year is None and known.year is not None
                              or said.month is None and known.month is not None):
        merged = known.updated(said)
        if merged.valid:  # 29 February into a common year is not: the year alone, and the rest is asked
            return merged.to_slot()
    return said.to_slot()


class ActionAskDateDetail(Action):
    """Asks for the missing part of a date: 「カードを受け取ったのは2019年（令和元年）5月の何日かな？」"""

    def name(self) -> Text:
        return "action_ask_date_detail"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        lang = _language(tracker)
        detail = calculator.plan(known_from(tracker.slots), clock.today()).detail
        if detail is None:
            return []
        dispatcher.utter_message(response=f"utter_lifecycle_ask_{detail.missing}",
                                 what=texts.render(f"utter_lifecycle_what_{detail.date}", lang),
                                 known=texts.display(detail.known, lang))
        return []


class ActionLifecycleAnswer(Action):
    """The calculator's answer: the resident's dates in a few lines, or from the card's own expiry."""

    def name(self) -> Text:
        return "action_lifecycle_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        lang = _language(tracker)
        outcome = calculator.plan(known_from(tracker.slots), clock.today())
        if outcome.error:
            dispatcher.utter_message(response=f"utter_lifecycle_{outcome.error}")
            return [SlotSet(slot, None) for slot in ERROR_SLOTS.get(outcome.error, ["issue_date"])]
        if outcome.expiry is not None:
            dispatcher.utter_message(response="utter_lifecycle_expiry_result", **render_expiry(outcome.expiry, lang))
        elif outcome.result is not None:
            dispatcher.utter_message(response="utter_lifecycle_result",
                                     **render(outcome.result, lang, tracker.get_slot("card_holder")))
        # otherwise the form was left for another topic (already answered): nothing to add
        return []


class ActionLifecycleExplain(Action):
    """「友達は10年って言ってたけど違うの？」: the rule that applies to this resident, and why."""

    def name(self) -> Text:
        return "action_lifecycle_explain"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        lang = _language(tracker)
        lines = calculator.rule_for(known_from(tracker.slots), clock.today())
        why = "\n".join(_line(line, lang) for line in lines)
        dispatcher.utter_message(response="utter_lifecycle_why", why=why)
        return []


class ActionLifecycleReset(Action):
    def name(self) -> Text:
        return "action_lifecycle_reset"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        return [SlotSet(slot, None) for slot in LIFECYCLE_SLOTS]


def _fmt(day: dt.date, lang: str) -> str:
    return texts.display(day, lang)


# Explanation codes shown in the answer, in this order, at most MAX_LINES of them.
# A 29 February birthday comes early: without it 28 February (the expiry) next to 1 March (15 years
# old, the signing certificate) reads as a mistake.
SHOWN = ("age_rule_depends_earlylate", "age_rule_depends_early", "age_rule_depends_late",
         "rule_ambiguous", "feb29_birthday", "same_any_day", "same_any_day_at_age", "rule_before_change",
         "rule_assumed_after_change", "rule_by_application_date", "birthday_on_issue_not_counted",
         "residence_like_nationals", "residence_capped_by_stay_end",
         "residence_birthday_limit_first", "residence_refuge_period", "residence_transitional")
# What to do next: a card that ends with the period of stay is not renewed but its validity changed
# (有効期間変更), and no expiry notice comes for it.
RENEWAL = ("renewal_depends_on_rule", "renewal_open", "card_expired", "card_expired_with_stay",
           "validity_change_after_stay_renewal", "renewal_not_yet_open", "certificate_expired", "insurance_grace",
           "expiry_notice", "no_expiry_notice_foreign")
MAX_LINES = 2
# Why there is no signing certificate: said after the user certificate's date, as its own line.
NO_SIGNING = ("no_signing_under_min_age", "no_signing_adult_guardianship")
WHOSE = frozenset(holder.KEYS)


def _line(explanation: lifecycle.Explanation, lang: str) -> str:
    return texts.render(f"utter_lifecycle_line_{explanation.code}", lang, **explanation.params)


def render(result: lifecycle.LifecycleResult, lang: str, whose: Optional[str] = None) -> Dict[str, str]:
    """The variables of utter_lifecycle_result: each a short line in the user's language;
    ``whose`` (a maina.holder key) names whose card it is (「娘さんのカード」), else just 「カード」."""
    by_code = {e.code: e for e in result.explanations}
    if result.ambiguous:
        card_expiry = texts.render("utter_lifecycle_line_either", lang, early=result.alternatives[0].card.expiry,
                                   late=result.alternatives[-1].card.expiry)
    else:
        card_expiry = _fmt(result.card_expiry, lang)
        if lang == "ja":  # also the compact form residents write: 2029/1/15
            day = result.card_expiry
            card_expiry = f"{card_expiry}（{day.year}/{day.month}/{day.day}）"
    rule_lines = [_line(by_code["card_rule"], lang)] if "card_rule" in by_code else []
    rule_lines += [_line(by_code[c], lang) for c in SHOWN if c in by_code][:MAX_LINES]
    no_signing = [_line(by_code[c], lang) for c in NO_SIGNING if c in by_code]
    if result.signing_certificate_expiry is None and no_signing:
        user_only = texts.render("utter_lifecycle_line_user_cert_expiry", lang, expiry=result.user_certificate_expiry)
        cert_lines = [user_only, no_signing[0]]
    else:
        cert_lines = [texts.render("utter_lifecycle_line_cert_expiry", lang, expiry=result.user_certificate_expiry)]
    renewal_lines = [_line(by_code[c], lang) for c in RENEWAL if c in by_code][:MAX_LINES]
    return {
        "whose_card": texts.render(f"utter_lifecycle_line_card_of_{whose if whose in WHOSE else 'unknown'}", lang),
        "card_expiry": card_expiry,
        "card_rule": "\n".join(line for line in rule_lines if line),
        "cert_line": "\n".join(cert_lines),
        "renewal_line": "\n".join(line for line in renewal_lines if line),
    }


def render_expiry(answer: calculator.ExpiryAnswer, lang: str) -> Dict[str, str]:
    """The variables of utter_lifecycle_expiry_result: what was read, and what follows from it."""
    return {
        "known": texts.render(f"utter_lifecycle_line_known_{answer.kind}_expiry", lang, expiry=answer.expiry),
        "advice": "\n".join(_line(line, lang) for line in answer.explanations),
    }
