"""Why a device's stream stopped; the supervisor reconnects after any of them."""

from __future__ import annotations


class SourceFailed(Exception):
    """The source could not be opened or broke off; reconnect after a backoff."""


class SourceStalled(SourceFailed):
    """Connected, but no frame arrived for the stall timeout (a frozen camera or encoder)."""


class SourceClosed(SourceFailed):
    """The device ended the stream (camera reboot, server restart)."""
