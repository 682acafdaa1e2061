"""The report as one self-contained HTML page (charts inline as PNG) and two CSV files.

* :func:`render_html`: Jinja2 with autoescaping (residents' text is data, never markup); the
  page needs no script and loads nothing: its only inline parts are the style block
  (allowed by its hash, :data:`STYLE_HASH`) and ``data:`` images.
* :func:`groups_csv`: one row per group of questions, for the FAQ review meeting
  (unanswered, out of scope, follow-ups needing the ask-back, and 👎 answers).
* :func:`daily_csv`: the counts per day and channel.

CSV files are UTF-8 with a BOM (Excel opens them as Japanese) and a cell that starts like a
formula (``= + - @``) is prefixed with ``'`` so a spreadsheet shows it as text.
"""
from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import io
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import jinja2
from markupsafe import Markup, escape

from maina import topics
from maina.report import labels
from maina.report.build import Report, summary, top_answers
from maina.report.charts import INSTALL_HINT, Chart, draw_charts
from maina.report.grouping import Group

TEMPLATES = Path(__file__).resolve().parent / "templates"
CSS = (TEMPLATES / "report.css").read_text(encoding="utf-8")
STYLE_HASH = "sha256-" + base64.b64encode(hashlib.sha256(CSS.encode("utf-8")).digest()).decode()
PERIODS = (7, 30, 90)

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(TEMPLATES)),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

GROUP_CSV_HEADER = ("種類", "件数", "住民の文（代表）", "ほかの言い方", "いちばん近いトピック",
                    "intent", "topic", "学習例のファイル", "最初の日", "最後の日")
DAILY_CSV_HEADER = ("日付", "チャネル", "会話", "質問", "答えた", "有効期限の計算", "聞き返した",
                    "対象外", "続きの質問", "続きの質問で聞き返した", "役に立った", "役に立たなかった")


def fmt_day(day: Optional[dt.date]) -> str:
    if day is None:
        return ""
    weekday = "月火水木金土日"[day.weekday()]
    return f"{day.year}年{day.month}月{day.day}日（{weekday}）"


def fmt_short(day: Optional[dt.date]) -> str:
    return f"{day.month}/{day.day}" if day else ""


def _chart_markup(charts: Dict[str, Chart]):
    def chart(key: str) -> Markup:
        item = charts.get(key)
        if item is None:
            return Markup("")
        return Markup(
            '<figure><figcaption>{title}</figcaption>'
            '<img src="data:image/png;base64,{png}" alt="{alt}"></figure>'
        ).format(title=escape(item.title), png=item.png_base64, alt=escape(item.alt))

    return chart


def render_html(
    report: Report,
    today: dt.date,
    *,
    csv_url: str = "report.csv",
    daily_csv_url: str = "report-daily.csv",
    period_url: Optional[str] = "?days={days}",
    logout_url: Optional[str] = None,
    charts: Optional[Tuple[List[Chart], Optional[str]]] = None,
) -> str:
    """The report page."""
    drawn, font = charts if charts is not None else draw_charts(report)
    conversations = report.counts.by_day_channel("conversations")
    per_day = {day: sum(n for (d, _), n in conversations.items() if d == day) for day in report.days}
    followup = report.counts.by_key("followup")
    return _env.get_template("report.html").render(
        report=report, today=today, css=Markup(CSS), summary=summary(report),
        answers=top_answers(report), conversations_per_day=per_day,
        followups={"asked": followup.get("asked", 0), "ask_back": followup.get("ask_back", 0)},
        chart=_chart_markup({c.key: c for c in drawn}), font=font, install_hint=INSTALL_HINT,
        csv_url=csv_url, daily_csv_url=daily_csv_url, logout_url=logout_url,
        periods=[(n, period_url.format(days=n)) for n in PERIODS] if period_url else [],
        fmt_day=fmt_day, fmt_short=fmt_short,
        channel_label=lambda c: labels.label(labels.CHANNELS, c),
        kind_label=lambda k: labels.label(labels.KINDS, k),
        run_label=lambda k: labels.label(labels.RUN_OUTCOMES, k),
        topic_label=labels.topic_label,
        intent_label=lambda name: topics.label(name, "ja"),
        nlu_file=nlu_file,
    )


def nlu_file(intent: str) -> str:
    """Where an intent's training examples are (docs/CONTENT.md: data/nlu/<group>.yml)."""
    group = (topics.catalog().get(intent) or {}).get("group")
    return f"data/nlu/{group}.yml" if group else "data/nlu/"


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return "\ufeff" + buffer.getvalue()


def _group_rows(kind: str, groups: Iterable[Group]) -> Iterable[Tuple[object, ...]]:
    for g in groups:
        yield (kind, g.count, g.text, " / ".join(t for t, _ in g.variants),
               topics.label(g.closest_intent, "ja") if g.closest_intent else labels.topic_label(g.topic or ""),
               g.closest_intent, g.topic or "", nlu_file(g.closest_intent) if g.closest_intent else "",
               g.first_day, g.last_day)


def groups_csv(report: Report) -> str:
    """One row per group of questions (and per answer rated 👎), largest first in each kind."""
    rows: List[Tuple[object, ...]] = []
    rows += _group_rows("自信がなく聞き返した", report.low_confidence)
    rows += _group_rows("対象外", report.out_of_scope)
    rows += _group_rows("続きの質問で聞き返した", report.followups)
    for rated in report.thumbs_down:
        questions = " / ".join(
            g.text + (f"（{g.count}件）" if g.count > 1 else "") for g in rated.questions)
        rows.append(("役に立たなかった答え", rated.down, rated.label, questions, labels.topic_label(rated.topic),
                     rated.utter_action, rated.topic, "", "", ""))
    return _csv(GROUP_CSV_HEADER, rows)


def daily_csv(report: Report) -> str:
    """Counts per day and channel (every day of the period, every channel used)."""
    items = report.counts.items

    def get(day: dt.date, channel: str, metric: str, key: str = "") -> int:
        return items.get((day, channel, metric, key), 0)

    def total(day: dt.date, channel: str, metric: str) -> int:
        return sum(n for (d, c, m, _), n in items.items() if (d, c, m) == (day, channel, metric))

    rows = []
    for day in report.days:
        for channel in report.channels:
            rows.append((
                day.isoformat(), labels.label(labels.CHANNELS, channel),
                get(day, channel, "conversations"), get(day, channel, "messages"),
                get(day, channel, "outcome", "answered"), get(day, channel, "outcome", "calculator"),
                get(day, channel, "outcome", "ask_back"), get(day, channel, "outcome", "out_of_scope"),
                get(day, channel, "followup", "asked"), get(day, channel, "followup", "ask_back"),
                total(day, channel, "feedback_up"), total(day, channel, "feedback_down"),
            ))
    return _csv(DAILY_CSV_HEADER, rows)
