"""maina.calculator: exact answers from dates known in part, or exactly the one thing to ask.

Every expected date is worked out by hand (TODAY = 2026-11-25): the card ends on the Nth birthday
strictly after the issue date (N = 10 from the adult age on, else 5; adult = 20 for applications
before 2022-04-01, 18 from then on); certificates on the 5th birthday after issue, never after the
card; renewal opens when less than 3 months remain; マイナ保険証 works until the end of the 3rd
month after the expiry month.
"""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maina import lifecycle
from maina.calculator import Known, plan, rule_for
from maina.partial import PartialDate as P

D = dt.date
TODAY = D(2026, 11, 25)


def codes(explanations):
    return [e.code for e in explanations]


# --------------------------------------------------------------------------------------------
# month-only and year-only issue dates


@pytest.mark.parametrize("birth, issue, expiry", [
    # born 1975-01-01, issued in May 2019 (age 44): the 1st birthday after any day of May is
    # 2020-01-01 → 10th 2029-01-01 (the issue's example 「令和元年5月に作った…昭和50年1月1日」)
    (D(1975, 1, 1), P(2019, 5), D(2029, 1, 1)),
    # born 1975-06-15, issued in May 2019: every May day is before the June birthday → 1st
    # 2019-06-15 → 10th 2028-06-15
    (D(1975, 6, 15), P(2019, 5), D(2028, 6, 15)),
    # born 1990-12-31, issued some day of 2018 (age 27 or 28, adult either way): the 1st birthday
    # after is 2018-12-31 for every day but 12-31 itself, which is then not counted → 2019-12-31...
    # so the year alone does not decide (see the ask test); here a January birthday: born
    # 1980-01-01, any day of 2018 → 1st 2019-01-01 (1 January 2018 itself: birthday not counted)
    (D(1980, 1, 1), P(2018), D(2028, 1, 1)),
    # born 2003-08-20, applied 2022-01, issued 2022-02-20 (age 18, old rule: minor → 5 birthdays):
    # 1st 2022-08-20 → 5th 2026-08-20 (the issue's first example)
    (D(2003, 8, 20), P(2022, 2, 20), D(2026, 8, 20)),
])
def test_a_date_known_in_part_is_exact_when_every_day_agrees(birth, issue, expiry):
    application = P(2022, 1) if issue == P(2022, 2, 20) else None
    result = plan(Known(birth=P.of(birth), issue=issue, application=application), TODAY).result
    assert result is not None and result.card_expiry == expiry
    assert ("same_any_day" in codes(result.explanations)) == (not issue.complete)
    assert "birthday_on_issue_not_counted" not in codes(result.explanations)


@pytest.mark.parametrize("birth, issue, missing", [
    # born 1975-05-15, issued in May 2019: before the 15th → 2028-05-15, from the 15th → 2029-05-15
    (D(1975, 5, 15), P(2019, 5), "day"),
    (D(1990, 6, 1), P(2018), "month_day"),
    (D(2004, 5, 10), P(2022, 5), "day"),  # 17 or 18 on the issue day: 5 or 10 birthdays
])
def test_only_the_missing_part_is_asked_when_the_day_matters(birth, issue, missing):
    outcome = plan(Known(birth=P.of(birth), issue=issue), TODAY)
    assert outcome.ask == "date_detail" and outcome.result is None
    assert (outcome.detail.date, outcome.detail.known, outcome.detail.missing) == ("issue", issue, missing)


def test_a_month_day_without_year_asks_for_the_year():
    outcome = plan(Known(birth=P(1990, 1, 15), issue=P(None, 3, 10)), TODAY)
    assert (outcome.ask, outcome.detail.date, outcome.detail.missing) == ("date_detail", "issue", "year")


