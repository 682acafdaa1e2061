"""What a Vietnamese resident says about themselves changes the answer too (maina/conversation.yml
`situations:`, the lines marked vi; issue 15)."""
from __future__ import annotations

import pytest

from maina import conversation


def _situations(text):
    cue = conversation.cue_text(text)
    return {s.name for s in conversation.tables().situations if s.applies_to(cue)}


@pytest.mark.parametrize("text,situation", [
    ("cuối năm em về nước luôn, thẻ my number xử lý sao", "foreign_national"),
    ("ve nuoc thi the my number lam sao", "foreign_national"),
    ("em là thực tập sinh, sắp hết hợp đồng", "foreign_national"),
    ("tôi bị khiếm thính, báo mất thẻ thế nào", "cannot_phone"),
    ("em không nghe được điện thoại", "cannot_phone"),
    ("em cần gấp lắm, mất thẻ rồi", "urgent"),
    ("tuần sau cần thẻ rồi", "urgent"),
    ("bố tôi vừa mất, thẻ của bố làm sao", "bereaved"),
    ("mẹ em qua đời tháng trước", "bereaved"),
    ("bực mình quá, hỏi mãi không được", "upset"),
])
def test_vietnamese_cues(text, situation):
    assert situation in _situations(text)


@pytest.mark.parametrize("text", ["mẹ em mất thẻ rồi", "bố em mất ví có thẻ my number", "em muốn đổi mã pin"])
def test_a_lost_card_is_not_a_death(text):
    assert "bereaved" not in _situations(text)
