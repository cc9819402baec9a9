"""Load test against a production-like server: gunicorn + PostgreSQL on loopback.

    .venv/bin/python benchmarks/load_test.py [--database-url postgres://postgres@127.0.0.1:5432/wfm_load]
        [--cache-url redis://127.0.0.1:6379/2 | none]
        [--users 50] [--leads 6] [--duration 60] [--warmup 5] [--workers 4]
        [--think 1.0] [--jitter 0.5] [--solver-seconds 20] [--seed 1] [--json]

Steps:
1. Creates the PostgreSQL database if missing, migrates it and collects the static files
   (production settings: DEBUG off, whitenoise's manifest storage, secure cookies).
2. Seeds the demo center unless already seeded: `seed_demo` (2 sites, 6 teams, 150 agents)
   when there are no agents, then `demo_pipeline` (forecasts, then a 4-week roster per planning
   unit, solved with --solver-seconds and published) when no published roster is current.
3. Starts gunicorn (sync workers) serving config.wsgi with config.settings.production on a free
   loopback port, with production's shared Redis cache (--cache-url; `none` measures without
   it): the read cache of staffing/readcache.py serves the schedule page, the schedule API and
   the board until something they show is written. Plain http on loopback stands in for a
   TLS-terminating proxy: every request
   carries `X-Forwarded-Proto: https` (trusted from 127.0.0.1, as SECURE_PROXY_SSL_HEADER says),
   so the SSL redirect, the Secure cookies and the CSRF referer check all run as in production;
   the client treats the loopback origin as secure (as browsers do) so it sends Secure cookies.
4. Logs in --users distinct demo users through the real login form (CSRF token, password,
   session cookie): --leads team leads, the rest agents who have shifts on the live roster.
5. Drives them concurrently with aiohttp: --warmup seconds unrecorded, then --duration seconds
   recorded. User model (closed loop, one request at a time per user): an agent alternates
   between their schedule page (/scheduler/me/, the week of their next shift) and the schedule
   API (their assignments on the live roster, /api/rosters/rosters/<id>/assignments/); a team
   lead reads their unit's roster board (/scheduler/rosters/<id>/). Between two requests a user
   thinks --think seconds +- --jitter (uniform). Start times are spread over the first think.

Prints per endpoint: requests, errors, p50/p95/p99/max latency (client side: request sent to
body read) and throughput; then the overall error count and the machine's load average.
An error is a transport failure, a status other than 200, or a body that is not the page or
data asked for (a login page instead of a schedule, an empty assignment list); errors of the
logins and of the warm-up count too. Also prints the CPU the gunicorn workers and this
database's PostgreSQL backends spent per request: unlike latency, that depends much less on what
else the machine runs.
Exit status 0 when the targets hold (p95 <= 50 ms for both agent schedule endpoints, 0 errors),
1 when they do not, 2 when the set-up fails.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/wfm_load"
# Production's Redis cache: sessions and the read cache of staffing/readcache.py use it.
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/2"
TARGET_P95_MS = 50.0
AGENT_ENDPOINTS = ("agent schedule page", "agent schedule API")


@dataclasses.dataclass(frozen=True)
class Visitor:
    """One simulated user: who logs in and the pages they read in turn."""

    username: str
    role: str  # "agent" or "lead"
    requests: tuple[tuple[str, str], ...]  # (endpoint name, path), read in rotation


@dataclasses.dataclass
class Endpoint:
    latencies_ms: list[float] = dataclasses.field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = dataclasses.field(default_factory=list)

    def error(self, reason: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 3:
            self.error_samples.append(reason)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument(
        "--cache-url",
        default=DEFAULT_CACHE_URL,
        help="the shared cache, as production has it (CACHE_URL); 'none' for none",
    )
    parser.add_argument("--users", type=int, default=50, help="concurrent users in all")
    parser.add_argument("--leads", type=int, default=6, help="of which team leads (at most 6)")
    parser.add_argument("--duration", type=float, default=60.0, help="recorded seconds")
    parser.add_argument("--warmup", type=float, default=5.0, help="unrecorded seconds first")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--think", type=float, default=1.0, help="mean think time, seconds")
    parser.add_argument("--jitter", type=float, default=0.5, help="think time +- seconds")
    parser.add_argument("--solver-seconds", type=int, default=20, help="when seeding rosters")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the think times")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    args = parser.parse_args()
    problems = _check_arguments(args)
    if problems:
        parser.error("; ".join(problems))

    env = _server_environment(args.database_url, args.cache_url)
    os.environ.update(env)
    try:
        _create_database(args.database_url)
        _check_cache(args.cache_url)
        visitors = _prepare(args)
    except SetupError as error:
        print(f"set-up failed: {error}", file=sys.stderr)
        return 2
    port = _free_port()
    server = _start_gunicorn(env, port, args.workers)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_serving(base, server)
        load_before = os.getloadavg()
        report = asyncio.run(_run(args, base, visitors, server.pid))
        load_after = os.getloadavg()
    except SetupError as error:
        print(f"set-up failed: {error}", file=sys.stderr)
        return 2
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    report["machine"] = {
        "cores": os.cpu_count(),
        "load_average_1m_before": round(load_before[0], 2),
        "load_average_1m_after": round(load_after[0], 2),
    }
    passed = _targets_met(report)
    report["targets_met"] = passed
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print_report(args, report)
    return 0 if passed else 1


class SetupError(Exception):
    pass


def _check_arguments(args: argparse.Namespace) -> list[str]:
    problems = []
    if args.users < 1:
        problems.append("--users must be at least 1")
    if not 0 <= args.leads <= args.users:
        problems.append("--leads must be between 0 and --users")
    if args.duration <= 0:
        problems.append("--duration must be positive")
    if args.warmup < 0:
        problems.append("--warmup must not be negative")
    if args.workers < 1:
        problems.append("--workers must be at least 1")
    if args.think < 0 or not 0 <= args.jitter <= args.think:
        problems.append("--think must not be negative and --jitter between 0 and --think")
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        problems.append("--database-url must be a postgres:// URL")
    return problems


def _server_environment(database_url: str, cache_url: str) -> dict[str, str]:
    """What the production settings need; the same for seeding and for gunicorn."""
    cache = {} if cache_url == "none" else {"CACHE_URL": cache_url}
    return {
        **cache,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        # Seeding runs the roster solves in-process; the pages under test never enqueue.
        "CELERY_BROKER_URL": "",
        "LOG_LEVEL": "WARNING",
    }


def _check_cache(cache_url: str) -> None:
    if cache_url == "none":
        return
    import redis

    try:
        redis.Redis.from_url(cache_url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        raise SetupError(f"cannot reach the cache at {cache_url}: {error}") from error


def _create_database(database_url: str) -> None:
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict

    target = conninfo_to_dict(database_url)
    name = target.get("dbname")
    if not name:
        raise SetupError("--database-url names no database")
    maintenance = {**target, "dbname": "postgres"}
    try:
        with psycopg.connect(**maintenance, autocommit=True) as connection:  # type: ignore[arg-type]
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if not exists:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"created database {name}", file=sys.stderr)
    except psycopg.OperationalError as error:
        raise SetupError(f"cannot reach PostgreSQL at {database_url}: {error}") from error


def _prepare(args: argparse.Namespace) -> list[Visitor]:
    """Migrate, collect static files, seed when needed; pick the users and their pages."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    from scheduler.models.rosters import Assignment, Roster, RosterStatus
    from staffing.models import Agent, Team

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if not Agent.objects.exists():
        print("seeding the demo center (seed_demo)...", file=sys.stderr)
        call_command("seed_demo")
    today = timezone.localdate()
    live = Roster.objects.filter(status=RosterStatus.PUBLISHED, period_end__gte=today)
    if not live.exists():
        print("building and publishing rosters (demo_pipeline)...", file=sys.stderr)
        call_command("demo_pipeline", time_limit=args.solver_seconds)
    rosters = {
        roster.unit_id: roster
        for roster in live.order_by("-period_start", "-version").select_related("unit")
    }  # later entries win: each unit's earliest live published roster
    if not rosters:
        raise SetupError("no published roster after demo_pipeline")
    roster_of_team = {
        team_id: rosters[unit_id]
        for team_id, unit_id in Team.objects.filter(planning_units__in=list(rosters)).values_list(
            "id", "planning_units"
        )
    }
    users = get_user_model().objects
    visitors: list[Visitor] = []
    leads = users.filter(groups__name="team_lead", led_teams__in=list(roster_of_team)).distinct()
    for user in leads.order_by("username")[: args.leads]:
        roster = roster_of_team[user.led_teams.filter(pk__in=list(roster_of_team)).first().pk]
        path = f"/scheduler/rosters/{roster.pk}/"
        visitors.append(Visitor(user.username, "lead", (("lead roster board", path),)))
    if len(visitors) < args.leads:
        raise SetupError(f"only {len(visitors)} team leads lead a team with a live roster")
    agents = (
        Agent.objects.filter(team__in=list(roster_of_team), is_active=True, user__isnull=False)
        .exclude(user__groups__name="team_lead")
        .select_related("user")
        .order_by("user__username")
    )
    for agent in agents:
        if len(visitors) == args.users:
            break
        roster = roster_of_team[agent.team_id]
        first = (
            Assignment.objects.filter(roster=roster, agent=agent, is_live=True, day__gte=today)
            .order_by("day")
            .first()
        )
        if first is None:
            continue
        visitors.append(
            Visitor(
                agent.user.username,
                "agent",
                (
                    ("agent schedule page", f"/scheduler/me/?start={first.day.isoformat()}"),
                    (
                        "agent schedule API",
                        f"/api/rosters/rosters/{roster.pk}/assignments/",
                    ),
                ),
            )
        )
    if len(visitors) < args.users:
        raise SetupError(f"only {len(visitors)} users with shifts or boards; asked {args.users}")
    connections.close_all()
    return visitors


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--forwarded-allow-ips",
        "127.0.0.1",
        "--timeout",
        "30",
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})


