"""My Number Card validity rules: card and certificate expiry, renewal window, residence caps.

Pure functions over dates (calendar arithmetic in :mod:`maina.periods`); results carry
explanation *codes* with parameters, never sentences: the answer texts are responses
(data/responses/lifecycle.yml) that the calculator action renders; every rule parameter is
read from facts/facts.yml through :mod:`maina.facts`, "today" is always passed in (callers
use :func:`maina.clock.today`).

Rules implemented (sources: ../shared/reference/current-rules.md "rules", guidebook p.4/5):

* **Card expiry** — "from the issue date until the Nth birthday after the issue date"
  (発行の日後のN回目の誕生日). A birthday on the issue date itself does not count. N depends on the
  age on the issue date and on the row of facts ``card_validity_rules`` that covers the
  *application* date (申請受付日): before 2022-04-01 the adult age is 20, from then on 18.
  Adults get ``adult_birthdays`` (10), others ``minor_birthdays`` (5).
* **Unknown application date** — applications precede the issue date by at most facts
  ``card.application_to_issue_max_months`` (6, an assumption). Every rule row that could cover an
  application in [issue − 6 months, issue] is evaluated; if they disagree (18/19-year-olds with a
  card issued 2022-04-01..2022-09-30) the result is flagged ``ambiguous`` and carries every outcome;
  the primary outcome is the *earliest* expiry (the safe side: never call an expired card valid).
  Issue before 2022-04-01 → old rule, certain. Issue on/after 2022-10-01 → new rule, assumed.
* **29 February birthdays** — 28 February in common years; ages and legal periods: see
  :mod:`maina.periods`.
* **Foreign residents** — see :mod:`maina.residence` for the categories. 中長期在留者 other than
  永住者/特別永住者/高度専門職2号: the earlier of the period-of-stay end and the birthday limit.
  一時庇護/仮滞在: the end of that period (given as ``stay_end``). 出生/国籍喪失による経過滞在者:
  "60日を経過する日" — counted per 民法140条 (the event day is not counted), i.e. the event date
  plus 60 days (born 2024-01-01 → 2024-03-01).
* **Certificates** — 5th birthday after their issue (facts ``certificate.birthdays``), never later
  than the card. No signing certificate under 15 (facts ``certificate.signing_min_age``) or for an
  adult under guardianship (成年被後見人); under 15 the legal representative sets the PIN.
* **Renewal window** — opens on the first day on which *less than 3 months* remain until the
  expiry day (facts ``renewal.window_months``; 省令: 有効期間が満了する日までの期間が三月未満と
  なった場合, counted per 民法140/143条). In practice: the day after the same day-of-month
  3 months earlier (expiry 2029-04-01 → from 2029-01-02), the wording many cities use
  ("3か月前の翌日から", "3か月未満になった日から"). Around short months it follows 民法143条
  (expiry 2027-05-30 → from 2027-02-28).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from dateutil.relativedelta import relativedelta

from maina import facts, residence
from maina.dates import check_consistency
from maina.periods import (
    add_months,
    age_on,
    birthday_in_year,
    day_turning,
    days_after,
    is_feb29,
    nth_birthday_after,
    period_end,
)

# ---------------------------------------------------------------------------------------------
# Explanations: codes + parameters; the answer texts are responses (data/responses/lifecycle.yml)


@dataclass(frozen=True)
class Explanation:
    """A machine-readable reason. ``params`` hold dates/ints/strings for a one-line rendering."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


class LifecycleInputError(ValueError):
    """The inputs cannot describe a real card. ``codes`` say why (re-ask the user)."""

    def __init__(self, codes: Sequence[str]):
        self.codes = tuple(codes)
        super().__init__(", ".join(self.codes))


# ---------------------------------------------------------------------------------------------
# Validity rules (facts card_validity_rules)


