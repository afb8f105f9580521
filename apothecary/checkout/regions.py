"""A region as people type it ("California", " ca ", "US-CA") → its code ("CA"), for tax
rates per region and for addresses. Countries with a list of regions (core.geography.regions:
the US, Canada, Australia) are matched against it; elsewhere the text is trimmed and
upper-cased."""

import unicodedata

from apothecary.core import geography


def _folded(text: str) -> str:
    """Upper-case, single spaces and no accents, so that "québec" matches "Quebec"."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(plain.split()).upper()


def match_region(country: str, text: str) -> str | None:
    """The code of the country's region named or coded by `text`; None when the country has
    a list of regions and `text` is none of them. Countries without a list accept any text."""
    country = (country or "").strip().upper()
    wanted = _folded(text or "")
    known = geography.regions(country) if country else {}
    if not known:
        return wanted
    for code, name in known.items():
        if wanted in (code.upper(), _folded(name), f"{country}-{code}".upper()):
            return code
    return None


def region_code(country: str, text: str) -> str:
    """The region's code when it is known, else the text trimmed and upper-cased: the form a
    tax rate is looked up by."""
    code = match_region(country, text)
    return code if code is not None else _folded(text or "")
