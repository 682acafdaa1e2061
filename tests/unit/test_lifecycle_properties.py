"""Property tests for maina.lifecycle: invariants that must hold for every birth/issue pair."""
from __future__ import annotations

import calendar
import datetime as dt

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from maina.lifecycle import (
    age_on,
    compute_lifecycle,
    period_end,
    renewal_status,
    renewal_window_start,
)

D = dt.date
TODAY = D(2026, 11, 25)
LAUNCH = D(2016, 1, 1)
CHANGE = D(2022, 4, 1)

births = st.dates(D(1900, 1, 1), TODAY)
issues = st.dates(LAUNCH, TODAY)
# dates near the edges that matter: 29 Feb, month ends, the rule change
births_edgy = st.one_of(
    births,
    st.sampled_from([D(y, 2, 29) for y in range(1904, 2025, 4)]),
    st.builds(lambda y, m: D(y, m, calendar.monthrange(y, m)[1]), st.integers(1950, 2024), st.integers(1, 12)),
)
issues_edgy = st.one_of(
    issues, st.dates(D(2022, 3, 1), D(2022, 11, 1)), st.sampled_from([D(2024, 2, 29), D(2023, 2, 28)])
)
statuses = st.sampled_from([None, "永住者", "特別永住者", "高度専門職2号", "留学", "技術・人文知識・国際業務",
                            "家族滞在", "定住者", "日本人の配偶者等", "技能実習", "特定技能", "一時庇護", "仮滞在"])


def on_birthday(birth: D, day: D) -> bool:
    if (day.month, day.day) == (birth.month, birth.day):
        return True
    # 29 Feb birthdays fall on 28 Feb in common years
    return (birth.month, birth.day) == (2, 29) and (day.month, day.day) == (2, 28) and not calendar.isleap(day.year)


@settings(max_examples=200, deadline=None)
@given(births_edgy, issues_edgy, st.booleans())
def test_japanese_card_and_certificates(birth, issue, guardianship):
    assume(birth <= issue)
    result = compute_lifecycle(birth, issue, TODAY, adult_guardianship=guardianship)
    for outcome in result.alternatives:
        card, certs = outcome.card, outcome.certificates
        # every expiry is after the issue date and falls on the birthday
        assert card.expiry > issue
        assert on_birthday(birth, card.expiry)
        assert on_birthday(birth, certs.user_expiry)
        # N birthdays after issue: between N-1 and N years later
        years = card.birthdays
        assert issue.replace(year=issue.year + years - 1, day=min(issue.day, 28)) <= card.expiry
        assert card.expiry <= D(issue.year + years, 12, 31)
        # certificates never outlive the card
        assert certs.user_expiry <= card.expiry
        if certs.signing_expiry is not None:
            assert certs.signing_expiry == certs.user_expiry <= card.expiry
        # under-15s never get a signing certificate, nor do adults under guardianship
        if age_on(birth, issue) < 15 or guardianship:
            assert certs.signing_expiry is None
        else:
            assert certs.signing_expiry is not None
        assert certs.legal_representative_sets_pin == (age_on(birth, issue) < 15)


@settings(max_examples=150, deadline=None)
@given(births_edgy, issues_edgy)
def test_ambiguity_only_for_18_and_19_year_olds_near_the_change(birth, issue):
    assume(birth <= issue)
    result = compute_lifecycle(birth, issue, TODAY)
    age = age_on(birth, issue)
    if result.ambiguous:
        assert age in (18, 19)
        assert CHANGE <= issue < D(2022, 10, 1)
        assert len(result.alternatives) == 2
        assert result.card_expiry == min(o.card.expiry for o in result.alternatives)
    if issue < CHANGE:
        assert result.outcome.rule.adult_age == 20
    if issue >= D(2022, 10, 1):
        assert result.outcome.rule.adult_age == 18


@settings(max_examples=150, deadline=None)
@given(births_edgy, issues_edgy, statuses, st.dates(LAUNCH, D(2040, 12, 31)))
def test_foreign_residents_never_exceed_the_birthday_rule(birth, issue, status, stay_end):
    assume(birth <= issue <= stay_end)
    result = compute_lifecycle(birth, issue, TODAY, residence_status=status, stay_end=stay_end)
    national = compute_lifecycle(birth, issue, TODAY)
    for outcome, plain in zip(result.alternatives, national.alternatives):
        assert outcome.card.expiry <= plain.card.expiry
        assert outcome.certificates.user_expiry <= outcome.card.expiry
        assert outcome.card.expiry >= issue
        if status in ("永住者", "特別永住者", "高度専門職2号"):
            assert outcome.card.expiry == plain.card.expiry
        else:  # a stated period of stay counts even without a status (issue 12)
            assert outcome.card.expiry == min(stay_end, plain.card.expiry)


@settings(max_examples=150, deadline=None)
@given(st.dates(D(2016, 1, 1), D(2045, 12, 31)), st.dates(D(2015, 1, 1), D(2046, 12, 31)))
def test_renewal_window_definition(expiry, today):
    start = renewal_window_start(expiry)
    # less than 3 months remain from the start on; not yet the day before
    assert period_end(start, 3) > expiry >= period_end(start - dt.timedelta(days=1), 3)
    assert 88 <= (expiry - start).days <= 92
    status = renewal_status(expiry, today)
    assert status.days_left == (expiry - today).days
    expected = "expired" if today > expiry else "open" if today >= start else "not_yet_open"
    assert status.status == expected
