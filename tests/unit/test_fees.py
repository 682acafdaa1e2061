"""Fees: the rules (re-issue, 特急発行) and the one amount for a resident's case.

Expected amounts and days are written out by hand from the rules in maina/fees.py
(today = 2026-11-25; express issue: apply within 30 days of the event, the event day not counted).
"""
from __future__ import annotations

import datetime as dt

import pytest

from maina import facts
from maina.event_dates import EventDate
from maina.fees import FeeCase, answer, express_issue_fee, question, reissue_fee

D = dt.date
TODAY = D(2026, 11, 25)
LAST_WEEK = EventDate(D(2026, 11, 16), D(2026, 11, 22))


def test_reissue_fees():
    assert reissue_fee("lost").amount == facts.value("fee.reissue") == 1000
    assert reissue_fee("lost", with_certificates=False).amount == facts.value("fee.reissue_no_cert") == 800
    assert reissue_fee("damaged").amount == 1000
    assert reissue_fee("stolen").amount == 1000
    assert reissue_fee("stolen", proof=True).free
    assert reissue_fee("disaster", proof=True).free
    assert reissue_fee("disaster").amount == 1000
    assert reissue_fee("remarks_full").free
    assert reissue_fee("office_error").free
    assert reissue_fee("expired").free
    assert reissue_fee("expired_with_stay").amount == facts.value("fee.foreign_expired_with_stay")
    assert reissue_fee("lost").params == {"card_part": 800, "certificate_part": 200, "needs_proof_for_free": False}


def test_express_issue():
    lost = express_issue_fee("lost", event_date=D(2026, 11, 1), today=TODAY)
    assert lost.eligible and lost.amount == facts.value("fee.express") == 2000
    assert lost.apply_by == D(2026, 12, 1) and lost.at_counter
    assert express_issue_fee("damaged", with_certificates=False).amount == 1800
    late = express_issue_fee("lost", event_date=D(2026, 10, 1), today=TODAY)
    assert not late.eligible and late.code == "express_deadline_passed"
    assert express_issue_fee("lost", event_date=D(2026, 10, 26), today=TODAY).eligible  # day 30
    for reason in ("under_1", "returning_from_abroad", "new_mid_long_term_resident"):
        quote = express_issue_fee(reason)
        assert quote.eligible and quote.amount == 0
    assert not express_issue_fee("renewal").eligible


# (case, question asked first, code, amount, last day to apply, days left)
CASES = [
    # normal re-issue
    (FeeCase("lost"), None, "reissue", 1000, None, None),
    (FeeCase("damaged"), None, "reissue", 1000, None, None),
    (FeeCase("lost", certificates=True), None, "reissue", 1000, None, None),
    (FeeCase("lost", certificates=False), None, "reissue_no_cert", 800, None, None),
    (FeeCase("damaged", certificates=False), None, "reissue_no_cert", 800, None, None),
    (FeeCase(None), None, "reissue", 1000, None, None),
    # theft and disaster: free with the police receipt number / the 罹災証明書
    (FeeCase("stolen"), "proof", "theft_without_proof", 1000, None, None),
    (FeeCase("stolen", proof=True), None, "free_theft", 0, None, None),
    (FeeCase("stolen", proof=True, certificates=False), None, "free_theft", 0, None, None),
    (FeeCase("stolen", proof=False), None, "theft_without_proof", 1000, None, None),
    (FeeCase("stolen", proof=False, certificates=False), None, "theft_without_proof", 800, None, None),
    (FeeCase("disaster"), "proof", "disaster_without_proof", 1000, None, None),
    (FeeCase("disaster", proof=True), None, "free_disaster", 0, None, None),
    (FeeCase("disaster", proof=False, certificates=False), None, "disaster_without_proof", 800, None, None),
    # always free / renewal
    (FeeCase("remarks_full"), None, "free_remarks_full", 0, None, None),
    (FeeCase("office_error"), None, "free_office_error", 0, None, None),
    (FeeCase("expired"), None, "renewal_free", 0, None, None),
    # express: lost on 1 November → apply by 1 December (6 days left)
    (FeeCase("lost", express=True, event=EventDate.day(D(2026, 11, 1))), None, "express", 2000, D(2026, 12, 1), 6),
    (FeeCase("damaged", express=True, certificates=False, event=EventDate.day(D(2026, 11, 20))), None,
     "express", 1800, D(2026, 12, 20), 25),
    (FeeCase("stolen", express=True, event=EventDate.day(D(2026, 11, 24))), None, "express", 2000, D(2026, 12, 24), 29),
    # day 30 is the last day: lost on 26 October → 25 November = today
    (FeeCase("lost", express=True, event=EventDate.day(D(2026, 10, 26))), None, "express_last_day", 2000, TODAY, 0),
    # day 31: too late for express; the normal re-issue amount
    (FeeCase("lost", express=True, event=EventDate.day(D(2026, 10, 25))), None, "express_passed", 1000, D(2026, 11, 24), -1),
    (FeeCase("lost", express=True, certificates=False, event=EventDate.day(D(2026, 9, 1))), None,
     "express_passed", 800, D(2026, 10, 1), -55),
    # 「先週なくした」: 16–22 November → the safe last day is 16 December
    (FeeCase("lost", express=True, event=LAST_WEEK), None, "express_period", 2000, D(2026, 12, 16), 21),
    # 19–31 October: too late for the first days only → ask the day
    (FeeCase("lost", express=True, event=EventDate(D(2026, 10, 19), D(2026, 10, 31))), "event", "express_depends",
     2000, None, None),
    # 1–31 August: too late whatever the day
    (FeeCase("lost", express=True, event=EventDate(D(2026, 8, 1), D(2026, 8, 31))), None, "express_passed", 1000,
     D(2026, 9, 30), -56),
    # express without what decides it
    (FeeCase("lost", express=True), "event", "express_general", None, None, None),
    (FeeCase(None, express=True), "reason", "express_general", None, None, None),
    # not eligible (a fire: the rules name lost, stolen and damaged cards)
    (FeeCase("disaster", express=True), None, "express_not_eligible", None, None, None),
    (FeeCase("remarks_full", express=True), None, "express_not_eligible", None, None, None),
]


@pytest.mark.parametrize("fee_case,asked,code,amount,apply_by,days_left", CASES)
def test_fee_for_the_case(fee_case, asked, code, amount, apply_by, days_left):
    assert question(fee_case, TODAY) == asked
    got = answer(fee_case, TODAY)
    assert (got.code, got.amount, got.apply_by, got.days_left) == (code, amount, apply_by, days_left)


def test_depends_says_from_which_day_of_loss_express_is_still_possible():
    got = answer(FeeCase("lost", express=True, event=EventDate(D(2026, 10, 19), D(2026, 10, 31))), TODAY)
    assert got.lost_from == D(2026, 10, 26)  # lost on 26 October: 30 days end today


def test_certificates_are_never_asked():
    for certificates in (None, True, False):
        assert question(FeeCase("lost", certificates=certificates), TODAY) is None
