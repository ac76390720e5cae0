import pytest
from django.db import transaction

from practices import services
from practices.models import Practice
from tests.cities.factories import CityOfficerFactory, UserFactory

Status = Practice.Status
pytestmark = pytest.mark.django_db


def test_submission_mails_each_editor_after_commit(
    draft, officer, editor, second_editor, superuser, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(username="no-mail-editor", email="", is_staff=True).groups.add(editor.groups.get())
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_submit(practice=draft, actor=officer, message="Please look")
    recipients = sorted(address for message in mailoutbox for address in message.to)
    # Editors only: not the superuser, not the submitting officer.
    assert recipients == sorted([editor.email, second_editor.email])
    message = mailoutbox[0]
    assert draft.title in message.subject
    assert "Ghent" in message.subject
    assert "Please look" in message.body
    assert f"/admin/practices/practice/{draft.pk}/change/" in message.body
    html = message.alternatives[0][0]
    assert "Please look" in html


@pytest.mark.parametrize(
    "service,kwargs,status_label",
    [
        (services.practice_approve, {"message": "Well documented."}, "Published"),
        (services.practice_request_changes, {"message": "Add the budget."}, "Changes requested"),
        (services.practice_reject, {"message": "Not a municipal practice."}, "Rejected"),
    ],
)
def test_decision_mails_the_citys_active_officers(
    make_practice,
    officer,
    inactive_officer,
    other_city_officer,
    editor,
    mailoutbox,
    django_capture_on_commit_callbacks,
    service,
    kwargs,
    status_label,
):
    colleague = CityOfficerFactory(city=officer.city_officer.city, user__username="colleague").user
    practice = make_practice(Status.SUBMITTED)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        service(practice=practice, actor=editor, note="private remark", **kwargs)
    recipients = sorted(address for message in mailoutbox for address in message.to)
    assert recipients == sorted([officer.email, colleague.email])
    message = mailoutbox[0]
    assert status_label in message.subject
    assert kwargs["message"] in message.body
    assert "private remark" not in message.body
    assert "private remark" not in message.alternatives[0][0]


def test_publication_mail_links_to_the_public_page(
    make_practice, editor, mailoutbox, django_capture_on_commit_callbacks
):
    practice = make_practice(Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_approve(practice=practice, actor=editor)
    assert f"/practices/{practice.slug}/" in mailoutbox[-1].body


def test_nothing_is_sent_when_the_transaction_rolls_back(
    draft, officer, editor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                services.practice_submit(practice=draft, actor=officer)
                raise RuntimeError("something later in the same request failed")
    assert callbacks == []
    assert mailoutbox == []
    assert Practice.objects.get(pk=draft.pk).status == Status.DRAFT


def test_a_failing_mail_server_does_not_undo_the_submission(
    draft, officer, editor, settings, django_capture_on_commit_callbacks, caplog
):
    settings.MAILERS = {"default": {"BACKEND": "tests.practices.failing_mail.BrokenBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_submit(practice=draft, actor=officer)
    assert Practice.objects.get(pk=draft.pk).status == Status.SUBMITTED
    assert "Could not send the submission e-mail" in caplog.text
