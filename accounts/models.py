from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import Role, group_name

# A deleted account keeps its row (published work points at it) under this username.
FORMER_MEMBER_USERNAME_PREFIX = "former-member-"


class OrganisationType(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", _("Local authority children's services")
    VOLUNTARY = "voluntary", _("Voluntary or community sector")
    HEALTH = "health", _("Health service")
    EDUCATION = "education", _("School or education service")
    UNIVERSITY = "university", _("University or research organisation")
    INDEPENDENT = "independent", _("Independent, agency or self-employed")
    OTHER = "other", _("Other")


class Region(models.TextChoices):
    """Regions no finer than these, so nobody can be placed by where they work."""

    NORTH_EAST = "england_north_east", _("England - North East")
    NORTH_WEST = "england_north_west", _("England - North West")
    YORKSHIRE = "england_yorkshire", _("England - Yorkshire and the Humber")
    EAST_MIDLANDS = "england_east_midlands", _("England - East Midlands")
    WEST_MIDLANDS = "england_west_midlands", _("England - West Midlands")
    EAST = "england_east", _("England - East of England")
    LONDON = "england_london", _("England - London")
    SOUTH_EAST = "england_south_east", _("England - South East")
    SOUTH_WEST = "england_south_west", _("England - South West")
    WALES = "wales", _("Wales")
    SCOTLAND = "scotland", _("Scotland")
    NORTHERN_IRELAND = "northern_ireland", _("Northern Ireland")
    OUTSIDE_UK = "outside_uk", _("Outside the UK")


class User(AbstractUser):
    """A person with an account; the public profile fields live here too."""

    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_("Shown beside what you write. Your username is used if blank."),
    )
    organisation_type = models.CharField(
        _("organisation type"),
        max_length=32,
        choices=OrganisationType.choices,
        blank=True,
    )
    region = models.CharField(
        _("region"), max_length=32, choices=Region.choices, blank=True
    )
    bio = models.TextField(
        _("about you"),
        max_length=2000,
        blank=True,
        help_text=_("A few lines about your practice. Markdown is allowed."),
    )
    is_verified_practitioner = models.BooleanField(
        _("verified"),
        default=False,
        help_text=_(
            "Set by a moderator once professional registration has been checked."
        ),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.public_name

    @property
    def is_former_member(self) -> bool:
        """A deleted account kept, anonymised, so its posts keep an author."""
        return not self.is_active and self.username.startswith(
            FORMER_MEMBER_USERNAME_PREFIX
        )

    @property
    def public_name(self) -> str:
        if self.is_former_member:
            return str(_("Former member"))
        return self.display_name or self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", kwargs={"username": self.username})

    @property
    def roles(self) -> list[Role]:
        """The user's roles, in the order Role lists them (uses prefetched groups if any)."""
        names = {group.name for group in self.groups.all()}
        return [role for role in Role if group_name(role) in names]

    def has_role(self, role: Role) -> bool:
        return role in self.roles