@dataclass(frozen=True)
class ValidityRule:
    """One row of facts ``card_validity_rules`` (application-date range inclusive; None = open)."""

    application_from: Optional[_dt.date]
    application_to: Optional[_dt.date]
    adult_age: int
    adult_birthdays: int
    minor_birthdays: int

    def covers(self, application: _dt.date) -> bool:
        return (self.application_from is None or application >= self.application_from) and (
            self.application_to is None or application <= self.application_to
        )

    def overlaps(self, lo: Optional[_dt.date], hi: _dt.date) -> bool:
        """Does the rule cover some application date in [lo, hi] (lo None: unbounded)?"""
        if self.application_from is not None and hi < self.application_from:
            return False
        if self.application_to is not None and lo is not None and lo > self.application_to:
            return False
        return True

    def birthdays_for(self, age: int) -> int:
        return self.adult_birthdays if age >= self.adult_age else self.minor_birthdays


def validity_rules() -> Tuple[ValidityRule, ...]:
    """The rule rows from facts, oldest first."""
    rows = facts.value("card_validity_rules")
    rules = tuple(
        ValidityRule(
            application_from=row.get("application_from"),
            application_to=row.get("application_to"),
            adult_age=int(row["adult_age"]),
            adult_birthdays=int(row["adult_birthdays"]),
            minor_birthdays=int(row["minor_birthdays"]),
        )
        for row in rows
    )
    return tuple(sorted(rules, key=lambda r: r.application_from or _dt.date.min))


def rule_for_application(application: _dt.date) -> ValidityRule:
    """The rule row covering an application date."""
    for rule in validity_rules():
        if rule.covers(application):
            return rule
    raise LifecycleInputError(["no_rule_for_application_date"])


BASIS_APPLICATION = "application_date"  # the user gave the application date
BASIS_ISSUE_CERTAIN = "issue_date_certain"  # only one rule can cover an application before issue
BASIS_ISSUE_ASSUMED = "issue_date_assumed"  # one rule, assuming issue ≤ application + N months
BASIS_AMBIGUOUS = "ambiguous"  # several rules possible and they give different results
BASIS_EITHER = "same_either_way"  # several rules possible, same result


def possible_rules(issue: _dt.date, application: Optional[_dt.date] = None) -> Tuple[Tuple[ValidityRule, ...], str]:
    """Rules that may apply to a card issued on ``issue`` and the basis for that choice.

    The basis is one of ``application_date``, ``issue_date_certain`` or ``issue_date_assumed`` (the
    latter relies on facts ``card.application_to_issue_max_months``); with several rules the
    caller decides between ``ambiguous`` and ``same_either_way``.
    """
    rules = validity_rules()
    if application is not None:
        return (rule_for_application(application),), BASIS_APPLICATION
    unbounded = tuple(r for r in rules if r.overlaps(None, issue))
    if len(unbounded) == 1:
        return unbounded, BASIS_ISSUE_CERTAIN
    gap = int(facts.value("card.application_to_issue_max_months"))
    bounded = tuple(r for r in rules if r.overlaps(add_months(issue, -gap), issue))
    if len(bounded) == 1:
        return bounded, BASIS_ISSUE_ASSUMED
    return bounded, BASIS_AMBIGUOUS


# ---------------------------------------------------------------------------------------------
# Card expiry


@dataclass(frozen=True)
class CardExpiry:
    expiry: _dt.date  # the date printed on the card (valid through this day)
    birthday_rule_expiry: _dt.date  # Nth birthday after issue, before any residence cap
    birthdays: int  # N
    age_at_issue: int
    rule: ValidityRule
    capped_by: Optional[str] = None  # "stay_end" | "refuge_period" | "transitional_period"
    period_end: Optional[_dt.date] = None  # the residence period end that was applied, if any


