import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from core.editors import EDITORS_GROUP
from practices import services
from practices.admin import REVIEW_ACTIONS
from practices.models import Practice, PracticeRevision, ReviewEvent
from tests.decisions import decide

Status = Practice.Status
pytestmark = pytest.mark.django_db


def review_url(practice, action):
    return reverse("admin:practices_practice_review", args=[practice.pk, action])


def change_url(practice):
    return reverse("admin:practices_practice_change", args=[practice.pk])


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_editors_group_has_exactly_the_permissions_editors_need():
    from importlib import import_module

    expected = import_module("practices.migrations.0003_editors_group").EDITOR_PERMISSIONS
    group = Group.objects.get(name=EDITORS_GROUP)
    actual = sorted(group.permissions.values_list("content_type__app_label", "codename"))
    assert actual == sorted(expected)
    codenames = {codename for _app, codename in actual}
    # Editors never delete practices, never rewrite history, never manage accounts' rights.
    assert "delete_practice" not in codenames
    assert not {"change_reviewevent", "delete_reviewevent", "add_reviewevent"} & codenames
    assert not {"change_user", "change_group", "change_permission"} & codenames


def test_review_queue_shows_submissions_oldest_first_with_counts(editor_client, make_practice):
    make_practice(Status.DRAFT, title="A draft")
    first = make_practice(Status.SUBMITTED, title="Submitted first")
    second = make_practice(Status.SUBMITTED, title="Submitted second")
    make_practice(Status.PUBLISHED, title="Already public")
    response = editor_client.get(reverse("admin:practices_practice_changelist"))
    assert response.status_code == 200
    listed = list(response.context["cl"].result_list)
    assert listed == [first, second]
    content = response.content.decode()
    assert "Awaiting review (2)" in content
    assert "Draft (1)" in content
    assert "Published (1)" in content


def test_review_queue_filters_by_other_state(editor_client, make_practice):
    public = make_practice(Status.PUBLISHED)
    make_practice(Status.SUBMITTED)
    response = editor_client.get(
        reverse("admin:practices_practice_changelist"), {"state": "published"}
    )
    assert list(response.context["cl"].result_list) == [public]
    response = editor_client.get(reverse("admin:practices_practice_changelist"), {"state": "all"})
    assert response.context["cl"].result_count == 2


def test_change_page_shows_preview_history_and_buttons(editor_client, make_practice):
    practice = make_practice(Status.SUBMITTED)
    response = editor_client.get(change_url(practice))
    content = response.content.decode()
    assert response.status_code == 200
    assert practice.context in content  # the public preview
    assert "Review history" in content
    for action in ["approve", "request_changes", "reject"]:
        assert review_url(practice, action) in content
    assert review_url(practice, "archive") not in content


def test_editor_approves_through_the_admin_and_the_practice_goes_public(
    editor_client, make_practice, editor
):
    practice = make_practice(Status.SUBMITTED)
    assert editor_client.get(practice.get_absolute_url()).status_code == 404
    response = editor_client.get(review_url(practice, "approve"))
    assert response.status_code == 200
    response = decide(
        editor_client,
        review_url(practice, "approve"),
        {"message": "Thanks!", "note": "checked sources"},
    )
    assert response.status_code == 302
    assert response["Location"] == change_url(practice)
    practice.refresh_from_db()
    assert practice.status == Status.PUBLISHED
    event = practice.events.last()
    assert (event.actor, event.message, event.note) == (editor, "Thanks!", "checked sources")
    assert Client().get(practice.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "action,to_status", [("request_changes", Status.CHANGES_REQUESTED), ("reject", Status.REJECTED)]
)
def test_decisions_that_need_a_message_keep_the_form_when_it_is_missing(
    editor_client, make_practice, action, to_status
):
    practice = make_practice(Status.SUBMITTED)
    response = decide(editor_client, review_url(practice, action), {"message": "", "note": "kept"})
    assert response.status_code == 200
    assert "Write a message to the city" in response.content.decode()
    assert response.context["form"]["note"].value() == "kept"
    assert Practice.objects.get(pk=practice.pk).status == Status.SUBMITTED
    response = decide(editor_client, review_url(practice, action), {"message": "Add figures."})
    assert response.status_code == 302
    assert Practice.objects.get(pk=practice.pk).status == to_status


