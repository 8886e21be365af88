from django.apps import AppConfig

from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and profiles"


class UsersAdminConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with our profile fields (verified flag, region...) on its forms."""

    user_viewset = "accounts.viewsets.UserViewSet"