def card_expiry_by_birthday(birth: _dt.date, issue: _dt.date, rule: ValidityRule) -> CardExpiry:
    """The Japanese-national rule: Nth birthday after the issue date, N by age on the issue date."""
    age = age_on(birth, issue)
    n = rule.birthdays_for(age)
    expiry = nth_birthday_after(birth, issue, n)
    return CardExpiry(expiry=expiry, birthday_rule_expiry=expiry, birthdays=n, age_at_issue=age, rule=rule)


def _capped(card: CardExpiry, end: Optional[_dt.date], reason: str) -> CardExpiry:
    if end is None:
        return card
    if end < card.birthday_rule_expiry:
        return CardExpiry(end, card.birthday_rule_expiry, card.birthdays, card.age_at_issue, card.rule, reason, end)
    return CardExpiry(card.expiry, card.birthday_rule_expiry, card.birthdays, card.age_at_issue, card.rule,
                      None, end)


def transitional_end(event: _dt.date) -> _dt.date:
    """出生/国籍喪失による経過滞在者: the day 60 days after the event (facts card.transitional_stay_days)."""
    return days_after(event, int(facts.value("card.transitional_stay_days")))


def special_period_end(stay_end: _dt.date) -> _dt.date:
    """Latest end of the 特例期間 (one extension, up to 2 months after the period of stay ended).

    入管法20条6項: until the decision, at most until 2 months have passed after the stay end,
    counted per 民法140/143条 (stay end 2026-03-31 → 2026-05-31). Facts card.special_period_months.
    """
    return period_end(stay_end, int(facts.value("card.special_period_months")))


@dataclass(frozen=True)
class Certificates:
    issue: _dt.date
    user_expiry: _dt.date  # 利用者証明用電子証明書
    signing_expiry: Optional[_dt.date]  # 署名用電子証明書 (None: not issued)
    signing_unavailable: Optional[str]  # "under_min_age" | "adult_guardianship" | None
    birthday_rule_expiry: _dt.date  # 5th birthday after issue, before the card cap
    capped_by_card: bool
    legal_representative_sets_pin: bool  # under 15: the legal representative sets the PIN
    signing_possible_from: Optional[_dt.date] = None  # the 15th birthday, when under 15 at issue


def certificate_expiries(
    birth: _dt.date,
    certificate_issue: _dt.date,
    card_expiry: _dt.date,
    *,
    adult_guardianship: bool = False,
) -> Certificates:
    """Certificate expiries: Nth birthday after their issue (facts certificate.birthdays), never
    later than the card; no signing certificate under facts certificate.signing_min_age or for
    成年被後見人 (``adult_guardianship``)."""
    n = int(facts.value("certificate.birthdays"))
    min_age = int(facts.value("certificate.signing_min_age"))
    rep_age = int(facts.value("certificate.legal_rep_age"))
    by_birthday = nth_birthday_after(birth, certificate_issue, n)
    expiry = min(by_birthday, card_expiry)
    age = age_on(birth, certificate_issue)
    unavailable: Optional[str] = None
    possible_from: Optional[_dt.date] = None
    if age < min_age:
        unavailable = "under_min_age"
        possible_from = day_turning(birth, min_age)
    elif adult_guardianship:
        unavailable = "adult_guardianship"
    return Certificates(
        issue=certificate_issue,
        user_expiry=expiry,
        signing_expiry=None if unavailable else expiry,
        signing_unavailable=unavailable,
        birthday_rule_expiry=by_birthday,
        capped_by_card=card_expiry < by_birthday,
        legal_representative_sets_pin=age < rep_age,
        signing_possible_from=possible_from,
    )


# ---------------------------------------------------------------------------------------------
# Renewal window

STATUS_NOT_YET_OPEN = "not_yet_open"
STATUS_OPEN = "open"
STATUS_EXPIRED = "expired"


@dataclass(frozen=True)
class RenewalWindow:
    expiry: _dt.date
    window_start: _dt.date
    status: str  # not_yet_open | open | expired
    days_left: int  # days from today to the expiry day (0 on the expiry day, negative when expired)
    days_until_open: int  # 0 once the window is open


