"""Opening moderation reports. The queue that works through them is built on this."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from .models import Reason, Report


@transaction.atomic
def report_create(
    *, target, reason: Reason, reporter=None, details: str = "", source=None
) -> Report:
    """Open a report about `target`; the same open report from the same source is kept once."""
    fields = {
        "content_type": ContentType.objects.get_for_model(target),
        "object_id": target.pk,
        "reason": reason,
        "reporter": reporter,
    }
    if source is not None:
        fields["source_type"] = ContentType.objects.get_for_model(source)
        fields["source_id"] = source.pk
    report, _created = Report.objects.get_or_create(
        **fields, status="open", defaults={"details": details}
    )
    return report
