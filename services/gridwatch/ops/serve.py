"""The ops centre as its own process next to scale-out workers (`uvicorn --factory
gridwatch.ops.serve:app_from_env`): the district from GRIDWATCH_CONFIG, services from the
GRIDWATCH_* settings the workers use."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from gridwatch.config.loader import load_district
from gridwatch.config.settings import Settings
from gridwatch.ops.app import create_app
from gridwatch.ops.context import OpsContext
from gridwatch.resources import sample_district
from gridwatch.store.evidence import EvidenceStore
from gridwatch.store.hot_state import HotState
from gridwatch.store.repository import Store


def app_from_env() -> FastAPI:
    settings = Settings()
    if settings.db_url is None or settings.redis_url is None:
        raise ValueError("GRIDWATCH_DB_URL and GRIDWATCH_REDIS_URL must name the workers' services")
    config = Path(os.environ.get("GRIDWATCH_CONFIG") or sample_district())
    store = Store(settings.db_url)
    store.migrate()
    evidence = EvidenceStore(settings.data_dir.resolve() / "evidence")
    return create_app(
        OpsContext(
            load_district(config),
            store,
            evidence,
            HotState(settings.redis_url),
            max_body_bytes=settings.max_body_bytes,
            max_upload_bytes=settings.max_upload_bytes,
            max_image_pixels=settings.max_image_pixels,
            dead_letter_budget_bytes=settings.dead_letter_budget_bytes,
            trusted_proxies=tuple(str(n) for n in settings.trusted_proxies),
        )
    )


def server_config(app: FastAPI, host: str, port: int, **options: Any) -> uvicorn.Config:
    """uvicorn's settings for the ops centre. uvicorn's own X-Forwarded-For handling is off:
    by default it believes the header from 127.0.0.1, so a proxy or anyone else on the host
    could name any client; the app believes it only from GRIDWATCH_TRUSTED_PROXIES."""
    return uvicorn.Config(app, host=host, port=port, proxy_headers=False, **options)
