"""Media in S3-compatible storage (settings/storage.py, MEDIA_STORAGE=s3), against moto's S3
server: an image uploaded in the admin and its rendition are objects in the bucket, the page
links to them and the bucket serves them; a document goes to the bucket too, but visitors get
it only through the app's /documents/ view, which keeps checking private collections.

Django resets `storages` and `default_storage` when STORAGES changes (django.test.signals),
and the file fields of Wagtail's images, renditions and documents hold `default_storage`
itself, a lazy object (AbstractRendition's callable storage, get_rendition_storage, returns
it when WAGTAILIMAGES_RENDITION_STORAGE is not set), so overriding the setting is enough: no
module is reloaded."""

import importlib.util
import io
import json
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from storages.backends.s3 import S3Storage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction

from apothecary.blog.models import BlogPostPage

MOTO_SERVER = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "moto_server"
PORTS = range(5990, 6000)  # this project's ports for moto
STORAGE_VARIABLES = (
    "MEDIA_STORAGE",
    "MEDIA_STORAGE_PREFIX",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_S3_CUSTOM_DOMAIN",
)


def load_storage_settings(monkeypatch, **variables):
    """settings/storage.py run again with these environment variables, as at a start."""
    for name in STORAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.find_spec("apothecary.settings.storage")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def public_images_policy(bucket: str, prefix: str = "media") -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicImages",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": [
                    f"arn:aws:s3:::{bucket}/{prefix}/original_images/*",
                    f"arn:aws:s3:::{bucket}/{prefix}/images/*",
                ],
            }
        ],
    }


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"no free port in {PORTS.start}-{PORTS.stop - 1} for moto_server")


