"""Units: the conversion factors and how weights and distances read, stated once. Loads are
stored in kg and distances in km; they are shown at the edge, in the athlete's unit."""

from __future__ import annotations

LB_TO_KG = 0.45359237  # exact, by the international yard and pound agreement (1959)
MILE_KM = 1.609344


def number(value: float) -> str:
    """At most two decimals, no trailing zeros: 62.5, 61.25, 60."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def in_units(kg: float, units: str) -> float:
    """A stored load in the athlete's unit: kg as stored, pounds to the half pound (loads
    the coach prescribes are already what can be loaded in that unit)."""
    return round(kg / LB_TO_KG * 2) / 2 if units == "lb" else round(kg, 2)


def format_weight(kg: float, units: str) -> str:
    """'62.5 kg', '135 lb'."""
    return f"{number(in_units(kg, units))} {'lb' if units == 'lb' else 'kg'}"


def to_kg(value: float, unit: str) -> float:
    """A load typed in `unit` ("kg" or "lb"), stored in kg (2 decimals)."""
    return round(value * LB_TO_KG, 2) if unit == "lb" else float(value)


def format_distance(km: float, units: str) -> str:
    """'10 km', or in miles for athletes who lift in pounds: '6.2 mi'."""
    if units == "lb":
        return f"{round(km / MILE_KM, 1):g} mi"
    return f"{round(km, 1):g} km"
