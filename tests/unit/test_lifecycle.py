"""maina.lifecycle and maina.periods: hand-checked expiry table, renewal window, calendar arithmetic.

Every expected date in CASES was worked out by hand from the rule it names:
card = Nth birthday strictly after the issue date, N = 10 for adults (20+ for applications before
2022-04-01, 18+ from then on, age on the issue date), else 5; certificates = 5th birthday after
issue, capped by the card; 29 Feb → 28 Feb in common years.
"""
from __future__ import annotations

import datetime as dt

import pytest

from maina import lifecycle
from maina.lifecycle import (
    LifecycleInputError,
    compute_lifecycle,
    insurance_grace_end,
    renewal_status,
    renewal_window_start,
    special_period_end,
)
from maina.periods import add_months, age_on, birthday_in_year, day_turning, nth_birthday_after, period_end
from maina.residence import normalise_status

D = dt.date
TODAY = D(2026, 11, 25)
NO = None  # no signing certificate

# (id, birth, issue, application, status, stay_end, card, user cert, signing cert, comment)
CASES = [
    # ---- Japanese nationals, application before 2022-04-01 (adult age 20) ----
    ("brief-1988", D(1988, 9, 3), D(2018, 2, 20), None, None, None, D(2027, 9, 3), D(2022, 9, 3), D(2022, 9, 3)),
    # age 29 → 10; 1st birthday after issue 2018-09-03 → 10th 2027-09-03; cert 5th 2022-09-03 (brief example)
    ("brief-H2-R1", D(1990, 4, 1), D(2019, 7, 1), None, None, None, D(2029, 4, 1), D(2024, 4, 1), D(2024, 4, 1)),
    # 平成2年4月1日 born, 令和元年7月1日 issued: age 29 → 1st 2020-04-01 → 10th 2029-04-01; cert 5th 2024-04-01
    ("old-20-on-birthday", D(2000, 5, 10), D(2020, 5, 10), None, None, None, D(2030, 5, 10), D(2025, 5, 10), D(2025, 5, 10)),
    # issued on the 20th birthday: age 20 → 10; that birthday does not count → 1st 2021-05-10 → 10th 2030
    ("old-20-day-before", D(2000, 5, 10), D(2020, 5, 9), None, None, None, D(2024, 5, 10), D(2024, 5, 10), D(2024, 5, 10)),
    # day before the 20th birthday: age 19 → 5; 1st birthday 2020-05-10 (next day) → 5th 2024-05-10
    ("old-19", D(2002, 1, 15), D(2021, 6, 1), None, None, None, D(2026, 1, 15), D(2026, 1, 15), D(2026, 1, 15)),
    # age 19 under the old rule → 5; 1st 2022-01-15 → 5th 2026-01-15; cert the same day
    ("old-18", D(2003, 3, 1), D(2021, 12, 1), None, None, None, D(2026, 3, 1), D(2026, 3, 1), D(2026, 3, 1)),
    # age 18 under the old rule (before 2022-04-01) → 5; 1st 2022-03-01 → 5th 2026-03-01
    ("old-18-last-day", D(2003, 6, 1), D(2022, 3, 31), None, None, None, D(2026, 6, 1), D(2026, 6, 1), D(2026, 6, 1)),
    # issued 2022-03-31: the application was surely before 2022-04-01 → 5; 1st 2022-06-01 → 5th 2026-06-01
    ("old-15", D(2005, 8, 20), D(2020, 9, 1), None, None, None, D(2025, 8, 20), D(2025, 8, 20), D(2025, 8, 20)),
    # age 15: signing certificate allowed; 5 birthdays: 1st 2021-08-20 → 5th 2025-08-20
    ("old-14", D(2005, 8, 20), D(2020, 8, 19), None, None, None, D(2024, 8, 20), D(2024, 8, 20), NO),
    # day before the 15th birthday: age 14 → no signing cert; 1st 2020-08-20 → 5th 2024-08-20
    ("old-infant", D(2020, 12, 1), D(2021, 2, 1), None, None, None, D(2025, 12, 1), D(2025, 12, 1), NO),
    # age 0 → 5; 1st 2021-12-01 → 5th 2025-12-01; no signing certificate
    ("launch-day", D(1970, 1, 1), D(2016, 1, 1), None, None, None, D(2026, 1, 1), D(2021, 1, 1), D(2021, 1, 1)),
    # first card day; issued on the birthday (not counted) → 1st 2017-01-01 → 10th 2026-01-01; cert 2021
    # ---- application on/after 2022-04-01 (adult age 18) ----
    ("new-18-app", D(2004, 7, 1), D(2022, 7, 15), D(2022, 6, 1), None, None, D(2032, 7, 1), D(2027, 7, 1), D(2027, 7, 1)),
    # applied 2022-06-01, age 18 → 10; 1st 2023-07-01 → 10th 2032-07-01; cert 5th 2027-07-01
    ("new-17", D(2005, 1, 10), D(2022, 10, 1), D(2022, 9, 1), None, None, D(2027, 1, 10), D(2027, 1, 10), D(2027, 1, 10)),
    # age 17 → 5; 1st 2023-01-10 → 5th 2027-01-10
    ("new-18-on-birthday", D(2006, 11, 1), D(2024, 11, 1), D(2024, 10, 1), None, None, D(2034, 11, 1), D(2029, 11, 1), D(2029, 11, 1)),
    # issued on the 18th birthday: age 18 → 10; that birthday not counted → 1st 2025-11-01 → 10th 2034
    ("new-18-day-before", D(2006, 11, 1), D(2024, 10, 31), None, None, None, D(2028, 11, 1), D(2028, 11, 1), D(2028, 11, 1)),
    # day before the 18th birthday: age 17 → 5; 1st 2024-11-01 → 5th 2028-11-01
    ("new-19-app-first-day", D(2003, 2, 10), D(2022, 5, 20), D(2022, 4, 1), None, None, D(2032, 2, 10), D(2027, 2, 10), D(2027, 2, 10)),
    # applied on 2022-04-01 (new rule's first day), age 19 → 10; 1st 2023-02-10 → 10th 2032-02-10
    ("new-19-app-last-old-day", D(2003, 2, 10), D(2022, 5, 20), D(2022, 3, 31), None, None, D(2027, 2, 10), D(2027, 2, 10), D(2027, 2, 10)),
    # same person applying 2022-03-31 (old rule's last day), age 19 → 5; 1st 2023-02-10 → 5th 2027-02-10
    ("new-20", D(2002, 6, 15), D(2023, 1, 10), None, None, None, D(2032, 6, 15), D(2027, 6, 15), D(2027, 6, 15)),
    # age 20 → 10 under either rule; 1st 2023-06-15 → 10th 2032-06-15
    ("new-adult-assumed", D(1975, 12, 31), D(2023, 3, 1), None, None, None, D(2032, 12, 31), D(2027, 12, 31), D(2027, 12, 31)),
    # age 47 → 10; 1st 2023-12-31 → 10th 2032-12-31; cert 5th 2027-12-31
    ("new-19-assumed", D(2003, 6, 1), D(2022, 10, 1), None, None, None, D(2032, 6, 1), D(2027, 6, 1), D(2027, 6, 1)),
    # issued 2022-10-01: application ≥ 2022-04-01 assumed (6-month gap) → age 19 adult → 10; 1st 2023-06-01
    ("new-12-either", D(2010, 5, 5), D(2022, 5, 10), None, None, None, D(2027, 5, 5), D(2027, 5, 5), NO),
    # age 12: 5 under both rules → not ambiguous; 1st 2023-05-05 → 5th 2027-05-05; no signing
    ("new-42-either", D(1980, 1, 1), D(2022, 5, 10), None, None, None, D(2032, 1, 1), D(2027, 1, 1), D(2027, 1, 1)),
    # age 42: 10 under both rules → not ambiguous; 1st 2023-01-01 → 10th 2032-01-01
    # ---- ambiguous application date: primary = earliest outcome ----
    ("ambiguous-18", D(2003, 6, 1), D(2022, 5, 10), None, None, None, D(2026, 6, 1), D(2026, 6, 1), D(2026, 6, 1)),
    # age 18, issued 2022-05-10: old rule → 5th 2026-06-01, new rule → 10th 2031-06-01; primary the earlier
    ("ambiguous-19-last", D(2003, 6, 1), D(2022, 9, 30), None, None, None, D(2027, 6, 1), D(2027, 6, 1), D(2027, 6, 1)),
    # issued 2022-09-30: an application on 2022-03-30 is possible → old: 1st 2023-06-01 → 5th 2027-06-01
    # ---- 29 February ----
    ("feb29-leap-expiry", D(2000, 2, 29), D(2019, 3, 1), None, None, None, D(2024, 2, 29), D(2024, 2, 29), D(2024, 2, 29)),
    # age 19 (old rule) → 5; birthdays 2020-02-29, 2021-02-28, 2022-02-28, 2023-02-28, 2024-02-29 (leap)
    ("feb29-common-expiry", D(1996, 2, 29), D(2017, 3, 1), None, None, None, D(2027, 2, 28), D(2022, 2, 28), D(2022, 2, 28)),
    # age 21 → 10; 1st 2018-02-28 → 10th 2027 (common year) → 28 Feb; cert 5th 2022-02-28
    ("feb29-issued-on-deemed-birthday", D(1996, 2, 29), D(2019, 2, 28), None, None, None, D(2029, 2, 28), D(2024, 2, 29), D(2024, 2, 29)),
    # 2019-02-28 is the deemed birthday → not counted; 1st 2020-02-29 → 10th 2029-02-28; cert 5th 2024-02-29
    ("feb29-issued-day-before", D(1996, 2, 29), D(2019, 2, 27), None, None, None, D(2028, 2, 29), D(2023, 2, 28), D(2023, 2, 28)),
    # 1st 2019-02-28 → 10th 2028-02-29 (leap year); cert 5th 2023-02-28
    ("feb29-17-on-feb28", D(2008, 2, 29), D(2026, 2, 28), D(2026, 1, 15), None, None, D(2031, 2, 28), D(2031, 2, 28), D(2031, 2, 28)),
    # on 2026-02-28 still 17 (older from 1 March, 年齢計算ニ関スル法律) → 5; deemed birthday = issue day,
    # not counted → 1st 2027-02-28 → 5th 2031-02-28
    ("feb29-18-on-mar1", D(2008, 2, 29), D(2026, 3, 1), D(2026, 1, 15), None, None, D(2036, 2, 29), D(2031, 2, 28), D(2031, 2, 28)),
    # on 2026-03-01 aged 18 → 10; 1st 2027-02-28 → 10th 2036 (leap) → 2036-02-29; cert 5th 2031-02-28
    # ---- era boundaries ----
    ("showa64-heisei31", D(1989, 1, 7), D(2019, 4, 30), None, None, None, D(2029, 1, 7), D(2024, 1, 7), D(2024, 1, 7)),
    # born 昭和64年1月7日 (last Showa day), issued 平成31年4月30日 (last Heisei day): age 30 → 10th 2029-01-07
    ("heisei1-reiwa1", D(1989, 1, 8), D(2019, 5, 1), None, None, None, D(2029, 1, 8), D(2024, 1, 8), D(2024, 1, 8)),
    # born 平成元年1月8日, issued 令和元年5月1日: age 30 → 1st 2020-01-08 → 10th 2029-01-08
    # ---- foreign residents ----
    ("permanent", D(1985, 10, 10), D(2020, 1, 15), None, "永住者", D(2021, 1, 1), D(2029, 10, 10), D(2024, 10, 10), D(2024, 10, 10)),
    # 永住者 like nationals; a stay end is ignored; 1st 2020-10-10 → 10th 2029-10-10
    ("special-permanent", D(1950, 3, 3), D(2016, 1, 20), None, "Special Permanent Resident", None, D(2025, 3, 3), D(2020, 3, 3), D(2020, 3, 3)),
    # 特別永住者: 1st 2016-03-03 → 10th 2025-03-03; cert 5th 2020-03-03
    ("hsp-ii", D(1980, 7, 7), D(2021, 7, 7), None, "Highly Skilled Professional (ii)", None, D(2031, 7, 7), D(2026, 7, 7), D(2026, 7, 7)),
    # 高度専門職2号 like nationals; issued on the birthday → 1st 2022-07-07 → 10th 2031-07-07
    ("student-capped", D(2001, 4, 10), D(2023, 4, 20), None, "留学", D(2027, 3, 31), D(2027, 3, 31), D(2027, 3, 31), D(2027, 3, 31)),
    # 留学: birthday rule 10th 2033-04-10, stay ends 2027-03-31 → card 2027-03-31; cert 5th 2028-04-10 capped
    ("engineer-birthday-first", D(1990, 5, 5), D(2021, 6, 1), None, "技術・人文知識・国際業務", D(2035, 1, 1), D(2031, 5, 5), D(2026, 5, 5), D(2026, 5, 5)),
    # stay ends 2035 but the birthday rule (1st 2022-05-05 → 10th 2031-05-05) comes first
    ("dependent-child", D(2015, 9, 9), D(2022, 10, 1), None, "家族滞在", D(2025, 10, 1), D(2025, 10, 1), D(2025, 10, 1), NO),
    # 家族滞在, age 7: birthday rule 5th 2027-09-09, stay 2025-10-01 → card 2025-10-01; no signing cert
    ("ssw-no-stay-end", D(1998, 12, 12), D(2024, 1, 10), None, "Specified Skilled Worker", None, D(2033, 12, 12), D(2028, 12, 12), D(2028, 12, 12)),
    # 特定技能 without a stay end: birthday limit only (missing stay_end); 1st 2024-12-12 → 10th 2033-12-12
    ("long-term-resident", D(1970, 1, 31), D(2023, 2, 1), None, "定住者", D(2028, 1, 31), D(2028, 1, 31), D(2028, 1, 31), D(2028, 1, 31)),
    # 定住者: birthday rule 10th 2033-01-31, stay 2028-01-31 → card 2028-01-31; cert 5th 2028-01-31 too
    ("spouse-of-japanese", D(1992, 8, 8), D(2024, 8, 1), None, "日本人の配偶者等", D(2027, 8, 1), D(2027, 8, 1), D(2027, 8, 1), D(2027, 8, 1)),
    # 日本人の配偶者等, age 31: 1st 2024-08-08 → 10th 2033-08-08; stay 2027-08-01 → card 2027-08-01
    ("temporary-refuge", D(1990, 1, 1), D(2026, 6, 1), None, "一時庇護", D(2026, 8, 15), D(2026, 8, 15), D(2026, 8, 15), D(2026, 8, 15)),
    # 一時庇護許可者: until the end of the landing period 2026-08-15
    ("provisional-stay", D(1985, 5, 5), D(2025, 12, 1), None, "Provisional Stay", D(2026, 3, 1), D(2026, 3, 1), D(2026, 3, 1), D(2026, 3, 1)),
    # 仮滞在許可者: until the end of the provisional stay 2026-03-01 (expired today)
    ("transitional-birth", D(2026, 9, 1), D(2026, 10, 15), None, "出生による経過滞在者", None, D(2026, 10, 31), D(2026, 10, 31), NO),
    # born 2026-09-01: 60 days after (9/2..9/30 = 29, 10/1..10/31 = 31) → 2026-10-31; infant: no signing
]


