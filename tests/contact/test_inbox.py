"""The inbox in the admin: the list with its filters, search and CSV export, and the page of a
message where its status and assignee change (through services.message_update)."""

import csv
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import ModelLogEntry

from apothecary.contact.models import ContactMessage, MessageStatus
from apothecary.contact.services import message_update
from apothecary.core.machines import InvalidTransition
from tests.store import make_cart, make_product, make_zone, place_order

from .builders import make_message

pytestmark = pytest.mark.django_db

INBOX = "/admin/inbox/"
LISTED = re.compile(r'href="/admin/inbox/edit/(\d+)/"')


def edit_url(message) -> str:
    return f"/admin/inbox/edit/{message.pk}/"


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {int(pk) for pk in LISTED.findall(response.content.decode())}


def pks(*messages) -> set[int]:
    return {m.pk for m in messages}


@pytest.fixture
def colleague():
    """Another person of the shop, who uses the admin (an editor)."""
    user = get_user_model().objects.create_user(
        email="grace@b12patch.example", password="x", first_name="Grace", last_name="Hopper"
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def customer():
    """Someone with an account but no access to the admin."""
    return get_user_model().objects.create_user(email="shopper@example.com", password="x")


@pytest.fixture
def messages(admin_user, colleague):
    product = make_product(title="Inbox Patch")
    order = place_order(
        cart=make_cart((product.variants.get(), 1)), rate=make_zone(), email="emmy@example.com"
    )
    ada = make_message(name="Ada Lovelace", email="ada@example.com", text="Is it vegan?")
    emmy = make_message(
        name="Emmy Noether",
        email="emmy@example.com",
        subject="Question about an order",
        order_number=order.number,
        text="My parcel has not arrived.",
    )
    alan = make_message(
        name="Alan Turing", email="alan@example.com", subject="Wholesale", text="Bulk prices?"
    )
    message_update(
        message_id=emmy.pk, status=MessageStatus.ANSWERED, assigned_to=colleague, actor=admin_user
    )
    message_update(
        message_id=alan.pk, status=MessageStatus.CLOSED, assigned_to=admin_user, actor=admin_user
    )
    return {"ada": ada, "emmy": emmy, "alan": alan, "order": order}


def test_the_inbox_is_in_the_store_menu(admin_client):
    html = admin_client.get("/admin/").content.decode()

    assert '"label": "Inbox"' in html or "&quot;label&quot;: &quot;Inbox&quot;" in html
    assert "/admin/inbox/" in html


def test_the_list_shows_every_message_newest_first_with_its_columns(admin_client, messages):
    response = admin_client.get(INBOX)

    html = response.content.decode()
    assert listed(response) == pks(messages["ada"], messages["emmy"], messages["alan"])
    order = [int(pk) for pk in LISTED.findall(html)]
    assert order == sorted(order, reverse=True)
    assert "Emmy Noether" in html
    assert "emmy@example.com" in html
    assert "Question about an order" in html
    assert "My parcel has not arrived." in html
    assert messages["order"].number in html
    assert "Grace Hopper" in html
    assert "Answered" in html and "Closed" in html and "New" in html


def test_the_list_has_no_add_button_and_no_add_page(admin_client, messages):
    html = admin_client.get(INBOX).content.decode()

    assert "/admin/inbox/new/" not in html
    assert admin_client.get("/admin/inbox/new/").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=new", {"ada"}),
        ("status=answered&status=closed", {"emmy", "alan"}),
        ("subject=Wholesale", {"alan"}),
        ("subject=Question+about+the+patch", {"ada"}),
        ("assigned_to=null", {"ada"}),
        ("status=new&subject=Wholesale", set()),
    ],
)
def test_filters_find_exactly_the_right_messages(admin_client, messages, query, expected):
    response = admin_client.get(f"{INBOX}?{query}")

    assert listed(response) == pks(*(messages[name] for name in expected))


def test_the_assignee_filter_finds_the_messages_of_one_person(
    admin_client, messages, colleague, admin_user
):
    mine = admin_client.get(INBOX, {"assigned_to": admin_user.pk})
    theirs = admin_client.get(INBOX, {"assigned_to": colleague.pk})

    assert listed(mine) == pks(messages["alan"])
    assert listed(theirs) == pks(messages["emmy"])


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("lovelace", {"ada"}),
        ("alan@EXAMPLE", {"alan"}),
        ("parcel has not", {"emmy"}),
        ("example.com", {"ada", "emmy", "alan"}),
        ("nobody-by-this-name", set()),
    ],
)
def test_search_finds_messages_by_name_email_and_text(admin_client, messages, term, expected):
    response = admin_client.get(INBOX, {"q": term})

    assert listed(response) == pks(*(messages[name] for name in expected))


