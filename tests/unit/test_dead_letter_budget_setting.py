"""GRIDWATCH_DEAD_LETTER_BUDGET_BYTES: the dead-letter stream's Redis budget, bounded, reaches
the store that ingest writes through."""

from __future__ import annotations

from typing import cast

import pytest
from pydantic import ValidationError

from gridwatch.config.schema import District
from gridwatch.config.settings import Settings
from gridwatch.ingest.dead_letters import BUDGET_BYTES
from gridwatch.runtime.clock import utc_now
from gridwatch.store.hot_state import HotState
from gridwatch.streams.ingest_role import IngestRole
from gridwatch.streams.publisher import Publisher
from tests.conftest import MINIMAL

MIB = 1 << 20


def test_the_default_is_the_stores_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRIDWATCH_DEAD_LETTER_BUDGET_BYTES", raising=False)
    assert Settings().dead_letter_budget_bytes == BUDGET_BYTES == 64 * MIB


@pytest.mark.parametrize("value", ["1024", str(8 << 30), "lots"])
def test_a_budget_out_of_bounds_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("GRIDWATCH_DEAD_LETTER_BUDGET_BYTES", value)
    with pytest.raises(ValidationError, match="dead_letter_budget_bytes"):
        Settings()


def test_the_setting_reaches_the_dead_letter_store_of_ingest(
    monkeypatch: pytest.MonkeyPatch, minimal_district: District
) -> None:
    monkeypatch.setenv("GRIDWATCH_DEAD_LETTER_BUDGET_BYTES", str(8 * MIB))
    settings = Settings()
    # Nothing is sent or stored: the role is only built, never started.
    role = IngestRole(
        MINIMAL,
        minimal_district,
        cast(Publisher, object()),
        HotState("redis://127.0.0.1:1/0"),
        utc_now,
        dead_letter_budget_bytes=settings.dead_letter_budget_bytes,
    )
    assert role.intake.dead_letters.budget_bytes == 8 * MIB
