"""Test access to the real local stack and to the four service processes."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("PELUIT_DATA", ROOT / ".local"))
VENV = Path(os.environ.get("PELUIT_VENV", ROOT / ".venv"))
INFRA = ROOT / "deploy" / "local" / "infra.sh"
OFFSET = int(os.environ.get("PELUIT_PORT_OFFSET", "0"))
PG_PORT = int(os.environ.get("PELUIT_PG_PORT", 25432 + OFFSET))
# Every broker of the stack (env.sh lists all three with PELUIT_KAFKA_BROKERS=3).
KAFKA_BOOTSTRAP = os.environ.get("PELUIT_KAFKA_BOOTSTRAP") or (
    f"127.0.0.1:{os.environ.get('PELUIT_KAFKA_PORT', 29092 + OFFSET)}"
)
PORTS = {"intake": 8010, "cases": 8020, "evidence": 8030, "notifications": 8040}
SERVICES = tuple(PORTS)


def infra(action: str, *components: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(INFRA), action, *components], capture_output=True, text=True, check=False
    )


def service_dsn(service: str) -> str:
    password = os.environ.get(f"PELUIT_PG_PASSWORD_{service.upper()}", f"peluit-{service}-dev")
    return f"postgresql://peluit_{service}:{password}@127.0.0.1:{PG_PORT}/peluit_{service}"


def forget_rate_limits() -> None:
    """Intake's limits live in its database (shared by replicas) and outlast a restart: a test
    session starts from none, as a fresh process did when they were kept in memory."""

    async def forget() -> None:
        conn = await asyncpg.connect(service_dsn("intake"))
        try:
            # Before intake first started (a fresh database) there is nothing to forget.
            if await conn.fetchval("SELECT to_regclass('throttle_hits') IS NOT NULL"):
                await conn.execute("DELETE FROM throttle_hits")
        finally:
            await conn.close()

    asyncio.run(forget())


def admin_dsn(database: str = "postgres") -> str:
    password = os.environ.get("PELUIT_PG_ADMIN_PASSWORD", "peluit-admin-dev")
    return f"postgresql://peluit_admin:{password}@127.0.0.1:{PG_PORT}/{database}"


def port(service: str) -> int:
    return int(os.environ.get(f"PELUIT_{service.upper()}_HTTP_PORT", PORTS[service] + OFFSET))


def base_url(service: str) -> str:
    return f"http://127.0.0.1:{port(service)}"


def ops_url(service: str) -> str:
    """The internal ops port (metrics): the HTTP port + 1000 unless set."""
    ops = os.environ.get(f"PELUIT_{service.upper()}_OPS_PORT", port(service) + 1000)
    return f"http://127.0.0.1:{ops}"


@dataclass
class ServiceProcess:
    """One service run as its real console script, as `./peluit up` runs it."""

    name: str
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None
    log_name: str = ""

    @property
    def url(self) -> str:
        own = self.env.get(f"PELUIT_{self.name.upper()}_HTTP_PORT")
        return f"http://127.0.0.1:{own}" if own else base_url(self.name)

    @property
    def log_path(self) -> Path:
        return DATA / "logs" / f"test-{self.log_name or self.name}.log"

    def start(self) -> None:
        if self.proc and self.proc.poll() is None:
            return
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        # Logs are for the operator only: 0600 (also an older file appended to).
        log = os.fdopen(os.open(self.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab")
        os.chmod(self.log_path, 0o600)
        self.proc = subprocess.Popen(
            [str(VENV / "bin" / f"peluit-{self.name}"), "serve"],
            stdout=log,
            stderr=subprocess.STDOUT,
            # The local stack's dev secrets are allowed only in dev mode (like ./peluit).
            # Every test signs in from 127.0.0.1: the per-source sign-in limit would refuse the
            # rest of the run after the lockout tests (tested in-process instead).
            env={
                "PELUIT_ENV": "dev",
                "PELUIT_CASES_LOGIN_SOURCE_ATTEMPTS": "100000",
                **os.environ,
                **self.env,
            },
            start_new_session=True,
        )

    def wait_ready(self, timeout: float | None = None) -> float:
        # A loaded machine (several stacks on two cores) may need longer: PELUIT_TEST_READY_SECONDS.
        timeout = timeout or float(os.environ.get("PELUIT_TEST_READY_SECONDS", "30"))
        """Seconds until /health/ready answered 200."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log_path}")
            try:
                if httpx.get(f"{self.url}/health/ready", timeout=1).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise TimeoutError(f"{self.name} not ready after {timeout}s; see {self.log_path}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


BALANCER = ROOT / "deploy" / "local" / "balancer.sh"


def balancer(action: str, replicas: int) -> subprocess.CompletedProcess[str]:
    """deploy/local/balancer.sh (nginx in front of `replicas` processes per service)."""
    return subprocess.run(
        ["bash", str(BALANCER), *action.split()],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PELUIT_REPLICAS": str(replicas)},
    )


@dataclass
class ReplicaSet:
    """N processes of one service on its port + 1 .. + N, behind the balancer on its port (as
    `./peluit up --replicas N` runs them). `url` is the balancer's."""

    name: str
    count: int
    env: dict[str, str] = field(default_factory=dict)
    replicas: list[ServiceProcess] = field(default_factory=list)

    def __post_init__(self) -> None:
        base = port(self.name)
        self.replicas = [
            ServiceProcess(
                self.name,
                env={
                    **self.env,
                    f"PELUIT_{self.name.upper()}_HTTP_PORT": str(base + k),
                    "PELUIT_INTAKE_TRUSTED_PROXY_HOPS": "1",
                    "PELUIT_CASES_TRUSTED_PROXY_HOPS": "1",
                },
            )
            for k in range(1, self.count + 1)
        ]
        for k, replica in enumerate(self.replicas, start=1):
            replica.log_name = f"{self.name}.{k}"

    @property
    def url(self) -> str:
        return base_url(self.name)

    def start(self) -> None:
        for replica in self.replicas:
            replica.start()

    def wait_ready(self, timeout: float = 30.0) -> float:
        return max(replica.wait_ready(timeout) for replica in self.replicas)

    def stop(self) -> None:
        for replica in self.replicas:
            replica.stop()

    def log_text(self) -> str:
        return "\n".join(
            replica.log_text() for replica in self.replicas if replica.log_path.exists()
        )
