"""Operators are paged by real rules: promtool-tested alerts, a Prometheus that scrapes every
replica through file-based discovery, and dashboards that only ask for metrics that exist."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import yaml

from tests.support.stack import SERVICES, ServiceProcess, ops_url

pytestmark = pytest.mark.stack

ROOT = Path(__file__).resolve().parents[2]
PROM = ROOT / "deploy" / "prometheus"
PROM_URL = "http://127.0.0.1:{}".format(
    os.environ.get("PELUIT_PROMETHEUS_PORT", 29090 + int(os.environ.get("PELUIT_PORT_OFFSET", "0")))
)


def alert_names() -> list[str]:
    rules = yaml.safe_load((PROM / "rules" / "peluit.yml").read_text())
    return [r["alert"] for g in rules["groups"] for r in g["rules"]]


def test_alert_rules_pass_promtool_and_each_alert_has_a_test_and_a_runbook() -> None:
    check = subprocess.run(
        ["promtool", "check", "rules", str(PROM / "rules" / "peluit.yml")],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    unit = subprocess.run(
        ["promtool", "test", "rules", "peluit_test.yml"],
        cwd=PROM / "tests",
        capture_output=True,
        text=True,
    )
    assert unit.returncode == 0, unit.stdout + unit.stderr
    tested = yaml.safe_load((PROM / "tests" / "peluit_test.yml").read_text())
    fired = {
        case["alertname"]
        for test in tested["tests"]
        for case in test.get("alert_rule_test", [])
        if case.get("exp_alerts")
    }
    for alert in alert_names():
        assert alert in fired, f"{alert} has no promtool case that makes it fire"
        shared = {
            "PeluitServiceAbsent": "PeluitServiceDown",
            "PeluitBackupStale": "PeluitBackupFailed",
        }
        runbook = ROOT / "docs" / "runbooks" / f"{shared.get(alert, alert)}.md"
        assert runbook.is_file(), f"no runbook for {alert}"


def test_prometheus_scrapes_every_service_replica(services: dict[str, ServiceProcess]) -> None:
    deadline = time.monotonic() + 60
    health: dict[str, str] = {}
    while time.monotonic() < deadline:
        targets = httpx.get(f"{PROM_URL}/api/v1/targets", timeout=5).json()["data"]
        health = {
            t["labels"]["service"]: t["health"]
            for t in targets["activeTargets"]
            if t["labels"].get("job") == "peluit"
        }
        if health and all(health.get(s) == "up" for s in SERVICES):
            break
        time.sleep(1)
    assert {s: health.get(s) for s in SERVICES} == {s: "up" for s in SERVICES}
    # The scraped series reach the query API with the service label discovery gave them.
    up = httpx.get(f"{PROM_URL}/api/v1/query", params={"query": 'up{job="peluit"}'}).json()
    assert {r["metric"]["service"] for r in up["data"]["result"]} == set(SERVICES)


def exported(service: str) -> set[str]:
    text = httpx.get(f"{ops_url(service)}/metrics", timeout=5).text
    return set(re.findall(r"^# TYPE (\S+) ", text, flags=re.MULTILINE))


def test_every_dashboard_query_names_a_metric_its_service_exports(
    services: dict[str, ServiceProcess],
) -> None:
    for service in SERVICES:
        dashboard = json.loads((ROOT / "deploy" / "grafana" / f"{service}.json").read_text())
        names = exported(service)
        exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
        assert exprs, f"{service} dashboard has no queries"
        for expr in exprs:
            assert f'service="{service}"' in expr
            for metric in re.findall(r"\b((?:peluit|process)_[a-z_]+)", expr):
                base = re.sub(r"_(bucket|count|sum|total)$", "", metric)
                assert metric in names or base in names, f"{service}: {metric} is not exported"


# Written by the deploy scripts to Prometheus's textfile server, not by a service.
SCRIPT_METRICS = ("peluit_backup_", "peluit_tls_")


def test_every_alert_names_a_metric_some_service_exports(
    services: dict[str, ServiceProcess],
) -> None:
    """An alert on a metric nobody exports never fires (peluit_consumer_lag once was one)."""
    rules = yaml.safe_load((ROOT / "deploy" / "prometheus" / "rules" / "peluit.yml").read_text())
    exprs = [r["expr"] for g in rules["groups"] for r in g["rules"] if "alert" in r]
    deadline = time.monotonic() + 45  # consumer lag is first measured once Kafka is connected
    while True:
        names = set().union(*(exported(service) for service in SERVICES))
        missing = {
            metric
            for expr in exprs
            for metric in re.findall(r"\b(peluit_[a-z_]+)", str(expr))
            if not metric.startswith(SCRIPT_METRICS)
            and metric not in names
            and re.sub(r"_(bucket|count|sum|total)$", "", metric) not in names
        }
        if not missing or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert not missing, f"alerts on metrics no service exports: {sorted(missing)}"


def test_consumer_lag_is_measured_per_group_and_topic(services: dict[str, ServiceProcess]) -> None:
    deadline = time.monotonic() + 45
    pattern = re.compile(
        r'^peluit_consumer_lag\{group="([^"]+)",topic="report\.submitted"\} (\S+)$'
    )
    while True:
        text = httpx.get(f"{ops_url('cases')}/metrics", timeout=5).text
        found = [m.groups() for line in text.splitlines() if (m := pattern.match(line))]
        if found or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert found, "cases exports no lag for report.submitted"
    assert all(float(value) >= 0 for _, value in found)
