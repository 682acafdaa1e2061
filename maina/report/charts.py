"""The report's charts: matplotlib (in the lock with Rasa), PNG, with a Japanese font.

Japanese labels need a CJK font. :func:`japanese_font` looks for one in this order:
``MAINA_REPORT_FONT`` (a .ttf/.otf/.ttc file), then the fonts Debian's ``fonts-noto-cjk``
installs (``scripts/install_browser_deps.sh`` installs it in CI), IPAex/IPA and Takao. With
none, the charts fall back to English labels (topic names, the catalog's English labels),
and the report says so with the command that installs the font: never boxes instead of text.

Only the object API is used (``Figure`` + ``FigureCanvasAgg``), no ``pyplot`` state, so
charts can be drawn in a worker thread of the Rasa server.
"""
from __future__ import annotations

import base64
import functools
import glob
import io
import logging
import os
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from maina.report import labels
from maina.report.build import Report

logger = logging.getLogger(__name__)

FONT_ENV = "MAINA_REPORT_FONT"
FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKjp-Regular.otf",
    "/usr/share/fonts/**/NotoSansCJK*-Regular.tt[cf]",
    "/usr/share/fonts/**/NotoSansJP*.[ot]tf",
    "/usr/share/fonts/**/ipaexg.ttf",
    "/usr/share/fonts/**/ipag.ttf",
    "/usr/share/fonts/**/TakaoPGothic.ttf",
)
INSTALL_HINT = "apt-get install fonts-noto-cjk"
COLORS = ("#1f6f66", "#b45309", "#0b5cad", "#7c3aed", "#4a5560", "#9f1239")
UP_COLOR, DOWN_COLOR = "#1f6f66", "#b3261e"


@dataclass
class Chart:
    key: str
    title: str
    alt: str
    png_base64: str


@functools.lru_cache(maxsize=4)
def _font_from(candidates: Tuple[str, ...]) -> Optional[str]:
    from matplotlib import font_manager

    for pattern in candidates:
        for path in sorted(glob.glob(pattern, recursive=True)):
            try:
                font_manager.fontManager.addfont(path)
                return font_manager.FontProperties(fname=path).get_name()
            except (OSError, RuntimeError, ValueError):
                logger.warning("report font %s could not be read", path)
    return None


def japanese_font() -> Optional[str]:
    """The family name of a usable Japanese font, or None (then charts use English)."""
    custom = os.environ.get(FONT_ENV, "").strip()
    return _font_from(((custom,) if custom else ()) + FONT_FILES)


def _figure(height: float):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, height), dpi=100)
    figure.patch.set_facecolor("white")
    return figure


def _integer_ticks(axis) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def _png(figure) -> str:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _hbar(rows: Sequence[Tuple[str, int]], color: str, height: Optional[float] = None, font=None):
    figure = _figure(height or max(1.6, 0.42 * len(rows) + 0.8))
    axes = figure.add_subplot(1, 1, 1)
    names = [name for name, _ in rows][::-1]
    values = [n for _, n in rows][::-1]
    bars = axes.barh(names, values, color=color)
    axes.bar_label(bars, padding=3, fontsize=9)
    axes.set_xlim(0, max(values + [1]) * 1.15)
    _integer_ticks(axes.xaxis)
    axes.spines[["top", "right"]].set_visible(False)
    _apply_font(axes, font)
    return figure, axes


def _apply_font(axes, font: Optional[str]) -> None:
    if font:
        for text in axes.get_yticklabels() + axes.get_xticklabels():
            text.set_fontfamily(font)


def draw_charts(report: Report) -> Tuple[List[Chart], Optional[str]]:
    """The report's charts and the font used (None: English labels)."""
    font = japanese_font()
    lang = "ja" if font else "en"
    charts: List[Chart] = []

    # 1. messages per day and channel
    rows = report.per_day("messages")
    figure = _figure(3.2)
    axes = figure.add_subplot(1, 1, 1)
    bottoms = [0] * len(rows)
    ticks = [day.strftime("%m/%d") for day, _, _ in rows]
    for index, channel in enumerate(report.channels):
        values = [by_channel.get(channel, 0) for _, by_channel, _ in rows]
        axes.bar(ticks, values, bottom=bottoms, color=COLORS[index % len(COLORS)],
                 label=labels.label(labels.CHANNELS, channel, lang))
        bottoms = [a + b for a, b in zip(bottoms, values)]
    if report.channels:
        legend = axes.legend(loc="upper left", fontsize=9, frameon=False)
        for text in legend.get_texts():
            text.set_fontfamily(font) if font else None
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(axis="x", labelrotation=45 if len(rows) > 10 else 0, labelsize=8)
    _integer_ticks(axes.yaxis)
    _apply_font(axes, font)
    total = sum(total for _, _, total in rows)
    charts.append(Chart("per_day", "日別・チャネル別の質問数",
                        f"日別・チャネル別の質問数の棒グラフ（合計{total}件、数字は下の表）", _png(figure)))

    # 2. what happened to the questions
    outcomes = [(labels.label(labels.KINDS, k, lang), n) for k, n in report.outcomes]
    figure, _ = _hbar(outcomes, COLORS[0], font=font)
    charts.append(Chart("outcomes", "質問への対応", "質問への対応ごとの件数の横棒グラフ（数字は下の表）",
                        _png(figure)))

    # 3. top topics
    top = report.top("topic")
    if top:
        figure, _ = _hbar([(labels.topic_label(t, lang), n) for t, n in top], COLORS[2], font=font)
        charts.append(Chart("topics", "よく聞かれたトピック", "トピック別の回答数の横棒グラフ（数字は下の表）",
                            _png(figure)))

    # 4. feedback per topic
    rated = [r for r in report.feedback_by_topic if r[2] or r[3]][:12]
    if rated:
        figure = _figure(max(1.6, 0.42 * len(rated) + 0.9))
        axes = figure.add_subplot(1, 1, 1)
        names = [labels.topic_label(t, lang) for t, *_ in rated][::-1]
        ups = [r[2] for r in rated][::-1]
        downs = [r[3] for r in rated][::-1]
        axes.barh(names, ups, color=UP_COLOR, label="役に立った" if font else "Helpful")
        axes.barh(names, downs, left=ups, color=DOWN_COLOR,
                  label="役に立たなかった" if font else "Not helpful")
        legend = axes.legend(loc="lower right", fontsize=9, frameon=False)
        for text in legend.get_texts():
            text.set_fontfamily(font) if font else None
        axes.spines[["top", "right"]].set_visible(False)
        _integer_ticks(axes.xaxis)
        _apply_font(axes, font)
        charts.append(Chart("feedback", "「役に立った？」の答え",
                            "トピック別の👍と👎の数の横棒グラフ（数字は下の表）", _png(figure)))

    # 5. calculator runs
    runs = report.calculator
    if sum(n for _, n in runs):
        figure, _ = _hbar([(labels.label(labels.RUN_OUTCOMES, k, lang), n) for k, n in runs],
                          COLORS[1], font=font)
        charts.append(Chart("calculator", "有効期限の計算の結果",
                            "有効期限の計算がどう終わったかの横棒グラフ（数字は下の表）", _png(figure)))
    return charts, font
