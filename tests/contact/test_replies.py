"""Answering a message from the inbox: the reply is queued in the outbox, threaded under the
message, kept as a row, shown in the message's page, and the message is marked answered."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from wagtail.models import Site

from apothecary.contact.models import ContactMessage, ContactReply, ContactSettings, MessageStatus
from apothecary.contact.services import ContactRefused, reply_send
from apothecary.core.outbox import OutgoingEmail
from tests.store import make_cart, make_product, make_zone, place_order

from .builders import make_message

pytestmark = pytest.mark.django_db

THANKS = "Thank you for writing. Yes, the patch stays on in the pool for an hour."


def edit_url(message) -> str:
    return f"/admin/inbox/edit/{message.pk}/"


def staff_user(email: str, *codenames: str):
    user = get_user_model().objects.create_user(email=email, password="x", first_name="Grace")
    group = Group.objects.create(name=f"group of {email}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    group.permissions.add(*Permission.objects.filter(codename__in=codenames))
    user.groups.add(group)
    return user


@pytest.fixture
def message():
    return make_message(subject="Question about the patch", text="Can I swim with it?")


def test_a_reply_is_queued_threaded_under_the_message_and_marks_it_answered(
    message, admin_user, settings
):
    settings.WAGTAILADMIN_BASE_URL = "https://shop.example"

    reply = reply_send(message_id=message.pk, text=f"  {THANKS}\r\n", author=admin_user)

    message.refresh_from_db()
    assert message.status == MessageStatus.ANSWERED
    assert message.msgid.startswith(f"<contact-{message.pk}-")
    assert message.msgid.endswith("@shop.example>")
    email = OutgoingEmail.objects.get(kind="contact_reply")
    assert email.to == "ada@example.com"
    assert email.subject == "Re: Question about the patch"
    assert email.text == THANKS + "\n"
    assert email.headers["In-Reply-To"] == message.msgid
    assert email.headers["References"] == message.msgid
    assert email.headers["Message-ID"] == reply.msgid != message.msgid
    assert reply.email == email
    assert (reply.message, reply.author, reply.text) == (message, admin_user, THANKS)
    sent = email.message().message()
    assert sent["Message-ID"] == reply.msgid
    assert sent["In-Reply-To"] == message.msgid


def test_a_second_reply_keeps_the_message_id_and_refers_to_the_first(message, admin_user):
    first = reply_send(message_id=message.pk, text="First answer.", author=admin_user)
    message.refresh_from_db()
    msgid = message.msgid

    second = reply_send(message_id=message.pk, text="And another thing.", author=admin_user)

    message.refresh_from_db()
    assert message.msgid == msgid
    headers = OutgoingEmail.objects.get(key__endswith=second.msgid).headers
    assert headers["In-Reply-To"] == msgid
    assert headers["References"].split() == [first.msgid, msgid]  # the one answered last


def test_a_reply_to_a_closed_message_leaves_it_closed(message, admin_user):
    ContactMessage.objects.filter(pk=message.pk).update(status=MessageStatus.CLOSED)

    reply_send(message_id=message.pk, text="One more thing.", author=admin_user)

    message.refresh_from_db()
    assert message.status == MessageStatus.CLOSED


def test_an_empty_reply_is_refused_and_nothing_is_sent(message, admin_user, admin_client):
    with pytest.raises(ContactRefused):
        reply_send(message_id=message.pk, text=" \r\n ", author=admin_user)

    response = admin_client.post(edit_url(message), {"reply_action": "send", "text": "  "})

    assert response.status_code == 400
    assert "Write your reply before sending it." in response.content.decode()
    assert not ContactReply.objects.exists()
    assert not OutgoingEmail.objects.filter(kind="contact_reply").exists()
    message.refresh_from_db()
    assert message.status == MessageStatus.NEW


def test_staff_reply_from_the_page_and_a_colleague_sees_the_history(message, admin_client):
    response = admin_client.post(edit_url(message), {"reply_action": "send", "text": THANKS})

    assert response.status_code == 302
    assert response["Location"] == edit_url(message)
    colleague = staff_user("grace@b12patch.example", "change_contactmessage")
    admin_client.logout()
    admin_client.force_login(colleague)
    html = admin_client.get(edit_url(message)).content.decode()
    assert html.index("Can I swim with it?") < html.index(THANKS)  # oldest first
    reply = ContactReply.objects.get()
    assert f"Reply from {reply.author.email}" in html
    assert "Answered" in html


def test_a_saved_reply_fills_the_text_without_sending(message, admin_client):
    settings = ContactSettings.for_site(Site.objects.get(is_default_site=True))
    settings.saved_replies = [
        ("reply", {"title": "Shipping", "text": "We ship within two days."}),
        ("reply", {"title": "Swimming", "text": THANKS}),
    ]
    settings.save()

    page = admin_client.get(edit_url(message)).content.decode()
    assert '<option value="1">Swimming</option>' in page
    response = admin_client.post(
        edit_url(message), {"reply_action": "use_saved", "saved_reply": "1", "text": ""}
    )

    assert response.status_code == 200
    assert response.context["reply_form"]["text"].value() == THANKS
    assert f">\n{THANKS}</textarea>" in response.content.decode()
    assert not ContactReply.objects.exists()


def test_choosing_no_saved_reply_says_so(message, admin_client):
    settings = ContactSettings.for_site(Site.objects.get(is_default_site=True))
    settings.saved_replies = [("reply", {"title": "Shipping", "text": "Two days."})]
    settings.save()

    response = admin_client.post(
        edit_url(message), {"reply_action": "use_saved", "saved_reply": "", "text": ""}
    )

    assert response.status_code == 400
    assert "Choose a saved reply first." in response.content.decode()


def test_only_people_who_may_change_messages_can_reply(message, client):
    reader = staff_user("reader@b12patch.example", "view_contactmessage")
    client.force_login(reader)

    response = client.post(edit_url(message), {"reply_action": "send", "text": THANKS})

    assert response.status_code in {302, 403}
    assert not response.get("Location", "").startswith(edit_url(message))
    assert not ContactReply.objects.exists()
    assert not OutgoingEmail.objects.filter(kind="contact_reply").exists()


def test_the_page_links_the_orders_of_the_sender(admin_client):
    product = make_product(title="Reply Patch")
    order = place_order(
        cart=make_cart((product.variants.get(), 1)), rate=make_zone(), email="Ada@Example.com"
    )
    message = make_message(email="ada@example.com")

    html = admin_client.get(edit_url(message)).content.decode()

    assert f'href="/admin/orders/{order.number}/">{order.number}</a>' in html
