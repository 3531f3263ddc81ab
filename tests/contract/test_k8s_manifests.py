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
