"""Launch test 25: uploads. An oversized document or image, and an .html, .svg or .exe file, is
refused by the admin with its message; a document that is allowed is served as an attachment
under CSP default-src 'none', whatever its type."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from tests.launch.production import PROD, production_settings

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HOSTILE_HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_superuser(
        email="editor@example.com", password="an-editor-password-1"
    )
    client.force_login(user)
    return client


def png(padding: int = 0) -> bytes:
    """A real 8×8 PNG, with `padding` bytes after its end (image readers ignore them)."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return buffer.getvalue() + b"\0" * padding


def upload_document(client, name: str, content: bytes):
    return client.post(
        reverse("wagtaildocs:add"),
        {
            "title": name,
            "file": SimpleUploadedFile(name, content),
            "collection": Collection.get_first_root_node().pk,
        },
    )


def upload_image(client, name: str, content: bytes):
    return client.post(
        reverse("wagtailimages:add"),
        {
            "title": name,
            "file": SimpleUploadedFile(name, content),
            "collection": Collection.get_first_root_node().pk,
        },
    )


def file_errors(response) -> list[str]:
    assert response.status_code == 200  # the form again, not a redirect to the listing
    return [str(error).replace("\xa0", " ") for error in response.context["form"].errors["file"]]


def test_a_25_mb_document_is_refused_with_the_size_in_the_message(editor):
    response = upload_document(editor, "big.pdf", b"%PDF-1.4\n" + b"0" * (25 * MB))

    assert file_errors(response) == ["This file is too big (25.0 MB). Maximum filesize 10.0 MB."]
    assert not get_document_model().objects.filter(title="big.pdf").exists()


def test_a_document_just_under_the_limit_is_taken(editor):
    response = upload_document(editor, "fits.pdf", b"%PDF-1.4\n" + b"0" * (10 * MB - 100))

    assert response.status_code == 302
    assert get_document_model().objects.filter(title="fits.pdf").exists()


def test_the_add_forms_tell_the_editor_the_limits(editor):
    documents = editor.get(reverse("wagtaildocs:add")).content.decode().replace("\xa0", " ")
    images = editor.get(reverse("wagtailimages:add")).content.decode().replace("\xa0", " ")

    assert "Maximum filesize: 10.0 MB." in documents
    assert "Supported formats: AVIF, GIF, JPG, JPEG, PNG, WEBP." in images
    assert "Maximum filesize: 10.0 MB." in images


@pytest.mark.parametrize("name", ["page.html", "page.htm", "drawing.svg", "setup.exe"])
def test_documents_that_a_browser_would_run_or_show_as_a_page_are_refused(editor, name):
    content = SVG if name.endswith(".svg") else HOSTILE_HTML

    response = upload_document(editor, name, content)

    [message] = file_errors(response)
    assert message.startswith(f"File extension “{name.rsplit('.', 1)[1]}” is not allowed.")
    assert "Allowed extensions are: csv, docx, odt, pdf, rtf, txt, xlsx." in message
    assert not get_document_model().objects.filter(title=name).exists()


def test_the_multiple_upload_refuses_an_html_document_too(editor):
    response = editor.post(
        reverse("wagtaildocs:add_multiple"),
        {
            "files[]": SimpleUploadedFile("page.html", HOSTILE_HTML),
            "collection": Collection.get_first_root_node().pk,
        },
    )

    answer = json.loads(response.content)
    assert answer["success"] is False
    assert "“html” is not allowed" in answer["error_message"]
    assert not get_document_model().objects.filter(title="page.html").exists()


def test_an_oversized_image_is_refused_with_the_size_in_the_message(editor):
    response = upload_image(editor, "huge.png", png(padding=11 * MB))

    assert file_errors(response) == ["This file is too big (11.0 MB). Maximum filesize 10.0 MB."]
    assert not get_image_model().objects.filter(title="huge.png").exists()


@pytest.mark.parametrize(
    "name,content",
    [("drawing.svg", SVG), ("page.html", HOSTILE_HTML), ("setup.exe", b"MZ" + b"\0" * 64)],
)
def test_images_that_are_not_plain_pictures_are_refused(editor, name, content):
    response = upload_image(editor, name, content)

    assert len(file_errors(response)) == 1
    assert not get_image_model().objects.filter(title=name).exists()


def test_a_png_is_taken_as_an_image(editor):
    response = upload_image(editor, "fine.png", png())

    assert response.status_code == 302
    assert get_image_model().objects.filter(title="fine.png").exists()


@pytest.mark.parametrize(
    "name,content", [("leaflet.pdf", PDF), ("notes.txt", b"plain"), ("old.html", HOSTILE_HTML)]
)
def test_documents_are_served_as_attachments_under_default_src_none(client, name, content):
    # old.html: a document stored before the extension list (or by a script) is served as
    # harmlessly as any other.
    document = get_document_model().objects.create(title=name, file=ContentFile(content, name=name))

    response = client.get(document.url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == content


def test_the_limits_follow_their_environment_variables():
    env = {**PROD, "WAGTAILDOCS_MAX_UPLOAD_SIZE": "1048576", "WAGTAILIMAGES_MAX_UPLOAD_SIZE": "2"}

    assert production_settings(
        ["WAGTAILDOCS_MAX_UPLOAD_SIZE", "WAGTAILIMAGES_MAX_UPLOAD_SIZE"], env=env
    ) == {"WAGTAILDOCS_MAX_UPLOAD_SIZE": 1048576, "WAGTAILIMAGES_MAX_UPLOAD_SIZE": 2}
