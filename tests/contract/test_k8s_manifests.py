"""The Kubernetes manifests are valid against the Kubernetes schemas (offline, strict), and the
policies operators rely on are there: only intake open to all, PDBs and HPAs for each service."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
SERVICES = ("intake", "cases", "evidence", "notifications")


def documents() -> list[dict[str, Any]]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    docs: list[dict[str, Any]] = []
    for name in kustomization["resources"]:
        docs += [d for d in yaml.safe_load_all((K8S / name).read_text()) if d]
    return docs


def test_every_manifest_validates_strictly_against_the_kubernetes_schemas() -> None:
    docs = documents()
    assert len(docs) > 20
    for doc in docs:
        kubernetes_validate.validate(doc, kubernetes_validate.latest_version(), strict=True)


def test_only_intake_is_open_to_everyone_and_the_rest_is_denied_by_default() -> None:
    policies = {
        d["metadata"]["name"]: d["spec"] for d in documents() if d["kind"] == "NetworkPolicy"
    }
    assert policies["default-deny"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    open_to_all = [
        spec["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/name")
        for spec in policies.values()
        for rule in spec.get("ingress", [])
        if "from" not in rule
    ]
    assert open_to_all == ["intake"]
    evidence = policies["evidence-from-intake-and-cases"]["ingress"][0]["from"]
    assert {p["podSelector"]["matchLabels"]["app.kubernetes.io/name"] for p in evidence} == {
        "intake",
        "cases",
    }


def test_each_service_has_a_disruption_budget_and_an_autoscaler() -> None:
    docs = documents()
    pdbs = {
        d["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"]
        for d in docs
        if d["kind"] == "PodDisruptionBudget"
    }
    assert pdbs == set(SERVICES)
    hpas = {
        d["spec"]["scaleTargetRef"]["name"] for d in docs if d["kind"] == "HorizontalPodAutoscaler"
    }
    assert {"cases", "evidence"} <= hpas


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kustomize_renders_the_whole_tree() -> None:
    out = subprocess.run(
        ["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, check=True
    ).stdout
    rendered = [d for d in yaml.safe_load_all(out) if d]
    assert len(rendered) == len(documents())
    assert all(d["metadata"].get("namespace", "peluit") == "peluit" for d in rendered)


def test_postgres_is_backed_up_nightly_to_its_own_encrypted_bucket_with_retention() -> None:
    docs = {(d["kind"], d["metadata"]["name"]): d for d in documents()}
    backup = docs[("CronJob", "postgres-backup")]["spec"]
    assert backup["schedule"] and backup["concurrencyPolicy"] == "Forbid"
    pod = backup["jobTemplate"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert "pgbackrest backup" in " ".join(container["command"])
    sources = {next(iter(ref.values()))["name"] for ref in container["envFrom"] if len(ref) == 1}
    assert sources == {"peluit-pgbackrest", "peluit-backup"}
    conf = docs[("ConfigMap", "peluit-pgbackrest")]["data"]
    evidence_bucket = docs[("ConfigMap", "peluit-config")]["data"]["PELUIT_EVIDENCE_S3_BUCKET"]
    assert conf["PGBACKREST_REPO1_TYPE"] == "s3"
    assert conf["PGBACKREST_REPO1_S3_BUCKET"] not in ("", evidence_bucket)
    assert conf["PGBACKREST_REPO1_CIPHER_TYPE"] == "aes-256-cbc"
    assert int(conf["PGBACKREST_REPO1_RETENTION_FULL"]) >= 1
    # The passphrase and the S3 identity are secrets, never in the ConfigMap, and the
    # placeholder Secret carries no usable value.
    assert not any("PASS" in k or "SECRET" in k or k.endswith("_KEY") for k in conf)
    secret = docs[("Secret", "peluit-backup")]["stringData"]
    assert secret["PGBACKREST_REPO1_CIPHER_PASS"] == "REPLACE-ME"
    assert {"PGBACKREST_REPO1_S3_KEY", "PGBACKREST_REPO1_S3_KEY_SECRET"} <= set(secret)


def test_evidence_versions_expire_nightly_after_the_recovery_window() -> None:
    docs = {(d["kind"], d["metadata"]["name"]): d for d in documents()}
    job = docs[("CronJob", "evidence-expire-versions")]["spec"]
    container = job["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["peluit-evidence", "expire-versions"]
    config = docs[("ConfigMap", "peluit-config")]["data"]
    assert float(config["PELUIT_EVIDENCE_DELETED_RECOVERY_DAYS"]) > 0


COMPOSE = K8S.parent / "compose" / "docker-compose.yml"


def test_compose_archives_wal_and_backs_up_like_deploy_local() -> None:
    compose = yaml.safe_load(COMPOSE.read_text())
    services = compose["services"]
    postgres = services["postgres"]
    assert "archive_command=pgbackrest archive-push %p" in postgres["command"]
    assert "archive_mode=on" in postgres["command"]
    env = postgres["environment"]
    assert (
        services["backup"]["environment"]["PGBACKREST_REPO1_CIPHER_PASS"]
        == (env["PGBACKREST_REPO1_CIPHER_PASS"])
    )
    # Required, no default: `${VAR:?message}`.
    assert env["PGBACKREST_REPO1_CIPHER_PASS"].startswith("${PELUIT_BACKUP_PASSPHRASE:?")
    assert env["PGBACKREST_REPO1_S3_KEY_SECRET"].startswith("${PELUIT_BACKUP_S3_SECRET_KEY:?")
    assert env["PGBACKREST_REPO1_CIPHER_TYPE"] == "aes-256-cbc"
    assert env["PGBACKREST_REPO1_S3_BUCKET"] == "${PELUIT_BACKUP_BUCKET:-peluit-backup}"
    evidence_bucket = services["evidence"]["environment"]["PELUIT_EVIDENCE_S3_BUCKET"]
    assert evidence_bucket != "peluit-backup"
    assert env["PGBACKREST_REPO1_RETENTION_FULL"].startswith("${PELUIT_BACKUP_RETENTION_FULL:-")
    assert "pgbackrest backup" in services["backup"]["command"][-1]
    # The backup identity may touch only its bucket.
    identities = compose["configs"]["seaweedfs-s3"]["content"]
    assert '"Write:${PELUIT_BACKUP_BUCKET:-peluit-backup}"' in identities
