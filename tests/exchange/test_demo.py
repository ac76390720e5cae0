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
