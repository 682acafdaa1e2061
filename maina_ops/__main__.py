"""Command line of maina_ops (run from the repository root; the Makefile does)::

    python -m maina_ops servers start|stop|shell       # make run / make stop / make shell
    python -m maina_ops cluster start|stop|status      # make run-cluster / make stop-cluster
    python -m maina_ops cluster bench [URL] [--users 8] [--seconds 30]
    python -m maina_ops cluster compare [--users 8] [--seconds 20] [--rounds 3]

Only argument parsing and printing: the work is in :mod:`maina_ops.servers` and
:mod:`maina_ops.cluster`.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from typing import Optional, Sequence

from maina_ops import cluster, servers

RUNNING = """
マイナちゃん is running.
  Web chat (demo page):  {base}/chat/
  Office tablet (kiosk): {base}/kiosk/
  REST channel:          POST {base}/webhooks/rest/webhook  {{"sender": "me", "message": "カードをなくした"}}
  LINE webhook:          {base}/webhooks/line/webhook
  Action server:         http://localhost:{action_port}/health
Logs: run/*.log    Stop: make stop
"""

CLUSTER_RUNNING = """
マイナちゃん cluster is running: 2 Rasa + 2 action servers, shared PostgreSQL and Redis.
  Public URL (nginx, round-robin): {url}
    Web chat: {url}/chat/    Kiosk: {url}/kiosk/
    REST:     POST {url}/webhooks/rest/webhook
  Rasa servers:    {rasa}
  Action servers:  {actions} (via 127.0.0.1:{action_proxy})
  Tracker store:   PostgreSQL 127.0.0.1:{pg_port} database {db}
  Lock store:      Redis 127.0.0.1:{redis_port}
Logs: {base}/*.log, {base}/nginx/    Stop: make stop-cluster
"""


def _servers(command: str) -> int:
    if command == "start":
        try:
            env = servers.start()
        except RuntimeError as error:
            print(error, file=sys.stderr)
            return 1
        print(RUNNING.format(base=f"http://localhost:{env['MAINA_RASA_PORT']}",
                             action_port=env["MAINA_ACTION_PORT"]))
        return 0
    if command == "stop":
        servers.stop()
        return 0
    return servers.shell()


def _cluster(args: argparse.Namespace) -> int:
    c = cluster.Cluster.from_env()
    if args.action == "start":
        try:
            cluster.start(c)
        except (RuntimeError, subprocess.CalledProcessError) as error:
            detail = getattr(error, "stderr", "") or ""
            print(f"cluster did not start: {error}\n{detail}", file=sys.stderr)
            cluster.stop(c)
            return 1
        print(CLUSTER_RUNNING.format(
            url=c.url, rasa=", ".join(c.rasa_url(i) for i in range(len(c.rasa_ports))),
            actions=", ".join(f"http://127.0.0.1:{p}" for p in c.action_ports),
            action_proxy=c.action_proxy_port, pg_port=c.pg_port, db=cluster.DB_NAME,
            redis_port=c.redis_port, base=c.base,
        ))
        return 0
    if args.action == "stop":
        cluster.stop(c)
        return 0
    if args.action == "status":
        return cluster.status(c)
    if args.action == "compare":
        return cluster.compare_instances(c, args.users, args.seconds, args.rounds)
    result = cluster.measure_run(c, args.url or c.url, args.users, args.seconds, args.run_id,
                                 args.warmup)
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["failed"] == 0 else 1


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m maina_ops", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    one = sub.add_parser("servers", help="the action server and Rasa on localhost")
    one.add_argument("action", choices=["start", "stop", "shell"])
    two = sub.add_parser("cluster", help="two instances behind nginx on PostgreSQL/Redis")
    actions = two.add_subparsers(dest="action", required=True)
    for name in ("start", "stop", "status"):
        actions.add_parser(name)
    bench = actions.add_parser("bench", help="closed-loop REST load against URL")
    bench.add_argument("url", nargs="?")
    bench.add_argument("--users", type=int, default=8)
    bench.add_argument("--seconds", type=float, default=30)
    bench.add_argument("--warmup", type=float, default=3)
    bench.add_argument("--run-id", default=f"bench{int(time.time())}")
    compare = actions.add_parser("compare", help="one Rasa server vs both, alternating rounds")
    compare.add_argument("--users", type=int, default=8)
    compare.add_argument("--seconds", type=float, default=20)
    compare.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    return _servers(args.action) if args.what == "servers" else _cluster(args)


if __name__ == "__main__":
    sys.exit(main())