def _run(case, **extra):
    _, birth, issue, application, status, stay_end, *_ = case
    return compute_lifecycle(birth, issue, TODAY, application=application, residence_status=status,
                             stay_end=stay_end, **extra)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_expiry_table(case):
    _, birth, issue, _, _, _, card, user, signing = case
    result = _run(case)
    assert result.card_expiry == card
    assert result.user_certificate_expiry == user
    assert result.signing_certificate_expiry == signing
    assert result.card_expiry > issue
    assert result.user_certificate_expiry <= result.card_expiry


def test_table_is_big_enough():
    assert len(CASES) + 1 >= 40  # + the nationality-loss case below


def test_transitional_nationality_loss():
    # lost Japanese nationality 2026-10-01: 60 days after (10/2..10/31 = 30, 11/1..11/30 = 30) → 2026-11-30
    result = compute_lifecycle(D(1990, 2, 2), D(2026, 10, 20), TODAY, residence_status="国籍喪失による経過滞在者",
                               nationality_loss=D(2026, 10, 1))
    assert result.card_expiry == D(2026, 11, 30)
    assert result.outcome.card.capped_by == "transitional_period"
    missing = compute_lifecycle(D(1990, 2, 2), D(2026, 10, 20), TODAY, residence_status="国籍喪失による経過滞在者")
    assert missing.missing == ("nationality_loss",)


