"""Vietnamese through the real REST channel (issue 15): questions as Vietnamese residents type
them (with or without diacritics, Japanese words inside), follow-ups in two turns and the
calculator (MAINA_TODAY = 2026-11-25 in the servers).

Each question starts a new conversation (the first message sets the language). Key facts use
the dev-question rule (answer_check.contains_key_facts: `|` any of, `&&` all groups), numbers
as the facts file prints them and dates as locales/vi.yml writes them (15/01/2029).
"""
from __future__ import annotations

import uuid

from answer_check import contains_key_facts, missed_questions, score

from maina.language import detect_language

TARGET = 0.95
FREE_DIAL, CITY_TEL = "0120-95-0178", "0144-32-6492"

# (question, key facts). Written for this file, not translated from the Japanese or English tests.
QUESTIONS = [
    # lost, stolen, re-issue, changes, contacts
    ("chị ơi em bị mất ví, trong đó có thẻ my number, giờ phải làm gì ạ", f"{FREE_DIAL} && cảnh sát"),
    ("mat the mynumber roi, goi so nao de khoa the vay", FREE_DIAL),
    ("hôm qua đi tàu bị móc túi mất luôn thẻ my number", FREE_DIAL),
    ("làm lại thẻ my number hết bao nhiêu tiền vậy mọi người", "1,000 yên && 800 yên"),
    ("đi làm lại thẻ thì phải mang theo những giấy tờ gì ạ", "ảnh && 1,000 yên"),
    ("em cần thẻ gấp trong tuần này, có cách nào làm nhanh không", "2,000 yên"),
    ("thẻ bị gãy làm đôi rồi huhu", "1,000 yên"),
    ("em chuyển nhà trong Tomakomai, có cần mang thẻ my number ra shiyakusho không", "ô ghi chú"),
    ("vừa chuyển từ Nagoya lên Tomakomai làm việc, thẻ my number phải làm gì", "90 ngày && 14 ngày"),
    ("cuối năm em hết hợp đồng về VN luôn, thẻ my number xử lý sao", "quốc tịch Nhật && ngày xuất cảnh"),
    ("cho em xin số điện thoại bộ phận my number ở shiyakusho", f"{CITY_TEL} && 0144-32-6629"),
    ("mất thẻ có phải ra koban báo không ạ", "số tiếp nhận"),
    ("đã gọi khóa thẻ rồi nhưng giờ tìm thấy trong cặp, làm sao dùng lại", "gỡ tạm dừng"),
    ("tôi bị khiếm thính, làm sao báo mất thẻ được", "0120-601-785"),
    ("bố em mới qua đời, thẻ my number của bố có phải trả lại không", f"chia buồn && {CITY_TEL}"),
    ("tòa thị chính ở đâu vậy, mấy giờ mở cửa", "Asahimachi && 8:45"),
    # card basics and applying
    ("đăng ký làm thẻ my number bằng điện thoại được không", "mã QR && miễn phí"),
    ("ảnh để làm thẻ cần kích thước bao nhiêu", "4,5 cm && 6 tháng"),
    ("em lỡ vứt tờ giấy đăng ký làm thẻ rồi", "mã ID"),
    ("có bưu thiếp báo đi nhận thẻ rồi thì cần đem gì", "giấy báo nhận thẻ && mã PIN"),
    ("chồng em đang nằm viện, em đi nhận thẻ thay được không", "đại diện"),
    ("con em mới 2 tháng tuổi làm thẻ my number được không", "15 tuổi && lần thứ 5"),
    ("có thẻ my number thì được lợi gì", "bảo hiểm && konbini"),
    ("thẻ thông báo bằng giấy cũ còn dùng được không", "25/05/2020"),
    ("mynaportal là gì vậy", "https://myna.go.jp/"),
    ("làm thẻ giờ còn được tặng điểm mynapoint không", "kết thúc"),
    ("trong chip thẻ có lưu bệnh án với lương của mình không", "chứng thư điện tử"),
    ("bạn cùng phòng hỏi mã pin thẻ của em, cho được không", "Không được"),
    ("thẻ my number có an toàn không, lỡ người khác nhặt được thì sao", f"{FREE_DIAL} && 5 lần"),
    ("bạn là người thật hay máy vậy", CITY_TEL),
    ("thẻ juki của bà còn dùng được không", "31/12/2015"),
    # validity, renewal, certificates, PINs
    ("thẻ my number xài được mấy năm", "lần thứ 10 && lần thứ 5"),
    ("chung thu dien tu trong the bao lau thi het han", "lần thứ 5"),
    ("em là thực tập sinh, thẻ my number có hạn đến bao giờ", "ngày hết hạn lưu trú && Vĩnh trú"),
    ("em mới gia hạn visa xong, thẻ my number có cần làm gì không", "thẻ lưu trú && 1,000 yên"),
    ("thẻ sắp hết hạn rồi, gia hạn ở đâu, có mất tiền không", "3 tháng && miễn phí"),
    ("nhận được phong bì màu xanh của J-LIS là gì vậy", "J-LIS && 2–3 tháng"),
    ("thẻ của em hết hạn rồi thì làm sao", "miễn phí && 1,000 yên"),
    ("quên mã pin thẻ my number rồi, ở konbini đặt lại được không", "5 lần && 3 lần && 6:30"),
    ("thẻ có mấy mã pin vậy", "4 chữ số && 6–16"),
    ("muốn đổi mã pin thì làm sao", "Mynaportal|マイナポータル"),
    ("bố em già hay quên, có thẻ nào không cần mã pin không", "khuôn mặt"),
    ("chứng thư dùng để ký là gì", "e-Tax && 15 tuổi"),
    # services
    ("dùng thẻ my number đi khám bệnh thay thẻ bảo hiểm được không", "02/12/2024 && giấy xác nhận tư cách"),
    ("liên kết thẻ my number với bảo hiểm y tế ở đâu", "Seven Bank"),
    ("em không có thẻ my number thì đi bệnh viện bằng gì", "giấy xác nhận tư cách"),
    ("mã pin bị khóa rồi thì ở bệnh viện còn dùng thẻ được không", "nhận diện khuôn mặt"),
    ("konbini mấy giờ thì lấy được juminhyo", "6:30 && 23:00 && 29/12"),
    ("lawson có in được juminhyo không", "Lawson && Seven-Eleven"),
    ("lấy juminhyo ở seven mất bao nhiêu tiền", "250 yên && 450 yên"),
    ("khai thuế e-tax bằng thẻ my number thế nào", "6–16 && chứng thư điện tử dùng để ký"),
    ("chồng em người Nhật, honseki ở Tomakomai nhưng nhà ở Sapporo, lấy koseki ở konbini được không",
     "450 yên"),
    # the calculator, in one message
    ("Tôi sinh ngày 15/01/1990, nhận thẻ ngày 10/03/2019. Thẻ hết hạn khi nào?", "15/01/2029 && 15/01/2024"),
    ("em sinh 3/5/1995, làm thẻ ngày 1/7/2019, khi nào thẻ hết hạn vậy", "03/05/2029"),
    ("tôi là vĩnh trú, sinh 10/10/1975, nhận thẻ 5/3/2021, thẻ dùng được đến khi nào", "10/10/2030"),
    ("em là thực tập sinh, sinh 1/2/2000, nhận thẻ 1/6/2023, visa hết hạn 30/9/2026. Thẻ my number của em sao rồi",
     "30/09/2026 && 1,000 yên"),
]