@pytest.mark.parametrize("known, ask", [
    (Known(), "birth_date"),
    (Known(issue=P(2019, 5, 1)), "birth_date"),
    (Known(birth=P(1990, 1, 15)), "issue_date"),
    (Known(birth=P(1990), issue=P(2019, 5, 1)), "date_detail"),
    (Known(birth=P(None, 9, 3), issue=P(2019, 5, 1)), "date_detail"),
    (Known(birth=P(1990, 1, 15), issue=P(2019, 5, 1), status="留学"), "stay_end_date"),
    (Known(birth=P(1990, 1, 15), issue=P(2019, 5, 1), status="外国人住民"), "stay_end_date"),
    (Known(birth=P(1990, 1, 15), issue=P(2019, 5, 1), status="永住者"), None),  # no period of stay
])
def test_the_form_asks_for_one_thing_at_a_time(known, ask):
    assert plan(known, TODAY).ask == ask


def test_a_month_only_application_date():
    # born 2003-06-01, issued 2022-05-20 (age 18): applied in March 2022 → old rule (minor, 5):
    # 1st 2022-06-01 → 5th 2026-06-01; applied in April 2022 → new rule (adult, 10) → 2031-06-01
    march = plan(Known(birth=P(2003, 6, 1), issue=P(2022, 5, 20), application=P(2022, 3)), TODAY).result
    april = plan(Known(birth=P(2003, 6, 1), issue=P(2022, 5, 20), application=P(2022, 4)), TODAY).result
    assert (march.card_expiry, april.card_expiry) == (D(2026, 6, 1), D(2031, 6, 1))
    line = next(e for e in march.explanations if e.code == "rule_by_application_date")
    assert line.params["application"] == P(2022, 3)
    # the year alone spans both rules: ask for the month and day
    outcome = plan(Known(birth=P(2003, 6, 1), issue=P(2022, 5, 20), application=P(2022)), TODAY)
    assert (outcome.ask, outcome.detail.date) == ("date_detail", "application")


# --------------------------------------------------------------------------------------------
# ages


@pytest.mark.parametrize("birth, age, expiry", [
    (D(1990, 1, 15), 30, D(2030, 1, 15)),  # issued 2020-01-15..2021-01-14 → 1st birthday 31 → 40th
    (D(1985, 7, 7), 33, D(2028, 7, 7)),  # 2018-07-07..2019-07-06 → adult → birthday 34..43 → 43rd
    (D(2010, 3, 3), 10, D(2025, 3, 3)),  # 2020-03-03..2021-03-02 → minor → birthdays 11..15 → 15th
    (D(2005, 9, 9), 17, D(2027, 9, 9)),  # 2022-09-09..2023-09-08: 17 is a minor under both rules → 22nd
])
def test_the_age_path_is_exact(birth, age, expiry):
    result = plan(Known(birth=P.of(birth), age_at_issue=age), TODAY).result
    assert result.card_expiry == expiry and not result.ambiguous
    assert "same_any_day_at_age" in codes(result.explanations)


def test_the_age_path_near_2022_says_which_facts_decide():
    # born 2003-06-01, made at 18: issued between 2021-06-01 and 2022-05-31.
    # Applied before 2022-04-01 (adult age 20): minor, 5 birthdays → 2026-06-01.
    # Applied from 2022-04-01 (adult age 18, issue 2022-04..05): adult, 10 → 2031-06-01.
    result = plan(Known(birth=P(2003, 6, 1), age_at_issue=18), TODAY).result
    assert result.ambiguous and [o.card.expiry for o in result.alternatives] == [D(2026, 6, 1), D(2031, 6, 1)]
    assert result.card_expiry == D(2026, 6, 1)  # the safe side first
    decides = result.explanations[0]
    # received by 2022-03-31: the old rule; April or May 2022 (still 18): the application decides
    assert decides.code == "age_rule_depends_early"
    assert decides.params["change_date"] == D(2022, 4, 1) and decides.params["assumed_from"] == D(2022, 10, 1)
    assert (decides.params["early"], decides.params["late"]) == (D(2026, 6, 1), D(2031, 6, 1))