# --------------------------------------------------------------------------------------------
# rule basis and ambiguity


def test_ambiguous_result_carries_both_outcomes():
    result = compute_lifecycle(D(2003, 6, 1), D(2022, 5, 10), TODAY)
    assert result.ambiguous and result.rule_basis == "ambiguous"
    assert [o.card.expiry for o in result.alternatives] == [D(2026, 6, 1), D(2031, 6, 1)]
    assert [o.rule.adult_age for o in result.alternatives] == [20, 18]
    assert result.outcome is result.alternatives[0]
    codes = [e.code for e in result.explanations]
    assert "rule_ambiguous" in codes and "renewal_depends_on_rule" in codes
    # giving the application date resolves it
    assert not compute_lifecycle(D(2003, 6, 1), D(2022, 5, 10), TODAY, application=D(2022, 4, 5)).ambiguous


@pytest.mark.parametrize("birth, issue, basis", [
    (D(2003, 6, 1), D(2022, 3, 31), "issue_date_certain"),
    (D(2003, 6, 1), D(2022, 10, 1), "issue_date_assumed"),
    (D(2003, 6, 1), D(2022, 9, 30), "ambiguous"),
    (D(1980, 1, 1), D(2022, 5, 10), "same_either_way"),
    (D(2010, 5, 5), D(2022, 5, 10), "same_either_way"),
])
def test_rule_basis(birth, issue, basis):
    result = compute_lifecycle(birth, issue, TODAY)
    assert result.rule_basis == basis
    assert result.ambiguous == (basis == "ambiguous")


