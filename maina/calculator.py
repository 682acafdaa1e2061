"""The calculator's decisions: from what a resident has said, the exact answer or the one thing to ask.

Residents tell their dates the way they would tell a clerk: 「令和元年5月に作った」 (no day),
「30歳のときに作った」 (an age), 「5か月前に期限が切れた」 (the card's own expiry, to the month).
:func:`plan` takes everything known so far (:class:`Known`, partial dates allowed) and returns a
:class:`Plan`: an answer, a question for exactly one missing thing, or a re-ask for dates that
cannot be right.

* **A date known only in part** (a month, a year) is computed for every day it can be. When every
  day gives the same answer, that answer is exact and says so (``same_any_day``); otherwise only
  the missing part is asked (「5月の何日？」). The age path 「N歳のときに作った」 is the same idea:
  the card was issued on some day between the Nth and the (N+1)th birthday.
* Near the 2022-04-01 change an age or a month may leave two answers that only the application
  date decides: both are given, with the facts that decide (``age_rule_depends`` /
  ``rule_ambiguous``).
* **The card's own expiry date** (「有効期限が2027年3月15日」, "expired 5 months ago") needs no
  birth or issue date: the renewal window, what to do now and until when マイナ保険証 works.
* A period-of-stay end is asked only for residents whose card ends with it (a status with a period
  of stay, or 「外国人です」 without one); a stated stay end is always used.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from maina import facts, lifecycle, periods, residence
from maina.dates import check_consistency
from maina.lifecycle import Explanation, LifecycleInputError, LifecycleResult
from maina.partial import PartialDate

# What the form asks for: a whole date (its own prompt) or the missing part of one.
ASK_DETAIL = "date_detail"
SLOT_OF = {"birth": "birth_date", "issue": "issue_date", "application": "application_date",
           "stay_end": "stay_end_date", "card_expiry": "card_expiry_date", "cert_expiry": "cert_expiry_date"}


@dataclass(frozen=True)
class Known:
    """Everything the resident has said so far (None: not said)."""

    birth: Optional[PartialDate] = None
    issue: Optional[PartialDate] = None
    application: Optional[PartialDate] = None
    stay_end: Optional[PartialDate] = None
    card_expiry: Optional[PartialDate] = None
    cert_expiry: Optional[PartialDate] = None
    age_at_issue: Optional[int] = None
    current_age: Optional[int] = None
    status: Optional[str] = None  # a residence status key (maina.residence)
    birthday_seen: Optional[PartialDate] = None  # a day said to be a birthday (「誕生日の平成29年6月15日」)


@dataclass(frozen=True)
class Detail:
    """The missing part of one date: ``date`` (a key of SLOT_OF), what is ``known`` of it, and
    ``missing`` ("day", "month_day" or "year")."""

    date: str
    known: PartialDate
    missing: str


@dataclass(frozen=True)
class ExpiryAnswer:
    """The answer from the card's (or the certificates') own expiry date."""

    kind: str  # "card" | "certificate"
    expiry: PartialDate
    status: str  # lifecycle.STATUS_*
    explanations: Tuple[Explanation, ...]


@dataclass(frozen=True)
class Plan:
    """Exactly one of: ``ask`` (a slot, with ``detail`` for ASK_DETAIL), ``error`` (a re-ask code)
    or an answer (``result`` for birth/issue dates, ``expiry`` for a known expiry date)."""

    ask: Optional[str] = None
    detail: Optional[Detail] = None
    error: Optional[str] = None
    result: Optional[LifecycleResult] = None
    expiry: Optional[ExpiryAnswer] = None
    known: Known = Known()  # the inputs as completed by the plan (e.g. the birth year from an age)


def _ask_date(date: str, value: Optional[PartialDate]) -> Plan:
    """Ask for a date that is missing (its own prompt) or for the missing part of it."""
    if value is None or (value.year is None and value.month is None):
        return Plan(ask=SLOT_OF[date])
    return Plan(ask=ASK_DETAIL, detail=Detail(date, value, value.missing))


# ---------------------------------------------------------------------------------------------
# The card's own expiry date


def _expiry_plan(kind: str, expiry: PartialDate, known: Known, today: _dt.date) -> Plan:
    if expiry.year is None:
        return _ask_date("card_expiry" if kind == "card" else "cert_expiry", expiry)
    status = _status(known)
    foreign = status is not None and status.category in residence.PERIOD_BOUND | {residence.FOREIGN_UNSPECIFIED}
    outlooks = []
    for day in expiry.days():
        window = lifecycle.renewal_status(day, today)
        outlooks.append((window, lifecycle.renewal_explanations(window, kind)))
    statuses = {window.status for window, _ in outlooks}
    exact = expiry.complete
    if len(statuses) > 1 or (expiry.month is None and lifecycle.STATUS_NOT_YET_OPEN in statuses):
        # the day decides whether renewal is possible yet, or only a year is known: ask it
        return _ask_date("card_expiry" if kind == "card" else "cert_expiry", expiry)
    window, explanations = outlooks[0]
    if not exact:
        # the same for every day: passed, open already, or not yet open — from the month
        # 3 months before (「2027年7月まで」 → from April 2027, the day after the same date)
        graces = {lifecycle.insurance_grace_end(w.expiry) for w, _ in outlooks}
        explanations = [_over_the_month(e, expiry) for e in explanations
                        if e.code != "insurance_grace" or len(graces) == 1]
    lines = list(explanations)
    if window.status == lifecycle.STATUS_EXPIRED:
        grace = next((e for e in lines if e.code == "insurance_grace"), None)
        if grace is not None and grace.params["until"] < today:
            lines[lines.index(grace)] = Explanation("insurance_grace_over", grace.params)
        if kind == "card" and foreign:
            lines.append(Explanation("card_expired_foreign_note", {}))
    else:
        lines.append(Explanation(f"renewal_steps_{kind}", {}))
    return Plan(expiry=ExpiryAnswer(kind, expiry, window.status, tuple(lines)), known=known)


def _over_the_month(line: Explanation, expiry: PartialDate) -> Explanation:
    """A renewal line for an expiry known to the month (or year) rather than to the day."""
    params = {**line.params, "expiry": expiry}
    if line.code == "renewal_open":
        return Explanation("renewal_open_span", params)
    if line.code == "renewal_not_yet_open":
        opens = periods.add_months(expiry.first_day(), -int(facts.value("renewal.window_months")))
        return Explanation("renewal_opens_in_month", {**params, "window_month": PartialDate(opens.year, opens.month)})
    return Explanation(line.code, params)


# ---------------------------------------------------------------------------------------------
# Birth and issue dates


def _status(known: Known) -> Optional[residence.ResidenceStatus]:
    return residence.normalise_status(known.status) if known.status else None


def _completed_birth(known: Known, today: _dt.date) -> Optional[PartialDate]:
    """The birth date with what else was said: a day on the birthday gives month and day, a
    current age gives the year of a month-day."""
    birth = known.birth
    seen = known.birthday_seen
    if seen is not None and (birth is None or birth.day is None) and seen.month and seen.day:
        birth = (birth or PartialDate()).updated(PartialDate(None, seen.month, seen.day))
        if not birth.valid:
            birth = known.birth
    if birth is not None and birth.year is None and birth.month and birth.day and known.current_age is not None:
        year = today.year - known.current_age - (1 if (birth.month, birth.day) > (today.month, today.day) else 0)
        candidate = birth.updated(PartialDate(year))
        if candidate.valid:
            birth = candidate
    return birth


def _issue_days(known: Known, birth: _dt.date, today: _dt.date) -> Tuple[List[_dt.date], Optional[str]]:
    """Every day the card can have been issued on, or an error code when there is none."""
    launch = facts.value("card.launch_date")
    if known.issue is not None:
        first, last = known.issue.first_day(), known.issue.last_day()
    else:  # 「N歳のときに作った」: between the Nth and the (N+1)th birthday
        first = periods.day_turning(birth, known.age_at_issue)
        last = periods.day_turning(birth, known.age_at_issue + 1) - periods.DAY
    if first > today:
        return [], "issue_in_future" if known.issue is not None else "age_in_future"
    if last < launch:
        return [], "issue_before_card_launch"
    if last < birth:
        return [], "issue_before_birth"
    lo = max(first, launch, birth)
    hi = min(last, today)
    return [lo + _dt.timedelta(days=i) for i in range((hi - lo).days + 1)], None


def _telling_days(first: _dt.date, last: _dt.date, birth: _dt.date) -> List[_dt.date]:
    """The days of [first, last] that stand for all of them: the answer for an issue day changes
    only where the age or the first birthday after it changes (birthdays; 1 March for 29 February
    births) or where another validity rule may apply (a rule's first day, and that day plus the
    application-to-issue assumption). Every stretch between such days answers as its ends do, so
    both sides of each are evaluated; tests compare with every single day."""
    gap = int(facts.value("card.application_to_issue_max_months"))
    marks = {first, last}
    for year in range(first.year, last.year + 1):
        marks.add(periods.birthday_in_year(birth, year))
        marks.add(periods.day_turning(birth, year - birth.year))
    for rule in lifecycle.validity_rules():
        for edge in (rule.application_from, rule.application_to and rule.application_to + periods.DAY):
            if edge is not None:
                marks.update((edge, periods.add_months(edge, gap)))
    around = {day + _dt.timedelta(days=shift) for day in marks for shift in (-1, 0, 1)}
    return sorted(day for day in around if first <= day <= last)


def _signature(result: LifecycleResult) -> Tuple:
    return tuple((o.card.expiry, o.certificates.user_expiry, o.certificates.signing_expiry)
                 for o in result.alternatives)


def _application_days(application: Optional[PartialDate], issue: _dt.date) -> List[Optional[_dt.date]]:
    """One application day per validity rule it can fall under (the rule is all that matters)."""
    if application is None or application.year is None:
        return [None]
    by_rule: Dict[lifecycle.ValidityRule, _dt.date] = {}
    for day in application.days(hi=issue):
        by_rule.setdefault(lifecycle.rule_for_application(day), day)
    return list(by_rule.values()) or [application.first_day()]


def _common(results: Sequence[LifecycleResult], representative: LifecycleResult) -> List[Explanation]:
    """The explanations every possible day shares (「発行日当日の誕生日は数えない」 is day-specific)."""
    shared = set.intersection(*({e.code for e in r.explanations} for r in results))
    return [e for e in representative.explanations if e.code in shared]


@functools.lru_cache(maxsize=256)
def plan(known: Known, today: _dt.date) -> Plan:
    """The answer from ``known``, or what to ask next (see the module docstring).

    Pure, so cached: one turn of the form asks for the same plan several times, and an age or a
    year means a few hundred rule evaluations."""
    if known.card_expiry is not None and (known.birth is None or known.issue is None):
        return _expiry_plan("card", known.card_expiry, known, today)
    if known.cert_expiry is not None and (known.birth is None or known.issue is None):
        return _expiry_plan("certificate", known.cert_expiry, known, today)

    birth_partial = _completed_birth(known, today)
    known = dataclasses.replace(known, birth=birth_partial)
    if birth_partial is None or not birth_partial.complete:
        return _ask_date("birth", birth_partial)
    birth = birth_partial.date
    errors = check_consistency(birth, None, today)
    if errors:
        return Plan(error=errors[0], known=known)

    if known.issue is None and known.age_at_issue is None:
        return _ask_date("issue", None)
    if known.issue is not None and known.issue.year is None:
        return _ask_date("issue", known.issue)

    status = _status(known)
    category = status.category if status else None
    if known.stay_end is None and (category in residence.PERIOD_BOUND or category == residence.FOREIGN_UNSPECIFIED):
        return Plan(ask=SLOT_OF["stay_end"], known=known)
    if known.stay_end is not None and not known.stay_end.complete:
        return _ask_date("stay_end", known.stay_end)
    stay_end = known.stay_end.date if known.stay_end is not None else None

    days, error = _issue_days(known, birth, today)
    if error:
        return Plan(error=error, known=known)
    results: List[LifecycleResult] = []
    first_error: Optional[str] = None
    for day in _telling_days(days[0], days[-1], birth):
        for application in _application_days(known.application, day):
            try:
                results.append(lifecycle.compute_lifecycle(birth, day, today, application=application,
                                                           residence_status=known.status, stay_end=stay_end))
            except LifecycleInputError as failure:
                first_error = first_error or failure.codes[0]
    if not results:
        return Plan(error=first_error or "invalid_date", known=known)
    return _decide(results, known, days)


def _decide(results: List[LifecycleResult], known: Known, days: List[_dt.date]) -> Plan:
    signatures = {_signature(r) for r in results}
    exact_issue = known.issue is not None and known.issue.complete
    application_span = known.application is not None and not known.application.complete
    if len(signatures) == 1:
        representative = results[0]
        lines = _common(results, representative)
        if application_span:
            lines = [Explanation(e.code, {**e.params, "application": known.application})
                     if e.code == "rule_by_application_date" else e for e in lines]
        if known.issue is None:
            lines.append(Explanation("same_any_day_at_age", {"age": known.age_at_issue}))
        elif not exact_issue:
            lines.append(Explanation("same_any_day", {"known": known.issue}))
        return Plan(result=dataclasses.replace(representative, explanations=tuple(lines)), known=known)
    if known.issue is not None and not exact_issue:
        return _ask_date("issue", known.issue)
    if known.issue is None:
        # the age leaves the day open; only the validity rule (the application date) can differ
        widest = max(results, key=lambda r: len(r.alternatives))
        union = {o for r in results for o in _signature(r)}
        if set(_signature(widest)) == union and widest.ambiguous:
            return Plan(result=_age_rule_depends(widest, known, days), known=known)
        return _ask_date("issue", None)
    return _ask_date("application", known.application)


def _age_rule_depends(result: LifecycleResult, known: Known, days: List[_dt.date]) -> LifecycleResult:
    """Both outcomes of an age near the 2022 change, with the facts that decide between them: a
    card received before the change is under the old rule, one received from ``assumed_from`` on
    (facts card.application_to_issue_max_months after the change) under the new one; in between
    only the application date decides."""
    early, late = result.alternatives[0], result.alternatives[-1]
    change = late.rule.application_from
    assumed_from = periods.add_months(change, int(facts.value("card.application_to_issue_max_months")))
    by_issue = ("early" if days[0] < change else "") + ("late" if days[-1] >= assumed_from else "")
    if not by_issue:  # every possible day within the uncertain months: rule_ambiguous asks the application
        return result
    decides = Explanation(f"age_rule_depends_{by_issue}", {
        "age": known.age_at_issue, "change_date": change, "early": early.card.expiry, "late": late.card.expiry,
        "assumed_from": assumed_from, "last_before": change - periods.DAY})
    hidden = ("rule_ambiguous", "birthday_on_issue_not_counted")
    lines = [decides] + [e for e in result.explanations if e.code not in hidden]
    return dataclasses.replace(result, explanations=tuple(lines))


# ---------------------------------------------------------------------------------------------
# 「友達は10年って言ってた」: the rule that applies to this resident, and why


def rule_for(known: Known, today: _dt.date) -> List[Explanation]:
    """Why the card lasts as long as it does, for this resident as far as they have told us."""
    general = Explanation("why_general", {})
    outcome = plan(known, today)
    if outcome.result is None:
        status = _status(known)
        lines = [general]
        if status is not None and status.category in residence.PERIOD_BOUND | {residence.FOREIGN_UNSPECIFIED}:
            lines.append(Explanation("why_stay_end", {}))
        return lines
    result = outcome.result
    card = result.outcome.card
    lines = [Explanation("why_personal", {"age_at_issue": card.age_at_issue, "birthdays": card.birthdays,
                                          "adult_age": card.rule.adult_age, "expiry": card.birthday_rule_expiry})]
    if card.capped_by:
        lines.append(Explanation("why_capped", {"expiry": card.expiry}))
    lines.append(general)
    return lines