def _wait_until_serving(base: str, server: subprocess.Popen[bytes]) -> None:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"{base}/accounts/login/", headers={"X-Forwarded-Proto": "https"}
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SetupError(f"gunicorn exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise SetupError("gunicorn did not answer the login page within 60 s")


async def _run(
    args: argparse.Namespace, base: str, visitors: list[Visitor], server_pid: int
) -> dict[str, Any]:
    import aiohttp

    from staffing.demo import DEMO_PASSWORD

    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=15)
    sessions = [
        aiohttp.ClientSession(
            base_url=base,
            connector=connector,
            connector_owner=False,
            timeout=timeout,
            cookie_jar=aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=[base]),
            headers={"X-Forwarded-Proto": "https"},
        )
        for _ in visitors
    ]
    try:
        login = Endpoint()
        logins_started = time.perf_counter()
        gate = asyncio.Semaphore(4)  # password hashing is deliberately slow: do not queue 50

        async def log_in(session: aiohttp.ClientSession, visitor: Visitor) -> bool:
            async with gate:
                return await _log_in(session, base, visitor.username, DEMO_PASSWORD, login)

        signed_in = await asyncio.gather(
            *(log_in(s, v) for s, v in zip(sessions, visitors, strict=True))
        )
        login_seconds = time.perf_counter() - logins_started
        if login.errors == len(visitors):
            raise SetupError(f"no user could log in: {login.error_samples}")
        endpoints: dict[str, Endpoint] = {}
        for visitor in visitors:
            for name, _path in visitor.requests:
                endpoints.setdefault(name, Endpoint())
        loop = asyncio.get_running_loop()
        start = loop.time()
        record_from = start + args.warmup
        stop = record_from + args.duration
        rng = random.Random(args.seed)
        cpu = ServerCpu(server_pid, args.database_url)
        warmup = Endpoint()  # answers before recording starts: timings dropped, errors kept
        loop.call_at(record_from, cpu.start)
        await asyncio.gather(
            *(
                _user_loop(session, visitor, endpoints, args, record_from, stop, rng, warmup)
                for session, visitor, ok in zip(sessions, visitors, signed_in, strict=True)
                if ok  # a failed login is an error already; its 302s would only repeat it
            )
        )
        cpu.stop()
    finally:
        for session in sessions:
            await session.close()
        await connector.close()
    return {
        "user_model": _user_model(args, visitors),
        "login": {
            "users": len(visitors),
            "errors": login.errors,
            "error_samples": login.error_samples,
            "seconds": round(login_seconds, 1),
        },
        "endpoints": {
            name: _summary(endpoint, args.duration) for name, endpoint in endpoints.items()
        },
        "warmup_errors": warmup.errors,
        "warmup_error_samples": warmup.error_samples,
        "errors": login.errors + warmup.errors + sum(e.errors for e in endpoints.values()),
        "server_cpu": cpu.summary(sum(len(e.latencies_ms) + e.errors for e in endpoints.values())),
    }


