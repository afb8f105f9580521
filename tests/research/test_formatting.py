"""Citations in Vancouver style, as text and as escaped HTML."""

import pytest

from apothecary.research.formatting import (
    short_page_range,
    vancouver,
    vancouver_html,
    vancouver_short,
)
from apothecary.research.models import Citation, CitationKind

TUCKER = [
    "Tucker KL",
    "Hannan MT",
    "Qiao N",
    "Jacques PF",
    "Selhub J",
    "Cupples LA",
    "Kiel DP",
]


def citation(**fields) -> Citation:
    """An unsaved citation: formatting needs no database."""
    fields.setdefault("kind", CitationKind.STUDY)
    authors = fields.pop("authors", [])
    return Citation(authors="\n".join(authors), **fields)


FRAMINGHAM = {
    "authors": TUCKER,
    "title": (
        "Low plasma vitamin B12 is associated with lower BMD: the Framingham Osteoporosis Study"
    ),
    "journal": "J Bone Miner Res",
    "year": 2005,
    "volume": "20",
    "issue": "1",
    "pages": "152-8",
    "pmid": "15616293",
    "doi": "10.1359/jbmr.041018",
}


def test_journal_article_with_seven_authors():
    assert vancouver(citation(**FRAMINGHAM)) == (
        "Tucker KL, Hannan MT, Qiao N, Jacques PF, Selhub J, Cupples LA, et al. Low plasma "
        "vitamin B12 is associated with lower BMD: the Framingham Osteoporosis Study. "
        "J Bone Miner Res. 2005;20(1):152-8."
    )


def test_six_authors_are_all_named():
    text = vancouver(citation(**{**FRAMINGHAM, "authors": TUCKER[:6]}))

    assert text.startswith("Tucker KL, Hannan MT, Qiao N, Jacques PF, Selhub J, Cupples LA. Low")
    assert "et al" not in text


def test_one_author_and_a_full_page_range_shortened():
    text = vancouver(
        citation(
            authors=["Stabler SP"],
            title="Vitamin B12 deficiency",
            journal="N Engl J Med",
            year=2013,
            volume="368",
            issue="2",
            pages="149-160",
        )
    )

    assert text == "Stabler SP. Vitamin B12 deficiency. N Engl J Med. 2013;368(2):149-60."


def test_no_authors_starts_with_the_title():
    text = vancouver(citation(title="Vitamin B12 and you", journal="J Test", year=2020))

    assert text == "Vitamin B12 and you. J Test. 2020."


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"volume": "340", "pages": "c2181"}, "BMJ. 2010;340:c2181."),
        ({"issue": "3"}, "BMJ. 2010;(3)."),
        ({"pages": "12-19"}, "BMJ. 2010:12-9."),
        ({"year": None, "volume": "340"}, "BMJ. 340."),
        ({"journal": "", "volume": "340"}, "2010;340."),
        ({"journal": "", "year": None}, ""),
    ],
)
def test_missing_parts_leave_no_stray_punctuation(fields, expected):
    base = {"authors": ["de Jager J"], "title": "Metformin and B12", "journal": "BMJ", "year": 2010}

    text = vancouver(citation(**{**base, **fields}))

    assert text == f"de Jager J. Metformin and B12. {expected}".strip()


def test_a_title_ending_with_a_question_mark_keeps_it():
    text = vancouver(citation(title="Is B12 absorbed through the skin?", journal="J Test"))

    assert text == "Is B12 absorbed through the skin? J Test."


def test_web_page():
    page = citation(
        kind=CitationKind.WEB_PAGE,
        title="Vitamin B12: fact sheet for health professionals",
        journal="National Institutes of Health, Office of Dietary Supplements",
        year=2024,
        url="https://ods.od.nih.gov/factsheets/VitaminB12-HealthProfessional/",
    )

    assert vancouver(page) == (
        "Vitamin B12: fact sheet for health professionals [Internet]. National Institutes of "
        "Health, Office of Dietary Supplements; 2024. Available from: "
        "https://ods.od.nih.gov/factsheets/VitaminB12-HealthProfessional/"
    )


