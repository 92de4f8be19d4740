"""deploy/ cannot be started on a CI machine; it must at least parse and agree with the code:
the topic registry (names, partitions), the GRIDWATCH_* settings and the worker roles."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from gridwatch.config.settings import Settings
from gridwatch.resources import resource
from gridwatch.streams import metrics
from gridwatch.streams.topics import TOPICS

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SETTINGS_ENV = {f"GRIDWATCH_{name.upper()}" for name in Settings.model_fields}
ROLES = {"ingest", "detect", "dispatch"}


def docs(name: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all((DEPLOY / "k8s" / name).read_text()) if d]


def of_kind(kind: str) -> list[dict[str, Any]]:
    found = []
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        found += [d for d in docs(path.name) if d["kind"] == kind]
    return found


def registry(prefix: str) -> dict[str, int]:
    return {t.name(prefix): t.partitions for t in TOPICS}


def role_of(command: list[str]) -> str | None:
    return command[command.index("--role") + 1] if "--role" in command else None


def test_compose_runs_every_role_against_kafka_redis_and_postgres() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"kafka", "redis", "postgres", "ops"} <= set(services)
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    roles = {role_of(s["command"]) for s in services.values() if "command" in s}
    assert roles >= ROLES
    for name, service in services.items():
        env = service.get("environment", {})
        ours = {k for k in env if k.startswith("GRIDWATCH_")}
        assert ours - {"GRIDWATCH_CONFIG"} <= SETTINGS_ENV, f"{name}: unknown settings"
        if role_of(service.get("command", [])) in ROLES:
            assert {"GRIDWATCH_KAFKA_URL", "GRIDWATCH_REDIS_URL", "GRIDWATCH_DB_URL"} <= ours
            assert Settings(**{k.removeprefix("GRIDWATCH_").lower(): v for k, v in env.items()})


def test_k8s_topics_match_the_registry_with_replication_3_and_min_isr_2() -> None:
    (config,) = [c for c in of_kind("ConfigMap") if c["metadata"]["name"] == "gridwatch-env"]
    prefix = config["data"]["GRIDWATCH_TOPIC_PREFIX"]
    topics = {t["metadata"]["name"]: t["spec"] for t in of_kind("KafkaTopic")}
    assert {name: spec["partitions"] for name, spec in topics.items()} == registry(prefix)
    for spec in topics.values():
        assert spec["replicas"] == 3
        assert spec["config"]["min.insync.replicas"] == 2
    (kafka,) = of_kind("Kafka")
    assert kafka["spec"]["kafka"]["config"]["default.replication.factor"] == 3
    assert kafka["spec"]["kafka"]["config"]["min.insync.replicas"] == 2
    (pool,) = of_kind("KafkaNodePool")
    assert pool["spec"]["replicas"] >= 3


def test_k8s_has_a_deployment_per_role_configured_by_settings() -> None:
    (config,) = [c for c in of_kind("ConfigMap") if c["metadata"]["name"] == "gridwatch-env"]
    assert set(config["data"]) <= SETTINGS_ENV
    roles = {}
    for d in of_kind("Deployment"):
        (container,) = d["spec"]["template"]["spec"]["containers"]
        role = role_of(container["args"])
        if role is None:
            continue
        roles[role] = d["metadata"]["name"]
        env = {e["name"] for e in container.get("env", [])} | set(config["data"])
        assert {"GRIDWATCH_KAFKA_URL", "GRIDWATCH_REDIS_URL", "GRIDWATCH_DB_URL"} <= env
        assert env <= SETTINGS_ENV
    assert set(roles) == ROLES


def test_k8s_autoscales_on_consumer_lag_up_to_the_partition_count() -> None:
    (config,) = [c for c in of_kind("ConfigMap") if c["metadata"]["name"] == "gridwatch-env"]
    partitions = registry(config["data"]["GRIDWATCH_TOPIC_PREFIX"])
    deployments = {d["metadata"]["name"] for d in of_kind("Deployment")}
    hpas = of_kind("HorizontalPodAutoscaler")
    assert {h["spec"]["scaleTargetRef"]["name"] for h in hpas} == {
        "gridwatch-detect",
        "gridwatch-dispatch",
    }
    lag_metric = metrics.CONSUMER_LAG._name  # type: ignore[attr-defined]
    for h in hpas:
        assert h["spec"]["scaleTargetRef"]["name"] in deployments
        (m,) = h["spec"]["metrics"]
        assert m["external"]["metric"]["name"] == lag_metric
        topic = m["external"]["metric"]["selector"]["matchLabels"]["topic"]
        assert h["spec"]["maxReplicas"] <= partitions[topic], "idle workers beyond partitions"


def test_the_image_installs_the_wheel_and_k8s_names_districts_it_carries() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "pip install --no-cache-dir -e" not in dockerfile, "an editable install needs the source"
    assert "uv export --frozen" in dockerfile, "the image must hold the locked versions"
    assert "resources_root()" in dockerfile and "/app" in dockerfile  # /app → bundled resources
    named = set()
    for path in (DEPLOY / "k8s").glob("*.yaml"):
        named |= set(re.findall(r"/app/configs/([\w.-]+)", path.read_text()))
    assert named, "k8s names no district"
    for district in named:
        assert resource("configs", district).is_dir(), f"/app/configs/{district} is not bundled"