def test_application_date_basis():
    result = compute_lifecycle(D(2004, 7, 1), D(2022, 7, 15), TODAY, application=D(2022, 6, 1))
    assert result.rule_basis == "application_date"
    assert result.outcome.rule.adult_age == 18


# --------------------------------------------------------------------------------------------
# foreign residents


def test_foreign_explanations():
    student = compute_lifecycle(D(2001, 4, 10), D(2023, 4, 20), TODAY, residence_status="留学",
                                stay_end=D(2027, 3, 31))
    codes = [e.code for e in student.explanations]
    assert "residence_capped_by_stay_end" in codes
    assert "validity_change_after_stay_renewal" in codes
    assert "special_period" in codes and "no_expiry_notice_foreign" in codes
    assert student.outcome.card.birthday_rule_expiry == D(2033, 4, 10)
    special = next(e for e in student.explanations if e.code == "special_period")
    assert special.params["latest"] == D(2027, 5, 31)  # 2 months after 2027-03-31
    assert "expiry_notice" not in codes  # no notice is mailed for stay-limited cards

    ssw = compute_lifecycle(D(1998, 12, 12), D(2024, 1, 10), TODAY, residence_status="特定技能")
    assert ssw.missing == ("stay_end",)
    assert "residence_stay_end_needed" in [e.code for e in ssw.explanations]


