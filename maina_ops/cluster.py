"""Two マイナちゃん instances with shared state on one machine (`make run-cluster`).

Command line (maina_ops/__main__.py)::

    python -m maina_ops cluster start    # PostgreSQL + Redis + 2 action servers + 2 Rasa + nginx
    python -m maina_ops cluster stop
    python -m maina_ops cluster status
    python -m maina_ops cluster bench URL [--users 8] [--seconds 30]   # closed-loop REST load
    python -m maina_ops cluster compare [--users 8] [--seconds 20] [--rounds 3]  # 1 vs 2 Rasa

What runs (all on loopback, data, logs and pids under run/cluster/):

==================  =====  ==========================================================
PostgreSQL          5433   tracker store (SQLTrackerStore), database/user ``maina``;
                           a private cluster in run/cluster/postgres (initdb as user
                           ``postgres`` when run as root); reused if already running
Redis               6390   lock store (RedisLockStore), no persistence (``--save ''``)
action server 1, 2  5556, 5557
nginx (actions)     8081   round-robin over both action servers (MAINA_ACTION_URL)
Rasa 1, 2           5506, 5507
nginx (public)      8080   round-robin over both Rasa servers: the one public URL
==================  =====  ==========================================================

Every port can be moved with the environment variables of :class:`Cluster`
(MAINA_CLUSTER_DIR, MAINA_CLUSTER_PG_PORT, MAINA_CLUSTER_REDIS_PORT,
MAINA_CLUSTER_RASA_PORTS, MAINA_CLUSTER_ACTION_PORTS, MAINA_CLUSTER_PROXY_PORT,
MAINA_CLUSTER_ACTION_PROXY_PORT). The servers themselves get nothing but the documented
MAINA_* variables of endpoints.yml (see scripts/defaults.env and deploy/README.md).
Passwords for the local PostgreSQL role and Redis are generated once and kept in
run/cluster/secrets.json (mode 600).

Servers are started with maina_ops.servers' helpers so their flags stay in one place.
Nothing system-wide is configured or started: no systemd unit, no /etc change.
"""
from __future__ import annotations

import asyncio
import glob
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from maina_ops import measure, servers

ROOT = Path(__file__).resolve().parent.parent

MODEL = ROOT / "models" / "maina.tar.gz"
DB_NAME = "maina"
DB_USER = "maina"
# Longest a Rasa turn may hold a conversation's lock. Rasa's default is 60 s; a server that
# dies mid-turn leaves its ticket in Redis until it expires, blocking that conversation, so
# the cluster uses less. It must stay well above the slowest turn (seconds, not minutes).
LOCK_LIFETIME_SECONDS = "15"
# Plain `redis` (Rasa's RedisLockStore) loses turns when two servers get messages of one
# conversation at the same moment; this subclass keeps its keys and format, atomically.
LOCK_STORE = os.environ.get("MAINA_CLUSTER_LOCK_STORE", "maina_rasa.lock_store.AtomicRedisLockStore")


def _ports(value: str) -> Tuple[int, ...]:
    return tuple(int(p) for p in value.replace(",", " ").split())