def test_search_finds_a_message_by_its_order_number(admin_client, messages):
    response = admin_client.get(INBOX, {"q": messages["order"].number.lower()})

    assert listed(response) == pks(messages["emmy"])


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="contact-messages.csv"'
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_the_csv_export_has_the_filtered_messages_with_their_columns(admin_client, messages):
    rows = read_csv(admin_client.get(f"{INBOX}?status=answered&export=csv"))

    assert len(rows) == 1
    row = rows[0]
    assert list(row) == [
        "Received",
        "Status",
        "Subject",
        "Name",
        "Email",
        "Order",
        "Assigned to",
        "Message",
    ]
    assert row["Status"] == "Answered"
    assert row["Subject"] == "Question about an order"
    assert row["Name"] == "Emmy Noether"
    assert row["Email"] == "emmy@example.com"
    assert row["Order"] == messages["order"].number
    assert row["Assigned to"] == "Grace Hopper"
    assert row["Message"] == "My parcel has not arrived."
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", row["Received"])


def test_the_csv_export_defuses_spreadsheet_formulas(admin_client):
    make_message(name='=HYPERLINK("http://x.example")', text="+SUM(A1:A9)")

    row = read_csv(admin_client.get(f"{INBOX}?export=csv"))[0]

    assert row["Name"] == '\'=HYPERLINK("http://x.example")'
    assert row["Message"] == "'+SUM(A1:A9)"


def test_the_list_takes_a_bounded_number_of_queries(
    admin_client, messages, django_assert_max_num_queries
):
    for n in range(20):
        make_message(name=f"Reader {n}", email=f"reader{n}@example.com")
    admin_client.get(INBOX)

    with django_assert_max_num_queries(40):
        assert admin_client.get(INBOX).status_code == 200


# A message's page.


def test_the_message_page_shows_the_message_and_its_order(admin_client, messages):
    emmy = messages["emmy"]

    response = admin_client.get(edit_url(emmy))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'Emmy Noether &lt;<a href="mailto:emmy@example.com">emmy@example.com</a>&gt;' in html
    assert (
        f'<a href="/admin/orders/{messages["order"].number}/">{messages["order"].number}</a>'
        in html
    )
    assert '<div class="contact-message-text">My parcel has not arrived.</div>' in html


def test_the_status_select_offers_only_the_moves_the_status_allows(admin_client, messages):
    def offered(message):
        html = admin_client.get(edit_url(message)).content.decode()
        select = re.search(r'<select name="status".*?</select>', html, re.S)[0]
        return re.findall(r'<option value="(\w+)"', select)

    assert offered(messages["ada"]) == ["new", "answered", "closed"]
    assert offered(messages["emmy"]) == ["new", "answered", "closed"]
    assert offered(messages["alan"]) == ["new", "closed"]


def test_staff_mark_a_message_answered_and_hand_it_to_a_colleague(
    admin_client, admin_user, messages, colleague
):
    ada = messages["ada"]

    response = admin_client.post(edit_url(ada), {"status": "answered", "assigned_to": colleague.pk})

    assert response.status_code == 302
    ada.refresh_from_db()
    assert (ada.status, ada.assigned_to) == (MessageStatus.ANSWERED, colleague)
    entry = ModelLogEntry.objects.filter(action="contact.message.update", object_id=str(ada.pk))
    assert entry.get().data == {
        "status": {"from": "new", "to": "answered"},
        "assigned_to": {"from": "", "to": "Grace Hopper"},
    }
    assert entry.get().user == admin_user
    history = admin_client.get(f"/admin/inbox/history/{ada.pk}/").content.decode()
    assert "Status changed from New to Answered; Assigned to Grace Hopper" in history


