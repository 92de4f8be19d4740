"""GRIDWATCH_TRUSTED_PROXIES: comma-separated addresses and networks, none by default."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gridwatch.config.settings import Settings


def test_no_proxy_is_trusted_by_default(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("GRIDWATCH_TRUSTED_PROXIES", raising=False)
    assert Settings().trusted_proxies == []


def test_addresses_and_networks_are_read_comma_separated(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GRIDWATCH_TRUSTED_PROXIES", "10.0.0.5, 10.1.0.0/16,fd00::/8")
    assert [str(n) for n in Settings().trusted_proxies] == [
        "10.0.0.5/32",
        "10.1.0.0/16",
        "fd00::/8",
    ]


def test_a_name_that_is_no_address_is_refused(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GRIDWATCH_TRUSTED_PROXIES", "proxy.local")
    with pytest.raises(ValidationError, match="trusted_proxies"):
        Settings()
