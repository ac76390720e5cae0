"""The exchange through HTTP, as officers and editors use it: asking, e-mails in each
recipient's language, answering, the limits, and who may see what."""

import pytest
from django.core import mail
from django.urls import reverse

from exchange import services
from exchange.models import Conversation, Message
from practices import services as practice_services
from practices.models import OutgoingEmail, Practice
from tests.decisions import decide

from .conftest import client_for
from .factories import answered, ask

pytestmark = pytest.mark.django_db
Status = Practice.Status
QUESTION = "How did you recruit the testers?"
ANSWER = "Through the tenants' unions.\n\nSee https://example.org/testing for the method."


def new_url(practice):
    return reverse("exchange:conversation_new", args=[practice.pk])


def url_of(conversation):
    return reverse("exchange:conversation", args=[conversation.pk])


def test_a_question_and_its_answer_each_reach_the_other_city_by_email_in_its_language(
    practice, asker, answerer, django_capture_on_commit_callbacks
):
    a, b = client_for(asker), client_for(answerer)
    page = a.get(practice.get_absolute_url())
    assert new_url(practice) in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = a.post(new_url(practice), {"body": QUESTION})
    conversation = Conversation.objects.get()
    assert response.status_code == 302 and response["Location"] == url_of(conversation)
    assert conversation.asking_city == asker.city_officer.city
    assert conversation.answering_city == practice.city
    # Ghent's officer is told, in Spanish, with a link to the conversation in Spanish.
    assert [m.to[0] for m in mail.outbox] == [answerer.email]
    question_mail = mail.outbox[0]
    assert QUESTION in question_mail.body
    assert "Liège" in question_mail.subject
    assert "Respóndala" in question_mail.body  # the Spanish text
    assert f"http://127.0.0.1:8000/es/members/conversations/{conversation.pk}/" in (
        question_mail.body
    )
    assert OutgoingEmail.objects.filter(kind="exchange_question").get().to == answerer.email

    # Both cities list it; Ghent has one unread.
    dashboard = b.get(reverse("members:dashboard")).content.decode()
    assert "1 unread" in dashboard
    assert QUESTION in b.get(reverse("exchange:conversation_list")).content.decode()
    assert QUESTION in a.get(reverse("exchange:conversation_list")).content.decode()
    assert "unread" not in a.get(reverse("members:dashboard")).content.decode()

    # Ghent reads it (no more unread) and answers; Liège is told, in French.
    assert QUESTION in b.get(url_of(conversation)).content.decode()
    assert "unread" not in b.get(reverse("members:dashboard")).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = b.post(url_of(conversation), {"body": ANSWER})
    assert response.status_code == 302
    assert [m.to[0] for m in mail.outbox] == [asker.email]
    assert "Lire la conversation" in mail.outbox[0].body or "conversation" in mail.outbox[0].body
    assert "/fr/members/conversations/" in mail.outbox[0].body
    assert "1 unread" in a.get(reverse("members:dashboard")).content.decode()
    page = a.get(url_of(conversation)).content.decode()
    assert "Through the tenants" in page
    assert '<a href="https://example.org/testing" rel="nofollow noopener noreferrer">' in page

    # Any officer of either city can continue; the writer is never e-mailed.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        a.post(url_of(conversation), {"body": "Thank you! Did the landlords know?"})
    assert [m.to[0] for m in mail.outbox] == [answerer.email]
    assert Message.objects.count() == 3


def test_the_question_goes_to_every_active_officer_of_the_city_but_no_other(
    practice, asker, answerer, inactive_officer, django_capture_on_commit_callbacks
):
    from tests.cities.factories import CityOfficerFactory

    colleague = CityOfficerFactory(city=practice.city, user__username="colleague").user
    with django_capture_on_commit_callbacks(execute=True):
        client_for(asker).post(new_url(practice), {"body": QUESTION})
    assert sorted(m.to[0] for m in mail.outbox) == sorted([answerer.email, colleague.email])
    conversation = Conversation.objects.get()
    # The colleague answers: the question's asker is e-mailed, not the colleague.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(colleague).post(url_of(conversation), {"body": "I can answer that."})
    assert [m.to[0] for m in mail.outbox] == [asker.email]


def test_a_third_city_gets_404_and_visitors_go_to_the_login(
    practice, asker, answerer, third_city_officer, inactive_officer, editor
):
    conversation = ask(practice, asker)
    third = client_for(third_city_officer)
    for url in (
        url_of(conversation),
        reverse("exchange:conversation_publication", args=[conversation.pk]),
    ):
        assert third.post(url, {"body": "Let me in", "action": "offer"}).status_code == 404
    assert third.get(url_of(conversation)).status_code == 404
    assert QUESTION not in third.get(reverse("exchange:conversation_list")).content.decode()
    assert Message.objects.count() == 1

    from django.test import Client

    response = Client().get(url_of(conversation))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # A switched-off officer of the answering city: their session no longer acts.
    former = client_for(inactive_officer)
    response = former.post(url_of(conversation), {"body": "Still here?"})
    assert response.status_code in (302, 403)
    assert Message.objects.count() == 1
    # Editors read in the admin, not in the member area.
    assert client_for(editor).get(url_of(conversation)).status_code == 403