@pytest.mark.parametrize("birth, age, code, early, late", [
    # made at 18, born 2003-06-01: received 2021-06-01..2022-05-31. By 2022-03-31 surely the old rule
    # (minor: 5 → 2026-06-01); in April-May 2022 the application date decides (new rule: 10 → 2031-06-01)
    (D(2003, 6, 1), 18, "age_rule_depends_early", D(2026, 6, 1), D(2031, 6, 1)),
    # made at 19, born 2003-06-01: received 2022-06-01..2023-05-31. From 2022-10-01 the new rule
    # (adult: 1st birthday 2023-06-01 → 10th 2032-06-01); before, the application date decides
    # (old rule: minor → 5th 2027-06-01)
    (D(2003, 6, 1), 19, "age_rule_depends_late", D(2027, 6, 1), D(2032, 6, 1)),
    # made at 19, born 2002-12-01: received 2021-12-01..2022-11-30: both ends are certain, the
    # middle (2022-04-01..09-30) depends on the application: old 5th 2026-12-01, new 10th 2031-12-01
    (D(2002, 12, 1), 19, "age_rule_depends_earlylate", D(2026, 12, 1), D(2031, 12, 1)),
])
def test_which_facts_decide_depends_on_when_the_age_was(birth, age, code, early, late):
    result = plan(Known(birth=P.of(birth), age_at_issue=age), TODAY).result
    decides = result.explanations[0]
    assert decides.code == code
    assert (decides.params["early"], decides.params["late"]) == (early, late)


@pytest.mark.parametrize("birth, age, error", [
    (D(1990, 1, 15), 5, "issue_before_card_launch"),  # aged 5 in 1995: no cards yet
    (D(1990, 1, 15), 40, "age_in_future"),  # 36 today
])
def test_impossible_ages(birth, age, error):
    assert plan(Known(birth=P.of(birth), age_at_issue=age), TODAY).error == error


def test_a_current_age_gives_the_birth_year_of_a_birthday():
    # 45 today (2026-11-25) with a 3 March birthday → born 1981-03-03; issued 2020-01-10 (age 38)
    # → 1st birthday after 2020-03-03 → 10th 2029-03-03
    result = plan(Known(birth=P(None, 3, 3), current_age=45, issue=P(2020, 1, 10)), TODAY).result
    assert result.birth == D(1981, 3, 3) and result.card_expiry == D(2029, 3, 3)
    # a birthday still to come this year: 45 today, born 12 December → 1980
    later = plan(Known(birth=P(None, 12, 12), current_age=45, issue=P(2020, 1, 10)), TODAY).result
    assert later.birth == D(1980, 12, 12)


def test_a_day_on_the_birthday_completes_the_birth_date():
    # 「昭和50年生まれ。誕生日の平成29年6月15日に発行」: born 1975-06-15, issued on the 42nd birthday
    # (not counted) → 1st 2018-06-15 → 10th 2027-06-15
    result = plan(Known(birth=P(1975), issue=P(2017, 6, 15), birthday_seen=P(2017, 6, 15)), TODAY).result
    assert result.birth == D(1975, 6, 15) and result.card_expiry == D(2027, 6, 15)
    assert "birthday_on_issue_not_counted" in codes(result.explanations)


# --------------------------------------------------------------------------------------------
# period of stay


def test_a_stated_period_of_stay_caps_the_card():
    # born 1992-02-14, issued 2024-05-20: birthday rule 2034-02-14, stay ends 2027-03-31 → 2027-03-31
    result = plan(Known(birth=P(1992, 2, 14), issue=P(2024, 5, 20), stay_end=P(2027, 3, 31)), TODAY).result
    assert result.card_expiry == D(2027, 3, 31)
    assert "residence_capped_by_stay_end" in codes(result.explanations)


def test_a_permanent_resident_is_not_capped_by_a_stay_end():
    result = plan(Known(birth=P(1992, 2, 14), issue=P(2024, 5, 20), stay_end=P(2027, 3, 31), status="永住者"),
                  TODAY).result
    assert result.card_expiry == D(2034, 2, 14)