@dataclass
class Cluster:
    """Where the cluster lives and which loopback ports it uses."""

    base: Path = ROOT / "run" / "cluster"
    pg_port: int = 5433
    redis_port: int = 6390
    rasa_ports: Tuple[int, ...] = (5506, 5507)
    action_ports: Tuple[int, ...] = (5556, 5557)
    proxy_port: int = 8080
    action_proxy_port: int = 8081
    model: Path = MODEL
    extra_env: Dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> "Cluster":
        env = os.environ
        return cls(
            base=Path(env.get("MAINA_CLUSTER_DIR", str(ROOT / "run" / "cluster"))),
            pg_port=int(env.get("MAINA_CLUSTER_PG_PORT", 5433)),
            redis_port=int(env.get("MAINA_CLUSTER_REDIS_PORT", 6390)),
            rasa_ports=_ports(env.get("MAINA_CLUSTER_RASA_PORTS", "5506 5507")),
            action_ports=_ports(env.get("MAINA_CLUSTER_ACTION_PORTS", "5556 5557")),
            proxy_port=int(env.get("MAINA_CLUSTER_PROXY_PORT", 8080)),
            action_proxy_port=int(env.get("MAINA_CLUSTER_ACTION_PROXY_PORT", 8081)),
        )

    # --- paths ---------------------------------------------------------------------------
    @property
    def pg_data(self) -> Path:
        return self.base / "postgres"

    @property
    def state_file(self) -> Path:
        return self.base / "state.json"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.proxy_port}"

    def rasa_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.rasa_ports[index]}"

    # --- secrets and settings ------------------------------------------------------------
    def secrets(self) -> Dict[str, str]:
        path = self.base / "secrets.json"
        if path.exists():
            return json.loads(path.read_text())
        values = {"pg_password": secrets.token_urlsafe(18),
                  "redis_password": secrets.token_urlsafe(18)}
        self.base.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
        path.chmod(0o600)
        return values

    def shared_env(self) -> Dict[str, str]:
        """The documented MAINA_* variables that switch endpoints.yml to PostgreSQL + Redis."""
        s = self.secrets()
        return {
            "MAINA_TRACKER_DIALECT": "postgresql",
            "MAINA_TRACKER_URL": f"127.0.0.1:{self.pg_port}",
            "MAINA_TRACKER_DB": DB_NAME,
            "MAINA_TRACKER_USER": DB_USER,
            "MAINA_TRACKER_PASSWORD": s["pg_password"],
            # Rasa's RedisLockStore with atomic ticket changes (see maina_rasa/lock_store.py)
            "MAINA_LOCK_STORE": LOCK_STORE,
            "MAINA_REDIS_HOST": "127.0.0.1",
            "MAINA_REDIS_PORT": str(self.redis_port),
            "MAINA_REDIS_DB": "1",
            "MAINA_REDIS_PASSWORD": s["redis_password"],
            "MAINA_ACTION_URL": f"http://127.0.0.1:{self.action_proxy_port}/webhook",
            "TICKET_LOCK_LIFETIME": LOCK_LIFETIME_SECONDS,
        }

    def server_env(self, index: int) -> Dict[str, str]:
        return servers.settings({
            **self.shared_env(),
            "MAINA_RASA_PORT": str(self.rasa_ports[index]),
            "MAINA_ACTION_PORT": str(self.action_ports[index]),
            **self.extra_env,
        })

    def pg_dsn(self) -> Dict[str, object]:
        return {"host": "127.0.0.1", "port": self.pg_port, "dbname": DB_NAME,
                "user": DB_USER, "password": self.secrets()["pg_password"]}

    # --- state ---------------------------------------------------------------------------
    def state(self) -> Dict[str, object]:
        if self.state_file.exists():
            return json.loads(self.state_file.read_text())
        return {}

    def save_state(self, state: Dict[str, object]) -> None:
        self.state_file.write_text(json.dumps(state, indent=1))


# --- system binaries -----------------------------------------------------------------------

def pg_bin(name: str) -> Optional[str]:
    """A PostgreSQL server binary: on PATH, else Debian's newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return candidates[-1] if candidates else None


def nginx_bin() -> Optional[str]:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)


def missing_binaries() -> List[str]:
    """Plain names of what the cluster needs and this machine lacks (empty if complete)."""
    missing = []
    for name in ("initdb", "pg_ctl", "postgres"):
        if not pg_bin(name):
            missing.append(f"PostgreSQL server ({name})")
            break
    if not shutil.which("psql"):
        missing.append("PostgreSQL client (psql)")
    if not shutil.which("redis-server"):
        missing.append("Redis server (redis-server)")
    if not nginx_bin():
        missing.append("nginx")
    return missing


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait_port(port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _port_open(port):
            return True
        time.sleep(0.2)
    return False


def _as_postgres(command: List[str]) -> List[str]:
    """initdb and postgres refuse to run as root: run them as the ``postgres`` user then."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _pg_owner() -> Tuple[int, int]:
    if os.geteuid() != 0:
        return os.getuid(), os.getgid()
    entry = pwd.getpwnam("postgres")
    return entry.pw_uid, entry.pw_gid


