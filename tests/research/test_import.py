"""Importing citations from RIS, BibTeX, PubMed MEDLINE and PubMed XML files: good files,
the same paper in two files, a file with one unusable record, and files that cannot be read
(nothing from them is written). Also the import_citations command and the demo library."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apothecary.demo.research import demo_citations, seed_citations
from apothecary.research.importers import FileParseError, detect_format, parse_file
from apothecary.research.models import Citation, CitationKind
from apothecary.research.services import citations_import

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
DEMO_CITATIONS = demo_citations()


def fixture(name: str) -> tuple[str, bytes]:
    return name, (FIXTURES / name).read_bytes()


@pytest.fixture(autouse=True)
def empty_library(db):
    """Each test starts from an empty library (the seeded demo may hold citations)."""
    Citation.objects.all().delete()


def counts(summary) -> list[tuple[str, int, int, int, int]]:
    return [(f.filename, f.created, f.updated, f.skipped, f.failed) for f in summary.files]


# --- Good files -------------------------------------------------------------------------------


def test_ris_file_creates_its_citations_with_normalised_fields():
    summary = citations_import(files=[fixture("good.ris")])

    assert counts(summary) == [("good.ris", 3, 0, 0, 0)]
    tucker = Citation.objects.get(pmid="15616293")
    assert tucker.doi == "10.1359/jbmr.041018"
    assert tucker.author_list() == [
        "Tucker KL",
        "Hannan MT",
        "Qiao N",
        "Jacques PF",
        "Selhub J",
        "Cupples LA",
        "Kiel DP",
    ]
    assert tucker.journal == "J Bone Miner Res"  # the abbreviation (J2) over the full name
    assert (tucker.year, tucker.volume, tucker.issue, tucker.pages) == (2005, "20", "1", "152-8")
    assert tucker.kind == CitationKind.STUDY
    assert sorted(tucker.topics.names()) == ["bone health", "osteoporosis"]
    fact_sheet = Citation.objects.get(title="Vitamin B12: fact sheet for health professionals")
    assert fact_sheet.kind == CitationKind.WEB_PAGE
    assert fact_sheet.url == "https://ods.od.nih.gov/factsheets/VitaminB12-HealthProfessional/"
    assert fact_sheet.journal == "National Institutes of Health, Office of Dietary Supplements"
    stabler = Citation.objects.get(doi="10.1056/nejmcp1113996")  # given as a doi.org URL
    assert stabler.kind == CitationKind.REVIEW


def test_bibtex_file_reads_latex_names_and_braces():
    summary = citations_import(files=[fixture("good.bib")])

    assert counts(summary) == [("good.bib", 2, 0, 0, 0)]
    metformin = Citation.objects.get(doi="10.1136/bmj.c2181")
    assert metformin.author_list()[:6] == [
        "de Jager J",
        "Kooy A",
        "Lehert P",
        "Wulffelé MG",
        "van der Kolk J",
        "Bets D",
    ]
    assert metformin.title.endswith(
        "risk of vitamin B-12 deficiency: randomised placebo controlled trial"
    )
    assert (metformin.journal, metformin.year, metformin.pages) == ("BMJ", 2010, "c2181")
    assert sorted(metformin.topics.names()) == ["B12 deficiency", "metformin"]
    tucker = Citation.objects.get(doi="10.1359/jbmr.041018")
    assert tucker.title == (
        "Low plasma vitamin B12 is associated with lower BMD: the Framingham Osteoporosis Study"
    )
    assert (tucker.pmid, tucker.pages) == ("15616293", "152-8")


def test_medline_file_reads_continuation_lines_and_publication_types():
    summary = citations_import(files=[fixture("good.nbib")])

    assert counts(summary) == [("good.nbib", 2, 0, 0, 0)]
    miller = Citation.objects.get(pmid="15896807")
    assert miller.title == (
        "Vitamin B12, demyelination, remyelination and repair in multiple sclerosis"
    )
    assert miller.author_list() == ["Miller A", "Korem M", "Almog R", "Galboiz Y"]
    assert (miller.journal, miller.year, miller.volume, miller.issue, miller.pages) == (
        "J Neurol Sci",
        2005,
        "233",
        "1-2",
        "93-7",
    )
    assert miller.doi == "10.1016/j.jns.2005.03.009"
    assert miller.kind == CitationKind.REVIEW
    assert sorted(miller.topics.names()) == ["multiple sclerosis", "myelin"]
    metformin = Citation.objects.get(pmid="20488910")
    assert metformin.doi == "10.1136/bmj.c2181"  # from LID/AID "[doi]", not the "[pii]"
    assert metformin.author_list()[0] == "de Jager J"  # AU, the short form


def test_pubmed_xml_file_reads_authors_dates_and_ids():
    summary = citations_import(files=[fixture("good.xml")])

    assert counts(summary) == [("good.xml", 2, 0, 0, 0)]
    eastell = Citation.objects.get(pmid="1320549")
    assert eastell.doi == "10.1042/cs0820681"  # from PubmedData/ArticleIdList
    assert eastell.title == "Pernicious anaemia as a risk factor for osteoporosis"
    assert len(eastell.author_list()) == 7
    assert eastell.author_list()[1] == "Vieira NE"
    assert (eastell.journal, eastell.year, eastell.volume, eastell.issue, eastell.pages) == (
        "Clin Sci (Lond)",
        1992,
        "82",
        "6",
        "681-5",
    )
    assert sorted(eastell.topics.names()) == ["bone health", "pernicious anemia"]
    miller = Citation.objects.get(pmid="15896807")
    assert miller.doi == "10.1016/j.jns.2005.03.009"  # from ELocationID
    assert miller.kind == CitationKind.REVIEW


# --- The same paper again ---------------------------------------------------------------------


def test_all_four_files_together_match_papers_across_formats():
    summary = citations_import(
        files=[fixture("good.ris"), fixture("good.bib"), fixture("good.nbib"), fixture("good.xml")]
    )

    assert counts(summary) == [
        ("good.ris", 3, 0, 0, 0),
        # Framingham again, with its DOI as a URL in another case: nothing new.
        ("good.bib", 1, 0, 1, 0),
        # the metformin trial again, now with its PMID: updated.
        ("good.nbib", 1, 1, 0, 0),
        # the MS review again, the same in every field.
        ("good.xml", 1, 0, 1, 0),
    ]
    assert (summary.created, summary.updated, summary.skipped, summary.failed) == (6, 1, 2, 0)
    assert Citation.objects.count() == 6
    assert Citation.objects.get(doi="10.1136/bmj.c2181").pmid == "20488910"


def test_reimporting_a_file_skips_everything_unchanged():
    citations_import(files=[fixture("good.xml")])

    summary = citations_import(files=[fixture("good.xml")])

    assert counts(summary) == [("good.xml", 0, 0, 2, 0)]
    assert Citation.objects.count() == 2


def test_an_update_keeps_the_editors_summary_and_topics_and_never_blanks_a_field():
    citations_import(files=[fixture("good.ris")])
    tucker = Citation.objects.get(pmid="15616293")
    tucker.summary = "Our own words."
    tucker.url = "https://example.org/framingham"
    tucker.title = "An old title"
    tucker.save()
    tucker.topics.set(["bones"])
    bib = b"""@article{t, title={Low plasma vitamin B12 is associated with lower BMD},
      doi={10.1359/JBMR.041018}, keywords={other, topics}}"""

    summary = citations_import(files=[("update.bib", bib)])

    assert counts(summary) == [("update.bib", 0, 1, 0, 0)]
    tucker.refresh_from_db()
    assert tucker.title == "Low plasma vitamin B12 is associated with lower BMD"
    assert tucker.summary == "Our own words."
    assert tucker.url == "https://example.org/framingham"  # the file had none
    assert tucker.journal == "J Bone Miner Res"
    assert list(tucker.topics.names()) == ["bones"]


def test_no_update_skips_existing_citations():
    citations_import(files=[fixture("good.bib")])

    summary = citations_import(files=[fixture("good.nbib")], update_existing=False)

    assert counts(summary) == [("good.nbib", 1, 0, 1, 0)]
    assert Citation.objects.get(doi="10.1136/bmj.c2181").pmid == ""
    assert [s.reason for s in summary.skips] == ["already in the library"]


def test_the_same_doi_twice_in_one_file_skips_the_second():
    ris = (
        b"TY  - JOUR\nTI  - First copy\nDO  - 10.1000/dup\nER  - \n\n"
        b"TY  - JOUR\nTI  - Second copy\nDO  - https://doi.org/10.1000/DUP\nER  - \n"
    )

    summary = citations_import(files=[("dup.ris", ris)])

    assert counts(summary) == [("dup.ris", 1, 0, 1, 0)]
    assert list(Citation.objects.values_list("title", flat=True)) == ["First copy"]
    assert [str(s) for s in summary.skips] == [
        "dup.ris, record 2 (line 6): same as record 1 of this file"
    ]


def test_a_record_whose_doi_and_pmid_belong_to_two_citations_fails():
    Citation.objects.create(title="A", doi="10.1000/a")
    Citation.objects.create(title="B", pmid="123")
    nbib = b"PMID- 123\nTI  - Mixed up\nLID - 10.1000/a [doi]\n"

    summary = citations_import(files=[("mixed.nbib", nbib)])

    assert counts(summary) == [("mixed.nbib", 0, 0, 0, 1)]
    assert "DOI is citation" in summary.failures[0].reason
    assert set(Citation.objects.values_list("title", flat=True)) == {"A", "B"}


# --- Broken records: the good ones of the file are imported -----------------------------------


@pytest.mark.parametrize(
    ("name", "where", "reason"),
    [
        ("broken_record.ris", "record 2 (line 14)", "no title"),
        ("broken_record.bib", "record 2 (line 11)", "the PMID 'PMID-abc' is not a number"),
        ("broken_record.nbib", "record 2 (line 13)", "no title"),
        ("broken_record.xml", "record 2 (line 22)", "no title"),
    ],
)
def test_a_broken_record_fails_alone(name, where, reason):
    summary = citations_import(files=[fixture(name)])

    assert counts(summary) == [(name, 1, 0, 0, 1)]
    assert [(f.filename, f.where, f.reason) for f in summary.failures] == [(name, where, reason)]
    assert summary.failed_files == []
    assert Citation.objects.count() == 1


def test_pubmed_xml_group_author_and_medline_date():
    citations_import(files=[fixture("broken_record.xml")])

    citation = Citation.objects.get(pmid="20488910")
    assert citation.author_list() == ["de Jager J", "Metformin Study Group"]
    assert citation.year == 2010  # from <MedlineDate>2010 May-Jun</MedlineDate>


# --- Broken files: nothing from them is written -----------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("broken_file.ris", "The record starting on line 8 has no end tag (ER)"),
        ("broken_file.bib", "BibTeX syntax error in the entry starting on line 9"),
        ("broken_file.nbib", "This is not a text file"),
        ("broken_file.xml", "The XML is not well formed (line 22)"),
    ],
)
def test_a_broken_file_imports_nothing(name, message):
    summary = citations_import(files=[fixture(name), fixture("good.xml")])

    assert counts(summary) == [(name, 0, 0, 0, 0), ("good.xml", 2, 0, 0, 0)]
    assert [f.filename for f in summary.failed_files] == [name]
    assert summary.failed_files[0].error.startswith(message)
    assert str(summary.failures[0]).startswith(f"{name}: {message}")
    # Only the good file's two citations: the first, well-formed records of the broken file
    # (Stabler 2013 in the RIS and BibTeX files) were not written.
    assert Citation.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.ris", b"  \n", "The file is empty."),
        ("notes.txt", b"Just some notes, no references.", "Cannot tell the format"),
        ("other.xml", b"<html><body/></html>", "This XML is not a PubMed export"),
        ("words.ris", b"Not a RIS file at all\n", "No RIS records found"),
        ("latin.nbib", "PMID- 1\nTI - caf\u00e9\n".encode("utf-16"), "This is not a text file"),
        ("odd.nbib", b"PMID- 1\nTI  - Fine\nthis line is no field\n", "Line 3 is not a MEDLINE"),
    ],
)
def test_files_that_are_not_reference_files(name, data, message):
    summary = citations_import(files=[(name, data)])

    assert summary.failed_files[0].error.startswith(message)
    assert Citation.objects.count() == 0


def test_xml_entities_are_never_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    xml = f"""<?xml version="1.0"?>
<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "file://{secret}">]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID>
<Article><ArticleTitle>Title &xxe;</ArticleTitle></Article>
</MedlineCitation></PubmedArticle></PubmedArticleSet>""".encode()

    citations_import(files=[("xxe.xml", xml)])

    assert "SECRET" not in Citation.objects.get(pmid="1").title


# --- Format detection -------------------------------------------------------------------------


def test_format_by_extension_then_by_content():
    assert detect_format("refs.RIS", "") == "ris"
    assert detect_format("pubmed-b12-set.txt", "PMID- 1\nTI  - x") == "medline"
    assert detect_format("export.txt", "TY  - JOUR\nER  - ") == "ris"
    assert detect_format("export", "  <?xml version='1.0'?><PubmedArticleSet/>") == "pubmed_xml"
    assert detect_format("library", "@article{a, title={x}}") == "bibtex"
    with pytest.raises(FileParseError):
        parse_file(filename="x.pdf", data=b"%PDF-1.7 binary")


# --- The command ------------------------------------------------------------------------------


def test_command_prints_the_summary_and_each_failure():
    out = io.StringIO()

    call_command(
        "import_citations",
        str(FIXTURES / "good.xml"),
        str(FIXTURES / "broken_record.nbib"),
        "--quiet",
        stdout=out,
    )

    text = out.getvalue()
    assert "good.xml (PubMed XML): 2 created, 0 updated, 0 skipped, 0 failed" in text
    assert "broken_record.nbib (PubMed MEDLINE): 1 created, 0 updated, 0 skipped, 1 failed" in text
    assert "Total: 3 created, 0 updated, 0 skipped, 1 failed" in text
    assert "broken_record.nbib, record 2 (line 13): no title" in text
    assert Citation.objects.count() == 3


def test_command_fails_when_a_file_cannot_be_read_but_imports_the_others():
    out = io.StringIO()

    with pytest.raises(
        CommandError, match="2 files could not be imported: broken_file.xml, missing.ris"
    ):
        call_command(
            "import_citations",
            str(FIXTURES / "broken_file.xml"),
            str(FIXTURES / "good.nbib"),
            str(FIXTURES / "missing.ris"),
            "--quiet",
            stdout=out,
        )
    text = out.getvalue()
    assert "broken_file.xml: The XML is not well formed" in text
    assert "missing.ris: no such file" in text
    assert Citation.objects.count() == 2


def test_command_no_update():
    call_command("import_citations", str(FIXTURES / "good.bib"), "--quiet", stdout=io.StringIO())
    out = io.StringIO()

    call_command(
        "import_citations", str(FIXTURES / "good.nbib"), "--no-update", "--quiet", stdout=out
    )

    assert "good.nbib (PubMed MEDLINE): 1 created, 0 updated, 1 skipped, 0 failed" in out.getvalue()
    assert Citation.objects.get(doi="10.1136/bmj.c2181").pmid == ""


# --- The demo library -------------------------------------------------------------------------


def test_seed_citations_is_idempotent_and_keeps_editors_changes():
    first = seed_citations()
    first["framingham-bmd"].summary = "Edited."
    first["framingham-bmd"].save()

    again = seed_citations()

    assert set(again) == {entry["key"] for entry in DEMO_CITATIONS}
    assert Citation.objects.count() == len(DEMO_CITATIONS)
    assert {k: c.pk for k, c in again.items()} == {k: c.pk for k, c in first.items()}
    framingham = Citation.objects.get(pmid="15616293")
    assert framingham.doi == "10.1359/jbmr.041018"
    assert framingham.summary == "Edited."
    assert again["ods-b12-fact-sheet"].kind == CitationKind.WEB_PAGE
    assert again["osteoporosis-case-report"].kind == CitationKind.CASE_REPORT


def test_demo_summaries_make_no_product_claims():
    for entry in DEMO_CITATIONS:
        words = entry["summary"].lower()
        assert "patch" not in words, entry["key"]
        assert 2 <= words.count(". ") + 1 <= 4, entry["key"]