def test_archive_and_restore_buttons(editor_client, make_practice):
    visitor = Client()
    practice = make_practice(Status.PUBLISHED)
    assert (
        review_url(practice, "archive") in editor_client.get(change_url(practice)).content.decode()
    )
    decide(editor_client, review_url(practice, "archive"), {"message": "Programme ended."})
    assert Practice.objects.get(pk=practice.pk).status == Status.ARCHIVED
    assert visitor.get(practice.get_absolute_url()).status_code == 404
    decide(editor_client, review_url(practice, "restore"), {})
    assert Practice.objects.get(pk=practice.pk).status == Status.PUBLISHED
    assert visitor.get(practice.get_absolute_url()).status_code == 200


def test_a_second_decision_gets_already_decided(editor_client, make_practice, second_editor):
    practice = make_practice(Status.SUBMITTED)
    decide(editor_client, review_url(practice, "approve"), {})
    editor_client.force_login(second_editor)
    response = decide(
        editor_client, review_url(practice, "reject"), {"message": "No."}, follow=True
    )
    assert "no longer awaiting review" in response.content.decode()
    assert Practice.objects.get(pk=practice.pk).status == Status.PUBLISHED
    assert ReviewEvent.objects.filter(practice=practice, to_status=Status.REJECTED).count() == 0


def test_action_not_allowed_in_this_state_is_refused(editor_client, make_practice):
    practice = make_practice(Status.DRAFT)
    response = decide(editor_client, review_url(practice, "approve"), {}, follow=True)
    assert Practice.objects.get(pk=practice.pk).status == Status.DRAFT
    assert "no longer awaiting review" in response.content.decode()


def test_unknown_action_is_404(editor_client, make_practice):
    practice = make_practice(Status.SUBMITTED)
    assert editor_client.get(review_url(practice, "publish-now")).status_code == 404


def test_status_cannot_be_changed_by_editing_fields(editor_client, make_practice):
    practice = make_practice(Status.SUBMITTED)
    response = editor_client.get(change_url(practice))
    assert 'name="status"' not in response.content.decode()
    assert response.context["adminform"].form.fields.get("status") is None