class ServerCpu:
    """CPU seconds the gunicorn workers and this database's PostgreSQL backends spend while
    the load is recorded: a figure that, unlike latency, hardly depends on what else the
    machine runs. Read from /proc (Linux); a backend that starts or ends within the window is
    counted from when it is first or last seen."""

    def __init__(self, server_pid: int, database_url: str) -> None:
        self.server_pid = server_pid
        self.database_url = database_url
        self.before: dict[str, dict[int, float]] = {}
        self.after: dict[str, dict[int, float]] = {}

    def _sample(self) -> dict[str, dict[int, float]]:
        return {
            "gunicorn": _cpu_seconds(_children(self.server_pid)),
            "postgres": _cpu_seconds(_backends(self.database_url)),
        }

    def start(self) -> None:
        self.before = self._sample()

    def stop(self) -> None:
        self.after = self._sample()

    def summary(self, requests: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for part, after in self.after.items():
            before = self.before.get(part, {})
            seconds = sum(value - before.get(pid, 0.0) for pid, value in after.items())
            result[f"{part}_seconds"] = round(seconds, 1)
            result[f"{part}_ms_per_request"] = (
                round(seconds * 1000 / requests, 1) if requests else None
            )
        return result


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _backends(database_url: str) -> list[int]:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        ).fetchall()
    return [row[0] for row in rows]


