"""The legal duty behind a routed event, for route explanations: the matched plan's own duty
items, else the responsibility list's lead duties for the event type."""

from __future__ import annotations

from gridwatch.config.schema import District, Route
from gridwatch.enforcement.catalogue import LegalDuty, legal_basis_for


def find_route(route: Route, route_id: str | None) -> Route | None:
    if route.id == route_id:
        return route
    for child in route.routes:
        hit = find_route(child, route_id)
        if hit is not None:
            return hit
    return None


def route_legal_duties(
    district: District, event_type: str, route_id: str | None
) -> list[LegalDuty]:
    """What the explanation of a routing decision shows as legal duty and basis."""
    catalogue = district.enforcement.responsibility
    if catalogue is None:
        return []
    route = find_route(district.plans.route, route_id)
    return legal_basis_for(catalogue, event_type, route.duty_items if route else ())