def test_validity_change_after_stay_renewal_is_limited_by_the_birthday_rule():
    # the student above: a renewed stay can extend the card up to the 10th birthday (2033-04-10)
    student = compute_lifecycle(D(2001, 4, 10), D(2023, 4, 20), TODAY, residence_status="留学",
                                stay_end=D(2027, 3, 31))
    change = next(e for e in student.explanations if e.code == "validity_change_after_stay_renewal")
    assert change.params["limit"] == D(2033, 4, 10)


@pytest.mark.parametrize("stay_end, latest", [
    (D(2026, 3, 31), D(2026, 5, 31)),
    (D(2026, 3, 15), D(2026, 5, 15)),
    (D(2025, 12, 31), D(2026, 2, 28)),  # no 31 Feb → end of February (民法143条)
    (D(2027, 2, 28), D(2027, 4, 30)),  # period starts 1 March → ends 30 April
])
def test_special_period_end(stay_end, latest):
    assert special_period_end(stay_end) == latest


@pytest.mark.parametrize("text, key, category", [
    ("永住者", "永住者", "national_like"),
    ("Permanent Resident", "永住者", "national_like"),
    ("特別永住者", "特別永住者", "national_like"),
    ("special permanent resident", "特別永住者", "national_like"),
    ("高度専門職2号", "高度専門職2号", "national_like"),
    ("高度専門職第２号", "高度専門職2号", "national_like"),
    ("Highly Skilled Professional (ii)", "高度専門職2号", "national_like"),
    ("Highly Skilled Professional (i)", "高度専門職1号", "mid_long_term"),
    ("技術・人文知識・国際業務", "技術・人文知識・国際業務", "mid_long_term"),
    ("技人国", "技術・人文知識・国際業務", "mid_long_term"),
    ("留学", "留学", "mid_long_term"),
    ("Student", "留学", "mid_long_term"),
    ("在留資格は留学です", "留学", "mid_long_term"),
    ("家族滞在", "家族滞在", "mid_long_term"),
    ("Dependent", "家族滞在", "mid_long_term"),
    ("定住者", "定住者", "mid_long_term"),
    ("日本人の配偶者等", "日本人の配偶者等", "mid_long_term"),
    ("spouse of a Japanese national", "日本人の配偶者等", "mid_long_term"),
    ("永住者の配偶者等", "永住者の配偶者等", "mid_long_term"),
    ("技能実習2号", "技能実習", "mid_long_term"),
    ("Technical Intern Training", "技能実習", "mid_long_term"),
    ("特定技能1号", "特定技能", "mid_long_term"),
    ("経営・管理", "経営・管理", "mid_long_term"),
    ("一時庇護", "一時庇護", "temporary_refuge"),
    ("仮滞在", "仮滞在", "provisional_stay"),
    ("出生による経過滞在者", "出生による経過滞在者", "transitional_birth"),
    ("国籍喪失による経過滞在者", "国籍喪失による経過滞在者", "transitional_nationality"),
    ("短期滞在", "短期滞在", "not_eligible"),
    ("tourist", "短期滞在", "not_eligible"),
])
def test_status_normaliser(text, key, category):
    status = normalise_status(text)
    assert status is not None and status.key == key and status.category == category