def renewal_window_start(expiry: _dt.date) -> _dt.date:
    """First day on which less than facts ``renewal.window_months`` months remain until ``expiry``.

    expiry 2029-04-01 → 2029-01-02; expiry 2027-05-31 → 2027-03-01; expiry 2027-05-30 → 2027-02-28.
    """
    months = int(facts.value("renewal.window_months"))
    day = add_months(expiry, -months) - _dt.timedelta(days=7)
    while period_end(day, months) <= expiry:
        day += _dt.timedelta(days=1)
    return day


def renewal_status(expiry: _dt.date, today: _dt.date) -> RenewalWindow:
    """Where ``today`` stands relative to the renewal window of something expiring on ``expiry``."""
    start = renewal_window_start(expiry)
    if today > expiry:
        status = STATUS_EXPIRED
    elif today >= start:
        status = STATUS_OPEN
    else:
        status = STATUS_NOT_YET_OPEN
    return RenewalWindow(
        expiry=expiry,
        window_start=start,
        status=status,
        days_left=(expiry - today).days,
        days_until_open=max(0, (start - today).days),
    )


def insurance_grace_end(expiry: _dt.date) -> _dt.date:
    """マイナ保険証 keeps working until the end of the 3rd month after the expiry month
    (facts renewal.insurance_grace_months): expiry 2026-01-15 → 2026-04-30."""
    months = int(facts.value("renewal.insurance_grace_months"))
    return expiry + relativedelta(months=months, day=31)


# ---------------------------------------------------------------------------------------------
# Top level


@dataclass(frozen=True)
class Outcome:
    """Everything that follows from one validity rule."""

    rule: ValidityRule
    card: CardExpiry
    certificates: Certificates
    card_renewal: RenewalWindow
    certificate_renewal: RenewalWindow
    certificates_renewed_with_card: bool  # certificate expiry == card expiry: one renewal


@dataclass(frozen=True)
class LifecycleResult:
    """Result of :func:`compute_lifecycle`. The flat fields describe the primary outcome."""

    birth: _dt.date
    issue: _dt.date
    today: _dt.date
    application: Optional[_dt.date]
    residence_status: Optional[residence.ResidenceStatus]
    age_at_issue: int
    card_expiry: _dt.date
    user_certificate_expiry: _dt.date
    signing_certificate_expiry: Optional[_dt.date]
    renewal_window_start: _dt.date  # of the card
    status: str  # of the card: not_yet_open | open | expired
    days_left: int  # of the card
    card_renewal: RenewalWindow
    certificate_renewal: RenewalWindow
    rule_basis: str  # application_date | issue_date_certain | issue_date_assumed | ambiguous | same_either_way
    ambiguous: bool
    outcome: Outcome  # primary (the earliest card expiry when ambiguous)
    alternatives: Tuple[Outcome, ...]  # every distinct outcome when ambiguous, else (outcome,)
    explanations: Tuple[Explanation, ...]
    missing: Tuple[str, ...] = ()  # inputs that would make the answer exact: "stay_end", ...


StatusInput = Union[str, residence.ResidenceStatus, None]




def _resolve_status(status: StatusInput, stay_end: Optional[_dt.date]) -> Optional[residence.ResidenceStatus]:
    """The status to compute with. Someone with a period of stay is a 中長期在留者 even when they
    did not name their status (a stated stay end is never ignored), and so is a foreign resident
    who named none (「外国人です」: the stay end is then needed)."""
    if status is None and stay_end is None:
        return None
    resolved = status if isinstance(status, residence.ResidenceStatus) or status is None \
        else residence.normalise_status(status)
    if status is not None and resolved is None:
        raise LifecycleInputError(["unknown_residence_status"])
    if resolved is None or resolved.category == residence.FOREIGN_UNSPECIFIED:
        return residence.normalise_status(residence.MID_LONG_TERM_KEY)
    return resolved


