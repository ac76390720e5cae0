"""The demo data holds one publication modelled on the 2012 report: chapters by the roles of
cities, in English with a French translation, published."""

import pytest
from django.core.management import call_command
from django.test import Client

from publications.models import Publication

pytestmark = pytest.mark.django_db


def test_seed_demo_publishes_a_report_by_the_roles_of_cities(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # loading again adds nothing
    publication = Publication.objects.get()
    assert publication.is_published
    assert publication.events.get(action="published").actor_name == "Demo Editor"
    chapters = list(publication.chapters.all())
    assert [chapter.title_en for chapter in chapters][0] == "The city as policy-maker and regulator"
    assert len(chapters) == 5
    entries = [entry for chapter in chapters for entry in chapter.entries.all()]
    assert len(entries) == 17 and all(entry.frozen_version for entry in entries)
    client = Client()
    english = client.get(publication.get_absolute_url()).content.decode()
    assert "Cities against racism: good practices by the roles of cities" in english
    assert "Berlin Fair Housing Testing" in english
    french = client.get(f"/fr{publication.get_absolute_url()}").content.decode()
    assert "Des villes contre le racisme" in french
    assert "La ville employeuse" in french
    assert publication.title_en in client.get("/publications/").content.decode()
