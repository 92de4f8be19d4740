"""Shared fixtures: real services where the system uses them (PostgreSQL, Redis), the sample
configs, and the real detector."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import psycopg
import pytest
import redis

from gridwatch.config.loader import load_district
from gridwatch.config.schema import District
from gridwatch.runtime.embedded_redis import EmbeddedRedis
from gridwatch.store.repository import Store, sqlite_url

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "configs" / "minimal"
SAMPLE = ROOT / "configs" / "zhongliangshan"
MEDIA = ROOT / "media"
VTEST = MEDIA / "vtest.avi"
PG_ADMIN = os.environ.get("GRIDWATCH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
# Tests flush the Redis database they use, so by default they start their own embedded Valkey and
# never touch a server someone else uses. GRIDWATCH_TEST_REDIS=redis://host:port/N points them at
# a database of a running server instead: one the tests own, as it is emptied before each test.
REDIS_URL = os.environ.get("GRIDWATCH_TEST_REDIS")


@pytest.fixture(scope="session")
def minimal_district() -> District:
    return load_district(MINIMAL)


@pytest.fixture(scope="session")
def sample_district() -> District:
    return load_district(SAMPLE)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    name = f"gridwatch_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        url = sqlite_url(tmp_path / "test.db")
    else:
        url = request.getfixturevalue("pg_url")
    s = Store(url)
    s.migrate()
    yield s
    s.engine.dispose()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An embedded Valkey of the test session's own, or the database GRIDWATCH_TEST_REDIS names."""
    if REDIS_URL:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        yield REDIS_URL
        return
    server = EmbeddedRedis(tmp_path_factory.mktemp("valkey")).start()
    yield server.url
    server.stop()


@pytest.fixture
def redis_url(redis_server: str) -> str:
    redis.Redis.from_url(redis_server).flushdb()
    return redis_server


class ManualClock:
    """A clock a test sets by hand (`clock.now = ...`), passed where code takes a clock."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now