def _outcome(
    birth: _dt.date,
    issue: _dt.date,
    today: _dt.date,
    rule: ValidityRule,
    category: Optional[str],
    period: Optional[_dt.date],
    certificate_issue: _dt.date,
    adult_guardianship: bool,
) -> Outcome:
    card = card_expiry_by_birthday(birth, issue, rule)
    if category in residence.PERIOD_BOUND:
        card = _capped(card, period, "stay_end" if category == residence.MID_LONG_TERM else "refuge_period")
    elif category in residence.TRANSITIONAL:
        card = _capped(card, period, "transitional_period")
    certificates = certificate_expiries(birth, certificate_issue, card.expiry, adult_guardianship=adult_guardianship)
    return Outcome(
        rule=rule,
        card=card,
        certificates=certificates,
        card_renewal=renewal_status(card.expiry, today),
        certificate_renewal=renewal_status(certificates.user_expiry, today),
        certificates_renewed_with_card=certificates.user_expiry == card.expiry,
    )


def _signature(o: Outcome) -> Tuple[Any, ...]:
    c = o.certificates
    return (o.card.expiry, c.user_expiry, c.signing_expiry)


def compute_lifecycle(
    birth: _dt.date,
    issue: _dt.date,
    today: _dt.date,
    application: Optional[_dt.date] = None,
    residence_status: StatusInput = None,
    stay_end: Optional[_dt.date] = None,
    adult_guardianship: bool = False,
    *,
    nationality_loss: Optional[_dt.date] = None,
    certificate_issue: Optional[_dt.date] = None,
) -> LifecycleResult:
    """Card and certificate expiry, renewal window and status for one person.

    ``residence_status``: None for Japanese nationals, else a status name (Japanese or English) or a
    :class:`maina.residence.ResidenceStatus`. ``stay_end``: the period-of-stay end (中長期在留者) or
    the end of the 一時庇護/仮滞在 period; given without a status, the person is taken to be a
    中長期在留者 (permanent residents have no period of stay). ``nationality_loss``: date of loss of Japanese
    nationality (国籍喪失による経過滞在者). ``certificate_issue``: when the certificates were issued
    or last renewed, if not together with the card.

    Raises :class:`LifecycleInputError` with codes from :func:`maina.dates.check_consistency` and
    ``unknown_residence_status``, ``status_not_eligible``, ``stay_end_before_issue``,
    ``certificate_issue_before_card``, ``certificate_issue_in_future``.
    """
    errors = check_consistency(birth, issue, today, application=application)
    status = _resolve_status(residence_status, stay_end)
    category = status.category if status else None
    if category == residence.NOT_ELIGIBLE:
        errors.append("status_not_eligible")
    if certificate_issue is not None:
        if certificate_issue < issue:
            errors.append("certificate_issue_before_card")
        if certificate_issue > today:
            errors.append("certificate_issue_in_future")
    missing: List[str] = []
    period: Optional[_dt.date] = None
    if category in residence.PERIOD_BOUND:
        period = stay_end
        if stay_end is None:
            missing.append("stay_end")
    elif category == residence.TRANSITIONAL_BIRTH:
        period = transitional_end(birth)
    elif category == residence.TRANSITIONAL_NATIONALITY:
        if nationality_loss is None:
            missing.append("nationality_loss")
        else:
            period = transitional_end(nationality_loss)
    if period is not None and period < issue:
        errors.append("stay_end_before_issue")
    if errors:
        raise LifecycleInputError(errors)

    rules, basis = possible_rules(issue, application)
    cert_issue = certificate_issue or issue
    outcomes = [_outcome(birth, issue, today, r, category, period, cert_issue, adult_guardianship) for r in rules]
    distinct: List[Outcome] = []
    for o in outcomes:
        if all(_signature(o) != _signature(d) for d in distinct):
            distinct.append(o)
    if len(rules) > 1:
        basis = BASIS_AMBIGUOUS if len(distinct) > 1 else BASIS_EITHER
    ambiguous = len(distinct) > 1
    # primary: the newest rule when all agree; the earliest expiry when they do not (safe side)
    primary = min(distinct, key=lambda o: o.card.expiry) if ambiguous else outcomes[-1]
    explanations = _explain(birth, issue, today, application, status, primary, distinct, basis,
                            stay_end, nationality_loss, period)
    return LifecycleResult(
        birth=birth,
        issue=issue,
        today=today,
        application=application,
        residence_status=status,
        age_at_issue=primary.card.age_at_issue,
        card_expiry=primary.card.expiry,
        user_certificate_expiry=primary.certificates.user_expiry,
        signing_certificate_expiry=primary.certificates.signing_expiry,
        renewal_window_start=primary.card_renewal.window_start,
        status=primary.card_renewal.status,
        days_left=primary.card_renewal.days_left,
        card_renewal=primary.card_renewal,
        certificate_renewal=primary.certificate_renewal,
        rule_basis=basis,
        ambiguous=ambiguous,
        outcome=primary,
        alternatives=tuple(sorted(distinct, key=lambda o: o.card.expiry)) if ambiguous else (primary,),
        explanations=tuple(explanations),
        missing=tuple(missing),
    )


