"""My Number Card lifecycle: card and certificate expiry, renewal window.

Fees and express issue: maina.fees; moving deadlines: maina.deadlines.

Pure functions over dates; every rule parameter is read from facts/facts.yml through
:mod:`maina.facts`, "today" is always passed in (callers use :func:`maina.clock.today`).

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
* **29 February birthdays** — in a year without 29 February the birthday is taken to be
  28 February (the "みなし誕生日" used by 道路交通法 and other statutes that count validity by
  birthdays; no card-specific provision was found, so this is to be confirmed with the city).
  The *age* follows 年齢計算ニ関スル法律/民法143条: someone born on 29 February turns one year
  older at the end of 28 February, i.e. counts as older from 1 March in a common year.
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

import calendar
import datetime as _dt
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from maina import facts, residence, wareki
from maina.dates import check_consistency

_DAY = _dt.timedelta(days=1)

# ---------------------------------------------------------------------------------------------
# Calendar helpers


def month_end(year: int, month: int) -> _dt.date:
    """The last day of a month."""
    return _dt.date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: _dt.date, months: int) -> _dt.date:
    """Same day-of-month ``months`` later (or earlier), clamped to the month's end (1/31 + 1 → 2/28)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return _dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(event: _dt.date, months: int) -> _dt.date:
    """Last day of a period of ``months`` months that starts *after* ``event``.

    民法140条 (the first day is not counted) and 143条 (the period ends the day before the day
    corresponding to its first day; if the last month has no such day, on that month's last day).
    ``period_end(2025-03-31, 2)`` → 2025-05-31; ``period_end(2025-11-29, 3)`` → 2026-02-28.
    """
    start = event + _DAY
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if start.day <= calendar.monthrange(year, month)[1]:
        return _dt.date(year, month, start.day) - _DAY
    return month_end(year, month)


def days_after(event: _dt.date, days: int) -> _dt.date:
    """The day on which ``days`` days have passed after ``event`` (民法140条: event day not counted)."""
    return event + _dt.timedelta(days=days)


def is_feb29(birth: _dt.date) -> bool:
    return birth.month == 2 and birth.day == 29


def birthday_in_year(birth: _dt.date, year: int) -> _dt.date:
    """The birthday in ``year``; 29 February becomes 28 February in common years (see module doc)."""
    if is_feb29(birth) and not calendar.isleap(year):
        return _dt.date(year, 2, 28)
    return _dt.date(year, birth.month, birth.day)


def age_on(birth: _dt.date, day: _dt.date) -> int:
    """Age on ``day`` (older from the birthday on; born 29 Feb: older from 1 March in common years)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def nth_birthday_after(birth: _dt.date, day: _dt.date, n: int) -> _dt.date:
    """The ``n``-th birthday strictly after ``day`` (a birthday on ``day`` itself does not count)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    first_year = day.year if birthday_in_year(birth, day.year) > day else day.year + 1
    return birthday_in_year(birth, first_year + n - 1)


# ---------------------------------------------------------------------------------------------
# Explanations: codes + parameters, rendered by the caller (or by describe())


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


def changed_card_expiry(
    birth: _dt.date,
    issue: _dt.date,
    new_stay_end: _dt.date,
    *,
    application: Optional[_dt.date] = None,
) -> _dt.date:
    """Card expiry after 有効期間変更 (new period of stay): the new stay end, capped by the birthday
    limit of the card (a new card is not issued, the original issue date stays). When the rule is
    ambiguous the earliest possible birthday limit is used."""
    rules, _ = possible_rules(issue, application)
    limit = min(card_expiry_by_birthday(birth, issue, r).expiry for r in rules)
    return min(new_stay_end, limit)


# ---------------------------------------------------------------------------------------------
# Certificates


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
        # the age is reached on the birthday (on 1 March for 29 Feb in a common year)
        target_year = birth.year + min_age
        possible_from = (
            _dt.date(target_year, 3, 1) if is_feb29(birth) and not calendar.isleap(target_year)
            else _dt.date(target_year, birth.month, birth.day)
        )
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
        day += _DAY
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
    first = add_months(_dt.date(expiry.year, expiry.month, 1), months)
    return month_end(first.year, first.month)


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

    def as_dict(self) -> Dict[str, Any]:
        """JSON-friendly copy (dates as ISO strings), e.g. for a Rasa slot."""
        return _plain(self)


def _plain(value: Any) -> Any:
    if isinstance(value, _dt.date):
        return value.isoformat()
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


StatusInput = Union[str, residence.ResidenceStatus, None]


