"""``procurement``: one party buys or orders equipment from another (contract sections 2, 5, 6).

``recipient`` is the buyer, ``donor`` the seller: "Tajikistan buys a presidential plane from
Mexico for $92 million" -> recipient ``Tajikistan``, donor ``Mexico``, value 92,000,000 USD,
items ``presidential plane``. "The U.S. plans to sell Ukraine four MQ-1C drones" -> donor
``United States``, recipient ``Ukraine``. A ministry or agency buys for its country ("Ukraine's defence
ministry signed a contract to buy ... from a manufacturer in the Czech Republic" -> recipient
``Ukraine``, donor ``Czech Republic``); a company "contracted to supply" a party is the seller and
that party the buyer. A purchase needs a finite buy/order/sell verb and
something bought (a named item, a value, or arms/equipment); money given "to buy" or "for the
purchase of" something is aid, not procurement. Sentence analysis, dates, values and items are
shared with :mod:`opslens.extract.aid`.
"""
from __future__ import annotations

from typing import Any

from .aid import extract_kind
from .base import Document, register

__all__ = ["ProcurementExtractor"]


@register
class ProcurementExtractor:
    """Purchases and orders (see module docstring)."""

    name = "procurement"

    def extract(self, doc: Document) -> list[dict[str, Any]]:
        return extract_kind(doc, "procurement")