def test_a_month_only_stay_end_asks_the_day():
    outcome = plan(Known(birth=P(1992, 2, 14), issue=P(2024, 5, 20), stay_end=P(2027, 3)), TODAY)
    assert (outcome.ask, outcome.detail.date, outcome.detail.missing) == ("date_detail", "stay_end", "day")


# --------------------------------------------------------------------------------------------
# the card's own expiry date


def test_renewal_window_from_a_known_expiry_date():
    # 「有効期限が2027年3月15日、いつから更新できる？」: less than 3 months remain from 2026-12-16
    answer = plan(Known(card_expiry=P(2027, 3, 15)), TODAY).expiry
    assert answer.status == "not_yet_open"
    line = answer.explanations[0]
    assert line.code == "renewal_not_yet_open"
    assert (line.params["window_start"], line.params["days_until_open"]) == (D(2026, 12, 16), 21)
    assert "renewal_steps_card" in codes(answer.explanations)


def test_expired_five_months_ago():
    # "expired 5 months ago" on 2026-11-25 → June 2026; マイナ保険証 worked until the end of the
    # 3rd month after June: 2026-09-30, already over
    answer = plan(Known(card_expiry=P(2026, 6)), TODAY).expiry
    assert answer.status == "expired"
    assert codes(answer.explanations) == ["card_expired", "insurance_grace_over"]
    assert answer.explanations[1].params["until"] == D(2026, 9, 30)


def test_expired_last_month_still_works_as_insurance_card():
    # expired in October 2026 → insurance until 2027-01-31
    answer = plan(Known(card_expiry=P(2026, 10)), TODAY).expiry
    grace = next(e for e in answer.explanations if e.code == "insurance_grace")
    assert grace.params["until"] == D(2027, 1, 31)


def test_expiring_next_month_is_open_whatever_the_day():
    # December 2026: from 2026-12-01 (window from 2026-09-02) to 2026-12-31 (from 2026-10-01): open
    answer = plan(Known(card_expiry=P(2026, 12)), TODAY).expiry
    assert answer.status == "open" and codes(answer.explanations)[0] == "renewal_open_span"


def test_a_month_only_expiry_still_ahead_gives_the_month_renewal_opens():
    # probe n30: March 2027 — 2027-03-01 opens on 2026-12-02, 2027-03-31 on 2027-01-01; not yet open
    # for any day on 2026-11-25, so the answer is the month 3 months before: December 2026
    answer = plan(Known(card_expiry=P(2027, 3)), TODAY).expiry
    assert answer.status == "not_yet_open"
    [opens] = [e for e in answer.explanations if e.code == "renewal_opens_in_month"]
    assert opens.params["window_month"] == P(2026, 12) and opens.params["expiry"] == P(2027, 3)
    assert plan(Known(card_expiry=P(2027, 7)), TODAY).expiry.explanations[0].params["window_month"] == P(2027, 4)


def test_an_expiry_month_half_open_asks_the_day():
    # February 2027: 2027-02-01 opened on 2026-11-02, 2027-02-28 opens on 2026-11-29 — the day decides
    outcome = plan(Known(card_expiry=P(2027, 2)), TODAY)
    assert (outcome.ask, outcome.detail.date, outcome.detail.missing) == ("date_detail", "card_expiry", "day")


def test_a_year_only_expiry_still_ahead_asks_the_month_and_day():
    outcome = plan(Known(card_expiry=P(2028)), TODAY)
    assert (outcome.ask, outcome.detail.missing) == ("date_detail", "month_day")


def test_an_expired_foreign_card_mentions_the_fee():
    answer = plan(Known(card_expiry=P(2026, 6), status="留学"), TODAY).expiry
    assert "card_expired_foreign_note" in codes(answer.explanations)


def test_certificate_expiry():
    answer = plan(Known(cert_expiry=P(2026, 12, 20)), TODAY).expiry
    assert answer.kind == "certificate" and answer.status == "open"


# --------------------------------------------------------------------------------------------
# 「友達は10年って言ってた」


