"""Corrections inside the calculator: 「AじゃなくてB」, "not A but B", "B, not A"."""
import pytest

from actions.lifecycle import _corrected

FILLED = {"birth_date": "1990-01-15", "issue_date": "2019-03-10", "application_date": None,
          "stay_end_date": None}


@pytest.mark.parametrize("text,expected", [
    ("あ、間違えた。2019年じゃなくて2018年", {"issue_date": "2018-03-10"}),
    ("ごめん、令和元年じゃなくて平成30年だった", {"issue_date": "2018-03-10"}),
    ("1990年じゃなくて1991年です", {"birth_date": "1991-01-15"}),
    ("2019年3月10日ではなく2019年4月1日でした", {"issue_date": "2019-04-01"}),
    ("oops, not 2019 but 2018", {"issue_date": "2018-03-10"}),
    ("sorry, I got it in 2018, not 2019", {"issue_date": "2018-03-10"}),
])
def test_corrections_change_the_matching_slot(text, expected):
    assert _corrected(text, FILLED) == expected


@pytest.mark.parametrize("text", ["カードなくした", "2018年です", "じゃなくて", "not sure"])
def test_other_messages_change_nothing(text):
    assert _corrected(text, FILLED) == {}
