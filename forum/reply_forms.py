"""The reply form django-comments-xtd uses for experiments (COMMENTS_XTD_FORM_CLASS)."""

from django_comments_xtd.forms import XtdCommentForm
from django_comments_xtd.models import max_thread_level_for_content_type

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from safeguarding.forms import IdentifiabilityCheckMixin

from .choices import State

REPLY_MAX_LENGTH = 3000


class ReplyForm(IdentifiabilityCheckMixin, XtdCommentForm):
    """xtd's form, plus the checks it lacks: an open discussion, a real parent, the depth cap.

    Errors are raised here so they reach the person as messages on the preview page;
    left to the model, they would be a server error after a row was already written.
    The identifiability check runs on every post (a preview shows its findings too).
    """

    identifiability_fields = ("comment",)

    def __init__(self, target_object, *args, **kwargs):
        super().__init__(target_object, *args, **kwargs)
        self.label_suffix = ""
        self.fields["comment"].label = _("Your reply")
        self.fields["comment"].help_text = _(
            "Markdown is allowed. Never include anything that could identify a child, family or colleague."
        )
        self.fields["comment"].widget = forms.Textarea(attrs={"rows": 5})
        self.fields["followup"].label = _(
            "E-mail me when someone replies to this experiment"
        )
        for name in ("name", "email", "url"):
            # Filled from the signed-in account by the posting view.
            self.fields[name].required = False
            self.fields[name].widget = forms.HiddenInput()
        self.add_identifiability_fields()

    def clean(self):
        data = super().clean()
        experiment = self.target_object
        if experiment.state not in (State.REGISTERED, State.CONCLUDED):
            raise forms.ValidationError(
                _(
                    "Replies open once a plan is registered, and close when it is withdrawn."
                )
            )
        if experiment.discussion_locked:
            raise forms.ValidationError(_("A moderator has closed this discussion."))
        parent_id = data.get("reply_to") or 0
        if parent_id:
            from .models import Reply

            content_type = ContentType.objects.get_for_model(experiment)
            parent = Reply.objects.filter(
                pk=parent_id,
                content_type=content_type,
                object_pk=str(experiment.pk),
                is_public=True,
                is_removed=False,
            ).first()
            if parent is None:
                raise forms.ValidationError(
                    _(
                        "The reply you are answering is not part of this discussion any more."
                    )
                )
            if parent.level >= max_thread_level_for_content_type(content_type):
                raise forms.ValidationError(
                    _(
                        "Replies can nest only %(depth)s levels deep. Reply to an earlier message instead."
                    )
                    % {"depth": max_thread_level_for_content_type(content_type) + 1}
                )
        return data


class ReplyEditForm(IdentifiabilityCheckMixin, forms.Form):
    """Changing one's own reply in the edit window: checked like a new reply."""

    identifiability_fields = ("comment",)

    comment = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=REPLY_MAX_LENGTH,
        error_messages={
            "required": _("A reply cannot be empty."),
            "max_length": _(
                "Keep a reply under 3,000 characters (this one has %(show_value)s)."
            ),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.add_identifiability_fields()
