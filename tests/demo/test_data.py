"""The demo's copy as data files: a seed reads every one of them, and the StreamField
fragments are cut into blocks exactly as data/README.md says."""

from unittest import mock

import pytest

from apothecary.demo import content
from apothecary.demo.seeding import seed_demo

FRAGMENT = """\
<!-- heading -->
<h2>Where it comes from</h2>

<!-- paragraph -->
<p>B12 occurs in <b>animal</b>
  foods [cite:key:ods-b12-fact-sheet].</p>
<p>Plant foods do not.</p>

<!-- bullet_list -->
<ol>
  <li>Meat &amp; fish</li>
  <li>Eggs</li>
</ol>

<!-- comparison_table -->
<table>
  <caption>Daily needs</caption>
  <tr><th>Age</th><th>Amount</th></tr>
  <tr><td>Adults</td><td>2.4 micrograms</td></tr>
</table>

<!-- callout {tone = "warning", title = "See your doctor"} -->
<p>Ask for a blood test.</p>

<!-- image {image = "leaf", alt_text = "Leaves", caption = ""} -->

<!-- citation {citation = "framingham-bmd", note = "The hip."} -->
"""


def fragment(monkeypatch, text):
    monkeypatch.setattr(content, "_read_text", lambda path: text)


def test_a_fragment_is_cut_into_one_block_per_comment(monkeypatch):
    fragment(monkeypatch, FRAGMENT)

    assert content.stream("posts/any.html") == [
        ("heading", {"text": "Where it comes from", "level": "h2"}),
        (
            "paragraph",
            "<p>B12 occurs in <b>animal</b> foods [cite:key:ods-b12-fact-sheet].</p>"
            "<p>Plant foods do not.</p>",
        ),
        ("bullet_list", {"items": ["Meat & fish", "Eggs"], "ordered": True}),
        (
            "comparison_table",
            {
                "caption": "Daily needs",
                "left_heading": "Age",
                "right_heading": "Amount",
                "rows": [{"left": "Adults", "right": "2.4 micrograms"}],
            },
        ),
        (
            "callout",
            {"tone": "warning", "title": "See your doctor", "text": "<p>Ask for a blood test.</p>"},
        ),
        ("image", {"image": "leaf", "alt_text": "Leaves", "caption": ""}),
        ("citation", {"citation": "framingham-bmd", "note": "The hip."}),
    ]


@pytest.mark.parametrize(
    "text, message",
    [
        ("<p>No comment first.</p>\n", "posts/bad.html: must start with a block comment"),
        ("<!-- quote -->\n<p>Hi.</p>\n", "posts/bad.html, block 1: unknown block type 'quote'"),
        (
            "<!-- heading -->\n<p>Not a heading.</p>\n",
            "posts/bad.html, block 1 (heading): a heading is one <h2>…</h2> (or h3–h6)",
        ),
        (
            "<!-- paragraph -->\n<p>Fine.</p>\n<!-- image -->\n<p>Text.</p>\n",
            "posts/bad.html, block 2 (image): this block takes its fields in the comment",
        ),
    ],
)
def test_a_broken_fragment_names_its_file_and_block(monkeypatch, text, message):
    fragment(monkeypatch, text)

    with pytest.raises(content.DemoDataError) as error:
        content.stream("posts/bad.html")

    assert str(error.value).startswith(message)


def test_rich_text_ignores_how_its_lines_are_wrapped(monkeypatch):
    fragment(
        monkeypatch, "<ul>\n  <li>One\n    line</li>\n</ul>\n<p>Two <a href='/x'>links</a>.</p>\n"
    )

    assert content.rich_text("product/any.html") == (
        "<ul><li>One line</li></ul><p>Two <a href='/x'>links</a>.</p>"
    )


def test_only_files_in_the_data_folder_are_read():
    with pytest.raises(content.DemoDataError):
        content.rich_text("../seeding.py")


@pytest.mark.django_db
def test_seeding_reads_every_data_file():
    read = []
    real = content._read_text

    def recording(path):
        read.append(path)
        return real(path)

    with mock.patch.object(content, "_read_text", recording):
        seed_demo(reset=True, quiet=True)

    names = sorted(str(path.relative_to(content.DATA_DIR)) for path in content.data_files())
    assert sorted({str(path.relative_to(content.DATA_DIR)) for path in read}) == names
    assert len(names) == 33
