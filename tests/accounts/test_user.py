import pytest
from django.contrib.auth import authenticate, get_user_model
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def test_people_sign_in_with_their_email_address():
    User = get_user_model()
    User.objects.create_user(email="Reader@Example.COM", password="a long pass phrase")

    user = authenticate(
        RequestFactory().post("/"), email="reader@example.com", password="a long pass phrase"
    )

    assert user is not None
    assert user.email == "reader@example.com"
    assert not hasattr(user, "username") or user.username is None


def test_email_is_unique():
    from django.db import IntegrityError

    User = get_user_model()
    User.objects.create_user(email="one@example.com", password="x")
    with pytest.raises(IntegrityError):
        User.objects.create_user(email="one@example.com", password="y")


def test_admin_login_page_takes_an_email(client):
    response = client.get("/admin/login/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/account/login/?next=%2Fadmin%2F"
    assert 'type="email"' in response.content.decode()