def test_rule_for_a_resident_we_know():
    # born 2005-06-10, issued 2023-01-10 (17, new rule: minor) → 5 birthdays → 2027-06-10
    lines = rule_for(Known(birth=P(2005, 6, 10), issue=P(2023, 1, 10)), TODAY)
    personal = lines[0]
    assert personal.code == "why_personal"
    assert (personal.params["age_at_issue"], personal.params["birthdays"], personal.params["adult_age"]) == (17, 5, 18)
    assert codes(lines)[-1] == "why_general"


def test_rule_for_a_resident_we_do_not_know_yet():
    assert codes(rule_for(Known(), TODAY)) == ["why_general"]
    assert codes(rule_for(Known(status="留学"), TODAY)) == ["why_general", "why_stay_end"]
    capped = rule_for(Known(birth=P(1992, 2, 14), issue=P(2024, 5, 20), stay_end=P(2027, 3, 31)), TODAY)
    assert codes(capped) == ["why_personal", "why_capped", "why_general"]


# --------------------------------------------------------------------------------------------
# the property the issue asks for


def _signature(result):
    return tuple((o.card.expiry, o.certificates.user_expiry, o.certificates.signing_expiry) for o in result.alternatives)


@settings(max_examples=150, deadline=None)
@given(st.dates(D(1930, 1, 1), D(2015, 12, 31)), st.integers(2016, 2026), st.integers(1, 12))
def test_a_month_only_issue_date_gives_a_date_only_when_every_day_of_the_month_does(birth, year, month):
    month_only = P(year, month)
    every_day = set()
    for day in month_only.days(hi=TODAY):
        every_day.add(_signature(lifecycle.compute_lifecycle(birth, day, TODAY)))
    outcome = plan(Known(birth=P.of(birth), issue=month_only), TODAY)
    if not every_day:  # the month is still to come
        assert outcome.error == "issue_in_future"
    elif len(every_day) == 1:
        assert outcome.result is not None and _signature(outcome.result) in every_day
        assert "same_any_day" in codes(outcome.result.explanations)
    else:
        assert outcome.result is None
        assert (outcome.ask, outcome.detail.date, outcome.detail.missing) == ("date_detail", "issue", "day")


@settings(max_examples=80, deadline=None)
@given(st.dates(D(1930, 1, 1), D(2015, 12, 31)), st.integers(0, 95))
def test_the_age_path_agrees_with_every_day_of_that_year_of_life(birth, age):
    from maina import periods

    first = max(periods.day_turning(birth, age), D(2016, 1, 1))
    last = min(periods.day_turning(birth, age + 1) - dt.timedelta(days=1), TODAY)
    outcome = plan(Known(birth=P.of(birth), age_at_issue=age), TODAY)
    if first > last:
        assert outcome.error in ("issue_before_card_launch", "age_in_future")
        return
    every_day = {_signature(lifecycle.compute_lifecycle(birth, first + dt.timedelta(days=i), TODAY))
                 for i in range((last - first).days + 1)}
    assert outcome.result is not None
    if len(every_day) == 1:
        assert {_signature(outcome.result)} == every_day
    else:  # only the validity rule differs: both dates, the earlier first
        assert set(_signature(outcome.result)) == {o for signature in every_day for o in signature}
        assert outcome.result.ambiguous


@settings(max_examples=40, deadline=None)
@given(st.dates(D(1930, 1, 1), D(2015, 12, 31)), st.integers(2016, 2026))
def test_a_year_only_issue_date_gives_a_date_only_when_every_day_of_the_year_does(birth, year):
    year_only = P(year)
    every_day = {_signature(lifecycle.compute_lifecycle(birth, day, TODAY)) for day in year_only.days(hi=TODAY)}
    outcome = plan(Known(birth=P.of(birth), issue=year_only), TODAY)
    if len(every_day) == 1:
        assert outcome.result is not None and {_signature(outcome.result)} == every_day
    else:
        assert outcome.result is None and (outcome.detail.date, outcome.detail.missing) == ("issue", "month_day")
