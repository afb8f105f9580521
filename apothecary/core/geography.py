"""Countries and their regions (ISO 3166): codes from pycountry, names for people from Babel
(CLDR) in the store's locale."""

from functools import lru_cache

import pycountry
from babel import Locale
from django.conf import settings

# Countries whose addresses need a region, and whose region codes the checkout keeps.
COUNTRIES_WITH_REGIONS = {"US", "CA", "AU"}


def is_country(code: str) -> bool:
    return pycountry.countries.get(alpha_2=code.upper()) is not None


@lru_cache(maxsize=8)
def _territory_names(locale: str) -> dict[str, str]:
    return dict(Locale.parse(locale).territories)


def country_name(code: str, locale: str | None = None) -> str:
    """'US' → 'United States' (in the store's locale: 'Vereinigte Staaten' for de_DE); a code
    that names no country comes back as it was."""
    if not code:
        return ""
    upper = code.upper()
    name = _territory_names(locale or settings.STORE_LOCALE).get(upper)
    if name:
        return name
    country = pycountry.countries.get(alpha_2=upper)
    return (getattr(country, "common_name", None) or country.name) if country else code


@lru_cache(maxsize=64)
def regions(code: str) -> dict[str, str]:
    """Region code (the part after the dash, e.g. 'CA' of US-CA) → name, for countries where
    an address needs one (the US, Canada, Australia)."""
    if code.upper() not in COUNTRIES_WITH_REGIONS:
        return {}
    return {
        sub.code.split("-", 1)[1]: sub.name
        for sub in pycountry.subdivisions.get(country_code=code.upper()) or []
    }


def region_name(region: str, country: str) -> str:
    """'CA' of 'US' → 'California'; a region typed as text (or unknown) comes back as it was."""
    if not region:
        return ""
    if not country:
        return region
    return regions(country).get(region.upper(), region)
