"""Writing the audit log. Callers pass a reason and, for a redaction, the field's name;
never the text that was removed."""

from django.contrib.contenttypes.models import ContentType

from .models import AuditAction, AuditEntry


def audit_record(
    *, actor, action: AuditAction, target, reason: str, field: str = ""
) -> AuditEntry:
    """Append one entry; `actor` is None when the site acted by itself."""
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=True),
        target_id=target.pk,
        field=field,
        reason=reason.strip(),
    )
