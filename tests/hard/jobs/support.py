"""Real Celery workers on a private Redis for the job hardening checks.

Each module gets its own redis-server on a free port (no persistence), so a test can stop the
broker and start it again. Workers are separate processes that see the test database; they need
PostgreSQL. With CI=true a missing PostgreSQL or redis-server fails the tests; elsewhere they skip.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.concurrency import IN_CI

ROOT = Path(__file__).resolve().parents[3]


def _needed(what: str) -> None:
    if IN_CI:
        pytest.fail(f"CI runs the job hardening checks with {what}")
    pytest.skip(f"needs {what} (runs in CI)")


class PrivateRedis:
    """A redis-server of this test module's own, which the tests may stop and start."""

    def __init__(self, log_dir: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = log_dir / "redis.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--logfile",
                str(self.log),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, 10, "the private redis-server")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_timeout=1).ping())
        except redis.RedisError:
            return False

    def queue_length(self, queue: str) -> int:
        import redis

        return int(redis.Redis(port=self.port).llen(queue))


@pytest.fixture(scope="module")
def private_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    if shutil.which("redis-server") is None:
        _needed("redis-server on the PATH")
    server = PrivateRedis(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def celery_on(
    private_redis: PrivateRedis, transactional_db: Any, settings: Any, monkeypatch: Any
) -> Iterator[str]:
    """Send tasks to the private broker, on a queue of this test's own; yields the queue."""
    if connection.vendor != "postgresql":
        _needed("PostgreSQL (DATABASE_URL): the workers must see the test database")
    from config.celery_app import app

    # Celery prefers these variables to its configuration (CI sets CELERY_BROKER_URL)
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)

    queue = f"solver-hard-{uuid.uuid4().hex[:8]}"
    settings.SOLVER_QUEUE = queue
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _point_app_at(app, private_redis.url, eager=False)
    yield queue
    _point_app_at(app, private_redis.url, eager=True)


def _point_app_at(app: Any, url: str, *, eager: bool) -> None:
    if app.conf.broker_url != url:
        # Connections of another broker are not reused (kombu keys its pools by connection).
        app._pool = None
        app.amqp._producer_pool = None
    app.conf.update(broker_url=url, task_always_eager=eager)


def database_url() -> str:
    data = connection.settings_dict
    user = data.get("USER") or "postgres"
    host = data.get("HOST") or "127.0.0.1"
    port = data.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{data['NAME']}"


class Worker:
    """`celery worker` in its own process, on the test's queue and the private broker."""

    def __init__(
        self,
        broker: str,
        queue: str,
        log_dir: Path,
        *,
        pool: str = "solo",
        name: str = "w",
        **environment: str | float | int,
    ) -> None:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.test",
            # this working copy's code, never another one installed in the shared environment
            PYTHONPATH=str(ROOT),
            DATABASE_URL=database_url(),
            CELERY_BROKER_URL=broker,
            SOLVER_QUEUE=queue,
            CELERY_VISIBILITY_TIMEOUT="4",
            # look for the unacknowledged tasks of a killed worker every second, not every 100 s
            CELERY_UNACKED_RESTORE_INTERVAL="1",
            CELERY_UNACKED_RESTORE_THROTTLE="1",
            SOLVER_WORKERS="1",
            SOLVER_PROGRESS_SECONDS="1",
        )
        env.update({key: str(value) for key, value in environment.items()})
        self.log = log_dir / f"worker-{name}-{uuid.uuid4().hex[:6]}.log"
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config.worker_app",
            "worker",
            f"--pool={pool}",
            "-Q",
            queue,
            "-n",
            f"{name}-{uuid.uuid4().hex[:6]}@%h",
            "-l",
            "info",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        if pool == "prefork":
            command.append("--concurrency=1")
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)

    def kill(self) -> None:
        """SIGKILL: no clean-up, no acknowledgement, like a machine that dies."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_for(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
