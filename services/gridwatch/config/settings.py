"""Process settings from the environment (GRIDWATCH_*): where the services are."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, IPvAnyNetwork, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from gridwatch.image_bounds import MAX_PIXELS
from gridwatch.ingest.dead_letters import BUDGET_BYTES

# A JSON or form request of the ops centre is a few KB; 1 MiB leaves room and bounds memory.
MAX_BODY_BYTES = 1 << 20
# A photo upload: the photo (at most 15 MB, dispatch/intake.py) plus the multipart framing.
MAX_UPLOAD_BYTES = 16 << 20


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GRIDWATCH_", extra="ignore")

    db_url: str | None = Field(
        None, description="SQLAlchemy URL; default: a SQLite file in the data directory."
    )
    redis_url: str | None = Field(
        None, description="Redis URL; default: start an embedded Valkey server."
    )
    mqtt_url: str | None = Field(
        None, description="MQTT broker for sensor readings, e.g. mqtt://127.0.0.1:1883."
    )
    push_token: str | None = Field(
        None, description="Bearer token sensor gateways send with HTTP push; unset: push off."
    )
    kafka_url: str | None = Field(None, description="Kafka bootstrap servers, e.g. kafka://h:9092.")
    topic_prefix: str = Field(
        "gridwatch",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,40}$",
        description="Prefix of topic names and consumer groups: one per deployment.",
    )
    data_dir: Path = Field(
        Path(".gridwatch"),
        description="Evidence, SQLite file, the embedded Valkey's append-only file, logs.",
    )
    detector_threads: int = Field(2, ge=1, description="ONNX Runtime intra-op threads.")
    max_body_bytes: int = Field(
        MAX_BODY_BYTES,
        ge=1024,
        description="Largest request body the ops centre reads (JSON, forms), in bytes; "
        "a larger one is refused with 413 before it is read.",
    )
    max_upload_bytes: int = Field(
        MAX_UPLOAD_BYTES,
        ge=1024,
        description="Largest request body of a photo upload (POST /api/photos), in bytes; "
        "a larger one is refused with 413 before it is read.",
    )
    trusted_proxies: Annotated[list[IPvAnyNetwork], NoDecode] = Field(
        default_factory=list,
        description="Addresses or networks (CIDR) of the reverse proxies in front of the ops "
        "centre, comma-separated, e.g. 10.0.0.5,10.1.0.0/16. Only a request from one of them "
        "is attributed to the client its X-Forwarded-For names (and its scheme taken from "
        "X-Forwarded-Proto); any other request to the address it comes from. Unset: none.",
    )
    max_image_pixels: int = Field(
        MAX_PIXELS,
        ge=1,
        description="Largest picture (width × height) decoded: photos and camera frames. "
        "The size is read from the file's header, so a bigger one is refused before decoding.",
    )

    dead_letter_budget_bytes: int = Field(
        BUDGET_BYTES,
        ge=1 << 20,
        le=1 << 32,
        description="Redis memory the dead-letter stream may take, in bytes (1 MiB to 4 GiB); "
        "past it the oldest dead letters are trimmed (counted in the metrics). The same Redis "
        "holds the hot state, so size it to what that Redis can spare.",
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value
