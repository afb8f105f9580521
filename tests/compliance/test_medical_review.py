import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import GroupPagePermission, Page

from apothecary.blog.models import BlogPostPage
from apothecary.compliance.models import MedicalReviewer
from apothecary.compliance.review_report import MAX_AGE_DAYS, pages_due_for_review
from apothecary.demo.compliance import reviewer_spec
from apothecary.pages.models import FAQPage, HomePage, StandardPage
from tests.helpers import parse_page

pytestmark = pytest.mark.django_db

REPORT_URL = "/admin/compliance/medical-review-due/"
REVIEWER = reviewer_spec()


def today():
    return timezone.localdate()


def days_ago(days):
    return today() - datetime.timedelta(days=days)


def reviewer(name="Ada Nwosu", credentials="RD"):
    return MedicalReviewer.objects.create(
        name=name, credentials=credentials, bio="Checks the nutrition pages."
    )


def health_page(title, *, by=None, reviewed=None, health=True, live=True, parent=None):
    """A StandardPage under the home page (or `parent`), published unless live=False."""
    parent = parent or HomePage.objects.get()
    page = StandardPage(
        title=title,
        intro=f"About {title}.",
        show_health_disclaimer=health,
        medical_reviewer=by,
        last_reviewed=reviewed,
    )
    parent.add_child(instance=page)
    revision = page.save_revision()
    if live:
        revision.publish()
    else:
        page.live = False
        page.save(update_fields=["live"])
    return page


def json_ld_of_type(response, type_name):
    return [block for block in parse_page(response).json_ld if block["@type"] == type_name]


