"""Showing a question and its answers under the practice: the answering city agrees, an editor
approves the version they read; withdrawn or refused, it disappears, from cached pages too."""

import pytest
from django.test import Client
from django.urls import reverse

from exchange.models import Conversation, ConversationEvent
from tests.decisions import decide

from .conftest import client_for
from .factories import answered

pytestmark = pytest.mark.django_db
Public = Conversation.Public
ANSWER = "Through the tenants' unions; we paid them a small fee."


def publication_url(conversation):
    return reverse("exchange:conversation_publication", args=[conversation.pk])


def decision_url(conversation, action):
    return reverse("admin:exchange_conversation_decide", args=[conversation.pk, action])


def test_consent_then_approval_shows_it_under_the_practice_naming_the_city_only(
    practice, asker, answerer, editor_client, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    visitor = Client()
    conversation = answered(practice, asker, answerer, answer=ANSWER)
    assert (
        "Questions from other cities"
        not in visitor.get(practice.get_absolute_url()).content.decode()
    )
    assert visitor.get(practice.get_absolute_url())["X-Page-Cache"] == "hit"

    # Only the answering city consents.
    asking = client_for(asker)
    assert asking.post(publication_url(conversation), {"action": "offer"}).status_code == 404
    answering = client_for(answerer)
    response = answering.post(publication_url(conversation), {"action": "offer"})
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.public_state == Public.OFFERED
    assert (
        "Questions from other cities"
        not in visitor.get(practice.get_absolute_url()).content.decode()
    )

    # The editor sees it in the queue and approves the version the page showed.
    queue = editor_client.get(
        reverse("admin:exchange_conversation_changelist") + "?publication=offered"
    )
    assert conversation.subject in queue.content.decode()
    change = editor_client.get(
        reverse("admin:exchange_conversation_change", args=[conversation.pk])
    )
    assert f"decide/publish/?version={conversation.version}" in change.content.decode()
    assert decide(editor_client, decision_url(conversation, "publish")).status_code == 302
    conversation.refresh_from_db()
    assert conversation.public_state == Public.PUBLISHED

    # The cached public page is forgotten at once; the city is named, never the people.
    page = visitor.get(practice.get_absolute_url())
    content = page.content.decode()
    assert page["X-Page-Cache"] != "hit"
    assert "Questions from other cities" in content and "Question from Liège" in content
    assert "How did you recruit the testers?" in content and "tenants&#x27; unions" in content
    for name in conversation.messages.values_list("author_name", flat=True):
        assert name not in content
    assert asker.email not in content and answerer.email not in content
    # A later message is not shown until an editor approves again.
    client_for(asker).post(
        reverse("exchange:conversation", args=[conversation.pk]), {"body": "A later aside."}
    )
    assert "A later aside." not in visitor.get(practice.get_absolute_url()).content.decode()

    # Withdrawn by the city: gone at once.
    answering.post(publication_url(conversation), {"action": "withdraw"})
    assert (
        "Questions from other cities"
        not in visitor.get(practice.get_absolute_url()).content.decode()
    )
    actions = list(conversation.events.values_list("action", flat=True))
    assert actions == ["offered", "published", "withdrawn"]


def test_an_editor_refuses_and_the_section_disappears(practice, asker, answerer, editor_client):
    conversation = answered(practice, asker, answerer)
    client_for(answerer).post(publication_url(conversation), {"action": "offer"})
    decide(editor_client, decision_url(conversation, "publish"))
    assert "Question from Liège" in Client().get(practice.get_absolute_url()).content.decode()
    response = decide(
        editor_client, decision_url(conversation, "refuse"), {"reason": "Too personal."}
    )
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.public_state == Public.REFUSED
    assert "Question from Liège" not in Client().get(practice.get_absolute_url()).content.decode()
    event = conversation.events.last()
    assert (event.action, event.reason) == (ConversationEvent.Action.REFUSED, "Too personal.")


def test_an_approval_of_another_version_than_the_one_read_is_refused_409(
    practice, asker, answerer, editor_client
):
    conversation = answered(practice, asker, answerer)
    client_for(answerer).post(publication_url(conversation), {"action": "offer"})
    conversation.refresh_from_db()
    seen = conversation.version
    # Meanwhile, the asking city adds a message.
    client_for(asker).post(
        reverse("exchange:conversation", args=[conversation.pk]), {"body": "One more detail."}
    )
    response = editor_client.post(
        decision_url(conversation, "publish"), {"version": seen, "reason": "Useful for all."}
    )
    assert response.status_code == 409
    content = response.content.decode()
    assert "changed since you opened it" in content and "Liège wrote" in content
    assert "Useful for all.</textarea>" in content
    conversation.refresh_from_db()
    assert conversation.public_state == Public.OFFERED
    assert f'name="version" value="{conversation.version}"' in content
    # Without a version, nothing is decided either.
    response = editor_client.post(decision_url(conversation, "publish"), {})
    assert response.status_code == 200 and "does not say which version" in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.public_state == Public.OFFERED


def test_offering_needs_an_answer_and_an_open_conversation(
    practice, asker, answerer, editor_client
):
    from .factories import ask

    conversation = ask(practice, asker)
    client_for(answerer).post(publication_url(conversation), {"action": "offer"})
    conversation.refresh_from_db()
    assert conversation.public_state == Public.PRIVATE
    conversation = answered(practice, asker, answerer, body="Another question")
    client_for(answerer).post(publication_url(conversation), {"action": "offer"})
    decide(editor_client, decision_url(conversation, "close"), {"reason": "Abusive."})
    conversation.refresh_from_db()
    assert conversation.state == "closed" and conversation.public_state == Public.REFUSED


def test_the_admin_is_read_only_and_for_editors(
    practice, asker, answerer, editor_client, staff_client
):
    conversation = answered(practice, asker, answerer)
    change = reverse("admin:exchange_conversation_change", args=[conversation.pk])
    page = editor_client.get(change).content.decode()
    assert ANSWER.replace("'", "&#x27;") in page and 'name="_save"' not in page
    assert editor_client.get(reverse("admin:exchange_conversation_add")).status_code == 403
    assert (
        editor_client.post(
            reverse("admin:exchange_conversation_delete", args=[conversation.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert staff_client.get(change).status_code == 403
    assert staff_client.get(decision_url(conversation, "close")).status_code == 403


@pytest.fixture
def staff_client(db):
    from tests.cities.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(username="helpdesk", is_staff=True))
    return client
