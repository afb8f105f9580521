"""Countries and their regions (ISO 3166), from pycountry."""

from functools import lru_cache

import pycountry


def is_country(code: str) -> bool:
    return pycountry.countries.get(alpha_2=code.upper()) is not None


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code.upper())
    return getattr(country, "common_name", None) or country.name if country else code


@lru_cache(maxsize=64)
def regions(code: str) -> dict[str, str]:
    """Region code (the part after the dash, e.g. 'CA' of US-CA) → name, for countries where
    an address needs one (the US, Canada, Australia)."""
    if code.upper() not in {"US", "CA", "AU"}:
        return {}
    return {
        sub.code.split("-", 1)[1]: sub.name
        for sub in pycountry.subdivisions.get(country_code=code.upper()) or []
    }
