"""What every site needs after `migrate`: vocabulary, the page tree's top and editors' rights.

Runs from the post_migrate signal (also after `flush`), so a new database is usable
at once. Each step only adds what is missing and never undoes an editor's change.
"""

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.management import create_contenttypes
from django.db import connections, transaction
from django.utils.text import slugify

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, GroupPagePermission, Locale, Page, Site

from accounts.roles import Role, roles_ensure_groups

from .models import AgeBand, EvidenceIndexPage, EvidencePage, HomePage, Topic
from .vocabulary import AGE_BANDS, TOPICS


def site_ensure_setup(sender, using: str = "default", apps=None, **kwargs) -> None:
    """post_migrate receiver: bring a (possibly new or flushed) database to a usable state."""
    tables = connections[using].introspection.table_names()
    if EvidencePage._meta.db_table not in tables:
        return  # A partial migrate; the full one will call us again.
    # Permissions normally appear after every app's post_migrate; editors need
    # Wagtail's now.
    for app_config in global_apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0, using=using)
        create_permissions(app_config, verbosity=0, using=using)
    with transaction.atomic(using=using):
        vocabulary_ensure()
        index_page = pages_ensure()
        editor_permissions_ensure(index_page=index_page)


def vocabulary_ensure() -> None:
    """Install the topic vocabulary on a site that has none, and every age band."""
    if not Topic.objects.exists():
        Topic.objects.bulk_create(
            Topic(name=name, slug=slugify(name), category=category, sort_order=order)
            for category, names in TOPICS.items()
            for order, name in enumerate(names)
        )
    for order, (code, label) in enumerate(AGE_BANDS):
        AgeBand.objects.update_or_create(
            code=code, defaults={"label": label, "sort_order": order}
        )


def pages_ensure():
    """Make sure the tree has a home page with an evidence index under it; return the index."""
    # Wagtail's migrations make these; `flush` (used between browser tests) empties them.
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(title="Root", slug="root")
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's own migration leaves a bare "Welcome" page; ours takes its place.
        for page in root.get_children().filter(depth=2, slug="home"):
            if page.specific_class is Page and not page.get_children().exists():
                page.delete()
        home = root.add_child(
            instance=HomePage(
                title="IUseEvidence",
                slug="home",
                intro=(
                    "Children's social workers testing research ideas in their own "
                    "practice, sharing what happened and critiquing each other's tests."
                ),
            )
        )
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="IUseEvidence",
        )
    elif site.root_page_id != home.pk and site.root_page.specific_class is Page:
        site.root_page = home
        site.save()
    index = EvidenceIndexPage.objects.first()
    if index is None:
        index = home.add_child(
            instance=EvidenceIndexPage(
                title="Evidence",
                slug="evidence",
                intro=(
                    "Summaries of research for children's social care, with the strength "
                    "of evidence and the effect on each outcome kept apart."
                ),
            )
        )
    return index


EDITOR_PAGE_PERMISSIONS = [
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
]
EDITOR_MODEL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("evidence", "add_topic"),
    ("evidence", "change_topic"),
    ("evidence", "delete_topic"),
]


def editor_permissions_ensure(*, index_page) -> None:
    """Let the Editor group reach the admin and write and publish evidence pages."""
    groups = roles_ensure_groups()
    editors = groups[Role.EDITOR]
    for app_label, codename in EDITOR_MODEL_PERMISSIONS:
        permission = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if permission is not None:
            editors.permissions.add(permission)
    for codename in EDITOR_PAGE_PERMISSIONS:
        permission = Permission.objects.get(
            content_type__app_label="wagtailcore", codename=codename
        )
        GroupPagePermission.objects.get_or_create(
            group=editors, page=index_page, permission=permission
        )
