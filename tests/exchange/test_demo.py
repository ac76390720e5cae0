"""The demo data shows the exchange: answered questions, one of them shown publicly."""

import pytest
from django.core.management import call_command
from django.test import Client

from exchange.models import Conversation, Message
from practices.models import Practice

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_conversations_once_and_one_is_public(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    assert Conversation.objects.count() == 3
    assert Message.objects.count() == 7
    published = Conversation.objects.get(public_state="published")
    assert published.asking_city.name == "Nuremberg"
    page = Client().get(published.practice.get_absolute_url()).content.decode()
    assert "Question from Nuremberg" in page and "sociology department" in page
    assert "Demo Nuremberg" not in page
    # The demo officer of Nuremberg has a question from Liège and an answer from Ghent waiting.
    officer = Client()
    officer.force_login(
        Practice.objects.get(slug="nuremberg-anonymised-job-applications-city-administration")
        .city.officers.get()
        .user
    )
    assert "2 unread" in officer.get("/members/").content.decode()


def test_seed_demo_shows_adaptations_transferability_and_the_network(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # loading again adds nothing
    from exchange.models import Adaptation

    assert Adaptation.objects.count() == 9
    assert Adaptation.objects.filter(public_version__isnull=False).count() == 7
    ghent = Practice.objects.get(slug="ghent-rental-discrimination-tests-landlord-dialogue")
    # Berlin and Liège name it as their inspiration; Nuremberg recorded its adaptation.
    assert ghent.adapted_in == 3
    page = Client().get(ghent.get_absolute_url()).content.decode()
    assert "Adapted by 3 cities" in page and "letting agencies only" in page
    assert "What it takes to transfer" in page and "Housing (own stock" in page
    listing = Client().get("/practices/?adapted=1&sort=adapted").context["outcome"]
    assert listing.page[0].pk == ghent.pk and listing.total >= 8
    fits = Client().get("/practices/?size=medium&budget=low&powers=housing&powers=regulation")
    titles = [practice.slug for practice in fits.context["outcome"].page]
    assert "ghent-rental-discrimination-tests-landlord-dialogue" in titles
    assert "berlin-fair-housing-testing-programme" not in titles  # a metropolis, medium cost
    network = Client().get("/transfers/")
    assert network.status_code == 200 and network.context["total"] >= 12
    # The demo officer of Ghent has an adaptation the editors sent back.
    officer = Client()
    officer.force_login(ghent.city.officers.get().user)
    assert "1 to revise" in officer.get("/members/").content.decode()
