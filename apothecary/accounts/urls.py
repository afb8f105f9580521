"""The paths of the hand-written account pages before allauth, kept so that bookmarks and
links in old emails land somewhere useful. allauth's own pages are mounted beside these, under
/account/ too (apothecary/urls.py), and its URL names (account_login, account_email, ...) are
the ones to reverse."""

from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

app_name = "accounts"


def moved(pattern_name):
    return RedirectView.as_view(url=reverse_lazy(pattern_name), query_string=True)


urlpatterns = [
    path("password/", moved("account_change_password"), name="password_change"),
    path("password/reset/sent/", moved("account_reset_password_done")),
    # An old reset or email-change link expired long ago (an hour, a day): ask again.
    path("password/reset/<uidb64>/<token>/", moved("account_reset_password")),
    path("email/confirm/<str:token>/", moved("account_email")),
]