def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return seconds


async def _log_in(session: Any, base: str, username: str, password: str, login: Endpoint) -> bool:
    import aiohttp

    # Password hashing (Argon2) is slow on purpose, and slower on a busy machine.
    patient = aiohttp.ClientTimeout(total=90)
    try:
        async with session.get("/accounts/login/", timeout=patient) as response:
            page = await response.text()
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if response.status != 200 or match is None:
            login.error(f"{username}: login form status {response.status}")
            return False
        async with session.post(
            "/accounts/login/",
            data={
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": match.group(1),
            },
            headers={"Referer": f"{base.replace('http:', 'https:')}/accounts/login/"},
            allow_redirects=False,
            timeout=patient,
        ) as response:
            await response.read()
            signed_in = any(cookie.key == "sessionid" for cookie in session.cookie_jar)
            if response.status != 302 or not signed_in:
                login.error(f"{username}: login answered {response.status}")
                return False
    except (aiohttp.ClientError, TimeoutError) as error:
        login.error(f"{username}: {type(error).__name__} {error}")
        return False
    return True


async def _user_loop(
    session: Any,
    visitor: Visitor,
    endpoints: dict[str, Endpoint],
    args: argparse.Namespace,
    record_from: float,
    stop: float,
    rng: random.Random,
    warmup: Endpoint,
) -> None:
    import aiohttp

    loop = asyncio.get_running_loop()
    await asyncio.sleep(rng.uniform(0, args.think))
    turn = rng.randrange(len(visitor.requests))
    while loop.time() < stop:
        name, path = visitor.requests[turn % len(visitor.requests)]
        turn += 1
        recorded = loop.time() >= record_from
        endpoint = endpoints[name] if recorded else warmup
        started = time.perf_counter()
        try:
            async with session.get(path, allow_redirects=False) as response:
                body = await response.read()
            elapsed_ms = (time.perf_counter() - started) * 1000
            problem = _check_body(name, response.status, body)
            if problem:
                endpoint.error(f"{visitor.username} {path}: {problem}")
            else:
                endpoint.latencies_ms.append(elapsed_ms)
        except (aiohttp.ClientError, TimeoutError) as error:
            endpoint.error(f"{visitor.username} {path}: {type(error).__name__} {error}")
        pause = args.think + rng.uniform(-args.jitter, args.jitter)
        await asyncio.sleep(max(0.0, min(pause, stop - loop.time())))


def _check_body(name: str, status: int, body: bytes) -> str | None:
    if status != 200:
        return f"status {status}"
    if name == "agent schedule API":
        try:
            data = json.loads(body)
        except ValueError:
            return "not JSON"
        rows = data.get("results") if isinstance(data, dict) else data
        return None if rows else "no assignments in the answer"
    marker = b'id="next-title"' if name == "agent schedule page" else b"<table"
    return None if marker in body else "not the expected page"