@pytest.mark.parametrize("text", ["高度専門職", "", "   ", "よくわからない", "xyz", None])
def test_status_normaliser_unknown(text):
    assert normalise_status(text) is None


# --------------------------------------------------------------------------------------------
# certificates


def test_adult_guardianship_has_no_signing_certificate():
    result = compute_lifecycle(D(1960, 1, 1), D(2022, 6, 1), TODAY, adult_guardianship=True)
    assert result.signing_certificate_expiry is None
    assert result.user_certificate_expiry == D(2027, 1, 1)
    assert "no_signing_adult_guardianship" in [e.code for e in result.explanations]


def test_under_15_signing_possible_from_and_pin_by_legal_representative():
    result = compute_lifecycle(D(2005, 8, 20), D(2020, 8, 19), TODAY)
    certs = result.outcome.certificates
    assert certs.signing_unavailable == "under_min_age"
    assert certs.signing_possible_from == D(2020, 8, 20)
    assert certs.legal_representative_sets_pin
    assert "legal_representative_sets_pin" in [e.code for e in result.explanations]
    # born 29 Feb: 15 on 1 March of a common year
    feb29 = lifecycle.certificate_expiries(D(2012, 2, 29), D(2020, 1, 1), D(2025, 2, 28))
    assert feb29.signing_possible_from == D(2027, 3, 1)


