"""The app's own media route (core.media) under DEBUG=0: what it serves, with which headers,
and what it refuses."""

import io

import pytest
from PIL import Image

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (20, 83, 45)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    """Production's switches: DEBUG off, the app serving media from a fresh folder."""
    settings.DEBUG = False
    settings.SERVE_MEDIA = True
    root = tmp_path / "media"
    (root / "original_images").mkdir(parents=True)
    (root / "documents").mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def test_an_image_under_media_root_is_served_with_its_headers(client, media):
    image = png_bytes()
    (media / "original_images" / "patch.png").write_bytes(image)

    response = client.get("/media/original_images/patch.png")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == image
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["Cache-Control"] == "public, max-age=86400"


def test_head_answers_like_get_without_the_body(client, media):
    (media / "original_images" / "patch.png").write_bytes(png_bytes())

    response = client.head("/media/original_images/patch.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert b"".join(response.streaming_content) == b""


def test_a_post_is_refused(client, media):
    (media / "original_images" / "patch.png").write_bytes(png_bytes())

    assert client.post("/media/original_images/patch.png").status_code == 405


def test_nothing_is_served_when_serve_media_is_off(client, media, settings):
    (media / "original_images" / "patch.png").write_bytes(png_bytes())
    settings.SERVE_MEDIA = False

    assert client.get("/media/original_images/patch.png").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/media/documents/price-list.pdf",
        "/media//documents/price-list.pdf",
        "/media/./documents/price-list.pdf",
        "/media/%64ocuments/price-list.pdf",
        "/media/original_images/../documents/price-list.pdf",
        "/media/documents/",
    ],
)
def test_documents_are_never_served_from_media(client, media, path):
    (media / "documents" / "price-list.pdf").write_bytes(b"%PDF-1.4 private prices")

    response = client.get(path)

    assert response.status_code == 404
    assert b"private prices" not in response.content


@pytest.mark.parametrize(
    "path",
    [
        "/media/../secret.txt",
        "/media/original_images/../../secret.txt",
        "/media/%2e%2e/secret.txt",
        "/media/original_images/..%2f..%2fsecret.txt",
        "/media/..\\secret.txt",
    ],
)
def test_a_path_leaving_media_root_is_not_found(client, media, path):
    (media.parent / "secret.txt").write_text("outside the media folder")

    response = client.get(path)

    assert response.status_code == 404
    assert b"outside the media folder" not in response.content


def test_a_missing_file_is_not_found(client, media):
    assert client.get("/media/original_images/nothing-here.png").status_code == 404


def test_a_folder_is_not_listed(client, media):
    (media / "original_images" / "patch.png").write_bytes(png_bytes())

    response = client.get("/media/original_images/")

    assert response.status_code == 404
    assert b"patch.png" not in response.content


def test_media_in_s3_is_not_served_from_the_disk(client, media, settings):
    (media / "original_images" / "patch.png").write_bytes(png_bytes())
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "shop-media"},
        },
    }

    assert client.get("/media/original_images/patch.png").status_code == 404