def test_web_page_without_publisher_year_or_address():
    page = citation(kind=CitationKind.WEB_PAGE, title="A page", authors=["Doe J"])

    assert vancouver(page) == "Doe J. A page [Internet]."


def test_html_escapes_everything_and_keeps_the_text():
    risky = citation(
        authors=["O'Brien <b>X</b>"],
        title='B12 & "bones" <script>alert(1)</script>',
        journal="J <i>Test</i>",
        year=2020,
    )

    html = vancouver_html(risky)

    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "B12 &amp; &quot;bones&quot;" in html
    assert html.startswith('<span class="citation"><span class="citation__authors">')


def test_html_of_the_framingham_paper():
    html = vancouver_html(citation(**FRAMINGHAM))

    assert html == (
        '<span class="citation">'
        '<span class="citation__authors">Tucker KL, Hannan MT, Qiao N, Jacques PF, Selhub J, '
        "Cupples LA, et al.</span> "
        '<span class="citation__title">Low plasma vitamin B12 is associated with lower BMD: the '
        "Framingham Osteoporosis Study.</span> "
        '<span class="citation__journal">J Bone Miner Res.</span> '
        '<span class="citation__details">2005;20(1):152-8.</span>'
        "</span>"
    )
    # DOI and PubMed links are the page template's job.
    assert "doi.org" not in html and "pubmed" not in html


def test_html_web_page_links_only_http_addresses():
    page = citation(kind=CitationKind.WEB_PAGE, title="Fact sheet", url="https://example.org/b12")
    assert (
        'Available from: <a class="citation__url" href="https://example.org/b12" '
        'rel="noopener">https://example.org/b12</a>'
    ) in vancouver_html(page)

    sneaky = citation(kind=CitationKind.WEB_PAGE, title="Fact sheet", url="javascript:alert(1)")
    assert "<a " not in vancouver_html(sneaky)


@pytest.mark.parametrize(
    ("pages", "short"),
    [
        ("152-158", "152-8"),
        ("1441-1448", "1441-8"),
        ("150-160", "150-60"),
        ("99-101", "99-101"),
        ("152--158", "152-8"),
        ("152\u2013158", "152-8"),
        ("c2181", "c2181"),
        ("e12-e19", "e12-e19"),
        ("152", "152"),
        ("", ""),
    ],
)
def test_page_ranges(pages, short):
    assert short_page_range(pages) == short


def test_short_form_for_lists():
    assert vancouver_short(citation(**FRAMINGHAM), title_chars=40) == (
        "Tucker KL, et al. Low plasma vitamin B12 is associated… J Bone Miner Res. 2005."
    )
    assert vancouver_short(citation(title="Untitled page")) == "Untitled page."


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"title": "What Causes Osteoporosis? And Why?", "journal": "Bone Health", "year": 2019},
            "What Causes Osteoporosis? And Why? Bone Health. 2019.",
        ),
        ({"title": "B12 at last!", "journal": "J Test"}, "B12 at last! J Test."),
        ({"title": "Ends in a stop.", "journal": "J Test."}, "Ends in a stop. J Test."),
        ({"title": 'He asked "Why B12?"', "journal": "J Test"}, 'He asked "Why B12?" J Test.'),
        ({"title": "A review (2020)", "journal": "J Test"}, "A review (2020). J Test."),
    ],
)
def test_a_title_or_journal_ending_in_punctuation_gets_no_second_mark(fields, expected):
    assert vancouver(citation(**fields)) == expected


def test_a_web_page_title_ending_in_punctuation_gets_no_second_mark():
    page = citation(
        kind=CitationKind.WEB_PAGE,
        title="What Causes Osteoporosis? And Why?",
        journal="Bone Health Trust",
        year=2021,
    )

    assert vancouver(page) == (
        "What Causes Osteoporosis? And Why? [Internet]. Bone Health Trust; 2021."
    )


def test_the_short_form_keeps_a_journal_ending_in_a_stop_single():
    short = vancouver_short(citation(title="Why B12?", journal="Proc. Nutr. Soc.", year=2020))

    assert short == "Why B12? Proc. Nutr. Soc. 2020."
