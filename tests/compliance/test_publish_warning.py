"""Publishing a page the claims checker flags: the editor keeps a draft and sees each phrase
and its place; a compliance editor may publish it anyway with a recorded reason."""

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from apothecary.compliance.models import PublishOverride
from apothecary.pages.models import StandardPage

pytestmark = pytest.mark.django_db

CLAIM = "Our patch cures pernicious anemia in weeks."
COMPLIANT = "Pernicious anemia is treated by doctors with B12 injections."


@pytest.fixture
def page():
    return StandardPage.objects.get(slug="about-vitamin-b12")


def edit_data(page, body_text, *, publish=True):
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "intro": page.intro,
            "body": streamfield([("paragraph", rich_text(f"<p>{body_text}</p>"))]),
            "comments": inline_formset([]),
            "seo_title": page.seo_title,
            "search_description": page.search_description,
            "show_health_disclaimer": "on",
        }
    )
    if publish:
        data["action-publish"] = "action-publish"
    return data


def publish(client, page, body_text):
    return client.post(f"/admin/pages/{page.pk}/edit/", edit_data(page, body_text))


def override_url(page):
    return f"/admin/compliance/publish/{page.pk}/"


def messages_html(response):
    return "".join(str(message) for message in response.context["messages"])


def live_text(page):
    return str(StandardPage.objects.get(pk=page.pk).body)


@pytest.fixture
def moderator(django_user_model):
    """May edit and publish pages, but not publish past the claims checker."""
    user = django_user_model.objects.create_user(email="mod@example.com", password="pw-mod-123")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def test_publishing_a_claim_keeps_a_draft_and_lists_each_phrase_and_its_place(admin_client, page):
    response = publish(admin_client, page, CLAIM)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/{page.pk}/edit/"
    shown = admin_client.get(response["Location"])
    message = messages_html(shown)
    assert "Not published: the claims checker found 1 phrase" in message
    assert "Your changes are saved as a draft" in message
    assert "Disease claim</strong>: “cures pernicious anemia” in <em>Body › paragraph 1</em>" in (
        message
    )
    assert f'href="{override_url(page)}"' in message
    page.refresh_from_db()
    assert page.live and page.has_unpublished_changes
    assert CLAIM not in live_text(page)
    assert CLAIM in str(page.latest_revision.as_object().body)
    assert PublishOverride.objects.count() == 0


def test_a_compliance_editor_publishes_it_anyway_with_a_recorded_reason(
    admin_client, admin_user, page
):
    publish(admin_client, page, CLAIM)
    page.refresh_from_db()
    revision = page.latest_revision

    form = admin_client.get(override_url(page))
    response = admin_client.post(
        override_url(page),
        {"reason": "Quoted from a patient letter, approved by legal.", "revision_id": revision.pk},
    )

    assert form.status_code == 200
    assert "cures pernicious anemia" in form.content.decode()
    assert response.status_code == 302
    assert CLAIM in live_text(page)
    override = PublishOverride.objects.get()
    assert (override.page_id, override.revision_id, override.user) == (
        page.pk,
        revision.pk,
        admin_user,
    )
    assert override.reason == "Quoted from a patient letter, approved by legal."
    assert override.findings == [
        {
            "kind": "disease_claim",
            "phrase": "cures pernicious anemia",
            "place": "Body › paragraph 1",
            "sentence": CLAIM,
        }
    ]


def test_an_editor_without_the_permission_sees_the_findings_but_cannot_override(
    client, moderator, page
):
    client.force_login(moderator)

    response = client.post(f"/admin/pages/{page.pk}/edit/", edit_data(page, CLAIM), follow=True)
    override_page = client.get(override_url(page))
    page.refresh_from_db()
    refused = client.post(
        override_url(page), {"reason": "Because.", "revision_id": page.latest_revision.pk}
    )

    message = messages_html(response)
    assert "ask a compliance editor to publish it with a reason" in message
    assert override_url(page) not in message
    assert override_page.status_code == 200
    assert "cures pernicious anemia" in override_page.content.decode()
    assert "<form" not in override_page.content.decode().split('id="main"')[-1]
    assert refused.status_code == 403
    assert "Only a compliance editor" in refused.content.decode()
    assert CLAIM not in live_text(page)
    assert PublishOverride.objects.count() == 0


