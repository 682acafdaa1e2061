"""maina.residence.stated_status: a status counts only when the resident states it as theirs."""
import datetime as dt

import pytest

from maina.lifecycle import compute_lifecycle
from maina.residence import stated_status

D = dt.date
TODAY = D(2026, 11, 25)


@pytest.mark.parametrize("text, key", [
    # statements
    ("留学生です", "留学"),
    ("在留資格は留学", "留学"),
    ("在留資格：技術・人文知識・国際業務", "技術・人文知識・国際業務"),
    ("技人国ビザで働いてます", "技術・人文知識・国際業務"),
    ("家族滞在ビザ", "家族滞在"),
    ("特定技能で働いています", "特定技能"),
    ("技能実習生です", "技能実習"),
    ("永住権を持っています", "永住者"),
    ("1985年生まれ、永住者で、2019年に作った", "永住者"),
    ("日本人の配偶者等です", "日本人の配偶者等"),
    ("在留資格は介護です", "介護"),
    ("在留期間の満了日が2027年3月31日の中長期在留者です", "中長期在留者"),
    ("外国人です", "外国人住民"),
    ("留学、在留期限は2027年3月31日", "留学"),
    # bare answers to the question
    ("永住者", "永住者"),
    ("高度専門職第２号", "高度専門職2号"),
    ("Highly Skilled Professional (ii)", "高度専門職2号"),
    ("PR", "永住者"),
    ("no, permanent resident", "永住者"),
    # English
    ("I'm a student", "留学"),
    ("I am a permanent resident", "永住者"),
    ("I have PR", "永住者"),
    ("I'm on a dependent visa", "家族滞在"),
    ("My status is Designated Activities", "特定活動"),
    ("Student visa, my period of stay ends on 31 March 2027", "留学"),
    # negation and longer names: the last stated one wins
    ("永住者の配偶者ではなく永住者です", "永住者"),
    ("留学から技人国に変わりました", "技術・人文知識・国際業務"),
    ("I used to be a student, now I work as an engineer", "技術・人文知識・国際業務"),
    ("not a student but a permanent resident", "永住者"),
])
def test_stated_statuses(text, key):
    status = stated_status(text)
    assert status is not None and status.key == key


@pytest.mark.parametrize("text", [
    "I was born in Japan",  # not 出生による経過滞在者
    "I'm not a student any more",
    "I was a student",
    "元留学生です",
    "永住者じゃないです",
    "留学生の友達が言ってた",
    "永住者は10年？",
    "永住者？",
    "Do students need a card?",
    "介護の仕事をしています",  # a job, not the status 介護
    "医療費の控除",
    "マイナンバーカードの有効期限を知りたい",
    "",
])
def test_words_that_do_not_state_a_status(text):
    assert stated_status(text) is None


def test_a_stated_period_of_stay_counts_without_a_status():
    # born 1992-02-14, issued 2024-05-20 (age 32): birthday rule 10th after issue = 2034-02-14;
    # the period of stay ends 2027-03-31 → the card ends on 2027-03-31 (the earlier)
    result = compute_lifecycle(D(1992, 2, 14), D(2024, 5, 20), TODAY, stay_end=D(2027, 3, 31))
    assert result.card_expiry == D(2027, 3, 31)
    assert result.residence_status.key == "中長期在留者"
    assert "residence_capped_by_stay_end" in [e.code for e in result.explanations]
    # a stay ending after the birthday rule: never later than the birthday rule
    later = compute_lifecycle(D(1992, 2, 14), D(2024, 5, 20), TODAY, stay_end=D(2036, 1, 1))
    assert later.card_expiry == D(2034, 2, 14)


def test_a_foreign_resident_without_status_needs_the_stay_end():
    result = compute_lifecycle(D(1992, 2, 14), D(2024, 5, 20), TODAY, residence_status="外国人住民")
    assert result.missing == ("stay_end",)
    capped = compute_lifecycle(D(1992, 2, 14), D(2024, 5, 20), TODAY, residence_status="外国人住民",
                               stay_end=D(2027, 3, 31))
    assert capped.card_expiry == D(2027, 3, 31)