def _percentile(sorted_values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * share // 1))
    return sorted_values[int(rank) - 1]


def _summary(endpoint: Endpoint, seconds: float) -> dict[str, Any]:
    values = sorted(endpoint.latencies_ms)
    return {
        "requests": len(values) + endpoint.errors,
        "errors": endpoint.errors,
        "error_samples": endpoint.error_samples,
        "p50_ms": round(_percentile(values, 0.50), 1),
        "p95_ms": round(_percentile(values, 0.95), 1),
        "p99_ms": round(_percentile(values, 0.99), 1),
        "max_ms": round(values[-1], 1) if values else float("nan"),
        "per_second": round((len(values) + endpoint.errors) / seconds, 1),
    }


def _user_model(args: argparse.Namespace, visitors: list[Visitor]) -> dict[str, Any]:
    return {
        "users": len(visitors),
        "agents": sum(v.role == "agent" for v in visitors),
        "leads": sum(v.role == "lead" for v in visitors),
        "think_seconds": args.think,
        "jitter_seconds": args.jitter,
        "warmup_seconds": args.warmup,
        "duration_seconds": args.duration,
        "gunicorn_workers": args.workers,
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def _targets_met(report: dict[str, Any]) -> bool:
    agent_ok = all(
        report["endpoints"].get(name, {}).get("p95_ms", float("inf")) <= TARGET_P95_MS
        for name in AGENT_ENDPOINTS
    )
    return agent_ok and report["errors"] == 0


def _print_report(args: argparse.Namespace, report: dict[str, Any]) -> None:
    model = report["user_model"]
    machine = report["machine"]
    print(
        f"Load test: gunicorn ({model['gunicorn_workers']} sync workers, production settings) + "
        f"PostgreSQL on loopback, {machine['cores']} cores"
    )
    print(
        f"User model: {model['users']} concurrent users ({model['agents']} agents alternating "
        f"schedule page and schedule API, {model['leads']} team leads reading the roster board), "
        f"one request at a time, think {model['think_seconds']} s +- {model['jitter_seconds']} s "
        f"(uniform); {model['warmup_seconds']} s warm-up unrecorded, "
        f"{model['duration_seconds']} s recorded"
    )
    login = report["login"]
    print(
        f"Logins: {login['users']} through the login form in {login['seconds']} s, "
        f"{login['errors']} failed {login['error_samples'] or ''}"
    )
    print(
        f"{'endpoint':<22}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'max ms':>9}{'req/s':>8}"
    )
    total = 0
    for name, row in report["endpoints"].items():
        total += row["requests"]
        print(
            f"{name:<22}{row['requests']:>9}{row['errors']:>8}{row['p50_ms']:>9}"
            f"{row['p95_ms']:>9}{row['p99_ms']:>9}{row['max_ms']:>9}{row['per_second']:>8}"
        )
        for sample in row["error_samples"]:
            print(f"    e.g. {sample}")
    print(
        f"{'all':<22}{total:>9}{sum(r['errors'] for r in report['endpoints'].values()):>8}"
        f"{'':>36}{round(total / model['duration_seconds'], 1):>8}"
    )
    if report["warmup_errors"]:
        print(f"Warm-up errors: {report['warmup_errors']} {report['warmup_error_samples']}")
    print(f"Errors in all (logins and warm-up included): {report['errors']}")
    cpu = report["server_cpu"]
    print(
        f"Server CPU while recorded: gunicorn workers {cpu['gunicorn_seconds']} s "
        f"({cpu['gunicorn_ms_per_request']} ms a request), PostgreSQL backends "
        f"{cpu['postgres_seconds']} s ({cpu['postgres_ms_per_request']} ms a request)"
    )
    print(
        f"Machine load average (1 min): {machine['load_average_1m_before']} before, "
        f"{machine['load_average_1m_after']} after, on {machine['cores']} cores"
    )
    verdict = "met" if report["targets_met"] else "NOT met"
    print(
        f"Targets (agent schedule page and API p95 <= {TARGET_P95_MS:.0f} ms, 0 errors): {verdict}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
