"""What the web app needs from the runtime; passed in, never global."""

from __future__ import annotations

from dataclasses import dataclass

from gridwatch.config.schema import District
from gridwatch.runtime.clock import Clock, utc_now
from gridwatch.store.evidence import EvidenceStore
from gridwatch.store.hot_state import HotState
from gridwatch.store.repository import Store


@dataclass(frozen=True)
class OpsContext:
    district: District
    store: Store
    evidence: EvidenceStore
    hot: HotState | None = None
    clock: Clock = utc_now
    push_token: str | None = None  # bearer token of sensor gateways (HTTP push); None: off
