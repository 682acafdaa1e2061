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

# Topic groups of maina/topics.yml (a topic named in answers' metadata that is not here is
# shown by its catalog label when it names an intent, else by its key).
TOPICS: Dict[str, Dict[str, str]] = {
    "card": {"ja": "カードの基本・安全", "en": "Card basics and safety"},
    "apply": {"ja": "申請・受け取り", "en": "Applying and pickup"},
    "lost": {"ja": "紛失・再発行・変更", "en": "Lost card, re-issue, changes"},
    "validity": {"ja": "有効期限・証明書・暗証番号", "en": "Validity, certificates, PINs"},
    "services": {"ja": "保険証・e-Tax・コンビニ", "en": "Insurance, e-Tax, stores"},
}


def topic_label(topic: str, lang: str = "ja") -> str:
    """A topic's name for people."""
    if topic in TOPICS:
        return label(TOPICS, topic, lang)
    from maina import topics

    entry = topics.catalog().get(topic)
    return (entry.get(lang) or topic) if entry else (topic or "（なし）")