def test_no_bulk_actions_and_no_delete_once_published(
    editor_client, superuser, client, make_practice
):
    practice = make_practice(Status.ARCHIVED)
    client.force_login(superuser)
    response = client.get(reverse("admin:practices_practice_changelist"), {"state": "all"})
    assert response.context["cl"].model_admin.get_actions(response.wsgi_request) == {}
    assert 'name="action"' not in response.content.decode()
    delete_url = reverse("admin:practices_practice_delete", args=[practice.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Practice.objects.filter(pk=practice.pk).exists()


def test_slug_is_frozen_once_published(editor_client, make_practice):
    practice = make_practice(Status.PUBLISHED)
    response = editor_client.get(change_url(practice))
    assert "slug" not in response.context["adminform"].form.fields


def test_staff_outside_editors_cannot_use_review_buttons(client, make_practice):
    from tests.cities.factories import UserFactory

    practice = make_practice(Status.SUBMITTED)
    staff = UserFactory(username="helpdesk", is_staff=True)
    client.force_login(staff)
    assert decide(client, review_url(practice, "approve")).status_code == 403
    assert Practice.objects.get(pk=practice.pk).status == Status.SUBMITTED


@pytest.mark.parametrize("who", ["officer", "anonymous"])
def test_officers_and_visitors_are_kept_out_of_the_admin(client, officer, make_practice, who):
    practice = make_practice(Status.SUBMITTED)
    if who == "officer":
        client.force_login(officer)
    for url in [
        reverse("admin:index"),
        reverse("admin:practices_practice_changelist"),
        change_url(practice),
        review_url(practice, "approve"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]
    response = decide(client, review_url(practice, "approve"), {})
    assert response.status_code == 302
    assert Practice.objects.get(pk=practice.pk).status == Status.SUBMITTED


def test_every_review_action_is_wired_to_a_service():
    assert set(REVIEW_ACTIONS) == {"approve", "request_changes", "reject", "archive", "restore"}


# ---------------------------------------------------------------- the version decided on


def seen_version(page):
    """The version the decision form names, as the page shows it."""
    return re.search(r'name="version" value="(\d+)"', page.content.decode()).group(1)


def swap_the_text(practice, officer, summary):
    """What an officer can do while an editor reads: withdraw, rewrite, submit again."""
    services.practice_withdraw(practice=practice, actor=officer)
    services.practice_save_draft(practice=practice, actor=officer, data={"summary": summary})
    services.practice_submit(practice=practice, actor=officer)


def test_a_decision_is_on_the_version_the_editor_saw(editor_client, make_practice, officer):
    practice = make_practice(Status.SUBMITTED, summary="The text the editor read.")
    change_page = editor_client.get(change_url(practice)).content.decode()
    link = re.search(r'href="([^"]*/review/approve/\?version=\d+)"', change_page).group(1)
    page = editor_client.get(link)
    assert "The text the editor read." in page.content.decode()
    version = seen_version(page)
    swap_the_text(practice, officer, "A text nobody reviewed.")
    response = decide(
        editor_client,
        review_url(practice, "approve"),
        {"message": "Well done.", "version": version},
    )
    assert response.status_code == 409
    content = response.content.decode()
    assert "This changed after you opened it" in content
    assert "Olga" in content and "summary" in content  # who changed which part
    assert "A text nobody reviewed." in content  # the page now shows the current version
    assert response.context["form"]["message"].value() == "Well done."  # nothing typed lost
    practice.refresh_from_db()
    assert practice.status == Status.SUBMITTED
    assert not practice.events.filter(to_status=Status.PUBLISHED).exists()
    # Read, then decided: on the version now shown.
    response = decide(
        editor_client,
        review_url(practice, "approve"),
        {"message": "Well done.", "version": seen_version(response)},
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.status == Status.PUBLISHED and practice.summary == "A text nobody reviewed."


def test_a_link_from_an_older_page_says_what_changed(editor_client, make_practice, officer):
    practice = make_practice(Status.SUBMITTED)
    opened = practice.version
    swap_the_text(practice, officer, "Rewritten while the editor read.")
    page = editor_client.get(review_url(practice, "reject") + f"?version={opened}")
    assert "This changed after you opened it" in page.content.decode()
    assert seen_version(page) == str(Practice.objects.get(pk=practice.pk).version)


def test_a_decision_on_a_proposed_update_is_on_the_version_the_editor_saw(
    editor_client, make_practice, officer
):
    practice = make_practice(Status.PUBLISHED)
    revision = services.revision_save(
        practice=practice, actor=officer, data={"summary": "Read by the editor: Zanzibar."}
    )
    services.revision_submit(revision=revision, actor=officer)
    url = reverse("admin:practices_practicerevision_review", args=[revision.pk, "approve"])
    page = editor_client.get(url)
    assert "Zanzibar" in page.content.decode()
    version = seen_version(page)
    services.revision_withdraw(revision=revision, actor=officer)
    services.revision_save(
        practice=practice,
        actor=officer,
        data={"summary": "Nobody reviewed: Timbuktu."},
        expected_version=PracticeRevision.objects.get(pk=revision.pk).version,
    )
    services.revision_submit(revision=revision, actor=officer)
    response = editor_client.post(url, {"message": "", "version": version})
    assert response.status_code == 409
    assert "Timbuktu" in response.content.decode()
    practice.refresh_from_db()
    assert "Timbuktu" not in practice.summary
    assert PracticeRevision.objects.get(pk=revision.pk).status == "submitted"
    response = editor_client.post(url, {"message": "", "version": seen_version(response)})
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.summary == "Nobody reviewed: Timbuktu."


@pytest.mark.parametrize("version", [None, "", "0", "-3", "two", "1e3"])
def test_a_decision_that_names_no_version_is_refused_with_the_message_kept(
    editor_client, make_practice, version
):
    """A decision from a page that does not name its version (an old tab, a hand-made request)
    decides nothing: which text it was about is unknown."""
    practice = make_practice(Status.SUBMITTED)
    data = {"message": "Typed before the refusal."}
    if version is not None:
        data["version"] = version
    response = editor_client.post(review_url(practice, "request_changes"), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "This page does not say which version you read." in content
    assert "Typed before the refusal." in content
    assert seen_version(response) == str(practice.version)
    assert Practice.objects.get(pk=practice.pk).status == Status.SUBMITTED
    assert not practice.events.filter(to_status=Status.CHANGES_REQUESTED).exists()


# ---------------------------------------------------------------- hostile addresses


def test_nul_in_any_list_filter_or_lookup_of_any_admin_list(client, superuser, make_practice):
    """PostgreSQL refuses NUL in a query: every parameter of every admin list must be safe,
    not only the search (`q`)."""
    from django.contrib import admin

    make_practice(Status.SUBMITTED)
    client.force_login(superuser)
    tried = 0
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        page = client.get(url)
        if page.status_code != 200:
            continue
        names = {"q", "o", "p", "all", "state"}
        for spec in page.context["cl"].filter_specs:
            names.update(spec.expected_parameters())
        for name in sorted(names):
            response = client.get(url, {name: "\x00", f"{name}\x00": "a\x00b"})
            assert response.status_code in (200, 302), (url, name, response.status_code)
            tried += 1
    assert tried > 40
    queue = reverse("admin:practices_practice_changelist")
    for query in ("language__exact=%00", "city__country__exact=%00", "state=%00"):
        assert client.get(f"{queue}?{query}").status_code == 200
    updates = reverse("admin:practices_practicerevision_changelist")
    assert client.get(f"{updates}?state=%00").status_code == 200


def test_an_editors_save_from_a_page_opened_before_a_change_is_refused(
    editor_client, make_practice, second_editor
):
    """The same class as the decisions: an edit must not undo what someone changed meanwhile."""
    from tests.security.html_checks import form_data

    practice = make_practice(Status.PUBLISHED, summary="First summary.")
    page = editor_client.get(change_url(practice)).content.decode()
    data = form_data(page, "practice_form")
    assert data["opened_version"] == [str(practice.version)]
    other = Client()
    other.force_login(second_editor)
    theirs = form_data(other.get(change_url(practice)).content.decode(), "practice_form")
    theirs["summary"] = ["Corrected by a colleague."]
    assert other.post(change_url(practice), theirs).status_code == 302
    data["summary"] = ["My summary, written before."]
    response = editor_client.post(change_url(practice), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "was changed after you opened it" in content and "My summary, written before." in content
    assert Practice.objects.get(pk=practice.pk).summary == "Corrected by a colleague."
    # Saving again on purpose keeps mine.
    again = form_data(content, "practice_form")
    assert editor_client.post(change_url(practice), again).status_code == 302
    assert Practice.objects.get(pk=practice.pk).summary == "My summary, written before."


@pytest.mark.parametrize(
    "action,data,said",
    [
        ("request_changes", {"message": "Add figures."}, "Changes were requested for “{title}”."),
        ("reject", {"message": "Out of scope."}, "“{title}” was rejected."),
        ("approve", {}, "“{title}” is published."),
    ],
)
def test_a_decision_is_confirmed_in_a_sentence(editor_client, make_practice, action, data, said):
    practice = make_practice(Status.SUBMITTED, title="Night buses")
    response = decide(editor_client, review_url(practice, action), data, follow=True)
    content = response.content.decode()
    assert said.format(title="Night buses") in content
    assert "is now" not in content


def test_a_decision_is_confirmed_in_a_sentence_in_french(editor_client, make_practice):
    practice = make_practice(Status.SUBMITTED, title="Night buses")
    url = "/fr" + review_url(practice, "request_changes")
    content = decide(editor_client, url, {"message": "Add figures."}, follow=True).content.decode()
    assert "Des modifications ont été demandées pour « Night buses »." in content


def test_the_to_columns_of_the_records_have_their_own_words(client, superuser, make_practice):
    from django.utils import translation

    make_practice(Status.SUBMITTED)
    client.force_login(superuser)
    with translation.override("fr"):
        outbox = reverse("admin:practices_outgoingemail_changelist")
        events = reverse("admin:practices_reviewevent_changelist")
    assert outbox.startswith("/fr/")
    assert ">Destinataire</a>" in client.get(outbox).content.decode()
    assert ">Vers</a>" in client.get(events).content.decode()