@pytest.mark.parametrize("cert_issue, expiry, capped", [
    (D(2021, 5, 1), D(2025, 6, 1), False),  # 1st 2021-06-01 → 5th 2025-06-01
    (D(2022, 1, 10), D(2026, 6, 1), False),  # 5th 2026-06-01 == card expiry
    (D(2022, 7, 1), D(2026, 6, 1), True),  # 5th would be 2027-06-01 → card 2026-06-01
])
def test_certificates_renewed_separately(cert_issue, expiry, capped):
    # card: born 1980-06-01, issued 2016-08-01, age 36 → 1st 2017-06-01 → 10th 2026-06-01
    result = compute_lifecycle(D(1980, 6, 1), D(2016, 8, 1), TODAY, certificate_issue=cert_issue)
    assert result.card_expiry == D(2026, 6, 1)
    assert result.user_certificate_expiry == expiry
    assert result.outcome.certificates.capped_by_card is capped


# --------------------------------------------------------------------------------------------
# renewal window and status


@pytest.mark.parametrize("expiry, start", [
    (D(2029, 4, 1), D(2029, 1, 2)),  # 2029-01-01 still leaves exactly 3 months (1/2..4/1)
    (D(2027, 9, 3), D(2027, 6, 4)),
    (D(2027, 5, 31), D(2027, 3, 1)),
    (D(2027, 5, 30), D(2027, 2, 28)),  # from 2/28 the period 3/1..5/31 exceeds the time left
    (D(2028, 5, 30), D(2028, 2, 29)),
    (D(2026, 3, 1), D(2025, 12, 2)),
    (D(2026, 1, 1), D(2025, 10, 2)),
])
def test_renewal_window_start(expiry, start):
    assert renewal_window_start(expiry) == start
    # definition: from the start, less than 3 months remain; the day before, not yet
    assert period_end(start, 3) > expiry >= period_end(start - dt.timedelta(days=1), 3)


def test_renewal_status_around_the_window_and_expiry():
    expiry = D(2027, 9, 3)  # born 1988-09-03, issued 2018-02-20
    assert renewal_status(expiry, D(2027, 6, 3)).status == "not_yet_open"  # day before the window
    assert renewal_status(expiry, D(2027, 6, 3)).days_until_open == 1
    first = renewal_status(expiry, D(2027, 6, 4))  # first day of the window
    assert first.status == "open" and first.days_until_open == 0 and first.days_left == 91
    last = renewal_status(expiry, D(2027, 9, 3))  # the expiry day itself is still valid
    assert last.status == "open" and last.days_left == 0
    after = renewal_status(expiry, D(2027, 9, 4))
    assert after.status == "expired" and after.days_left == -1


def test_compute_lifecycle_status_and_explanations_by_today():
    birth, issue = D(1988, 9, 3), D(2018, 2, 20)
    not_yet = compute_lifecycle(birth, issue, D(2027, 6, 3))
    assert not_yet.status == "not_yet_open" and not_yet.renewal_window_start == D(2027, 6, 4)
    assert {"renewal_not_yet_open", "expiry_notice"} <= {e.code for e in not_yet.explanations}
    open_ = compute_lifecycle(birth, issue, D(2027, 6, 4))
    assert open_.status == "open" and open_.days_left == 91
    assert "renewal_open" in [e.code for e in open_.explanations]
    expired = compute_lifecycle(birth, issue, D(2027, 9, 4))
    assert expired.status == "expired" and expired.days_left == -1
    codes = [e.code for e in expired.explanations]
    assert "card_expired" in codes and "insurance_grace" in codes
    grace = next(e for e in expired.explanations if e.code == "insurance_grace")
    assert grace.params["until"] == D(2027, 12, 31)  # end of the 3rd month after September


