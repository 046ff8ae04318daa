"""Understanding what a runner types for a timezone: IANA names, cities, UTC offsets."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass
from functools import lru_cache

_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)

# Cities people name that are not the last part of an IANA zone id.
CITY_ALIASES: dict[str, str] = {
    "washington": "America/New_York",
    "boston": "America/New_York",
    "miami": "America/New_York",
    "atlanta": "America/New_York",
    "philadelphia": "America/New_York",
    "san francisco": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "portland": "America/Los_Angeles",
    "san diego": "America/Los_Angeles",
    "dallas": "America/Chicago",
    "houston": "America/Chicago",
    "austin": "America/Chicago",
    "minneapolis": "America/Chicago",
    "montreal": "America/Toronto",
    "ottawa": "America/Toronto",
    "munich": "Europe/Berlin",
    "münchen": "Europe/Berlin",
    "hamburg": "Europe/Berlin",
    "frankfurt": "Europe/Berlin",
    "cologne": "Europe/Berlin",
    "köln": "Europe/Berlin",
    "geneva": "Europe/Zurich",
    "milan": "Europe/Rome",
    "barcelona": "Europe/Madrid",
    "manchester": "Europe/London",
    "edinburgh": "Europe/London",
    "glasgow": "Europe/London",
    "porto": "Europe/Lisbon",
    "krakow": "Europe/Warsaw",
    "kyiv": "Europe/Kyiv",
    "st petersburg": "Europe/Moscow",
    "mumbai": "Asia/Kolkata",
    "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata",
    "bengaluru": "Asia/Kolkata",
    "chennai": "Asia/Kolkata",
    "beijing": "Asia/Shanghai",
    "hong kong": "Asia/Hong_Kong",
    "osaka": "Asia/Tokyo",
    "canberra": "Australia/Sydney",
    "cape town": "Africa/Johannesburg",
    "rio": "America/Sao_Paulo",
    "rio de janeiro": "America/Sao_Paulo",
    "wellington": "Pacific/Auckland",
    "ho chi minh city": "Asia/Ho_Chi_Minh",
    "saigon": "Asia/Ho_Chi_Minh",
    "dubai": "Asia/Dubai",
    "abu dhabi": "Asia/Dubai",
}

# Likely zones by Telegram language code, offered as buttons.
LANGUAGE_ZONES: dict[str, tuple[str, ...]] = {
    "en": ("Europe/London", "America/New_York", "America/Los_Angeles", "Australia/Sydney"),
    "de": ("Europe/Berlin", "Europe/Vienna", "Europe/Zurich"),
    "fr": ("Europe/Paris", "Europe/Brussels", "America/Montreal"),
    "es": (
        "Europe/Madrid",
        "America/Mexico_City",
        "America/Bogota",
        "America/Argentina/Buenos_Aires",
    ),
    "it": ("Europe/Rome",),
    "nl": ("Europe/Amsterdam", "Europe/Brussels"),
    "pt": ("Europe/Lisbon", "America/Sao_Paulo"),
    "pl": ("Europe/Warsaw",),
    "uk": ("Europe/Kyiv",),
    "ru": ("Europe/Moscow",),
    "tr": ("Europe/Istanbul",),
    "hi": ("Asia/Kolkata",),
    "ja": ("Asia/Tokyo",),
    "ko": ("Asia/Seoul",),
    "zh": ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei"),
    "sv": ("Europe/Stockholm",),
    "da": ("Europe/Copenhagen",),
    "nb": ("Europe/Oslo",),
    "fi": ("Europe/Helsinki",),
}
DEFAULT_ZONES: tuple[str, ...] = (
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
)


@dataclass(frozen=True)
class ZoneChoice:
    name: str  # IANA id, or "+05:30" style fixed offset
    label: str  # how to call it to the runner ("Berlin")
    fixed_offset: bool


def tzinfo_for(name: str) -> dt.tzinfo:
    """The tzinfo for a stored zone name (IANA id or a fixed "+HH:MM" offset)."""
    match = _OFFSET.match(name.strip())
    if match:
        sign, hours, minutes = match.groups()
        delta = dt.timedelta(hours=int(hours), minutes=int(minutes or 0))
        return dt.timezone(-delta if sign == "-" else delta)
    return zoneinfo.ZoneInfo(name)


@lru_cache(maxsize=1)
def _by_city() -> dict[str, str]:
    cities: dict[str, str] = {}
    for zone in sorted(zoneinfo.available_timezones()):
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/")):
            cities.setdefault(zone.rsplit("/", 1)[1].replace("_", " ").lower(), zone)
    cities.update(CITY_ALIASES)
    return cities


@lru_cache(maxsize=1)
def _by_lower_name() -> dict[str, str]:
    return {zone.lower(): zone for zone in zoneinfo.available_timezones()}


def label_for(name: str) -> str:
    if _OFFSET.match(name):
        return f"UTC{name}"
    return name.rsplit("/", 1)[-1].replace("_", " ")


def parse_zone(text: str) -> ZoneChoice | None:
    """Read an IANA id, a major city or a UTC offset; None if none of them."""
    raw = " ".join(text.strip().split())
    if not raw:
        return None
    match = _OFFSET.match(raw)
    if match:
        sign, hours, minutes = match.groups()
        if int(hours) > 14 or int(minutes or 0) >= 60:
            return None
        name = f"{sign}{int(hours):02d}:{int(minutes or 0):02d}"
        return ZoneChoice(name, f"UTC{name}", fixed_offset=True)
    if raw.upper() in ("UTC", "GMT", "Z"):
        return ZoneChoice("UTC", "UTC", fixed_offset=False)
    exact = _by_lower_name().get(raw.lower().replace(" ", "_"))
    if exact:
        return ZoneChoice(exact, label_for(exact), fixed_offset=False)
    city = _by_city().get(raw.lower().replace("_", " "))
    if city:
        return ZoneChoice(city, raw.title() if raw.islower() else raw, fixed_offset=False)
    return None


def likely_zones(language_code: str | None) -> tuple[str, ...]:
    lang = (language_code or "").split("-")[0].lower()
    return LANGUAGE_ZONES.get(lang, DEFAULT_ZONES)
