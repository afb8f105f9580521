"""What the account asks the apps above it, as Wagtail hooks (accounts stands on floor 4 and
imports none of them; they register answers in their wagtail_hooks.py).

- LOGIN_DESTINATION_HOOK: `fn(request) -> str | None`, called once the person is signed in
  without a `?next=` (which always wins): the first address given is where they land
  (affiliates: the dashboard); none, settings.LOGIN_REDIRECT_URL (the account page).
- ACCOUNT_LINKS_HOOK: `fn(request) -> list[tuple[str, str]]`, (label, address) pairs the
  account page lists under "Elsewhere" (affiliates: "Your affiliate dashboard")."""

from wagtail import hooks

LOGIN_DESTINATION_HOOK = "account_login_destination"
ACCOUNT_LINKS_HOOK = "account_page_links"


def login_destination(request) -> str | None:
    for answer in hooks.get_hooks(LOGIN_DESTINATION_HOOK):
        url = answer(request)
        if url:
            return url
    return None


def account_links(request) -> list[tuple[str, str]]:
    return [link for answer in hooks.get_hooks(ACCOUNT_LINKS_HOOK) for link in answer(request)]