# Conversations: (messages, key facts of the last answer). Follow-ups have no topic word.
CONVERSATIONS = [
    (["thẻ my number của em bị mất rồi", "làm lại mất bao nhiêu tiền?"], "1,000 yên"),
    (["mat the my number roi", "bao lâu thì có thẻ mới?"], "khoảng 1–2 tháng"),
    (["lấy koseki ở konbini được không", "hết bao nhiêu?"], "450 yên"),
    (["lấy juminhyo ở konbini được không", "mấy giờ?"], "6:30 && 23:00"),
    (["gia hạn thẻ my number thế nào", "có mất tiền không"], "miễn phí"),
    (["thẻ bị gãy rồi", "cần mang gì?"], "ảnh"),
    # the calculator asks for what is missing
    (["tính hạn thẻ của em giúp với", "15/1/1990", "ngày 10 tháng 3 năm 2019"], "15/01/2029"),
    (["thẻ của em hết hạn khi nào", "em sinh ngay 20 thang 8 nam 1988", "nhận thẻ tháng 5/2021"],
     "20/08/2030"),
]


def _sender() -> str:
    return f"vi-{uuid.uuid4().hex[:10]}"


def _japanese_sentences(text: str) -> bool:
    """An answer in Japanese (Vietnamese answers may quote a Japanese term: 「電子証明書の有効期限」)."""
    return detect_language(text) == "ja"


def test_vietnamese_questions_contain_key_facts(bot):
    assert len(QUESTIONS) >= 40
    misses = missed_questions(lambda q: bot.text(q, sender=_sender()), QUESTIONS,
                              lambda answer: not _japanese_sentences(answer))
    assert score("Vietnamese REST", len(QUESTIONS), misses) >= TARGET, "\n".join(misses)


def test_vietnamese_conversations(bot):
    misses = []
    for messages, checks in CONVERSATIONS:
        sender = _sender()
        for message in messages:
            answer = bot.text(message, sender=sender)
        if not contains_key_facts(answer, checks) or _japanese_sentences(answer):
            misses.append((messages, checks, answer))
    for messages, checks, answer in misses:
        print(f"\nMISS: {' → '.join(messages)}\n  wanted: {checks}\n  got: {answer[:300]}")
    assert not misses


def test_buttons_are_in_vietnamese_and_keep_their_payloads(bot):
    messages = bot.ask("mất thẻ my number rồi", sender=_sender())
    buttons = [b for m in messages for b in m.get("buttons") or []]
    assert [b["title"] for b in buttons] == ["Thủ tục cấp lại", "Lệ phí cấp lại", "Khi tìm thấy thẻ"]
    assert [b["payload"] for b in buttons] == ["/reissue_procedure", "/reissue_fee", "/card_found"]


def test_the_language_is_kept_and_switched(bot):
    sender = _sender()
    assert "0120-95-0178" in bot.text("mất thẻ my number rồi", sender=sender)
    answer = bot.text("/reissue_fee", sender=sender)         # a button press says nothing of its language
    assert "1,000 yên" in answer
    answer = bot.text("カードをなくしました", sender=sender)    # the resident writes Japanese
    assert _japanese_sentences(answer)
    answer = bot.text("Tiếng Việt", sender=sender)             # and asks for Vietnamese again
    assert "tiếng Việt" in answer and not _japanese_sentences(answer)
