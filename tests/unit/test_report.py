"""The staff report (issue 16) from a tracker store filled by scripted conversations:
every figure, the paraphrase groups, masking, CSV, and retention (old gone, recent kept,
counts kept). The scenario and its expected numbers: tests/unit/report_scenario.py."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sqlite3
from pathlib import Path

import pytest

pytest.importorskip("rasa")

import report_scenario as sc  # noqa: E402

from maina.report import build, render, retention  # noqa: E402
from maina.report.conversations import read_session, split_sessions  # noqa: E402
from maina.report.grouping import Item, comparison_form, group_items  # noqa: E402
from maina.report.masking import mask_text  # noqa: E402
from maina.report.store import read_counts  # noqa: E402

START, END = build.period(sc.TODAY, 7)
WIDE = (dt.date(2026, 6, 1), sc.TODAY)


@pytest.fixture
def store(tmp_path):
    return sc.fill_store(tmp_path / "tracker.db")


@pytest.fixture
def report(store):
    return build.build_report(store.engine, START, END, retention_days=90)


def test_period_is_the_last_seven_days_in_japan():
    assert (START, END) == (dt.date(2026, 11, 19), dt.date(2026, 11, 25))


def test_counts_per_day_and_channel(report):
    for (metric, _), expected in sc.EXPECTED.items():
        assert report.counts.by_day_channel(metric) == expected, metric
    assert report.channels == ["widget", "kiosk", "line", "rest"]
    per_day = {day: (by_channel, total) for day, by_channel, total in report.per_day("messages")}
    assert len(per_day) == 7 and per_day[START] == ({c: 0 for c in report.channels}, 0)
    assert per_day[sc.YESTERDAY][1] == 6 and per_day[sc.TODAY][1] == 9


def test_outcomes_topics_answers_calculator_feedback(report):
    assert dict(report.outcomes) == sc.EXPECTED_OUTCOMES
    assert dict(report.top("topic")) == sc.EXPECTED_TOPICS
    assert dict(report.top("answer")) == sc.EXPECTED_ANSWERS
    assert dict(report.calculator) == sc.EXPECTED_CALCULATOR
    assert report.feedback_by_topic == sc.EXPECTED_FEEDBACK
    assert dict(report.counts.by_key("unanswered_topic")) == sc.EXPECTED_UNANSWERED_TOPIC
    assert dict(report.counts.by_key("followup")) == {"asked": 2, "ask_back": 2}
    assert build.summary(report) == {
        "conversations": 4, "messages": 15, "answered": 7, "unanswered": 7, "up": 2, "down": 1}
    answers = {utter: (label, topic, n) for utter, label, topic, n in build.top_answers(report)}
    assert answers["utter_lost_card"] == ("なくした・盗まれた", "lost", 1)
    assert answers["utter_lifecycle_result"] == ("有効期限を調べる", "validity", 1)
    assert answers["utter_reissue_fee"] == ("再発行の手数料", "reissue", 1)


def test_every_topic_has_a_label():
    from maina import conversation
    from maina.report import labels

    for name, topic in conversation.tables().topics.items():
        assert topic.label.get("ja") and topic.label.get("en"), name
        assert labels.topic_label(name, "en") == topic.label["en"]
    assert labels.topic_label("card") == labels.CARD_GROUP["ja"]


def test_unanswered_questions_grouped_with_closest_topic(report):
    (parking,) = report.out_of_scope
    assert parking.count == 3
    assert {parking.text, *(t for t, _ in parking.variants)} == {
        "駐車場ある?", "駐車場はありますか", "市役所の駐車場は無料ですか ［ID］"}
    assert parking.closest_intent == "contact_city" and parking.topic == "city"
    assert (parking.first_day, parking.last_day) == (sc.YESTERDAY, sc.TODAY)
    low = {g.text: (g.count, g.closest_intent) for g in report.low_confidence}
    assert low == {"ほげほげ ［マイナンバー削除］": (1, "card_what"), "ふがふが": (1, "lost_card")}
    (followup,) = report.followups  # with a topic in play (lost) and without one
    assert (followup.text, followup.count, followup.topic) == ("いくら?", 2, "lost")
    assert followup.closest_intent == "reissue_fee"
    (down,) = report.thumbs_down
    assert (down.utter_action, down.label, down.topic, down.down, down.up) == (
        "utter_lost_card", "なくした・盗まれた", "lost", 1, 0)
    assert [(g.text, g.count) for g in down.questions] == [("カードをなくしました", 1)]


def test_html_and_csv_show_every_figure_and_no_identifier(report):
    page = render.render_html(report, sc.TODAY)
    groups, daily = render.groups_csv(report), render.daily_csv(report)
    for text in (page, groups, daily):
        assert sc.LINE_USER not in text and "line:" not in text
        assert not re.search(r"\d{4}\D{0,3}\d{4}\D{0,3}\d{4}", text.replace("data:image/png;base64,", ""))
    for fragment in ("2026年11月24日（火）", "駐車場ある?", "ほげほげ ［マイナンバー削除］",
                     "なくした・盗まれた", "contact_city", "いくら?", "data/nlu/lost.yml"):
        assert fragment in page
    assert page.count("<img ") >= 4 and 'alt="' in page
    rows = list(csv.reader(io.StringIO(groups.lstrip("\ufeff"))))
    assert rows[0] == list(render.GROUP_CSV_HEADER)
    by_kind = {(r[0], r[2]): r for r in rows[1:]}
    assert by_kind[("対象外", "駐車場ある?")][1] == "3"
    assert by_kind[("対象外", "駐車場ある?")][5] == "contact_city"
    assert by_kind[("対象外", "駐車場ある?")][7] == "data/nlu/lost.yml"
    assert by_kind[("役に立たなかった答え", "なくした・盗まれた")][1] == "1"
    assert by_kind[("続きの質問で聞き返した", "いくら?")][6] == "lost"
    assert groups.startswith("\ufeff")
    days = list(csv.reader(io.StringIO(daily.lstrip("\ufeff"))))
    assert len(days) == 1 + 7 * 4
    widget_yesterday = next(r for r in days if r[0] == "2026-11-24" and r[1] == "ホームページ")
    assert widget_yesterday[2:] == ["1", "3", "2", "0", "1", "0", "1", "1", "1", "1"]
    rest_today = next(r for r in days if r[0] == "2026-11-25" and r[1] == "REST（その他の画面）")
    assert rest_today[2:] == ["1", "5", "0", "2", "3", "0", "1", "1", "0", "0"]


def test_csv_cells_never_start_a_formula():
    assert render._cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert render._cell("-1") == "'-1" and render._cell("駐車場") == "駐車場"


def test_retention_deletes_old_keeps_recent_and_counts(store):
    engine = store.engine
    before = build.build_report(engine, *WIDE)
    cutoff = retention.cutoff_timestamp(sc.TODAY, 90)
    assert dt.datetime.fromtimestamp(cutoff, sc.JST).date() == dt.date(2026, 8, 27)

    result = retention.purge(engine, cutoff)
    assert (result.sessions, result.events) == (2, 11 + 8)
    assert retention.purge(engine, cutoff).sessions == 0
    db = sqlite3.connect(engine.url.database)
    senders = {s for (s,) in db.execute("SELECT DISTINCT sender_id FROM events")}
    assert sc.OLD_WIDGET not in senders and sc.LINE_SENDER in senders
    assert db.execute("SELECT min(timestamp) FROM events WHERE sender_id = ?",
                      (sc.LINE_SENDER,)).fetchone()[0] > cutoff
    kept = read_counts(engine)
    assert "カード" not in repr(kept.items) and "駐車場" not in repr(kept.items)
    assert kept.by_day_channel("conversations") == {
        (dt.date(2026, 7, 1), "widget"): 1, (dt.date(2026, 8, 1), "line"): 1}
    assert kept.total("feedback_down", "lost") == 1

    after = build.build_report(engine, *WIDE)
    assert after.counts == before.counts  # the numbers survive, as aggregates
    assert after.kept_counts and not before.kept_counts
    assert len(before.out_of_scope[0].variants) + 1 == 4  # 駐車場は？ (August) had text …
    assert {after.out_of_scope[0].text, *(t for t, _ in after.out_of_scope[0].variants)} == {
        "駐車場ある?", "駐車場はありますか", "市役所の駐車場は無料ですか ［ID］"}  # … not now
    assert read_counts(engine) == kept  # a second run deleted and counted nothing


def test_retention_days_setting(caplog):
    assert retention.retention_days({}) == 90
    assert retention.retention_days({"MAINA_RETENTION_DAYS": "30"}) == 30
    for bad in ("0", "-1", "ninety", "99999"):
        assert retention.retention_days({"MAINA_RETENTION_DAYS": bad}) == 90
    assert "MAINA_RETENTION_DAYS" in caplog.text


def test_masking():
    assert mask_text("私の番号は 1234 5678 9012 です") == "私の番号は ［マイナンバー削除］ です"
    assert mask_text("0120-95-0178 に電話、誕生日は１９９０年１月１５日") == \
        "○○○○-○○-○○○○ に電話、誕生日は○○○○年○月○○日"
    assert mask_text("mail a.b+c@example.jp / https://x.example/y " + sc.LINE_USER) == \
        "mail ［メール］ / ［URL］ ［ID］"
    assert len(mask_text("あ" * 500)) == 200


def test_paraphrases_group_and_different_questions_do_not():
    day = sc.TODAY
    texts = {
        "parking": ["市役所に駐車場はありますか", "駐車場ある？", "市役所の駐車場は無料ですか",
                    "駐車場はありますか？", "駐車場って何台とめられる？", "車で行っても駐車場ありますか"],
        "weather": ["今日の天気は？", "明日の天気を教えて", "天気どう？", "週末の天気は晴れ？"],
        "juminhyo": ["住民票の写しはいくら", "住民票の手数料を教えてください",
                     "住民票っていくらかかるの", "住民票取りたい"],
        "passport": ["パスポートの申請はどこ", "パスポート作りたい",
                     "パスポートの更新はどうすればいいですか"],
    }
    items = [Item(mask_text(t), day, [("contact_city", 0.3)] if k == "parking" else [])
             for k, ts in texts.items() for t in ts]
    items += [Item("犬の登録", day), Item("ごみの出し方", day)]
    groups = group_items(items, allowed_intents={"contact_city"})
    sizes = sorted(g.count for g in groups)
    assert sizes == [1, 1, 3, 4, 4, 6], [(g.count, g.text, g.variants) for g in groups]
    parking = groups[0]
    assert parking.count == 6 and "駐車場" in parking.text and parking.closest_intent == "contact_city"
    assert comparison_form("マイナンバーカードの駐車場はありますか？") == comparison_form("駐車場はあり")


def test_sessions_split_and_calculator_outcomes():
    events = [e.as_dict() for e in sc.conversations()[sc.LINE_SENDER]]
    parts = split_sessions(events)
    assert len(parts) == 2
    old, new = (read_session(sc.LINE_SENDER, p) for p in parts)
    assert [t.kind for t in old.turns] == ["answered", "out_of_scope"]
    assert [t.kind for t in new.turns] == ["out_of_scope"] + ["calculator"] * 3
    assert [(r.outcome, r.turns) for r in new.runs] == [("result", 3)]
    assert [(f.value, f.turn.text if f.turn else None) for f in new.feedback] == [
        ("up", "2020年1月1日")]
    assert new.channel == old.channel == "line"


def test_charts_use_a_japanese_font_or_fall_back_to_english(report, monkeypatch):
    from maina.report import charts

    font = charts.japanese_font()
    if Path(charts.FONT_FILES[0]).exists():  # fonts-noto-cjk (CI installs it)
        assert font and "CJK" in font
    drawn, used = charts.draw_charts(report)
    assert [c.key for c in drawn] == ["per_day", "outcomes", "topics", "feedback", "calculator"]
    assert all(c.png_base64.startswith("iVBOR") and c.alt for c in drawn)  # PNG, with a text
    assert used == font

    monkeypatch.setattr(charts, "japanese_font", lambda: None)
    drawn, used = charts.draw_charts(report)
    page = render.render_html(report, sc.TODAY, charts=(drawn, used))
    assert used is None and charts.INSTALL_HINT in page and "日本語フォントが見つからない" in page
    assert len(drawn) == 5


def test_make_report_script_starts():
    """`make report` runs scripts/report.py: its imports once pointed at modules that had moved."""
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "scripts" / "report.py"
    done = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "--cluster" in done.stdout
