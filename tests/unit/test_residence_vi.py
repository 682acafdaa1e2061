"""Residence statuses said in Vietnamese (maina.residence, the Vietnamese block; issue 15)."""
from __future__ import annotations

import pytest

from maina.residence import stated_status


@pytest.mark.parametrize("text,key", [
    ("tôi là vĩnh trú", "永住者"),
    ("toi la vinh tru", "永住者"),
    ("vĩnh trú", "永住者"),
    ("tôi cầm visa vĩnh trú", "永住者"),
    ("em visa du học", "留学"),
    ("em là thực tập sinh, visa hết hạn 30/9/2027", "技能実習"),
    ("em đang visa kỹ sư", "技術・人文知識・国際業務"),
    ("tư cách lưu trú: định cư", "定住者"),
    ("không phải thực tập sinh mà là kỹ năng đặc định", "特定技能"),
    ("em là người nước ngoài", "外国人住民"),
])
def test_stated_in_vietnamese(text, key):
    assert stated_status(text).key == key


@pytest.mark.parametrize("text", ["tôi không phải vĩnh trú", "ban toi la thuc tap sinh", "trước là du học sinh"])
def test_not_the_residents_own(text):
    assert stated_status(text) is None