def test_no_question_to_ones_own_city_nor_about_an_unpublished_practice(
    practice, answerer, asker, make_practice
):
    own = client_for(answerer).post(new_url(practice), {"body": QUESTION})
    assert own.status_code == 403
    assert "your own city" in own.content.decode()
    draft = make_practice(Status.DRAFT, title="Secret draft title")
    archived = make_practice(Status.ARCHIVED, title="Archived title")
    for hidden in (draft, archived):
        response = client_for(asker).get(new_url(hidden))
        assert response.status_code == 404
        assert hidden.title not in response.content.decode()
        assert client_for(asker).post(new_url(hidden), {"body": QUESTION}).status_code == 404
    assert not Conversation.objects.exists()


def test_after_the_practice_is_archived_the_asking_city_no_longer_sees_its_text(
    practice, asker, answerer, editor
):
    conversation = answered(practice, asker, answerer)
    practice_services.practice_archive(practice=practice, actor=editor, message="Ended.")
    page = client_for(asker).get(url_of(conversation)).content.decode()
    assert practice.title not in page and practice.get_absolute_url() not in page
    assert "no longer public" in page
    assert QUESTION in page  # their own question stays theirs
    assert practice.title in client_for(answerer).get(url_of(conversation)).content.decode()
    assert client_for(asker).get(practice.get_absolute_url()).status_code == 404


def test_too_many_questions_an_hour_answer_429_with_the_text_kept(
    practice, asker, settings, make_practice
):
    settings.EXCHANGE_QUESTIONS_PER_HOUR = 2
    client = client_for(asker)
    for number in range(2):
        assert client.post(new_url(practice), {"body": f"Question {number}"}).status_code == 302
    response = client.post(new_url(practice), {"body": "A third question, typed with care"})
    assert response.status_code == 429
    content = response.content.decode()
    assert "A third question, typed with care</textarea>" in content
    assert "2 questions in the last hour" in content
    assert Conversation.objects.count() == 2


@pytest.mark.parametrize("body", ["", "   \n  ", "x" * 5001])
def test_empty_or_oversized_messages_are_refused_with_the_text_kept(practice, asker, body):
    client = client_for(asker)
    response = client.post(new_url(practice), {"body": body})
    assert response.status_code == 200
    assert 'href="#id_body"' in response.content.decode()
    if body.strip():
        assert body in response.content.decode()
    assert not Conversation.objects.exists()
    conversation = ask(practice, asker)
    response = client.post(url_of(conversation), {"body": body})
    assert response.status_code == 200 and 'href="#id_body"' in response.content.decode()
    assert Message.objects.count() == 1


def test_markup_in_a_message_stays_text(practice, asker, answerer, editor):
    payload = '<script>alert(1)</script><img src=x onerror=alert(2)> "><a href="javascript:x">j</a>'
    conversation = answered(practice, asker, answerer, answer=payload + " www.example.org")
    services.conversation_offer(conversation=conversation, actor=answerer)
    conversation.refresh_from_db()
    services.conversation_approve_publication(
        conversation=conversation, actor=editor, version=conversation.version
    )
    pages = [
        client_for(asker).get(url_of(conversation)),
        client_for(answerer).get(reverse("exchange:conversation_list")),
        client_for(asker).get(practice.get_absolute_url()),
    ]
    for response in pages:
        content = response.content.decode()
        assert "<script>alert" not in content and "<img src=x" not in content
        assert 'href="javascript:' not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0].content.decode()
    assert 'href="https://www.example.org" rel="nofollow noopener noreferrer"' in (
        pages[2].content.decode()
    )


def test_a_closed_conversation_refuses_replies(practice, asker, answerer, editor_client):
    conversation = answered(practice, asker, answerer)
    url = reverse("admin:exchange_conversation_decide", args=[conversation.pk, "close"])
    refused = decide(editor_client, url, {"reason": ""})
    assert refused.status_code == 200 and "Give the reason" in refused.content.decode()
    assert decide(editor_client, url, {"reason": "Insults."}).status_code == 302
    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.CLOSED
    page = client_for(asker).get(url_of(conversation)).content.decode()
    assert "closed this conversation" in page and "Insults." in page
    assert 'name="body"' not in page
    response = client_for(asker).post(url_of(conversation), {"body": "But why?"})
    assert response.status_code == 200
    assert "closed this conversation" in response.content.decode()
    assert "But why?</textarea>" in response.content.decode()
    assert Message.objects.count() == 2


def test_member_pages_keep_a_bounded_number_of_queries(
    practice, asker, answerer, django_assert_max_num_queries
):
    for number in range(5):
        answered(practice, asker, answerer, body=f"Question {number}")
    client = client_for(asker)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("exchange:conversation_list")).status_code == 200
    conversation = Conversation.objects.first()
    with django_assert_max_num_queries(14):
        assert client.get(url_of(conversation)).status_code == 200
