import factory
from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.roles import Role, roles_ensure_groups

PASSWORD = "a-long-test-password-1"


class UserFactory(factory.django.DjangoModelFactory):
    """A person with a verified e-mail address who can log in with PASSWORD."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.invalid")
    display_name = factory.Sequence(lambda n: f"Practitioner {n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=user,
                email=user.email,
                defaults={"verified": True, "primary": True},
            )

    @factory.post_generation
    def roles(user, create, extracted, **kwargs):
        if create and extracted:
            groups = roles_ensure_groups()
            user.groups.add(*(groups[Role(role)] for role in extracted))