def _run(command: List[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


# --- PostgreSQL ----------------------------------------------------------------------------

def start_postgres(c: Cluster) -> bool:
    """Start the private cluster (initdb on first use). Returns True if this call started it."""
    if _port_open(c.pg_port):
        if (c.pg_data / "postmaster.pid").exists():
            return False  # ours, from an earlier start: reuse it
        raise RuntimeError(f"port {c.pg_port} is taken by another server "
                           "(choose another with MAINA_CLUSTER_PG_PORT)")
    uid, gid = _pg_owner()
    c.base.mkdir(parents=True, exist_ok=True)
    # the postgres user must be able to reach its data directory
    for parent in [c.base, *c.base.parents]:
        if parent == Path("/"):
            break
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o011)
    if not (c.pg_data / "PG_VERSION").exists():
        c.pg_data.mkdir(parents=True, exist_ok=True)
        os.chown(c.pg_data, uid, gid)
        c.pg_data.chmod(0o700)
        pwfile = c.base / "pg-superuser.pw"
        pwfile.write_text(secrets.token_urlsafe(18) + "\n")
        os.chown(pwfile, uid, gid)
        pwfile.chmod(0o600)
        _run(_as_postgres([pg_bin("initdb"), "-D", str(c.pg_data), "-U", "postgres",
                           "--pwfile", str(pwfile), "--auth-local=trust",
                           "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"]))
    log = c.base / "postgres.log"
    log.touch()
    os.chown(log, uid, gid)
    options = (f"-p {c.pg_port} -c listen_addresses=127.0.0.1 -k {c.pg_data} "
               "-c shared_buffers=64MB -c max_connections=100")
    _run(_as_postgres([pg_bin("pg_ctl"), "-D", str(c.pg_data), "-l", str(log),
                       "-o", options, "-w", "-t", "60", "start"]))
    return True


def ensure_database(c: Cluster) -> None:
    """Role and database ``maina`` (idempotent), via the superuser's local socket."""
    password = c.secrets()["pg_password"].replace("'", "''")
    psql = [shutil.which("psql"), "-h", str(c.pg_data), "-p", str(c.pg_port), "-U", "postgres",
            "-v", "ON_ERROR_STOP=1", "-qtA"]
    exists = _run(psql + ["-d", "postgres", "-c",
                          f"SELECT 1 FROM pg_roles WHERE rolname = '{DB_USER}'"]).stdout.strip()
    verb = "ALTER" if exists else "CREATE"
    _run(psql + ["-d", "postgres", "-c", f"{verb} ROLE {DB_USER} LOGIN PASSWORD '{password}'"])
    has_db = _run(psql + ["-d", "postgres", "-c",
                          f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'"]).stdout.strip()
    if not has_db:
        _run(psql + ["-d", "postgres", "-c", f"CREATE DATABASE {DB_NAME} OWNER {DB_USER}"])


def stop_postgres(c: Cluster) -> None:
    if (c.pg_data / "postmaster.pid").exists():
        subprocess.run(_as_postgres([pg_bin("pg_ctl"), "-D", str(c.pg_data), "-m", "fast",
                                     "-w", "-t", "30", "stop"]),
                       capture_output=True, text=True)


# --- Redis ---------------------------------------------------------------------------------

def start_redis(c: Cluster) -> bool:
    if _port_open(c.redis_port):
        pid_file = c.base / "redis.pid"
        if pid_file.exists() and _pid_alive(int(pid_file.read_text().strip() or 0)):
            return False  # ours, from an earlier start: reuse it
        raise RuntimeError(f"port {c.redis_port} is taken by another server "
                           "(choose another with MAINA_CLUSTER_REDIS_PORT)")
    c.base.mkdir(parents=True, exist_ok=True)
    conf = c.base / "redis.conf"
    conf.write_text(
        f"port {c.redis_port}\nbind 127.0.0.1\nsave \"\"\nappendonly no\n"
        f"daemonize yes\npidfile {c.base / 'redis.pid'}\nlogfile {c.base / 'redis.log'}\n"
        f"dir {c.base}\nrequirepass {c.secrets()['redis_password']}\n"
    )
    conf.chmod(0o600)
    _run([shutil.which("redis-server"), str(conf)])
    if not _wait_port(c.redis_port, 15):
        raise RuntimeError(f"Redis did not start on {c.redis_port}; see {c.base / 'redis.log'}")
    return True


def stop_redis(c: Cluster) -> None:
    pid_file = c.base / "redis.pid"
    if pid_file.exists():
        _kill_pid(int(pid_file.read_text().strip() or 0))
        pid_file.unlink(missing_ok=True)


# --- nginx ---------------------------------------------------------------------------------

def render_nginx_conf(c: Cluster, rasa_ports: Optional[Sequence[int]] = None) -> Path:
    """run/cluster/nginx.conf: round-robin over the Rasa servers and over the action servers.

    A request that cannot reach a server (connection refused, timeout, 502 before anything
    was sent) goes to the other one; a server that failed once is left out for 3 s. POSTs
    already sent to a server that then dies are *not* resent (nginx's default for
    non-idempotent requests): the turn may have been stored, and resending would store it
    twice. Such requests are the failures counted by the kill test.
    """
    prefix = c.base / "nginx"
    for sub in ("", "client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    rasa = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=3s;"
                     for p in (rasa_ports or c.rasa_ports))
    actions = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=3s;"
                        for p in c.action_ports)
    user = ""
    if os.geteuid() == 0:  # workers drop root: Debian's www-data, owning the temp dirs
        try:
            worker = pwd.getpwnam("www-data")
        except KeyError:
            worker = pwd.getpwnam("nobody")
        user = f"user {worker.pw_name};\n"
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            os.chown(prefix / sub, worker.pw_uid, worker.pw_gid)
    conf = f"""# Rendered by maina_ops/cluster.py: edit that file, not this one.
{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    log_format upstream '$time_iso8601 "$request" $status upstream=$upstream_addr '
                        'upstream_status=$upstream_status time=$request_time';
    access_log {prefix}/access.log upstream;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}

    upstream maina_rasa {{
{rasa}
    }}
    # socket.io's polling handshake must stay on one server: sticky by client address
    upstream maina_rasa_sticky {{
        hash $remote_addr consistent;
{rasa}
    }}
    upstream maina_actions {{
{actions}
    }}

    # The public URL: web chat, kiosk, REST and LINE webhooks of both Rasa servers.
    server {{
        listen 127.0.0.1:{c.proxy_port};
        client_max_body_size 1m;  # the REST channel itself refuses more than 64 KiB
        location / {{
            proxy_pass http://maina_rasa;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
        }}
        location /socket.io/ {{
            proxy_pass http://maina_rasa_sticky;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_connect_timeout 2s;
            proxy_read_timeout 120s;
        }}
    }}

    # Internal: Rasa's action endpoint (MAINA_ACTION_URL) over both action servers.
    server {{
        listen 127.0.0.1:{c.action_proxy_port};
        client_max_body_size 0;  # Rasa sends the whole tracker: grows with the conversation
        client_body_buffer_size 1m;  # …and keeps it in memory rather than a temp file
        location / {{
            proxy_pass http://maina_actions;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
        }}
    }}
}}
"""
    path = c.base / "nginx.conf"
    path.write_text(conf)
    return path


def start_nginx(c: Cluster, rasa_ports: Optional[Sequence[int]] = None) -> None:
    conf = render_nginx_conf(c, rasa_ports)
    prefix = c.base / "nginx"
    pid_file = prefix / "nginx.pid"
    base = [nginx_bin(), "-p", str(prefix), "-c", str(conf)]
    _run(base + ["-t"])
    if pid_file.exists() and _pid_alive(int(pid_file.read_text().strip() or 0)):
        _run(base + ["-s", "reload"])
        time.sleep(0.5)
    else:
        _run(base)
    if not (_wait_port(c.proxy_port, 10) and _wait_port(c.action_proxy_port, 10)):
        raise RuntimeError(f"nginx did not start; see {prefix / 'error.log'}")


def stop_nginx(c: Cluster) -> None:
    pid_file = c.base / "nginx" / "nginx.pid"
    if pid_file.exists():
        _kill_pid(int(pid_file.read_text().strip() or 0))


# --- processes -----------------------------------------------------------------------------

def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _kill_pid(pid: int, seconds: float = 10.0) -> None:
    if not _pid_alive(pid):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and _pid_alive(pid):
        time.sleep(0.1)
    if _pid_alive(pid):
        os.kill(pid, signal.SIGKILL)


def start_servers(c: Cluster, count: Optional[int] = None) -> Dict[str, int]:
    """Action servers first, then the Rasa servers (loading the model in parallel)."""
    count = count or len(c.rasa_ports)
    pids: Dict[str, int] = {}
    procs = []
    for i in range(count):
        env = c.server_env(i)
        proc = servers.start_action_server(env, c.base)
        pids[f"actions-{c.action_ports[i]}"] = proc.pid
        procs.append((proc, f"http://127.0.0.1:{c.action_ports[i]}/health", 120))
    for i in range(count):
        env = c.server_env(i)
        proc = servers.start_rasa(env, c.base, str(c.model))
        pids[f"rasa-{c.rasa_ports[i]}"] = proc.pid
        procs.append((proc, f"{c.rasa_url(i)}/", 400))
    state = c.state()
    state["pids"] = pids
    c.save_state(state)
    for proc, url, seconds in procs:
        if not servers.wait_until_up(url, seconds, proc):
            raise RuntimeError(f"{url} did not come up; see {c.base}/*.log")
    return pids


def start(c: Cluster) -> None:
    missing = missing_binaries()
    if missing:
        raise RuntimeError("missing: " + ", ".join(missing)
                           + " (run `bash scripts/install_cluster_deps.sh` as root)")
    if not c.model.exists():
        raise RuntimeError(f"no trained model at {c.model}: run `make train` first")
    c.base.mkdir(parents=True, exist_ok=True)
    stop_servers(c)
    state = c.state()
    state["started_postgres"] = start_postgres(c) or bool(state.get("started_postgres"))
    c.save_state(state)  # saved at once: a failure below still stops what started
    ensure_database(c)
    state["started_redis"] = start_redis(c) or bool(state.get("started_redis"))
    c.save_state(state)
    start_nginx(c)
    start_servers(c)


def _group_alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return not measure.is_zombie(pid)  # a killed leader not reaped yet counts as gone


def stop_servers(c: Cluster, seconds: float = 10.0) -> None:
    """SIGTERM to every server's process group at once, SIGKILL what is left after 10 s."""
    state = c.state()
    pids = [int(pid) for pid in state.pop("pids", {}).values()]
    for pid in pids:
        try:
            os.killpg(pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_group_alive(pid) for pid in pids):
        time.sleep(0.2)
    for pid in pids:
        if _group_alive(pid):
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    if c.state_file.exists():
        c.save_state(state)


def stop(c: Cluster) -> None:
    """Stop what start() started; PostgreSQL/Redis only if this cluster started them."""
    state = c.state()
    stop_servers(c)
    stop_nginx(c)
    if state.get("started_redis"):
        stop_redis(c)
    if state.get("started_postgres"):
        stop_postgres(c)
    c.state_file.unlink(missing_ok=True)


def status(c: Cluster) -> int:
    rows = [("PostgreSQL", c.pg_port), ("Redis", c.redis_port),
            *[(f"actions {i + 1}", p) for i, p in enumerate(c.action_ports)],
            *[(f"Rasa {i + 1}", p) for i, p in enumerate(c.rasa_ports)],
            ("nginx actions", c.action_proxy_port), ("nginx public", c.proxy_port)]
    down = 0
    for name, port in rows:
        up = _port_open(port)
        down += not up
        print(f"  {name:<14} 127.0.0.1:{port:<5} {'up' if up else 'down'}")
    return 1 if down else 0


# --- load generator ------------------------------------------------------------------------

def load_questions() -> List[str]:
    path = ROOT / "bench" / "questions.txt"
    if path.exists():
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        questions = [line for line in lines if line and not line.startswith("#")]
        if questions:
            return questions
    return ["カードをなくした", "有効期限はいつまで？", "暗証番号を忘れた", "マイナ保険証って何？",
            "引っ越ししたらどうする？", "カードはどこで受け取るの？"]


async def run_load(url: str, users: int, seconds: float, turns: int = 10,
                   run_id: str = "bench", warmup: float = 3.0) -> Dict[str, object]:
    """Closed loop: ``users`` residents each send the next question as soon as the answer
    arrives (no think time), a new conversation every ``turns`` questions. A request is OK
    when the status is 200 and the body is a non-empty JSON list. The first ``warmup``
    seconds are not counted."""
    import aiohttp

    questions = load_questions()
    results: List[Tuple[float, float, bool]] = []
    start = time.monotonic()
    stop_at = start + warmup + seconds
    timeout = aiohttp.ClientTimeout(total=60)

    async def resident(number: int) -> None:
        conversation = 0
        index = number * 7
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while time.monotonic() < stop_at:
                sender = f"{run_id}-{number}-{conversation}"
                for _ in range(turns):
                    if time.monotonic() >= stop_at:
                        break
                    message = questions[index % len(questions)]
                    index += 1
                    t0 = time.monotonic()
                    ok = False
                    try:
                        async with session.post(f"{url}/webhooks/rest/webhook",
                                                json={"sender": sender, "message": message}) as r:
                            body = await r.json(content_type=None)
                            ok = r.status == 200 and isinstance(body, list) and bool(body)
                    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                        ok = False
                    results.append((t0 - start, time.monotonic() - t0, ok))
                conversation += 1

    await asyncio.gather(*(resident(i) for i in range(users)))
    counted = [r for r in results if r[0] >= warmup]
    latencies = [1000 * r[1] for r in counted if r[2]]
    return {
        "url": url, "users": users, "seconds": seconds, "requests": len(counted),
        "ok": len(latencies), "failed": len(counted) - len(latencies),
        "throughput_rps": round(len(latencies) / seconds, 2),
        **measure.summary(latencies),
    }


def cluster_pids(c: Cluster) -> Dict[str, int]:
    """Rasa and action servers (from state.json), PostgreSQL, Redis, nginx masters."""
    pids = {name: int(pid) for name, pid in c.state().get("pids", {}).items()}
    for name, path in (("postgres", c.pg_data / "postmaster.pid"), ("redis", c.base / "redis.pid"),
                       ("nginx", c.base / "nginx" / "nginx.pid")):
        try:
            pids[name] = int(path.read_text().split()[0])
        except (OSError, IndexError, ValueError):
            pass
    return pids


def measure_run(c: Cluster, url: str, users: int, seconds: float, run_id: str,
            warmup: float = 3.0) -> Dict[str, object]:
    """One closed-loop run against ``url``, with the cores each cluster process used."""
    pids = cluster_pids(c)
    before = {name: measure.cpu_seconds(pid) for name, pid in pids.items()}
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    result = asyncio.run(run_load(url, users, seconds, run_id=run_id, warmup=warmup))
    elapsed = time.monotonic() - started
    # cores each process used during the run: shows whether a Rasa server was saturated
    # (~1 core: one event loop) or starved by other work on the machine
    result["cores"] = {name: round((measure.cpu_seconds(pid) - before[name]) / elapsed, 2)
                       for name, pid in pids.items()}
    result["loadavg_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    return result


def compare_instances(c: Cluster, users: int, seconds: float, rounds: int) -> int:
    """Rasa 1 alone (its own port) vs both Rasa servers (nginx), alternating, same stores."""
    targets = {"one": c.rasa_url(0), "two": c.url}
    runs: Dict[str, List[Dict[str, object]]] = {"one": [], "two": []}
    stamp = int(time.time())
    for number in range(rounds):
        for name, url in targets.items():
            result = measure_run(c, url, users, seconds, f"cmp{stamp}-{name}{number}")
            runs[name].append(result)
            print(json.dumps({"instances": name, **result}, ensure_ascii=False), flush=True)
    print(f"\n{users} residents, no think time, {seconds:.0f} s per run, {rounds} rounds "
          f"(median; machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f})")
    print("| Rasa servers | req/s | p50 ms | p95 ms | failed | Rasa cores used |")
    print("|---|---|---|---|---|---|")
    def med(results: List[Dict[str, object]], key: str) -> float:
        return statistics.median(float(r[key]) for r in results)

    for name, results in runs.items():
        rasa_cores = statistics.median(
            sum(v for k, v in r["cores"].items() if k.startswith("rasa-")) for r in results)
        print(f"| {1 if name == 'one' else len(c.rasa_ports)} | {med(results, 'throughput_rps'):.1f} | "
              f"{med(results, 'p50_ms'):.0f} | {med(results, 'p95_ms'):.0f} | "
              f"{sum(int(r['failed']) for r in results)} | {rasa_cores:.2f} |")
    return 0