@pytest.fixture(scope="module")
def moto_endpoint():
    """moto's S3 server on 127.0.0.1, stopped when the module's tests are done."""
    program = str(MOTO_SERVER) if MOTO_SERVER.exists() else shutil.which("moto_server")
    assert program, "moto_server is missing: it comes with moto[server] in requirements.lock"
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [program, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):  # until it answers (a few seconds at most), else fail
            if server.poll() is not None:
                pytest.fail(f"moto_server stopped at once (exit code {server.returncode})")
            try:
                urllib.request.urlopen(endpoint, timeout=1).close()
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        else:
            pytest.fail(f"moto_server did not answer on {endpoint}")
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def bucket(moto_endpoint, monkeypatch, settings):
    """A new bucket, and the site's media in it as settings/storage.py configures it."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    name = f"media-{uuid.uuid4().hex[:12]}"
    s3 = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket=name)
    # The policy docs/operations.md gives: images and renditions public, documents not.
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps(public_images_policy(name)))
    storage = load_storage_settings(
        monkeypatch,
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME=name,
        AWS_S3_ENDPOINT_URL=moto_endpoint,
        AWS_S3_REGION_NAME="us-east-1",
    )
    settings.STORAGES = storage.STORAGES
    settings.CONTENT_SECURITY_POLICY = storage.CONTENT_SECURITY_POLICY
    settings.WAGTAILDOCS_SERVE_METHOD = storage.WAGTAILDOCS_SERVE_METHOD

    def keys() -> set[str]:
        return {item["Key"] for item in s3.list_objects_v2(Bucket=name).get("Contents", [])}

    return keys


@pytest.fixture
def staff(client, db):
    user = get_user_model().objects.create_superuser(
        email="media-editor@example.com", password="an-editor-password-1"
    )
    client.force_login(user)
    return client


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), (180, 83, 9)).save(buffer, "PNG")
    return buffer.getvalue()


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.sources.append(dict(attrs)["src"])


def image_sources(response) -> list[str]:
    parser = _Images()
    parser.feed(response.content.decode())
    return parser.sources


def fetch(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.status, answer.headers["Content-Type"], answer.read()


# -- The settings --------------------------------------------------------------------------


def test_an_unknown_media_storage_stops_the_start(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE='ftp' is not known"):
        load_storage_settings(monkeypatch, MEDIA_STORAGE="ftp")


def test_s3_without_a_bucket_stops_the_start(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="needs AWS_STORAGE_BUCKET_NAME"):
        load_storage_settings(monkeypatch, MEDIA_STORAGE="s3")


def test_local_media_stays_on_the_disk(monkeypatch):
    storage = load_storage_settings(monkeypatch)

    assert storage.MEDIA_STORAGE == "local"
    assert storage.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert storage.WAGTAILDOCS_SERVE_METHOD == "serve_view"


def test_s3_media_has_stable_public_urls_and_keeps_every_file(monkeypatch):
    storage = load_storage_settings(
        monkeypatch,
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="shop-media",
        MEDIA_STORAGE_PREFIX="/store-media/",
    )

    assert storage.STORAGES["default"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "shop-media",
            "location": "store-media",
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=86400"},
        },
    }
    assert storage.WAGTAILDOCS_SERVE_METHOD == "serve_view"


@pytest.mark.parametrize(
    "variables",
    [
        {"AWS_S3_CUSTOM_DOMAIN": "media.shop.example.com"},
        {"AWS_S3_ENDPOINT_URL": "https://minio.example.com:9000"},
        {"AWS_S3_REGION_NAME": "eu-central-1"},
        {},
        {"AWS_STORAGE_BUCKET_NAME": "media.shop.example.com"},
    ],
)
def test_pages_allow_images_from_where_the_storage_links_them(monkeypatch, variables):
    storage = load_storage_settings(
        monkeypatch, MEDIA_STORAGE="s3", **{"AWS_STORAGE_BUCKET_NAME": "shop-media", **variables}
    )
    url = S3Storage(**storage.STORAGES["default"]["OPTIONS"]).url("images/patch.width-720.webp")
    parts = urlsplit(url)

    assert parts.query == ""  # not signed
    origin = f"{parts.scheme}://{parts.netloc}"
    assert origin in storage.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]
    assert origin in storage.CSP_ADMIN_DIRECTIVES["img-src"]


# -- Against an S3 server -------------------------------------------------------------------


@pytest.mark.django_db
def test_an_image_from_the_admin_is_shown_on_a_page_from_the_bucket(staff, bucket, moto_endpoint):
    picture = png()
    response = staff.post(
        reverse("wagtailimages:add"),
        {
            "title": "Patch on an arm",
            "file": SimpleUploadedFile("patch-on-arm.png", picture),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 302
    image = get_image_model().objects.get(title="Patch on an arm")
    post = BlogPostPage.objects.get(slug="vitamin-b12-and-bone-health")
    post.header_image = image
    post.header_image_alt = "A patch on an arm"
    post.save_revision().publish()

    page = Client().get(post.url)

    assert page.status_code == 200
    [source] = [src for src in image_sources(page) if "patch-on-arm" in src]
    assert source.startswith(f"{moto_endpoint}/")
    assert moto_endpoint in page["Content-Security-Policy"]  # img-src lets the browser load it
    status, content_type, body = fetch(source)
    assert (status, content_type) == (200, "image/webp")
    assert Image.open(io.BytesIO(body)).size == (960, 540)
    [rendition] = [r for r in image.renditions.all() if r.url == source]
    assert bucket() >= {f"media/{image.file.name}", f"media/{rendition.file.name}"}
    assert fetch(image.file.url)[2] == picture
    # The page's og:image is the bucket's own absolute URL, not glued to the site's host.
    [og] = re.findall(r'<meta property="og:image" content="([^"]+)"', page.content.decode())
    assert og.startswith(f"{moto_endpoint}/") and fetch(og)[0] == 200


@pytest.mark.django_db
def test_a_document_goes_to_the_bucket_and_is_served_by_the_app(staff, bucket):
    content = b"%PDF-1.4\n% the price list\n%%EOF\n"
    response = staff.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Price list",
            "file": SimpleUploadedFile("price-list.pdf", content),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 302
    document = get_document_model().objects.get(title="Price list")

    assert f"media/{document.file.name}" in bucket()
    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch(document.file.url)  # the object itself is not public
    assert refused.value.code == 403
    assert document.url == f"/documents/{document.pk}/price-list.pdf"
    served = Client().get(document.url)
    assert served.status_code == 200  # sent by the app, not a redirect to the bucket
    assert b"".join(served.streaming_content) == content
    assert served["Content-Disposition"].startswith("attachment")
    assert served["Content-Security-Policy"] == "default-src 'none'"


@pytest.mark.django_db
def test_a_private_document_in_the_bucket_still_needs_a_login(staff, bucket):
    private = Collection.get_first_root_node().add_child(name="Staff only")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    staff.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Supplier terms",
            "file": SimpleUploadedFile("supplier-terms.pdf", b"%PDF-1.4\n% terms\n%%EOF\n"),
            "collection": private.pk,
        },
    )
    document = get_document_model().objects.get(title="Supplier terms")
    assert f"media/{document.file.name}" in bucket()

    visitor = Client().get(document.url)

    assert visitor.status_code == 302
    assert urlsplit(visitor["Location"]).path == reverse("account_login")
    assert staff.get(document.url).status_code == 200
