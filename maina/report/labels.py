"""Words the report shows for its fixed keys (Japanese; English where a chart has no font)."""
from __future__ import annotations

from typing import Dict

KINDS: Dict[str, Dict[str, str]] = {
    "answered": {"ja": "答えた", "en": "Answered"},
    "calculator": {"ja": "有効期限の計算", "en": "Expiry calculator"},
    "ask_back": {"ja": "自信がなく聞き返した", "en": "Asked back (low confidence)"},
    "out_of_scope": {"ja": "対象外と答えた", "en": "Out of scope"},
    "chitchat": {"ja": "あいさつ・雑談", "en": "Greetings, chitchat"},
    "no_answer": {"ja": "答えられなかった（障害）", "en": "No answer (failure)"},
    "other": {"ja": "その他", "en": "Other"},
}
RUN_OUTCOMES: Dict[str, Dict[str, str]] = {
    "result": {"ja": "日付を表示", "en": "Dates shown"},
    "stopped": {"ja": "途中でやめた", "en": "Stopped by the resident"},
    "not_possible": {"ja": "計算できない条件", "en": "Cannot be computed"},
    "no_answer": {"ja": "サーバーが応答せず", "en": "Action server did not answer"},
    "left": {"ja": "入力の途中で離れた", "en": "Left while asked for a date"},
    "interrupted": {"ja": "別の質問で中断", "en": "Interrupted"},
}
CHANNELS: Dict[str, Dict[str, str]] = {
    "widget": {"ja": "ホームページ", "en": "Website"},
    "kiosk": {"ja": "窓口タブレット", "en": "Kiosk"},
    "line": {"ja": "LINE", "en": "LINE"},
    "socketio": {"ja": "socket.io", "en": "socket.io"},
    "rest": {"ja": "REST（その他の画面）", "en": "REST"},
    "other": {"ja": "その他", "en": "Other"},
}


def label(table: Dict[str, Dict[str, str]], key: str, lang: str = "ja") -> str:
    entry = table.get(key)
    return entry.get(lang, entry["ja"]) if entry else key

# The topics answers are filed under: those of maina/conversation.yml, and the catalog group
# "card" for card answers no conversation topic lists. A topic missing here is shown by its
# key (add it here when conversation.yml gets a new one).
TOPICS: Dict[str, Dict[str, str]] = {
    "lost": {"ja": "なくした・盗まれた", "en": "Lost or stolen"},
    "hotline": {"ja": "停止の電話番号", "en": "Hotline numbers"},
    "reissue": {"ja": "再発行", "en": "Re-issue"},
    "damaged": {"ja": "壊れた・燃えた", "en": "Damaged card"},
    "express": {"ja": "特急発行", "en": "Express issue"},
    "notification_card": {"ja": "通知カード", "en": "Notification card"},
    "apply": {"ja": "申請・受け取り", "en": "Applying and pickup"},
    "children": {"ja": "子どものカード", "en": "Children's cards"},
    "moving": {"ja": "引っ越し・名前の変更", "en": "Moving, name change"},
    "abroad": {"ja": "海外への引っ越し", "en": "Moving abroad"},
    "city": {"ja": "市役所の窓口・時間", "en": "City office"},
    "validity": {"ja": "有効期限", "en": "Validity"},
    "renewal": {"ja": "更新", "en": "Renewal"},
    "certificate": {"ja": "電子証明書", "en": "Certificates"},
    "devices": {"ja": "スマホ・e-Tax・マイナポータル", "en": "Phones, e-Tax, Mynaportal"},
    "pin": {"ja": "暗証番号", "en": "PINs"},
    "insurance": {"ja": "マイナ保険証", "en": "Health insurance"},
    "konbini": {"ja": "コンビニ交付", "en": "Certificates at stores"},
    "koseki": {"ja": "本籍地の戸籍証明書", "en": "Family register"},
    "deceased": {"ja": "亡くなった家族のカード", "en": "Deceased family member"},
    "card_return": {"ja": "カードの返納", "en": "Returning the card"},
    "proxy": {"ja": "代理人の手続き", "en": "Proxies"},
    "card": {"ja": "カードの基本・安全", "en": "Card basics and safety"},
}


def topic_label(topic: str, lang: str = "ja") -> str:
    """A topic's name for people."""
    if topic in TOPICS:
        return label(TOPICS, topic, lang)
    from maina import topics

    entry = topics.catalog().get(topic)
    return (entry.get(lang) or topic) if entry else (topic or "（なし）")