def test_certificate_expired_while_card_valid():
    result = compute_lifecycle(D(1990, 4, 1), D(2019, 7, 1), TODAY)  # certs ended 2024-04-01
    assert result.status == "not_yet_open"
    assert result.certificate_renewal.status == "expired"
    assert "certificate_expired" in [e.code for e in result.explanations]


def test_expired_foreign_card_fee():
    result = compute_lifecycle(D(1985, 5, 5), D(2025, 12, 1), TODAY, residence_status="仮滞在",
                               stay_end=D(2026, 3, 1))
    codes = [e.code for e in result.explanations]
    assert "card_expired_with_stay" in codes and "card_expired" not in codes


def test_insurance_grace_end():
    assert insurance_grace_end(D(2026, 1, 15)) == D(2026, 4, 30)
    assert insurance_grace_end(D(2026, 11, 30)) == D(2027, 2, 28)


# --------------------------------------------------------------------------------------------
# input errors


@pytest.mark.parametrize("kwargs, code", [
    (dict(birth=D(2030, 1, 1), issue=D(2020, 1, 1)), "birth_in_future"),
    (dict(birth=D(1990, 1, 1), issue=D(2015, 6, 1)), "issue_before_card_launch"),
    (dict(birth=D(2020, 1, 1), issue=D(2019, 1, 1)), "issue_before_birth"),
    (dict(birth=D(1990, 1, 1), issue=D(2027, 1, 1)), "issue_in_future"),
    (dict(birth=D(1990, 1, 1), issue=D(2020, 1, 1), application=D(2020, 2, 1)), "application_after_issue"),
    (dict(birth=D(1990, 1, 1), issue=D(2020, 1, 1), residence_status="宇宙人"), "unknown_residence_status"),
    (dict(birth=D(1990, 1, 1), issue=D(2020, 1, 1), residence_status="短期滞在"), "status_not_eligible"),
    (dict(birth=D(1990, 1, 1), issue=D(2020, 1, 1), residence_status="留学", stay_end=D(2019, 1, 1)),
     "stay_end_before_issue"),
    (dict(birth=D(1990, 1, 1), issue=D(2020, 1, 1), certificate_issue=D(2019, 1, 1)),
     "certificate_issue_before_card"),
])
def test_input_errors(kwargs, code):
    with pytest.raises(LifecycleInputError) as info:
        compute_lifecycle(today=TODAY, **kwargs)
    assert code in info.value.codes


# --------------------------------------------------------------------------------------------
# helpers


def test_calendar_helpers():
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2024, 5, 31), -3) == D(2024, 2, 29)
    assert birthday_in_year(D(2000, 2, 29), 2023) == D(2023, 2, 28)
    assert birthday_in_year(D(2000, 2, 29), 2024) == D(2024, 2, 29)
    assert age_on(D(2000, 2, 29), D(2023, 2, 28)) == 22
    assert age_on(D(2000, 2, 29), D(2023, 3, 1)) == 23
    assert age_on(D(2000, 5, 10), D(2020, 5, 10)) == 20
    assert nth_birthday_after(D(2000, 5, 10), D(2020, 5, 10), 1) == D(2021, 5, 10)
    assert nth_birthday_after(D(2000, 5, 10), D(2020, 5, 9), 1) == D(2020, 5, 10)
    with pytest.raises(ValueError):
        nth_birthday_after(D(2000, 5, 10), D(2020, 5, 9), 0)
    assert period_end(D(2025, 11, 29), 3) == D(2026, 2, 28)
    assert period_end(D(2025, 1, 28), 1) == D(2025, 2, 28)  # starts 29 Jan; no 29 Feb → last day
    assert period_end(D(2024, 1, 28), 1) == D(2024, 2, 28)  # leap year: 29 Feb exists → the day before
    assert day_turning(D(2008, 2, 29), 18) == D(2026, 3, 1)
    assert day_turning(D(2008, 2, 29), 16) == D(2024, 2, 29)
    assert day_turning(D(2000, 5, 10), 20) == D(2020, 5, 10)
