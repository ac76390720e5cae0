import pytest
from django.test import Client

from practices.models import Practice
from tests.cities.factories import CityFactory, CityOfficerFactory


@pytest.fixture
def practice(make_practice):
    """A published practice of Ghent (the `officer`'s city)."""
    return make_practice(Practice.Status.PUBLISHED, title="Testing landlords for discrimination")


@pytest.fixture
def asker(other_city_officer):
    """An officer of Liège, who asks Ghent; e-mails in French."""
    record = other_city_officer.city_officer
    record.preferred_language = "fr"
    record.save()
    return other_city_officer


@pytest.fixture
def answerer(officer):
    """An officer of Ghent, whose practice is asked about; e-mails in Spanish."""
    record = officer.city_officer
    record.preferred_language = "es"
    record.save()
    return officer


@pytest.fixture
def third_city_officer(db):
    city = CityFactory(name="Uppsala", slug="uppsala", country="SE")
    return CityOfficerFactory(city=city, user__username="third-officer").user


def client_for(user):
    client = Client()
    client.force_login(user)
    return client
