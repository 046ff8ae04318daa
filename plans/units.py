"""Units: the conversion factors and how weights and distances read, stated once. Loads are
stored in kg and distances in km; they are shown at the edge, in the athlete's unit."""

from __future__ import annotations

import math

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


def format_logged(kg: float, units: str) -> str:
    """A logged load as the athlete most likely typed it: a load that is a whole half pound
    but not a loadable kg figure was typed in pounds by a kg athlete ("225 lb"), and the
    other way round ("60 kg" for a pounds athlete); else as `format_weight`."""
    pounds = kg / LB_TO_KG
    in_pounds = abs(pounds * 2 - round(pounds * 2)) < 0.03
    in_kg = abs(kg * 4 - round(kg * 4)) < 0.01
    if units == "kg" and in_pounds and not in_kg:
        return format_weight(kg, "lb")
    if units == "lb" and in_kg and not in_pounds:
        return format_weight(kg, "kg")
    return format_weight(kg, units)


def format_rounded(kg: float, units: str) -> str:
    """A number a coach says in whole units: an estimated max or a week's total, not a load
    to put on the bar ('73 kg', '1,135 kg', '161 lb'). Halves round up."""
    value = kg / LB_TO_KG if units == "lb" else kg
    return f"{math.floor(value + 0.5):,} {'lb' if units == 'lb' else 'kg'}"


def to_kg(value: float, unit: str) -> float:
    """A load typed in `unit` ("kg" or "lb"), stored in kg (2 decimals)."""
    return round(value * LB_TO_KG, 2) if unit == "lb" else float(value)


def format_distance(km: float, units: str) -> str:
    """'10 km', or in miles for athletes who lift in pounds: '6.2 mi'."""
    if units == "lb":
        return f"{round(km / MILE_KM, 1):g} mi"
    return f"{round(km, 1):g} km"
