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
# Answers no conversation topic lists are filed under the catalog group "card".
CARD_GROUP = {"ja": "カードの基本・安全", "en": "Card basics and safety"}


def topic_label(topic: str, lang: str = "ja") -> str:
    """A topic's name for people: its label in maina/conversation.yml."""
    from maina import conversation, topics

    known = conversation.tables().topics.get(topic)
    if known is not None and known.label:
        return known.label.get(lang) or known.label["ja"]
    if topic == "card":
        return CARD_GROUP.get(lang, CARD_GROUP["ja"])

    entry = topics.catalog().get(topic)
    return (entry.get(lang) or topic) if entry else (topic or "（なし）")
