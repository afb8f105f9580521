"""Launch test 31: a document in a private collection asks an anonymous visitor to sign in or
for the password, and the production web server (deploy/nginx.conf.in, run here in Debian's
nginx) never hands out /media/documents/ from the disk, while public media and static files
are served and everything else reaches the app with the forwarding headers."""

import gzip
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx.conf.in"
NGINX = os.environ.get("NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"
SECRET = b"%PDF-1.4\nThe board's salary sheet, not for the public.\n%%EOF\n"


# -- In the app: the document view checks the collection's restriction --------------------


@pytest.fixture
def private_document(db):
    def make(restriction_type, password=""):
        root = Collection.get_first_root_node()
        collection = root.add_child(name=f"Board ({restriction_type})")
        CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=restriction_type, password=password
        )
        return get_document_model().objects.create(
            title="Salaries",
            collection=collection,
            file=ContentFile(SECRET, name="salaries.pdf"),
        )

    return make


def served(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_an_anonymous_visitor_is_sent_to_sign_in_for_a_login_only_document(
    client, private_document
):
    document = private_document(CollectionViewRestriction.LOGIN)
    assert re.fullmatch(rf"/documents/{document.pk}/salaries(_\w+)?\.pdf", document.url)

    response = client.get(document.url)

    assert response.status_code == 302
    # A sign-in page (Wagtail's /_util/login/ unless WAGTAIL_FRONTEND_LOGIN_URL names ours),
    # which brings the visitor back to the document.
    assert re.fullmatch(r"/[\w/]*login/\?next=.+", response["Location"])
    assert unquote(response["Location"].split("next=", 1)[1]) == document.url
    assert SECRET not in served(response)


def test_a_signed_in_customer_gets_the_login_only_document_as_an_attachment(
    client, private_document
):
    document = private_document(CollectionViewRestriction.LOGIN)
    user = get_user_model().objects.create_user(email="ada@example.org", password="pw-ada-12345")
    client.force_login(user)

    response = client.get(document.url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert served(response) == SECRET


def test_an_anonymous_visitor_is_asked_for_the_password_then_gets_the_document(
    client, private_document
):
    document = private_document(CollectionViewRestriction.PASSWORD, password="board-only-2024")

    prompt = client.get(document.url)
    assert prompt.status_code == 200
    assert b"You need a password to access this document." in prompt.content
    assert SECRET not in prompt.content

    restriction = CollectionViewRestriction.objects.get(collection=document.collection)
    action = reverse("wagtaildocs_authenticate_with_password", args=[restriction.pk])
    assert action.encode() in prompt.content
    wrong = client.post(
        action,
        {"password": "guess", "return_url": document.url},
    )
    assert SECRET not in served(wrong)
    assert served(client.get(document.url)) != SECRET

    client.post(
        action,
        {"password": "board-only-2024", "return_url": document.url},
    )
    assert served(client.get(document.url)) == SECRET


# -- In front of the app: deploy/nginx.conf.in ---------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _EchoApp(BaseHTTPRequestHandler):
    """Stands for the app server: answers with the headers nginx forwarded."""

    def do_GET(self):
        body = json.dumps({"path": self.path, "headers": dict(self.headers)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def render(template: str, values: dict[str, str]) -> str:
    text = template
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    left = re.findall(r"@[A-Z_]+@", text)
    assert not left, f"placeholders left unfilled: {left}"
    return text


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    if not Path(NGINX).exists():
        reason = f"nginx not found at {NGINX}: apt-get install nginx to run this test"
        if os.environ.get("NGINX_REQUIRED") == "1":
            pytest.fail(reason + " (NGINX_REQUIRED=1)")
        pytest.skip(reason)
    base = tmp_path_factory.mktemp("nginx")
    run, logs, static, media = (base / name for name in ("run", "logs", "static", "media"))
    for folder in (run, logs, static / "css", media / "documents", media / "original_images"):
        folder.mkdir(parents=True)
    (media / "documents" / "salaries.pdf").write_bytes(SECRET)
    (media / "original_images" / "patch.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    (static / "css" / "site.css").write_text("body { color: #111; }\n" * 200)

    app = ThreadingHTTPServer(("127.0.0.1", 0), _EchoApp)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    port = free_port()
    conf = base / "nginx.conf"
    conf.write_text(
        render(
            TEMPLATE.read_text(),
            {
                "USER_LINE": "user root;" if os.geteuid() == 0 else "",
                "RUN_DIR": str(run),
                "LOG_DIR": str(logs),
                "LISTEN": f"127.0.0.1:{port}",
                "SERVER_NAME": "shop.example.com",
                "UPSTREAM": f"server 127.0.0.1:{app.server_address[1]};",
                "STATIC_ROOT": str(static),
                "MEDIA_ROOT": str(media),
                "MAX_BODY": "12m",
            },
        )
    )
    command = [NGINX, "-p", f"{run}/", "-e", str(logs / "nginx-error.log"), "-c", str(conf)]
    check = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"nginx stopped: {server.stderr.read().decode()}")
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        app.shutdown()


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.parametrize(
    "path",
    [
        "/media/documents/salaries.pdf",
        "/media//documents/salaries.pdf",
        "/media/./documents/salaries.pdf",
        "/media/%64ocuments/salaries.pdf",
        "/media/original_images/../documents/salaries.pdf",
        "/media/documents/",
    ],
)
def test_nginx_never_serves_a_document_from_the_disk(nginx, path):
    status, _, body = fetch(nginx + path)

    assert status in (403, 404)
    assert SECRET not in body


def test_nginx_serves_a_public_image_from_media(nginx):
    status, headers, body = fetch(nginx + "/media/original_images/patch.png")

    assert status == 200
    assert body.startswith(b"\x89PNG")
    assert headers["Content-Type"] == "image/png"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == "default-src 'none'"


def test_nginx_serves_static_files_compressed_and_cached_for_a_year(nginx):
    status, headers, body = fetch(nginx + "/static/css/site.css", {"Accept-Encoding": "gzip"})

    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body).startswith(b"body { color: #111; }")
    assert "max-age=31536000" in headers["Cache-Control"]


def test_nginx_passes_everything_else_to_the_app_with_the_client_address_and_scheme(nginx):
    status, _, body = fetch(nginx + "/products/b12-patch/?q=1", {"X-Forwarded-For": "203.0.113.9"})

    assert status == 200
    seen = json.loads(body)
    assert seen["path"] == "/products/b12-patch/?q=1"
    assert seen["headers"]["X-Forwarded-For"] == "203.0.113.9, 127.0.0.1"
    assert seen["headers"]["X-Forwarded-Proto"] == "http"
    assert seen["headers"]["Host"] == nginx.split("://", 1)[1]  # with its port, as Origin has
