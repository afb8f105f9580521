"""The export engine: everything the registry can find about a person, as a ZIP with one JSON
and one CSV file per model. The customer's download, the guest's emailed link and the staff's
admin export all call `export_zip`."""

import csv
import io
import json
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils import timezone

from . import registry
from .registry import Person

README = """This file holds the personal data {brand} keeps about {email}, made on {when}.

Each kind of record is in two files: NAME.json (for programs) and NAME.csv (for a
spreadsheet). index.json lists them with how many records each has. Some technical columns
(one-way hashes, secret link tokens) are left out; what the law makes us keep is marked in
our privacy policy.
"""


class Encoder(DjangoJSONEncoder):
    """Dates, decimals and UUIDs as Django writes them; anything else (a phone number) as text."""

    def default(self, o):
        try:
            return super().default(o)
        except TypeError:
            return str(o)


def _rows(entry: registry.Entry, person: Person) -> list[dict]:
    columns = entry.export_columns()
    found = entry.rows(person)
    if isinstance(found, QuerySet):
        return list(found.order_by("pk").values(*columns))
    return [{name: getattr(row, name) for name in columns} for row in found]


def collect(person: Person) -> dict[str, list[dict]]:
    """{model label: [row, …]} for every registered model that has rows for the person."""
    data, person = {}, person.for_purpose("export")
    for entry in registry.entries():
        if not entry.findable or not entry.export_columns():
            continue
        rows = _rows(entry, person)
        if rows:
            data[entry.label] = rows
    return data


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        text = json.dumps(value, cls=Encoder)
    else:
        text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    # A spreadsheet runs a cell that starts with = + - @ as a formula: quote it.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return out.getvalue()


def export_zip(person: Person, *, brand: str = "the store") -> bytes:
    data = collect(person)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            README.format(brand=brand, email=person.email, when=timezone.now().isoformat()),
        )
        index = [{"model": label, "records": len(rows)} for label, rows in data.items()]
        archive.writestr("index.json", json.dumps(index, indent=2))
        for label, rows in data.items():
            name = label.replace(".", "-").lower()
            archive.writestr(f"{name}.json", json.dumps(rows, cls=Encoder, indent=2))
            archive.writestr(f"{name}.csv", _csv(rows))
    return buffer.getvalue()


def filename(person: Person) -> str:
    return f"personal-data-{timezone.now():%Y-%m-%d}.zip"
