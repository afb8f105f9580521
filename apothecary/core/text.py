"""Text that people type: the invisible characters that reorder what others read are removed.

The Unicode bidirectional controls (U+202A-U+202E embeddings and overrides, U+2066-U+2069
isolates, U+200E/U+200F marks, U+061C the Arabic letter mark) make "moc.elpmaxe@" read as
"@example.com", or a review read backwards ("Trojan Source", CVE-2021-42574). Nobody needs
them in a name, an address, a review or a message: every form field of user text strips them
(`UserTextField`, or `strip_bidi_controls` in a form's clean method)."""

from django import forms

BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_REMOVE = dict.fromkeys(map(ord, BIDI_CONTROLS))


def strip_bidi_controls(text: str) -> str:
    """`text` without any bidirectional control character; anything else is kept."""
    return text.translate(_REMOVE) if isinstance(text, str) else text


class UserTextField(forms.CharField):
    """A CharField whose value has the bidirectional controls removed before it is validated
    (so a value of nothing but controls is empty, and lengths count what is kept)."""

    def to_python(self, value):
        value = super().to_python(value)
        if isinstance(value, str):
            value = strip_bidi_controls(value)
            if self.strip:
                value = value.strip()
        return value