def editor(django_user_model, email="editor@example.com"):
    user = django_user_model.objects.create_user(email=email, password="pw-123456", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


# --- The byline ------------------------------------------------------------------------------


def test_reviewed_post_names_reviewer_credentials_and_both_dates(client):
    post = BlogPostPage.objects.get(slug="vitamin-b12-and-bone-health")
    maya = MedicalReviewer.objects.get(name=REVIEWER["name"])
    post.last_reviewed = datetime.date(2026, 3, 5)
    post.save_revision().publish()
    post.intro = "Words a reader sees, changed."
    post.save_revision().publish()
    post.refresh_from_db()
    updated = timezone.localdate(post.content_updated_at)

    html = client.get(post.url).content.decode()

    assert (
        f'Medically reviewed by <a href="#medical-reviewer">{maya.name}</a>, {maya.credentials}'
        ' · Last reviewed <time datetime="2026-03-05">5 March 2026</time>'
    ) in html
    assert (
        f'Last updated <time datetime="{updated:%Y-%m-%d}">{updated.day} {updated:%B %Y}</time>'
    ) in html
    assert '<details class="faq-item reviewer-card" id="medical-reviewer">' in html
    assert "Maya is not a real person" in html


def test_page_without_reviewer_says_when_it_was_updated_and_nothing_about_review(client):
    page = health_page("Iron and energy")

    html = client.get(page.url).content.decode()

    assert "Last updated <time" in html
    assert "Medically reviewed" not in html
    assert 'id="medical-reviewer"' not in html
    assert json_ld_of_type(client.get(page.url), "MedicalWebPage") == []


def test_a_review_date_without_a_reviewer_is_not_shown(client):
    page = health_page("Folate basics", reviewed=days_ago(10))

    html = client.get(page.url).content.decode()

    assert "Last reviewed" not in html and "Medically reviewed" not in html


def test_a_post_dated_ahead_of_publication_shows_its_date_and_no_last_updated(client, demo_blog):
    later = today() + datetime.timedelta(days=30)
    post = BlogPostPage(title="Dated ahead", date=later, intro="Soon.", body="[]")
    demo_blog.add_child(instance=post)
    post.save_revision().publish()

    html = client.get(post.url).content.decode()

    assert f'<time datetime="{later:%Y-%m-%d}">' in html
    assert "Last updated" not in html


def test_product_and_faq_pages_show_the_byline(client):
    faq = FAQPage.objects.get()
    faq.medical_reviewer = reviewer()
    faq.last_reviewed = days_ago(3)
    faq.save_revision().publish()

    product_html = client.get("/products/b12-patch/").content.decode()
    faq_response = client.get(faq.url)

    assert f'Medically reviewed by <a href="#medical-reviewer">{REVIEWER["name"]}</a>' in (
        product_html
    )
    assert 'Medically reviewed by <a href="#medical-reviewer">Ada Nwosu</a>, RD' in (
        faq_response.content.decode()
    )


# --- JSON-LD ---------------------------------------------------------------------------------


def test_reviewed_post_adds_a_medical_web_page_beside_its_blog_posting(client):
    post = BlogPostPage.objects.get(slug="how-b12-is-absorbed")
    response = client.get(post.url)

    types = [block["@type"] for block in parse_page(response).json_ld]
    [medical] = json_ld_of_type(response, "MedicalWebPage")

    assert types == ["BlogPosting", "MedicalWebPage", "BreadcrumbList"]
    assert medical["@context"] == "https://schema.org"
    assert medical["url"] == f"http://testserver{post.url}"
    assert medical["name"] == post.title
    assert medical["reviewedBy"] == {
        "@type": "Person",
        "name": REVIEWER["name"],
        "honorificSuffix": REVIEWER["credentials"],
    }
    assert medical["lastReviewed"] == post.last_reviewed.isoformat()


def test_every_page_type_with_a_reviewer_gets_the_same_medical_web_page(client):
    ada = reviewer()
    ada.profile_url = "https://example.com/ada"
    ada.save()
    faq = FAQPage.objects.get()
    faq.medical_reviewer = ada
    faq.save_revision().publish()  # a reviewer, no date yet
    page = health_page("Reviewed copy", by=ada, reviewed=datetime.date(2026, 1, 2))

    [on_faq] = json_ld_of_type(client.get(faq.url), "MedicalWebPage")
    [on_page] = json_ld_of_type(client.get(page.url), "MedicalWebPage")
    [on_product] = json_ld_of_type(client.get("/products/b12-patch/"), "MedicalWebPage")

    assert json_ld_of_type(client.get(faq.url), "FAQPage")
    assert json_ld_of_type(client.get("/products/b12-patch/"), "Product")
    assert "lastReviewed" not in on_faq
    assert on_faq["reviewedBy"]["url"] == "https://example.com/ada"
    assert on_page["lastReviewed"] == "2026-01-02"
    assert on_product["reviewedBy"]["name"] == REVIEWER["name"]


def test_json_ld_of_a_reviewer_cannot_break_out_of_its_script(client):
    page = health_page("Escapes", by=reviewer(name="</script><b>x</b>"), reviewed=days_ago(1))

    response = client.get(page.url)
    [medical] = json_ld_of_type(response, "MedicalWebPage")

    assert medical["reviewedBy"]["name"] == "</script><b>x</b>"
    assert "<b>x</b>" not in response.content.decode()


# --- The report ------------------------------------------------------------------------------


def test_report_lists_never_reviewed_and_stale_pages_but_not_recent_ones():
    ada = reviewer()
    never = health_page("Never reviewed page")
    stale = health_page("Stale page", by=ada, reviewed=days_ago(400))
    just_over = health_page("Just over a year", by=ada, reviewed=days_ago(MAX_AGE_DAYS + 1))
    a_year = health_page("Exactly a year", by=ada, reviewed=days_ago(MAX_AGE_DAYS))
    recent = health_page("Recent page", by=ada, reviewed=days_ago(30))
    date_only = health_page("Date but nobody", reviewed=days_ago(5))
    not_health = health_page("Shipping notes", health=False)
    draft = health_page("Draft page", live=False)

    rows = {row.page.pk: row for row in pages_due_for_review(today=today())}

    assert never.pk in rows and stale.pk in rows and just_over.pk in rows
    assert date_only.pk in rows and rows[date_only.pk].never_reviewed
    for page in (a_year, recent, not_health, draft):
        assert page.pk not in rows, page.title
    assert rows[stale.pk].days_overdue == 400 - MAX_AGE_DAYS
    assert rows[stale.pk].last_reviewed == days_ago(400)
    assert rows[stale.pk].reviewer == ada
    assert rows[just_over.pk].days_overdue == 1
    assert rows[never.pk].type_label == "Standard page"


def test_posts_and_product_pages_are_health_pages_even_without_the_disclaimer(demo_blog):
    post = BlogPostPage(title="Unticked", intro="x", body="[]", show_health_disclaimer=False)
    demo_blog.add_child(instance=post)
    post.save_revision().publish()

    rows = pages_due_for_review(today=today())

    assert post.pk in {row.page.pk for row in rows}


def test_report_comes_most_overdue_first_never_reviewed_leading():
    ada = reviewer()
    stale_short = health_page("Stale by ten days", by=ada, reviewed=days_ago(MAX_AGE_DAYS + 10))
    stale_long = health_page("Stale by a year", by=ada, reviewed=days_ago(MAX_AGE_DAYS * 2))
    never = health_page("Nobody looked")
    mine = {stale_short.pk, stale_long.pk, never.pk}

    rows = [row.page.pk for row in pages_due_for_review(today=today()) if row.page.pk in mine]

    assert rows == [never.pk, stale_long.pk, stale_short.pk]


def test_demo_has_a_stale_review_and_recent_ones():
    reviewed = {
        slug: Page.objects.get(slug=slug).specific
        for slug in ["b12-patch", "about-vitamin-b12", "vitamin-b12-and-bone-health"]
    }
    rows = {row.page.title: row for row in pages_due_for_review(today=today())}

    stale = BlogPostPage.objects.get(slug="how-b12-is-absorbed")
    assert rows[stale.title].days_overdue > 0
    assert rows[stale.title].reviewer.name == REVIEWER["name"]
    for page in reviewed.values():
        assert page.medical_reviewer.name == REVIEWER["name"]
        assert page.title not in rows


def test_report_page_shows_rows_with_edit_links(client, admin_user):
    stale = health_page("Stale page", by=reviewer(), reviewed=days_ago(400))
    client.force_login(admin_user)

    response = client.get(REPORT_URL)
    html = response.content.decode()

    assert response.status_code == 200
    assert f'<a href="/admin/pages/{stale.pk}/edit/">Stale page</a>' in html
    assert "Ada Nwosu, RD" in html
    assert '<td title="Due since' in html and ">35</td>" in html
    assert "Never reviewed" in html


def test_report_csv_has_the_same_rows_and_defuses_formulas(client, admin_user):
    health_page("=HYPERLINK(1)", by=reviewer(), reviewed=days_ago(400))
    client.force_login(admin_user)

    response = client.get(REPORT_URL + "?export=csv")
    # Wagtail's export streams the file.
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert response["Content-Type"].startswith("text/csv")
    assert rows[0] == [
        "Page",
        "Page ID",
        "Type",
        "Reviewer",
        "Last reviewed",
        "Due since",
        "Days overdue",
    ]
    [row] = [row for row in rows if "HYPERLINK" in row[0]]
    assert row[0] == "'=HYPERLINK(1)"
    assert row[3:5] == ["Ada Nwosu, RD", days_ago(400).isoformat()]
    assert row[6] == str(400 - MAX_AGE_DAYS)
    assert len(rows) - 1 == len(pages_due_for_review(today=today()))


def test_report_xlsx_has_the_same_rows_with_dates_as_dates(client, admin_user):
    stale = health_page("Stale page", by=reviewer(), reviewed=days_ago(400))
    health_page("Never looked at")
    client.force_login(admin_user)

    response = client.get(REPORT_URL + "?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}

    assert 'filename="medical-review-due-' in response["Content-Disposition"]
    assert next(sheet.iter_rows(max_row=1, values_only=True))[0] == "Page"
    assert rows["Stale page"][1:5] == (stale.pk, "Standard page", "Ada Nwosu, RD", days_ago(400))
    assert rows["Never looked at"][3:5] == (None, "never")
    assert len(rows) == len(pages_due_for_review(today=today()))


def test_report_filters_by_type_reviewer_and_review(client, admin_user):
    ada, lin = reviewer(), reviewer(name="Lin Park", credentials="PharmD")
    by_ada = health_page("Stale by Ada", by=ada, reviewed=days_ago(400))
    by_lin = health_page("Stale by Lin", by=lin, reviewed=days_ago(500))
    never = health_page("Never looked at")
    standard = ContentType.objects.get_for_model(StandardPage)
    client.force_login(admin_user)

    def titles(query):
        html = client.get(f"{REPORT_URL}?{query}").content.decode()
        return {page.title for page in (by_ada, by_lin, never) if f">{page.title}</a>" in html}

    assert titles(f"reviewer={lin.pk}") == {"Stale by Lin"}
    assert titles("review=never") == {"Never looked at"}
    assert titles("review=stale") == {"Stale by Ada", "Stale by Lin"}
    assert titles(f"content_type={standard.pk}&review=stale") == {"Stale by Ada", "Stale by Lin"}
    blog_type = ContentType.objects.get_for_model(BlogPostPage)
    assert titles(f"content_type={blog_type.pk}") == set()


def test_report_queries_do_not_grow_with_the_number_of_pages(client, admin_user):
    ada = reviewer()
    client.force_login(admin_user)
    for index in range(3):
        health_page(f"Stale {index}", by=ada, reviewed=days_ago(400 + index))
    client.get(REPORT_URL)  # warm caches (content types, site)

    with CaptureQueriesContext(connection) as few:
        assert client.get(REPORT_URL).status_code == 200
    for index in range(3, 20):
        health_page(f"Stale {index}", by=ada, reviewed=days_ago(400 + index))
    with CaptureQueriesContext(connection) as many:
        html = client.get(REPORT_URL).content.decode()

    assert html.count('">Stale ') == 20
    assert len(many) == len(few)


def test_staff_without_page_permissions_are_refused_and_see_no_menu_item(client, django_user_model):
    clerk = django_user_model.objects.create_user(
        email="clerk@example.com", password="pw-123456", is_staff=True
    )
    clerk.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(clerk)

    response = client.get(REPORT_URL)
    csv_response = client.get(REPORT_URL + "?export=csv")

    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"] == "/admin/"
    assert csv_response.status_code in (302, 403)
    assert REPORT_URL not in client.get("/admin/").content.decode().replace("\\/", "/")


def test_visitors_are_sent_to_the_login(client):
    response = client.get(REPORT_URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_editors_see_the_report_limited_to_pages_they_may_edit(client, django_user_model):
    blog_only = Group.objects.create(name="Blog editors")
    blog_only.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    blog = Page.objects.get(slug="blog")
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=blog_only, page=blog, permission=Permission.objects.get(codename=codename)
        )
    writer = django_user_model.objects.create_user(
        email="writer@example.com", password="pw-123456", is_staff=True
    )
    writer.groups.add(blog_only)
    health_page("Outside the blog")
    client.force_login(writer)

    html = client.get(REPORT_URL).content.decode()
    menu = client.get("/admin/").content.decode().replace("\\/", "/")
    client.force_login(editor(django_user_model))
    editor_html = client.get(REPORT_URL).content.decode()

    assert "Canned foods that contain vitamin B12" in html  # a demo post never reviewed
    assert "Outside the blog" not in html and ">FAQ<" not in html
    assert REPORT_URL in menu
    assert "Outside the blog" in editor_html and ">FAQ<" in editor_html


def test_reviewers_are_a_snippet_in_the_compliance_menu(client, admin_user):
    client.force_login(admin_user)

    listing = client.get("/admin/compliance/reviewers/")
    menu = client.get("/admin/").content.decode().replace("\\/", "/")
    created = client.post(
        "/admin/compliance/reviewers/add/",
        {"name": "Lin Park", "credentials": "PharmD", "bio": "", "profile_url": ""},
    )

    assert listing.status_code == 200 and REVIEWER["name"] in listing.content.decode()
    assert "Compliance" in menu and "/admin/compliance/reviewers/" in menu
    assert created.status_code == 302
    assert str(MedicalReviewer.objects.get(name="Lin Park")) == "Lin Park, PharmD"


def test_a_reviewer_costs_a_page_one_query_at_most(client):
    plain = health_page("Plain page")
    reviewed = health_page("Reviewed page", by=reviewer(), reviewed=days_ago(2))
    client.get(plain.url)  # warm the site caches

    with CaptureQueriesContext(connection) as without:
        client.get(plain.url)
    with CaptureQueriesContext(connection) as with_reviewer:
        client.get(reviewed.url)

    assert len(with_reviewer) <= len(without) + 1
