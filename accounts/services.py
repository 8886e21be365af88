from functools import partial
from importlib import import_module

from allauth.account.models import EmailAddress

from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from critique.choices import CritiqueState, RequestState
from critique.models import Critique, CritiqueRequest, HelpfulMark
from critique.services import critique_discard, critique_request_decline, helpful_unmark
from forum.choices import State
from forum.models import DiscussionMute, Experiment, Reply
from forum.services import experiment_delete_draft
from notifications.models import EmailOptOut, Notification

from .models import FORMER_MEMBER_USERNAME_PREFIX, User
from .roles import SELF_DECLARED_ROLES, Role, roles_ensure_groups


@transaction.atomic
def user_set_self_declared_roles(*, user: User, roles: list[Role]) -> None:
    """Set the roles a person claims for themselves; appointed roles are left as they are."""
    refused = [role for role in roles if role not in SELF_DECLARED_ROLES]
    if refused:
        raise PermissionError(
            "Editors and moderators are appointed by an administrator."
        )
    groups = roles_ensure_groups()
    user.groups.remove(
        *(groups[role] for role in SELF_DECLARED_ROLES if role not in roles)
    )
    user.groups.add(*(groups[role] for role in roles))


@transaction.atomic
def user_update_profile(*, user: User, data: dict, roles: list[Role]) -> User:
    """Save a person's own profile fields and self-declared roles."""
    for field in ("display_name", "organisation_type", "region", "bio"):
        setattr(user, field, data[field])
    user.full_clean(exclude=["password", "username", "email"])
    user.save(update_fields=["display_name", "organisation_type", "region", "bio"])
    user_set_self_declared_roles(user=user, roles=roles)
    return user


class AccountDeletionRefused(Exception):
    """The account cannot be deleted this way; str(error) says why and what to do."""


# Stored in the database, so deliberately not translated; `User.public_name` shows the
# translated words for any deleted account.
FORMER_MEMBER_NAME = "Former member"
SUFFIX_CHARACTERS = "abcdefghjkmnpqrstuvwxyz23456789"
ADMINISTRATOR_REFUSAL = _(
    "An administrator's account cannot be deleted here. Ask another administrator "
    "to remove your administrator rights first, then try again."
)


def _former_member_username(user: User) -> str:
    """`former-member-<id>`, with a suffix in the unlikely case someone chose that name."""
    username = f"{FORMER_MEMBER_USERNAME_PREFIX}{user.pk}"
    taken = User.objects.filter(username__iexact=username).exclude(pk=user.pk)
    if taken.exists():
        username = f"{username}-{get_random_string(8, allowed_chars=SUFFIX_CHARACTERS)}"
    return username


def _sessions_delete(*, user_id: int) -> int:
    """End every stored session of the user; returns how many were ended.

    Session rows cannot be searched by user, so the live ones are decoded one by one.
    With a session engine that keeps no table, the unusable password ends them anyway:
    Django rejects a session whose password hash no longer matches.
    """
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store_class, "get_model_class"):
        return 0
    sessions = store_class.get_model_class().objects.filter(
        expire_date__gt=timezone.now()
    )
    keys = [
        session.session_key
        for session in sessions.iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user_id)
    ]
    for key in keys:
        store_class(session_key=key).delete()
    return len(keys)


def _admin_profile_delete(user: User) -> None:
    """Wagtail's admin preferences and avatar, which editors and moderators may have."""
    if not apps.is_installed("wagtail.users"):
        return
    from wagtail.users.models import UserProfile

    for profile in UserProfile.objects.filter(user=user):
        if profile.avatar:
            # The file goes only once the deletion has been committed.
            transaction.on_commit(
                partial(profile.avatar.storage.delete, profile.avatar.name)
            )
        profile.delete()


@transaction.atomic
def account_delete(*, user: User) -> User:
    """Close the person's account for good and remove what identifies them.

    Published experiments and submitted or withdrawn critiques stay, attributed to the
    anonymised account ("Former member"); drafts, notifications, settings, e-mail
    addresses and sessions go. The caller checks the password and logs the person out.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_superuser:
        raise AccountDeletionRefused(str(ADMINISTRATOR_REFUSAL))
    if not user.is_active:
        raise AccountDeletionRefused(str(_("This account has already been closed.")))

    for experiment in Experiment.objects.filter(author=user, state=State.DRAFT):
        experiment_delete_draft(experiment=experiment, by=user)
    for critique in Critique.objects.filter(reviewer=user, state=CritiqueState.DRAFT):
        critique_discard(critique=critique, by=user)
    for mark in HelpfulMark.objects.filter(user=user).select_related("critique"):
        helpful_unmark(critique=mark.critique, by=user)
    for request in CritiqueRequest.objects.filter(
        reviewer=user, state=RequestState.OPEN
    ):
        critique_request_decline(request=request, by=user)
    Notification.objects.filter(recipient=user).delete()
    EmailOptOut.objects.filter(user=user).delete()
    DiscussionMute.objects.filter(user=user).delete()

    # update(), never save(): xtd's pre_save hook would renumber the thread.
    Reply.objects.filter(user=user).update(
        user_name=FORMER_MEMBER_NAME, user_email="", user_url="", ip_address=None
    )

    EmailAddress.objects.filter(user=user).delete()
    if apps.is_installed("allauth.socialaccount"):
        from allauth.socialaccount.models import SocialAccount

        SocialAccount.objects.filter(user=user).delete()
    _admin_profile_delete(user)

    user.username = _former_member_username(user)
    user.display_name = FORMER_MEMBER_NAME
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.bio = ""
    user.region = ""
    user.organisation_type = ""
    user.is_verified_practitioner = False
    user.is_active = False
    user.is_staff = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    _sessions_delete(user_id=user.pk)
    return user
