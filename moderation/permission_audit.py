"""Changes to who may do what go into the audit log, however they are made.

Roles are Django groups, so granting or removing a role is a change to a user's groups;
administrator rights are `is_superuser`; what a role allows is its group's permissions.
Signals catch each change whether it comes from Wagtail's admin, the Django shell or a
management command. The person responsible is the signed-in user of the request being
served (set by `CurrentActorMiddleware`); outside a request it is recorded as the site.
"""

from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_save, pre_save

from .audit import audit_record
from .models import AuditAction

_actor: ContextVar = ContextVar("permission_audit_actor", default=None)


class CurrentActorMiddleware:
    """Remember who is making this request, for the audit entries it may cause."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        token = _actor.set(user if user is not None and user.is_authenticated else None)
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)


def current_actor():
    return _actor.get()


def _names(model, pks) -> str:
    if model is Permission:
        rows = Permission.objects.filter(pk__in=pks).values_list(
            "content_type__app_label", "codename"
        )
        return ", ".join(sorted(f"{app}.{codename}" for app, codename in rows))
    return ", ".join(
        sorted(model.objects.filter(pk__in=pks).values_list("name", flat=True))
    )


def _self_declared_group_names() -> set[str]:
    from accounts.roles import SELF_DECLARED_ROLES, group_name

    return {group_name(role) for role in SELF_DECLARED_ROLES}


def _user_groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A user's roles changed (from either side of the relation).

    Roles people claim for themselves on their profile carry no permissions, so only
    the others (editor, moderator, any group an administrator made) are logged.
    """
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    granted = action == "post_add"
    if action == "pre_clear":
        # Clearing sends no primary keys afterwards: read them before they go.
        if reverse:
            pk_set = set(instance.user_set.values_list("pk", flat=True))
        else:
            pk_set = set(instance.groups.values_list("pk", flat=True))
    if not pk_set:
        return
    ignored = _self_declared_group_names()
    if reverse:
        if instance.name in ignored:
            return
    else:
        pk_set = set(
            Group.objects.filter(pk__in=pk_set)
            .exclude(name__in=ignored)
            .values_list("pk", flat=True)
        )
        if not pk_set:
            return
    verb = AuditAction.ROLE_GRANTED if granted else AuditAction.ROLE_REMOVED
    if reverse:  # group.user_set.add(...): one entry per person
        for user in get_user_model().objects.filter(pk__in=pk_set):
            audit_record(
                actor=current_actor(), action=verb, target=user, reason=instance.name
            )
    else:
        audit_record(
            actor=current_actor(),
            action=verb,
            target=instance,
            reason=_names(Group, pk_set),
        )


def _group_permissions_changed(
    sender, instance, action, reverse, model, pk_set, **kwargs
):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:  # permission.group_set.add(...)
        groups = Group.objects.filter(pk__in=pk_set or ())
        permissions = [instance]
    else:
        groups = [instance]
        if action == "pre_clear":
            pk_set = set(instance.permissions.values_list("pk", flat=True))
        permissions = Permission.objects.filter(pk__in=pk_set or ())
    names = ", ".join(
        sorted(f"{p.content_type.app_label}.{p.codename}" for p in permissions)
    )
    if not names:
        return
    change = "added" if action == "post_add" else "removed"
    for group in groups:
        audit_record(
            actor=current_actor(),
            action=AuditAction.PERMISSIONS_CHANGED,
            target=group,
            reason=f"{group.name}: {change} {names}",
        )


def _remember_admin_flag(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        instance._was_superuser = False
        return
    if update_fields is not None and "is_superuser" not in update_fields:
        # A partial save (signing in writes only last_login): rights cannot change.
        instance._was_superuser = instance.is_superuser
        return
    instance._was_superuser = (
        sender.objects.filter(pk=instance.pk)
        .values_list("is_superuser", flat=True)
        .first()
        or False
    )


def _record_admin_flag(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_was_superuser", False)
    if bool(instance.is_superuser) == bool(before):
        return
    audit_record(
        actor=current_actor(),
        action=AuditAction.ADMIN_GRANTED
        if instance.is_superuser
        else AuditAction.ADMIN_REMOVED,
        target=instance,
        reason="Account created as an administrator"
        if created
        else "Administrator rights changed",
    )


def connect() -> None:
    user_model = get_user_model()
    m2m_changed.connect(
        _user_groups_changed,
        sender=user_model.groups.through,
        dispatch_uid="audit-user-groups",
    )
    m2m_changed.connect(
        _group_permissions_changed,
        sender=Group.permissions.through,
        dispatch_uid="audit-group-permissions",
    )
    pre_save.connect(
        _remember_admin_flag, sender=user_model, dispatch_uid="audit-admin-flag-pre"
    )
    post_save.connect(
        _record_admin_flag, sender=user_model, dispatch_uid="audit-admin-flag"
    )
