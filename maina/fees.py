"""What a new card costs: re-issue, 特急発行, and the one amount for a resident's own case.

Rules (facts ``fee.*``, ``express_issue.*``; sources in facts/facts.yml):

* **Re-issue** through the holder's fault (lost, damaged, …): 1,000 yen (card 800 + certificates
  200), 800 yen without certificates. Free when the 追記欄 is full, after a theft or a disaster
  *with proof* (the police's 盗難届 receipt number, the fire station's 罹災証明書), or for an
  error by the office. Renewal after expiry is free (foreign residents whose card expired with
  their stay: 1,000 yen).
* **特急発行・交付** (since facts ``express_issue.start_date``): lost, stolen or damaged cards,
  2,000 yen (1,800 without certificates), applied for at the counter within 30 days of the
  event (the event day not counted, 民法140条: lost on 1 November → until 1 December). Under-1s,
  people returning from abroad and new 中長期在留者: free. Other cases are not eligible.

:func:`question` says what to ask first, only when it changes the amount or the last day;
:func:`answer` gives the amount, the reason (a code: the response ``utter_fee_<code>``) and,
for express issue, the last day to apply.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from maina import case as cases
from maina import days, facts
from maina.event_dates import EventDate
from maina.periods import days_after

# ---------------------------------------------------------------------------------------------
# Fee rules


@dataclass(frozen=True)
class FeeQuote:
    amount: int  # yen
    code: str  # why: reissue_fee | reissue_free_<case> | renewal_free | expired_with_stay
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def free(self) -> bool:
        return self.amount == 0


REISSUE_REASONS = ("lost", "stolen", "damaged", "disaster", "remarks_full", "office_error", "expired",
                   "expired_with_stay", "other")


def reissue_fee(reason: str, *, with_certificates: bool = True, proof: bool = False) -> FeeQuote:
    """Fee for a new card (normal issue, not 特急).

    ``reason``: lost, stolen, damaged, disaster (fire etc.), remarks_full (追記欄 full),
    office_error, expired (renewal after expiry: free), expired_with_stay (foreign resident whose
    card expired with the stay), other. ``proof``: a police 盗難届 / fire-station 罹災証明 exists.
    """
    free_cases = set(facts.value("fee.reissue_free_cases"))
    if reason == "remarks_full" and "remarks_full" in free_cases:
        return FeeQuote(0, "reissue_free_remarks_full")
    if reason == "office_error" and "office_error" in free_cases:
        return FeeQuote(0, "reissue_free_office_error")
    if reason == "disaster" and proof and "disaster_with_proof" in free_cases:
        return FeeQuote(0, "reissue_free_disaster_with_proof")
    if reason == "stolen" and proof and "theft_with_proof" in free_cases:
        return FeeQuote(0, "reissue_free_theft_with_proof")
    if reason == "expired":
        return FeeQuote(int(facts.value("fee.renewal")), "renewal_free")
    if reason == "expired_with_stay":
        return FeeQuote(int(facts.value("fee.foreign_expired_with_stay")), "expired_with_stay")
    if with_certificates:
        return FeeQuote(int(facts.value("fee.reissue")), "reissue_fee", {
            "card_part": int(facts.value("fee.reissue_card_part")),
            "certificate_part": int(facts.value("fee.reissue_cert_part")),
            "needs_proof_for_free": reason in ("stolen", "disaster")})
    return FeeQuote(int(facts.value("fee.reissue_no_cert")), "reissue_fee_no_certificates",
                    {"needs_proof_for_free": reason in ("stolen", "disaster")})


@dataclass(frozen=True)
class ExpressQuote:
    eligible: bool
    amount: Optional[int]  # yen; None when not eligible
    apply_by: Optional[_dt.date]  # last day to apply (lost/damaged: event + 30 days)
    at_counter: bool  # lost/damaged: apply in person at the counter
    code: str  # express_paid | express_free | express_deadline_passed | express_not_eligible
    params: Mapping[str, Any] = field(default_factory=dict)


def express_issue_fee(
    reason: str,
    *,
    with_certificates: bool = True,
    event_date: Optional[_dt.date] = None,
    today: Optional[_dt.date] = None,
) -> ExpressQuote:
    """特急発行・交付 (since facts express_issue.start_date): eligibility and fee.

    Lost/stolen/damaged (facts express_issue.paid_case_codes): 2,000 yen (1,800 without
    certificates), apply at the counter within 30 days of the event (event + 30 days, 民法140条).
    Free cases (facts express_issue.free_case_codes): under_1, returning_from_abroad,
    new_mid_long_term_resident. Anything else: not eligible.
    """
    base = {"duration": facts.value("express_issue.duration"), "duration_en": facts.value("express_issue.duration_en")}
    if reason in set(facts.value("express_issue.paid_case_codes")):
        days_allowed = int(facts.value("express_issue.apply_within_days"))
        apply_by = days_after(event_date, days_allowed) if event_date is not None else None
        amount = int(facts.value("fee.express" if with_certificates else "fee.express_no_cert"))
        params = {**base, "days": days_allowed}
        if apply_by is not None and today is not None and today > apply_by:
            return ExpressQuote(False, None, apply_by, True, "express_deadline_passed", params)
        return ExpressQuote(True, amount, apply_by, True, "express_paid", params)
    if reason in set(facts.value("express_issue.free_case_codes")):
        return ExpressQuote(True, 0, None, False, "express_free", base)
    return ExpressQuote(False, None, None, False, "express_not_eligible", base)


# ---------------------------------------------------------------------------------------------
# A resident's own case


@dataclass(frozen=True)
class FeeCase:
    """What the resident said (maina.case): None = not said."""

    reason: Optional[str] = None  # maina.case reasons
    certificates: Optional[bool] = None  # with the electronic certificates? (None: the usual, with)
    express: bool = False
    proof: Optional[bool] = None  # police receipt number / 罹災証明書 in hand
    event: Optional[EventDate] = None  # the day (or days) of the loss or damage


@dataclass(frozen=True)
class FeeAnswer:
    """``code`` names the response ``utter_fee_<code>``; amounts in yen; ``days_left`` counts
    from today to ``apply_by`` (0: today is the last day)."""

    code: str
    amount: Optional[int] = None
    apply_by: Optional[_dt.date] = None
    days_left: Optional[int] = None
    lost_from: Optional[_dt.date] = None  # express_depends: events on or after this day qualify


ASK_REASON, ASK_PROOF, ASK_EVENT = "reason", "proof", "event"
_FREE = {"reissue_free_theft_with_proof": "free_theft", "reissue_free_disaster_with_proof": "free_disaster",
         "reissue_free_remarks_full": "free_remarks_full", "reissue_free_office_error": "free_office_error",
         "renewal_free": "renewal_free", "expired_with_stay": "expired_with_stay"}


def _paid_express(reason: Optional[str]) -> bool:
    return reason in set(facts.value("express_issue.paid_case_codes"))


def _express_window(fee_case: FeeCase, today: _dt.date):
    """Express quotes for the first and the last possible day of the event."""
    with_certs = fee_case.certificates is not False
    early = express_issue_fee(fee_case.reason, with_certificates=with_certs,
                              event_date=fee_case.event.first, today=today)
    late = express_issue_fee(fee_case.reason, with_certificates=with_certs,
                             event_date=fee_case.event.last, today=today)
    return early, late


def question(fee_case: FeeCase, today: _dt.date) -> Optional[str]:
    """What to ask before answering, or None. Only what changes the amount or the last day:
    the reason for an express issue (paid, free or not eligible), the day of the loss for a
    paid express issue (the 30-day limit), the proof after a theft or a disaster (free or not).
    Whether the certificates go on the card is never asked: both amounts are said."""
    if fee_case.express:
        if fee_case.reason is None:
            return ASK_REASON
        if _paid_express(fee_case.reason):
            if fee_case.event is None:
                return ASK_EVENT
            early, late = _express_window(fee_case, today)
            if early.code != late.code:  # the last day has passed for some days of the period
                return ASK_EVENT
        return None
    if fee_case.reason in (cases.STOLEN, cases.DISASTER) and fee_case.proof is None:
        return ASK_PROOF
    return None


def _normal(fee_case: FeeCase) -> FeeAnswer:
    quote = reissue_fee(fee_case.reason or "other", with_certificates=fee_case.certificates is not False,
                        proof=bool(fee_case.proof))
    if quote.code in _FREE:
        return FeeAnswer(_FREE[quote.code], quote.amount)
    if fee_case.reason == cases.STOLEN:
        return FeeAnswer("theft_without_proof", quote.amount)
    if fee_case.reason == cases.DISASTER:
        return FeeAnswer("disaster_without_proof", quote.amount)
    return FeeAnswer("reissue" if fee_case.certificates is not False else "reissue_no_cert", quote.amount)


def answer(fee_case: FeeCase, today: _dt.date) -> FeeAnswer:
    """The amount for this case and why (see the module doc). Call after :func:`question`
    returned None; a question still open gives the answer for the usual case."""
    if not fee_case.express:
        return _normal(fee_case)
    if fee_case.reason is None:
        return FeeAnswer("express_general")
    if not _paid_express(fee_case.reason):  # the free cases are first issues, not a case here
        return FeeAnswer("express_not_eligible")
    if fee_case.event is None:
        return FeeAnswer("express_general")
    early, late = _express_window(fee_case, today)
    if late.code == "express_deadline_passed":
        return FeeAnswer("express_passed", _normal(fee_case).amount, late.apply_by,
                         days.days_until(late.apply_by, today))
    left = days.days_until(early.apply_by, today)
    if early.code == "express_deadline_passed":  # too late for the first days of the period only
        allowed = int(facts.value("express_issue.apply_within_days"))
        return FeeAnswer("express_depends", late.amount, lost_from=today - _dt.timedelta(days=allowed))
    if not fee_case.event.exact:
        return FeeAnswer("express_period", early.amount, early.apply_by, left)
    return FeeAnswer("express_last_day" if left == 0 else "express", early.amount, early.apply_by, left)
