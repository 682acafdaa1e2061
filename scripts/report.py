#!/usr/bin/env python3
"""`make report`: the staff report from the tracker store the servers use.

    python scripts/report.py                 # last 7 days → results/report.html + CSV
    python scripts/report.py --days 30 --out results
    python scripts/report.py --cluster       # the PostgreSQL of `make run-cluster`

The tracker store is the one endpoints.yml names, with the same settings from the
environment (scripts/defaults.env: SQLite run/tracker.db; the cluster's PostgreSQL when
MAINA_TRACKER_* point there, e.g. `python -m maina_ops cluster env`). Read-only: retention is
the server's job. Writes report.html, report.csv (groups of questions, for the FAQ review
meeting) and report-daily.csv (counts per day and channel).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from maina_ops import servers  # noqa: E402


def tracker_engine(env: dict):
    """An SQLAlchemy engine for the tracker store of endpoints.yml, built the way Rasa does."""
    import sqlalchemy as sa
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    os.environ.update(env)  # endpoints.yml reads ${MAINA_TRACKER_*}
    config = read_endpoint_config(str(ROOT / "endpoints.yml"), "tracker_store")
    if config is None:
        raise SystemExit("endpoints.yml has no tracker_store")
    kwargs = config.kwargs
    url = SQLTrackerStore.get_db_url(
        kwargs.get("dialect", "sqlite"), config.url, kwargs.get("port"), kwargs.get("db", "rasa.db"),
        kwargs.get("username"), kwargs.get("password"), query=kwargs.get("query"),
    )
    return sa.create_engine(url)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=7, help="days up to today (default 7)")
    parser.add_argument("--out", default=str(ROOT / "results"), help="output folder")
    parser.add_argument("--cluster", action="store_true",
                        help="read the PostgreSQL of `make run-cluster` (maina_ops/cluster.py)")
    args = parser.parse_args(argv)
    if not 1 <= args.days <= 366:
        parser.error("--days must be 1..366")

    from maina import clock
    from maina.report import build, charts, render, retention

    overrides = {}
    if args.cluster:
        from maina_ops import cluster

        overrides = cluster.Cluster.from_env().shared_env()
    env = servers.settings(overrides)
    engine = tracker_engine(env)
    today = clock.today()
    start, end = build.period(today, args.days)
    report = build.build_report(engine, start, end, retention.retention_days(env))
    drawn = charts.draw_charts(report)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.html").write_text(
        render.render_html(report, today, period_url=None, charts=drawn), encoding="utf-8")
    (out / "report.csv").write_text(render.groups_csv(report), encoding="utf-8")
    (out / "report-daily.csv").write_text(render.daily_csv(report), encoding="utf-8")
    summary = build.summary(report)
    print(f"report {start} .. {end}: {summary['conversations']} conversations, "
          f"{summary['messages']} messages, {summary['unanswered']} unanswered, "
          f"👍 {summary['up']} 👎 {summary['down']} -> {out / 'report.html'} (+ report.csv, report-daily.csv)")
    if drawn[1] is None:
        print(f"warning: no Japanese font found, chart labels are in English ({charts.INSTALL_HINT})",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
