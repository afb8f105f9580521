from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import PERMISSION, personal_data


@hooks.register("register_admin_urls")
def register_personal_data_url():
    return [path("personal-data/", personal_data, name="privacy_personal_data")]


class PersonalDataMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_settings_menu_item")
def register_personal_data_menu_item():
    return PersonalDataMenuItem(
        "Personal data", reverse("privacy_personal_data"), icon_name="user", order=900
    )
