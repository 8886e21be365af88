"""What people can report and moderators act on: experiments, amendments, replies and
critiques. One place answers, for any of them, whose it is, which experiment it
belongs to, who may see it and what to call it."""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KINDS = {
    "experiment": ("forum", "Experiment"),
    "amendment": ("forum", "Amendment"),
    "reply": ("forum", "Reply"),
    "critique": ("critique", "Critique"),
}
LABELS = {
    "experiment": gettext_lazy("experiment"),
    "amendment": gettext_lazy("amendment"),
    "reply": gettext_lazy("reply"),
    "critique": gettext_lazy("critique"),
}


def model_for(kind: str) -> type[Model] | None:
    names = KINDS.get(kind)
    return apps.get_model(*names) if names else None


def kind_of(target) -> str:
    for kind, (app_label, name) in KINDS.items():
        if target._meta.label == f"{app_label}.{name}":
            return kind
    raise ValueError(f"{target._meta.label} cannot be moderated")


def content_types() -> dict[str, ContentType]:
    """The content type of each kind (cached by Django after the first call)."""
    return {
        kind: ContentType.objects.get_for_model(
            model_for(kind), for_concrete_model=True
        )
        for kind in KINDS
    }


def related_for(kind: str) -> tuple:
    """What `select_related` the moderation pages need for each kind."""
    return {
        "experiment": ("author",),
        "amendment": ("author", "experiment", "experiment__author"),
        "reply": ("user",),
        "critique": ("reviewer", "experiment", "experiment__author"),
    }[kind]


def targets_in_bulk(kind: str, pks) -> dict:
    """{pk: target} with what the queue shows; a reply carries its experiment."""
    model = model_for(kind)
    found = model.objects.select_related(*related_for(kind)).in_bulk(list(pks))
    if kind == "reply":
        attach_experiments(found.values())
    return found


def attach_experiments(replies) -> None:
    """Give each reply its experiment as `reply.experiment`, in one query."""
    replies = list(replies)
    experiments = (
        model_for("experiment")
        .objects.select_related("author")
        .in_bulk({int(reply.object_pk) for reply in replies})
    )
    for reply in replies:
        reply.experiment = experiments.get(int(reply.object_pk))


def target_get(kind: str, pk: int):
    """One target by kind and id, or None."""
    if model_for(kind) is None:
        return None
    return targets_in_bulk(kind, [pk]).get(pk)


def experiment_of(target):
    """The experiment a target belongs to (itself, for an experiment)."""
    kind = kind_of(target)
    if kind == "experiment":
        return target
    if kind == "reply":
        experiment = getattr(target, "experiment", None)
        if experiment is None:
            experiment = model_for("experiment").objects.get(pk=int(target.object_pk))
            target.experiment = experiment
        return experiment
    return target.experiment


AUTHOR_FIELDS = {
    "experiment": "author",
    "amendment": "author",
    "reply": "user",
    "critique": "reviewer",
}


def author_of(target):
    return getattr(target, AUTHOR_FIELDS[kind_of(target)])


def author_id_of(target) -> int | None:
    return getattr(target, AUTHOR_FIELDS[kind_of(target)] + "_id")


def is_published(target) -> bool:
    """Posted for others to read (not a draft), whatever moderators did with it since."""
    if kind_of(target) in ("experiment", "critique"):
        return not target.is_draft
    return True


def is_public(target) -> bool:
    """Anyone may see it now: published, not held or hidden, nor is its experiment."""
    kind = kind_of(target)
    if kind == "experiment":
        return target.is_public
    experiment = experiment_of(target)
    if not experiment.is_public:
        return False
    if kind == "reply":
        return target.is_public and not target.is_removed and not target.is_withheld
    if kind == "critique":
        return target.is_public
    return not target.is_withheld


def is_author(user, target) -> bool:
    return user.is_authenticated and author_id_of(target) == user.pk


def describe(target) -> str:
    """A short description for moderators and reporters: what it is and where."""
    kind = kind_of(target)
    title = experiment_of(target).title
    if kind == "experiment":
        return _("Experiment “%(title)s”") % {"title": title}
    if kind == "amendment":
        label = target.experiment._meta.get_field(target.field).verbose_name
        return _("Amendment (%(field)s) to “%(title)s”") % {
            "field": label,
            "title": title,
        }
    if kind == "reply":
        return _("Reply on “%(title)s”") % {"title": title}
    return _("Critique of “%(title)s”") % {"title": title}


def text_of(target) -> str:
    """The text a moderator reviews (the main text; the item page shows the rest)."""
    kind = kind_of(target)
    if kind == "experiment":
        return target.hypothesis_sentence
    if kind == "amendment":
        return target.new_text
    if kind == "reply":
        return target.comment
    return target.strengths


def url_of(target) -> str:
    kind = kind_of(target)
    if kind == "reply":
        return experiment_of(target).get_absolute_url() + f"#c{target.pk}"
    return target.get_absolute_url()