def test_the_permission_lets_a_moderator_override(client, moderator, page):
    moderator.user_permissions.add(Permission.objects.get(codename="publish_despite_findings"))
    client.force_login(moderator)
    response = client.post(f"/admin/pages/{page.pk}/edit/", edit_data(page, CLAIM), follow=True)
    page.refresh_from_db()

    client.post(override_url(page), {"reason": "OK'd.", "revision_id": page.latest_revision.pk})

    assert override_url(page) in messages_html(response)
    assert CLAIM in live_text(page)
    assert PublishOverride.objects.get().user == moderator


def test_compliant_text_publishes_as_usual(admin_client, page):
    response = publish(admin_client, page, COMPLIANT)

    assert response.status_code == 302
    assert COMPLIANT in live_text(page)
    assert "has been published" in messages_html(admin_client.get("/admin/"))
    assert PublishOverride.objects.count() == 0


def test_saving_a_draft_with_a_claim_is_not_held_up(admin_client, page):
    response = admin_client.post(
        f"/admin/pages/{page.pk}/edit/", edit_data(page, CLAIM, publish=False), follow=True
    )

    assert "Not published" not in messages_html(response)
    page.refresh_from_db()
    assert CLAIM in str(page.latest_revision.as_object().body)


def test_a_new_page_with_a_claim_is_created_as_a_draft(admin_client, page):
    parent = page.get_parent()
    data = edit_data(page, CLAIM)
    data.update(title="New page", slug="new-page")

    response = admin_client.post(
        f"/admin/pages/add/pages/standardpage/{parent.pk}/", data, follow=True
    )

    created = StandardPage.objects.get(slug="new-page")
    assert not created.live
    assert admin_client.get(created.url or "/new-page/").status_code == 404
    assert "cures pernicious anemia" in messages_html(response)


def test_the_override_view_refuses_bad_input(admin_client, page):
    publish(admin_client, page, CLAIM)
    page.refresh_from_db()
    revision = page.latest_revision

    missing = admin_client.get("/admin/compliance/publish/999999/")
    no_reason = admin_client.post(override_url(page), {"reason": "", "revision_id": revision.pk})
    stale = admin_client.post(override_url(page), {"reason": "x", "revision_id": revision.pk - 1})

    assert missing.status_code == 404
    assert no_reason.status_code == 200
    assert "This field is required" in no_reason.content.decode()
    assert stale.status_code == 302 and stale["Location"] == override_url(page)
    assert CLAIM not in live_text(page)
    assert PublishOverride.objects.count() == 0


def test_overriding_a_draft_without_findings_publishes_nothing(admin_client, page):
    admin_client.post(f"/admin/pages/{page.pk}/edit/", edit_data(page, COMPLIANT, publish=False))
    page.refresh_from_db()

    response = admin_client.post(
        override_url(page), {"reason": "x", "revision_id": page.latest_revision.pk}
    )

    assert response.status_code == 302
    assert COMPLIANT not in live_text(page)
    assert PublishOverride.objects.count() == 0


def bulk_publish(client, page, *, next_url="/admin/pages/"):
    return client.post(
        f"/admin/bulk/wagtailcore/page/publish/?id={page.pk}&next={next_url}",
        {"include_descendants": ""},
    )


def test_bulk_publish_of_a_draft_with_a_claim_publishes_nothing_and_names_the_page(
    admin_client, page
):
    admin_client.post(f"/admin/pages/{page.pk}/edit/", edit_data(page, CLAIM, publish=False))

    response = bulk_publish(admin_client, page)

    assert response.status_code == 302
    assert response["Location"] == "/admin/pages/"
    assert CLAIM not in live_text(page)
    shown = messages_html(admin_client.get("/admin/"))
    assert "Nothing was published" in shown
    assert f"“{page.title}” (" in shown


def test_bulk_publish_of_a_compliant_draft_goes_through(admin_client, page):
    admin_client.post(f"/admin/pages/{page.pk}/edit/", edit_data(page, COMPLIANT, publish=False))

    bulk_publish(admin_client, page, next_url="https://evil.example/")

    assert COMPLIANT in live_text(page)
