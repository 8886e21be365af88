from django import template

from ..forms import ATTESTATION, marked_text

register = template.Library()


@register.inclusion_tag("safeguarding/_findings.html")
def identifiability_findings(field):
    """What the check found in one form field: the text with marks, and suggestions."""
    form = field.form
    findings = form.findings_for(field.name) if hasattr(form, "findings_for") else []
    text = str(field.value() or "")
    return {
        "field": field,
        "findings": findings,
        "marked": marked_text(text, findings) if findings else "",
    }


@register.simple_tag
def marked_findings(text, findings):
    """`text`, escaped, with each finding's words marked."""
    return marked_text(str(text or ""), findings)


@register.simple_tag
def attestation_text():
    """The sentence people tick before they publish, for forms written out by hand."""
    return ATTESTATION
