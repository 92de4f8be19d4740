"""What the web app needs from the runtime; passed in, never global."""

from __future__ import annotations

from dataclasses import dataclass

from gridwatch.config.schema import District
from gridwatch.config.settings import MAX_BODY_BYTES, MAX_UPLOAD_BYTES
from gridwatch.image_bounds import MAX_PIXELS
from gridwatch.ingest.dead_letters import BUDGET_BYTES
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
    max_body_bytes: int = MAX_BODY_BYTES  # any request body; larger: 413 unread
    max_upload_bytes: int = MAX_UPLOAD_BYTES  # a photo upload's body
    max_image_pixels: int = MAX_PIXELS  # an uploaded photo's width × height
    dead_letter_budget_bytes: int = BUDGET_BYTES  # refused HTTP-pushed readings kept in Redis
    # Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR networks); none: the
    # peer's own address is the client's, whatever headers it sends.
    trusted_proxies: tuple[str, ...] = ()