def _resolve_status(status: StatusInput) -> Optional[residence.ResidenceStatus]:
    if status is None or isinstance(status, residence.ResidenceStatus):
        return status
    resolved = residence.normalise_status(status)
    if resolved is None:
        raise LifecycleInputError(["unknown_residence_status"])
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
    the end of the 一時庇護/仮滞在 period. ``nationality_loss``: date of loss of Japanese
    nationality (国籍喪失による経過滞在者). ``certificate_issue``: when the certificates were issued
    or last renewed, if not together with the card.

    Raises :class:`LifecycleInputError` with codes from :func:`maina.dates.check_consistency` and
    ``unknown_residence_status``, ``status_not_eligible``, ``stay_end_before_issue``,
    ``certificate_issue_before_card``, ``certificate_issue_in_future``.
    """
    errors = check_consistency(birth, issue, today, application=application)
    status = _resolve_status(residence_status)
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
        out.append(Explanation("rule_assumed_after_change", {
            "change_date": change, "adult_age": rule.adult_age,
            "gap_months": int(facts.value("card.application_to_issue_max_months")),
        }))
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
                out.append(Explanation("special_period", {
                    "months": int(facts.value("card.special_period_months")),
                    "latest": special_period_end(stay_end)}))
            out.append(Explanation("no_expiry_notice_foreign", {}))
        elif category in (residence.TEMPORARY_REFUGE, residence.PROVISIONAL_STAY):
            out.append(Explanation("residence_refuge_period", {**base, "period_end": stay_end}))
        elif category in residence.TRANSITIONAL:
            event = birth if category == residence.TRANSITIONAL_BIRTH else nationality_loss
            out.append(Explanation("residence_transitional", {
                **base, "event": event, "days": int(facts.value("card.transitional_stay_days")), "period_end": period}))
    out.append(Explanation("certificate_rule", {
        "birthdays": int(facts.value("certificate.birthdays")), "expiry": certs.user_expiry,
        "birthday_expiry": certs.birthday_rule_expiry}))
    if certs.capped_by_card:
        out.append(Explanation("certificate_capped_by_card", {"card_expiry": card.expiry}))
    if certs.signing_unavailable == "under_min_age":
        out.append(Explanation("no_signing_under_min_age", {
            "min_age": int(facts.value("certificate.signing_min_age")), "possible_from": certs.signing_possible_from}))
    elif certs.signing_unavailable == "adult_guardianship":
        out.append(Explanation("no_signing_adult_guardianship", {}))
    if certs.legal_representative_sets_pin:
        out.append(Explanation("legal_representative_sets_pin", {"age": int(facts.value("certificate.legal_rep_age"))}))
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
    """Status-dependent advice for the card (``kind="card"``) or the certificates."""
    months = int(facts.value("renewal.window_months"))
    params: Dict[str, Any] = {
        "kind": kind, "expiry": window.expiry, "window_start": window.window_start, "months": months,
        "days_left": window.days_left, "days_until_open": window.days_until_open,
    }
    if window.status == STATUS_NOT_YET_OPEN:
        advice = [Explanation("renewal_not_yet_open", params)]
        if not foreign_capped:  # no notice is mailed when the card ends with the period of stay
            advice.append(Explanation("expiry_notice", {"kind": kind, "notice": facts.value("renewal.notice_months"),
                                                        "notice_en": facts.value("renewal.notice_months_en")}))
        return advice
    if window.status == STATUS_OPEN:
        return [Explanation("renewal_open", {**params, "fee": int(facts.value("fee.renewal")),
                                             "counter_only": kind == "certificate"})]
    if kind == "card":
        fee = int(facts.value("fee.foreign_expired_with_stay")) if foreign_capped else int(facts.value("fee.renewal"))
        return [
            Explanation("card_expired", {**params, "fee": fee}),
            Explanation("insurance_grace", {"until": insurance_grace_end(window.expiry)}),
        ]
    return [
        Explanation("certificate_expired", {**params, "fee": int(facts.value("fee.renewal"))}),
        Explanation("insurance_grace", {"until": insurance_grace_end(window.expiry)}),
    ]


# ---------------------------------------------------------------------------------------------
# One-line rendering of explanations (callers may use their own templates instead)


def _fmt(value: Any, lang: str) -> str:
    if isinstance(value, _dt.date):
        return wareki.format_date_ja(value) if lang == "ja" else wareki.format_date_en(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


_TEMPLATES: Dict[str, Tuple[str, str]] = {
    "card_rule": ("カードは発行日後{birthdays}回目の誕生日（{birthday_expiry}）までだよ（発行時{age_at_issue}歳）。",
                  "The card is valid until the {birthdays}th birthday after issue ({birthday_expiry}); "
                  "age at issue: {age_at_issue}."),
    "rule_by_application_date": ("申請日（{application}）のルールでは{adult_age}歳以上が大人の扱いだよ。",
                                 "Under the rule for your application date ({application}) the adult age is "
                                 "{adult_age}."),
    "rule_before_change": ("{change_date}より前の申請なので、{adult_age}歳以上が大人の扱いだったころのルールだよ。",
                           "Applied before {change_date}: the adult age was {adult_age}."),
    "rule_assumed_after_change": ("申請日は{change_date}以降とみなしたよ（{adult_age}歳以上が大人の扱い）。",
                                  "Assuming you applied on or after {change_date} (adult age {adult_age})."),
    "rule_ambiguous": ("{change_date}より前に申請したかどうかで有効期限が変わるよ。申請日を教えてね。",
                       "The expiry depends on whether you applied before {change_date}. When did you apply?"),
    "birthday_on_issue_not_counted": ("発行日当日の誕生日は数えないよ。",
                                      "A birthday on the issue date itself does not count."),
    "feb29_birthday": ("2月29日生まれの人は、うるう年でない年は2月28日を誕生日として数えるよ。",
                       "Born on 29 February: in other years 28 February counts as the birthday."),
    "residence_like_nationals": ("{status}の人は日本人と同じ有効期限だよ。",
                                 "{status_en}: same validity as Japanese nationals."),
    "residence_stay_end_needed": ("在留期間の満了日を教えてね。カードはその日か誕生日のルールの早いほうまでだよ。",
                                  "Please tell me your period-of-stay end: the card ends then at the latest."),
    "residence_capped_by_stay_end": ("在留期間の満了日（{stay_end}）がカードの有効期限になるよ。",
                                     "Your card ends with your period of stay ({stay_end})."),
    "residence_birthday_limit_first": ("誕生日のルール（{birthday_expiry}）のほうが在留期間の満了日より早いよ。",
                                       "The birthday limit ({birthday_expiry}) comes before your stay ends."),
    "validity_change_after_stay_renewal": (
        "在留期間を更新したら、カードの有効期限が切れる前に窓口で有効期間変更をしてね（自動では延びないよ。最長{limit}まで）。",
        "After renewing your stay, apply at the counter to change the card's validity before it expires "
        "(it is not extended automatically; at most until {limit})."),
    "special_period": ("審査中なら特例期間として一度だけ最長{months}か月（{latest}まで）延長できるよ。",
                       "While immigration decides, the card can be extended once, by up to {months} months "
                       "(until {latest} at the latest)."),
    "no_expiry_notice_foreign": ("在留期間で期限が決まる人には有効期限のお知らせは届かないよ。",
                                 "No expiry notice is mailed for cards limited by the period of stay."),
    "residence_refuge_period": ("{status}の人は、その期間の終わり（{period_end}）までだよ。",
                                "{status_en}: valid until the end of that period ({period_end})."),
    "residence_transitional": ("{status}の人は、{event}から{days}日を経過する日（{period_end}）までだよ。",
                               "{status_en}: valid until {days} days have passed after {event} ({period_end})."),
    "certificate_rule": ("電子証明書は発行日後{birthdays}回目の誕生日（{birthday_expiry}）までだよ。",
                         "Certificates are valid until the {birthdays}th birthday after issue ({birthday_expiry})."),
    "certificate_capped_by_card": ("ただしカードの有効期限（{card_expiry}）を超えないよ。",
                                   "They never outlive the card ({card_expiry})."),
    "no_signing_under_min_age": ("{min_age}歳未満は署名用電子証明書は発行されないよ（{possible_from}から窓口で申請できるよ）。",
                                 "No signing certificate under {min_age} (you can apply at the counter from "
                                 "{possible_from})."),
    "no_signing_adult_guardianship": ("成年被後見人の人には署名用電子証明書は原則発行されないよ。",
                                      "As a rule no signing certificate is issued to an adult under guardianship."),
    "legal_representative_sets_pin": ("{age}歳未満は法定代理人が暗証番号を設定するよ。",
                                      "Under {age}, the legal representative sets the PIN."),
    "renewal_not_yet_open": ("更新は{window_start}からできるよ（あと{days_until_open}日）。",
                             "Renewal opens on {window_start} ({days_until_open} days from now)."),
    "expiry_notice": ("有効期限の{notice}前ごろに、J-LISから有効期限通知書が届くよ（通知書がなくても更新できるよ）。",
                      "J-LIS mails an expiry notice about {notice_en} before; you can renew without it."),
    "renewal_depends_on_rule": ("申請日によって、更新の時期が変わるよ。まず申請日を確かめてね。",
                                "When to renew depends on your application date; please check it first."),
    "renewal_open": ("今、更新できるよ！期限の{expiry}まであと{days_left}日。手数料は無料だよ。",
                     "You can renew now: {days_left} days left until {expiry}. Renewal is free."),
    "card_expired": ("カードの有効期限（{expiry}）が過ぎているよ。窓口で新しいカードを申請してね。",
                     "Your card expired on {expiry}. Please apply for a new card at the city office."),
    "certificate_expired": ("電子証明書の有効期限（{expiry}）が過ぎているよ。窓口でいつでも無料で発行できるよ。",
                            "Your certificates expired on {expiry}. The counter re-issues them any time, free."),
    "insurance_grace": ("マイナ保険証は{until}まで使えるよ。",
                        "Your card keeps working as health-insurance card until {until}."),
}


def describe(explanation: Explanation, lang: str = "ja") -> str:
    """A plain one-line rendering of an explanation (``lang``: "ja" or "en"); "" for unknown codes."""
    pair = _TEMPLATES.get(explanation.code)
    if pair is None:
        return ""
    template = pair[0] if lang == "ja" else pair[1]
    params = {k: _fmt(v, lang) for k, v in explanation.params.items()}
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return ""