def test_a_move_the_status_does_not_allow_is_refused_and_nothing_changes(admin_client, messages):
    alan = messages["alan"]  # closed: it can only be reopened

    response = admin_client.post(edit_url(alan), {"status": "answered", "assigned_to": ""})

    assert response.status_code == 400
    assert "Select a valid choice. answered is not one of the available choices." in (
        response.content.decode()
    )
    alan.refresh_from_db()
    assert alan.status == MessageStatus.CLOSED
    assert alan.assigned_to is not None


def test_a_status_changed_meanwhile_by_someone_else_is_not_overwritten(
    admin_client, admin_user, messages
):
    ada = messages["ada"]
    page = admin_client.get(edit_url(ada))  # opened while new
    assert page.status_code == 200
    message_update(
        message_id=ada.pk, status=MessageStatus.CLOSED, assigned_to=None, actor=admin_user
    )

    # The form still offers "answered" (as it was when opened); the service refuses it.
    with pytest.raises(InvalidTransition):
        message_update(
            message_id=ada.pk, status=MessageStatus.ANSWERED, assigned_to=None, actor=admin_user
        )
    ada.refresh_from_db()
    assert ada.status == MessageStatus.CLOSED


def test_only_people_who_use_the_admin_can_be_assigned(admin_client, messages, customer, colleague):
    ada = messages["ada"]
    html = admin_client.get(edit_url(ada)).content.decode()

    response = admin_client.post(edit_url(ada), {"status": "new", "assigned_to": customer.pk})

    assert "shopper@example.com" not in html
    assert f'<option value="{colleague.pk}">Grace Hopper (grace@b12patch.example)</option>' in html
    assert response.status_code == 400
    ada.refresh_from_db()
    assert ada.assigned_to is None


def test_people_without_admin_access_see_no_inbox(client, customer, messages):
    client.force_login(customer)

    for url in (INBOX, edit_url(messages["ada"]), f"{INBOX}?export=csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_saving_without_changes_writes_no_history(admin_client, messages):
    ada = messages["ada"]

    response = admin_client.post(edit_url(ada), {"status": "new", "assigned_to": ""})

    assert response.status_code == 302
    assert not ModelLogEntry.objects.filter(
        action="contact.message.update", object_id=str(ada.pk)
    ).exists()


# Whatever a sender typed is shown as text in the inbox.

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"


def assert_no_markup_from_payloads(html):
    assert SCRIPT not in html
    assert "<img src=x" not in html
    assert "onerror=alert(1)>" not in html
    assert not re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", html, re.I)


@pytest.fixture
def hostile():
    return make_message(
        name=IMG,
        email=f'"{SCRIPT}"@example.com',
        subject=SCRIPT,
        text=f"{SCRIPT}\n{IMG}\n{JS_URL}",
    )


def test_payloads_are_escaped_in_the_inbox_list(admin_client, hostile):
    html = admin_client.get(INBOX).content.decode()

    assert_no_markup_from_payloads(html)
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert JS_URL in html


def test_payloads_are_escaped_in_search_results_and_filters(admin_client, hostile):
    results = admin_client.get(INBOX, {"q": "alert"}).content.decode()
    filtered = admin_client.get(INBOX, {"subject": SCRIPT}).content.decode()

    assert listed_pks(results) == {hostile.pk}
    assert listed_pks(filtered) == {hostile.pk}
    for html in (results, filtered):
        assert_no_markup_from_payloads(html)


def listed_pks(html) -> set[int]:
    return {int(pk) for pk in LISTED.findall(html)}


def test_payloads_are_escaped_on_the_message_page(admin_client, hostile):
    html = admin_client.get(edit_url(hostile)).content.decode()

    assert_no_markup_from_payloads(html)
    assert (
        '<div class="contact-message-text">&lt;script&gt;alert(1)&lt;/script&gt;\n'
        "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\njavascript:alert(1)</div>"
    ) in html
    assert (
        '&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &lt;<a href="mailto:&quot;&lt;script&gt;'
        'alert(1)&lt;/script&gt;&quot;@example.com">'
    ) in html


def test_the_history_of_a_hostile_message_is_escaped_too(admin_client, admin_user, hostile):
    message_update(
        message_id=hostile.pk, status=MessageStatus.CLOSED, assigned_to=None, actor=admin_user
    )

    html = admin_client.get(f"/admin/inbox/history/{hostile.pk}/").content.decode()

    assert_no_markup_from_payloads(html)
    assert ContactMessage.objects.get(pk=hostile.pk).status == MessageStatus.CLOSED
