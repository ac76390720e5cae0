import factory
from django.contrib.auth import get_user_model

from cities.models import City, CityOfficer, Coalition

# Every account the factories make has this password.
PASSWORD = "a-strong-password-42"


class CoalitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coalition
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Test Coalition {n}")
    slug = factory.Sequence(lambda n: f"test-coalition-{n}")
    region = "Europe"


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City

    name = factory.Sequence(lambda n: f"Testville {n}")
    slug = factory.Sequence(lambda n: f"testville-{n}")
    country = "FR"
    coalition = factory.SubFactory(CoalitionFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class CityOfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CityOfficer

    user = factory.SubFactory(UserFactory)
    city = factory.SubFactory(CityFactory)
