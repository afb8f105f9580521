"""Reads the demo's copy from the files in data/ (their format: data/README.md).

Three kinds of file:
- `*.toml` specs (read with tomllib): pages, menus, store, reviews, … ;
- rich-text fragments (`rich_text`): HTML whose line breaks are only there for the people
  editing it, so the text is the same however its lines are wrapped;
- StreamField bodies (`stream`): fragments cut into blocks by a comment per block,
  `<!-- paragraph -->` or, with the block's own fields as a TOML inline table,
  `<!-- callout {tone = "info", title = "Please read first"} -->`.

Nothing is cached: every call reads its file again (the seeder reads each one once a run).
"""

import html
import re
import tomllib
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"

# Whitespace next to these tags is layout, never text (inline tags such as <b> and <a> keep
# the spaces around them).
_LAYOUT_TAGS = "p|ul|ol|li|h[1-6]|table|caption|tr|th|td"
_AROUND_LAYOUT_TAG = re.compile(rf"\s*(</?(?:{_LAYOUT_TAGS})>)\s*")
_MARKER = re.compile(r"^[ \t]*<!--\s*([a-z_]+)\s*(\{.*\})?\s*-->[ \t]*$", re.MULTILINE)
_HEADING = re.compile(r"<(h[2-6])>(.*)</\1>", re.DOTALL)
_LIST = re.compile(r"<(ul|ol)>(.*)</\1>", re.DOTALL)
_LIST_ITEM = re.compile(r"<li>(.*?)</li>", re.DOTALL)
_TABLE = re.compile(r"<table><caption>(.*?)</caption>(.*)</table>", re.DOTALL)
_TABLE_ROW = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
_TABLE_CELL = re.compile(r"<t[hd]>(.*?)</t[hd]>", re.DOTALL)


class DemoDataError(ValueError):
    """A data file that cannot be read as the demo's copy; the message names the file."""


def _read_text(path: Path) -> str:
    """Every read of a data file goes through here."""
    return path.read_text(encoding="utf-8")


def _path(name: str) -> Path:
    path = (DATA_DIR / name).resolve()
    if DATA_DIR not in path.parents:
        raise DemoDataError(f"{name}: not a file in {DATA_DIR}")
    return path


def data_files() -> list[Path]:
    """Every file of the demo's copy (the README describes them and is not one)."""
    return sorted(
        path for path in DATA_DIR.rglob("*") if path.is_file() and path.name != "README.md"
    )


def read(name: str) -> dict[str, Any]:
    """The spec data/<name>.toml."""
    path = _path(f"{name}.toml")
    try:
        return tomllib.loads(_read_text(path))
    except tomllib.TOMLDecodeError as error:
        raise DemoDataError(f"{path.relative_to(DATA_DIR)}: {error}") from None


def _joined(text: str) -> str:
    """Line breaks and runs of spaces count as one space; none next to a layout tag."""
    return _AROUND_LAYOUT_TAG.sub(r"\1", " ".join(text.split()))


def rich_text(name: str) -> str:
    """The rich text (HTML) of the fragment data/<name>."""
    return _joined(_read_text(_path(name)))


def _plain(text: str) -> str:
    """Text inside a list item, table cell or heading: plain text, entities decoded."""
    if "<" in text:
        raise ValueError(f"plain text expected, not markup: {text[:60]!r}")
    return html.unescape(text)


def _heading(content: str, fields: dict) -> dict:
    match = _HEADING.fullmatch(content)
    if match is None:
        raise ValueError("a heading is one <h2>…</h2> (or h3–h6)")
    return {"text": _plain(match[2]), "level": match[1]}


def _bullet_list(content: str, fields: dict) -> dict:
    match = _LIST.fullmatch(content)
    if match is None:
        raise ValueError("a list is one <ul> or <ol> of <li> items")
    return {
        "items": [_plain(item) for item in _LIST_ITEM.findall(match[2])],
        "ordered": match[1] == "ol",
    }


def _comparison_table(content: str, fields: dict) -> dict:
    match = _TABLE.fullmatch(content)
    if match is None:
        raise ValueError("a table is <table><caption>…</caption> and rows of <th>/<td> pairs")
    rows = [
        [_plain(cell) for cell in _TABLE_CELL.findall(row)] for row in _TABLE_ROW.findall(match[2])
    ]
    if not rows or any(len(row) != 2 for row in rows):
        raise ValueError("every table row has two cells, the first row the headings")
    (left_heading, right_heading), *body = rows
    return {
        "caption": _plain(match[1]),
        "left_heading": left_heading,
        "right_heading": right_heading,
        "rows": [{"left": left, "right": right} for left, right in body],
    }


def _paragraph(content: str, fields: dict) -> str:
    return content


def _callout(content: str, fields: dict) -> dict:
    return {**fields, "text": content}


def _fields_only(content: str, fields: dict) -> dict:
    if content:
        raise ValueError("this block takes its fields in the comment and has no HTML")
    return fields


_BLOCKS = {
    "heading": _heading,
    "paragraph": _paragraph,
    "bullet_list": _bullet_list,
    "comparison_table": _comparison_table,
    "callout": _callout,
    "image": _fields_only,
    "citation": _fields_only,
}


def stream(name: str) -> list[tuple[str, Any]]:
    """The StreamField blocks of data/<name> as (block type, value) pairs, image and citation
    keys not yet made ids."""
    text = _read_text(_path(name))
    markers = list(_MARKER.finditer(text))
    if not markers or text[: markers[0].start()].strip():
        raise DemoDataError(f"{name}: must start with a block comment such as <!-- paragraph -->")
    blocks = []
    for n, marker in enumerate(markers):
        end = markers[n + 1].start() if n + 1 < len(markers) else len(text)
        block_type, raw_fields = marker[1], marker[2]
        try:
            build = _BLOCKS[block_type]
        except KeyError:
            raise DemoDataError(
                f"{name}, block {n + 1}: unknown block type {block_type!r}"
            ) from None
        try:
            fields = tomllib.loads(f"fields = {raw_fields}")["fields"] if raw_fields else {}
            blocks.append((block_type, build(_joined(text[marker.end() : end]), fields)))
        except (ValueError, tomllib.TOMLDecodeError) as error:
            raise DemoDataError(f"{name}, block {n + 1} ({block_type}): {error}") from None
    return blocks
