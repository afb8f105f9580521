"""The citation library in the admin: the list (bounded queries, filters, search, the cite
marker), the snippet chooser other blocks use, "Import citations" and who may use it, and the
edit form refusing a DOI another citation has."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import Page

from apothecary.research.models import Citation, CitationKind, CitationUse

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
LIST = "/admin/snippets/research/citation/"
IMPORT = "/admin/snippets/research/citation/import/"
CHOOSER = "/admin/snippets/choose/research/citation/"
ROW = re.compile(r'href="/admin/snippets/research/citation/edit/(\d+)/"')


def upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else (FIXTURES / name).read_bytes())


@pytest.fixture(autouse=True)
def empty_library(db):
    Citation.objects.all().delete()


@pytest.fixture
def admin(client, django_user_model):
    user = django_user_model.objects.create_superuser(email="editor@example.com", password="pw")
    client.force_login(user)
    return client


@pytest.fixture
def reader(client, django_user_model):
    """Someone in the admin who may see and edit citations but not add (nor import) them."""
    user = django_user_model.objects.create_user(email="reader@example.com", password="pw")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="research", codename="view_citation"),
        Permission.objects.get(content_type__app_label="research", codename="change_citation"),
    )
    client.force_login(user)
    return client


def make_citations(count: int, *, topics=("bone health", "absorption"), pages=2):
    cited_on = list(Page.objects.filter(depth__gt=1).order_by("pk")[:pages])
    made = []
    start = Citation.objects.count()
    for n in range(start, start + count):
        citation = Citation.objects.create(
            title=f"Study number {n}",
            authors="Tucker KL\nHannan MT",
            journal="J Test",
            year=2000 + n % 5,
            pmid=str(1000 + n),
            doi=f"10.1000/test.{n}",
        )
        citation.topics.add(*topics)
        for page in cited_on:
            CitationUse.objects.create(citation=citation, page=page)
        made.append(citation)
    return made


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {int(pk) for pk in ROW.findall(response.content.decode())}


# --- The list --------------------------------------------------------------------------------


def test_list_shows_each_citation_with_its_uses_topics_and_marker(admin):
    [citation] = make_citations(1)
    Citation.objects.create(title="Never cited", kind=CitationKind.WEB_PAGE)

    html = admin.get(LIST).content.decode()

    assert "Tucker KL, et al. Study number 0. J Test. 2000." in html
    assert "absorption, bone health" in html
    assert "2 pages" in html
    assert "not cited yet" in html
    assert f"<code>[cite:{citation.pk}]</code>" in html
    assert "10.1000/test.0" in html
    assert f'href="{IMPORT}"' in html  # "Import citations" in the header


def test_list_queries_do_not_grow_with_citations_topics_or_uses(
    admin, django_assert_max_num_queries
):
    make_citations(2)
    with django_assert_max_num_queries(12) as few:
        admin.get(LIST)

    make_citations(25, topics=("bone health", "absorption", "metformin", "nerves"), pages=4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin.get(LIST)

    assert len(listed(response)) == 27


def test_list_filters_by_type_topic_and_year_and_searches(admin):
    study, review, page = (
        Citation.objects.create(title="Bone density study", year=2005, doi="10.1000/a"),
        Citation.objects.create(title="Absorption review", year=2013, kind=CitationKind.REVIEW),
        Citation.objects.create(title="Fact sheet", kind=CitationKind.WEB_PAGE, pmid="999"),
    )
    study.topics.add("bone health")
    review.topics.add("absorption", "bone health")
    bone = study.topics.get(name="bone health")

    assert listed(admin.get(LIST, {"kind": "review"})) == {review.pk}
    assert listed(admin.get(LIST, {"topic": bone.pk})) == {study.pk, review.pk}
    assert listed(admin.get(LIST, {"year": "2005"})) == {study.pk}
    assert listed(admin.get(LIST, {"q": "absorption"})) == {review.pk}
    assert listed(admin.get(LIST, {"q": "10.1000/a"})) == {study.pk}
    assert listed(admin.get(LIST, {"q": "999"})) == {page.pk}


def test_the_snippet_chooser_lists_and_searches_citations(admin):
    framingham = Citation.objects.create(title="Framingham bone density", year=2005)
    Citation.objects.create(title="Metformin and B12", year=2010)

    response = admin.get(CHOOSER)
    assert response.status_code == 200
    assert "Framingham bone density" in response.json()["html"]

    found = admin.get(f"{CHOOSER}results/", {"q": "Framingham"})
    assert found.status_code == 200
    assert "Framingham bone density" in found.content.decode()
    assert "Metformin and B12" not in found.content.decode()

    chosen = admin.get(f"{CHOOSER}chosen/{framingham.pk}/")
    assert chosen.json()["result"]["id"] == str(framingham.pk)


# --- Create and edit --------------------------------------------------------------------------


def form_data(**fields):
    data = {
        "title": "",
        "authors": "",
        "journal": "",
        "year": "",
        "volume": "",
        "issue": "",
        "pages": "",
        "pmid": "",
        "doi": "",
        "url": "",
        "kind": "study",
        "topics": "",
        "summary": "",
    }
    return {**data, **fields}


def test_adding_a_citation_in_the_admin(admin):
    response = admin.post(
        f"{LIST}add/",
        form_data(
            title="Vitamin B12 deficiency",
            authors="Stabler SP",
            year="2013",
            doi="https://doi.org/10.1056/NEJMcp1113996",
            topics="B12 deficiency, absorption",
        ),
    )

    assert response.status_code == 302
    citation = Citation.objects.get()
    assert citation.doi == "10.1056/nejmcp1113996"
    assert sorted(citation.topics.names()) == ["B12 deficiency", "absorption"]


def test_edit_page_shows_how_to_cite_it(admin):
    [citation] = make_citations(1)

    html = admin.get(f"{LIST}edit/{citation.pk}/").content.decode()

    assert f"<code>[cite:{citation.pk}]</code>" in html
    assert "Tucker KL, Hannan MT. Study number 0. J Test. 2000." in html


def test_a_doi_another_citation_has_is_refused_with_a_message(admin):
    Citation.objects.create(title="The first", doi="10.1359/jbmr.041018")
    second = Citation.objects.create(title="The second", doi="10.1000/second")

    response = admin.post(
        f"{LIST}edit/{second.pk}/",
        form_data(title="The second", doi="https://doi.org/10.1359/JBMR.041018"),
    )

    assert response.status_code == 400
    assert "Another citation has this DOI." in response.content.decode()
    second.refresh_from_db()
    assert second.doi == "10.1000/second"


def test_a_pmid_that_is_not_a_number_is_refused(admin):
    response = admin.post(f"{LIST}add/", form_data(title="Odd", pmid="abc"))

    assert response.status_code == 400
    assert "A PMID is a number" in response.content.decode()
    assert not Citation.objects.exists()


# --- Import ----------------------------------------------------------------------------------


def test_import_page_upload_several_files_and_read_the_summary(admin):
    assert admin.get(IMPORT).status_code == 200

    response = admin.post(
        IMPORT,
        {
            "files": [upload("good.ris"), upload("broken_record.nbib"), upload("broken_file.xml")],
            "update_existing": "on",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>3</strong> created" in html  # from the RIS file
    assert "<strong>1</strong> updated" in html  # Framingham again, from the MEDLINE file
    assert "broken_record.nbib, record 2 (line 13): no title" in html
    assert "Could not be read:</strong> The XML is not well formed" in html
    assert Citation.objects.count() == 3


def test_import_refuses_files_it_cannot_read_with_a_400(admin):
    response = admin.post(IMPORT, {"files": [upload("paper.pdf", b"%PDF-1.7")]})

    assert response.status_code == 400
    assert "paper.pdf: not a reference file" in response.content.decode()
    assert not Citation.objects.exists()

    empty = admin.post(IMPORT, {})
    assert empty.status_code == 400
    assert "This field is required." in empty.content.decode()
    assert not Citation.objects.exists()


def test_import_needs_the_add_permission(reader):
    assert reader.get(LIST).status_code == 200
    assert f'href="{IMPORT}"' not in reader.get(LIST).content.decode()

    refused = reader.post(IMPORT, {"files": [upload("good.ris")]})

    # Wagtail answers a refused admin page by sending back to the dashboard with a message.
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    assert reader.get(IMPORT).status_code == 302
    assert not Citation.objects.exists()