def _explain(
    birth: _dt.date,
    issue: _dt.date,
    today: _dt.date,
    application: Optional[_dt.date],
    status: Optional[residence.ResidenceStatus],
    primary: Outcome,
    distinct: Sequence[Outcome],
    basis: str,
    stay_end: Optional[_dt.date],
    nationality_loss: Optional[_dt.date],
    period: Optional[_dt.date],
) -> List[Explanation]:
    card, certs, rule = primary.card, primary.certificates, primary.rule
    out: List[Explanation] = []
    rules = validity_rules()
    change = next((r.application_from for r in rules if r.application_from is not None), None)
    out.append(Explanation("card_rule", {
        "birthdays": card.birthdays, "age_at_issue": card.age_at_issue, "adult_age": rule.adult_age,
        "is_adult": card.age_at_issue >= rule.adult_age, "birthday_expiry": card.birthday_rule_expiry,
    }))
    if basis == BASIS_APPLICATION:
        out.append(Explanation("rule_by_application_date", {"application": application, "adult_age": rule.adult_age}))
    elif basis == BASIS_ISSUE_CERTAIN and change is not None and issue < change:
        out.append(Explanation("rule_before_change", {"change_date": change, "adult_age": rule.adult_age}))
    elif basis == BASIS_ISSUE_ASSUMED:
        out.append(Explanation("rule_assumed_after_change", {"change_date": change, "adult_age": rule.adult_age}))
    elif basis == BASIS_AMBIGUOUS:
        options = [
            {"adult_age": o.rule.adult_age, "application_from": o.rule.application_from,
             "application_to": o.rule.application_to, "card_expiry": o.card.expiry, "birthdays": o.card.birthdays}
            for o in sorted(distinct, key=lambda o: o.card.expiry)
        ]
        out.append(Explanation("rule_ambiguous", {"change_date": change, "options": options}))
    if birthday_in_year(birth, issue.year) == issue:
        out.append(Explanation("birthday_on_issue_not_counted", {"issue": issue}))
    if is_feb29(birth):
        out.append(Explanation("feb29_birthday", {"deemed": "02-28"}))
    if status is not None:
        category = status.category
        base = {"status": status.key, "status_en": status.name_en}
        if category == residence.NATIONAL_LIKE:
            if status.key != "日本人":
                out.append(Explanation("residence_like_nationals", base))
        elif category == residence.MID_LONG_TERM:
            if stay_end is None:
                out.append(Explanation("residence_stay_end_needed", base))
            elif card.capped_by:
                out.append(Explanation("residence_capped_by_stay_end", {**base, "stay_end": stay_end,
                                                                       "birthday_expiry": card.birthday_rule_expiry}))
            else:
                out.append(Explanation("residence_birthday_limit_first", {**base, "stay_end": stay_end,
                                                                         "birthday_expiry": card.birthday_rule_expiry}))
            out.append(Explanation("validity_change_after_stay_renewal", {
                "limit": card.birthday_rule_expiry, "expiry": card.expiry,
                "days_left": primary.card_renewal.days_left}))
            if stay_end is not None:
                out.append(Explanation("special_period", {"latest": special_period_end(stay_end)}))
            out.append(Explanation("no_expiry_notice_foreign", {}))
        elif category in (residence.TEMPORARY_REFUGE, residence.PROVISIONAL_STAY):
            out.append(Explanation("residence_refuge_period", {**base, "period_end": stay_end}))
        elif category in residence.TRANSITIONAL:
            event = birth if category == residence.TRANSITIONAL_BIRTH else nationality_loss
            out.append(Explanation("residence_transitional", {**base, "event": event, "period_end": period}))
    out.append(Explanation("certificate_rule", {"expiry": certs.user_expiry,
                                                "birthday_expiry": certs.birthday_rule_expiry}))
    if certs.capped_by_card:
        out.append(Explanation("certificate_capped_by_card", {"card_expiry": card.expiry}))
    if certs.signing_unavailable == "under_min_age":
        out.append(Explanation("no_signing_under_min_age", {"possible_from": certs.signing_possible_from}))
    elif certs.signing_unavailable == "adult_guardianship":
        out.append(Explanation("no_signing_adult_guardianship", {}))
    if certs.legal_representative_sets_pin:
        out.append(Explanation("legal_representative_sets_pin", {}))
    statuses = {(o.card_renewal.status, o.certificate_renewal.status) for o in distinct}
    if len(statuses) > 1:
        # the renewal advice itself depends on the unknown application date: ask first
        out.append(Explanation("renewal_depends_on_rule", {
            "options": [{"card_expiry": o.card_renewal.expiry, "status": o.card_renewal.status}
                        for o in sorted(distinct, key=lambda o: o.card.expiry)]}))
        return out
    if card.capped_by is None or primary.card_renewal.status == STATUS_EXPIRED:
        out.extend(renewal_explanations(primary.card_renewal, "card", foreign_capped=card.capped_by is not None))
    # a card that ends with the period of stay is not "renewed": validity_change_after_stay_renewal says what to do
    if not primary.certificates_renewed_with_card and primary.card_renewal.status != STATUS_EXPIRED:
        out.extend(renewal_explanations(primary.certificate_renewal, "certificate"))
    return out


def renewal_explanations(window: RenewalWindow, kind: str, *, foreign_capped: bool = False) -> List[Explanation]:
    """Status-dependent advice for the card (``kind="card"``) or the certificates.

    ``foreign_capped``: the card ends with the period of stay (no expiry notice is mailed, and a
    card that expired with the stay is replaced for facts ``fee.foreign_expired_with_stay``).
    """
    params: Dict[str, Any] = {
        "kind": kind, "expiry": window.expiry, "window_start": window.window_start,
        "days_left": window.days_left, "days_until_open": window.days_until_open,
    }
    if window.status == STATUS_NOT_YET_OPEN:
        advice = [Explanation("renewal_not_yet_open", params)]
        if not foreign_capped:
            advice.append(Explanation("expiry_notice", {"kind": kind}))
        return advice
    if window.status == STATUS_OPEN:
        return [Explanation("renewal_open", params)]
    expired = "certificate_expired" if kind == "certificate" else \
        "card_expired_with_stay" if foreign_capped else "card_expired"
    return [Explanation(expired, params),
            Explanation("insurance_grace", {"until": insurance_grace_end(window.expiry)})]


