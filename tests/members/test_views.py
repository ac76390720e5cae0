"""The member area, through HTTP: the officer's whole journey, permissions and nothing lost."""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from PIL import Image

from practices.models import (
    OutgoingEmail,
    Practice,
    PracticeChange,
    PracticeRevision,
)
from tests.cities.factories import PASSWORD
from tests.decisions import decide
from tests.practice_form import complete_form

Status = Practice.Status
pytestmark = pytest.mark.django_db


def png_bytes(size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "photo.png"
    return buffer


def test_the_whole_journey_through_http(
    officer, editor_client, django_capture_on_commit_callbacks, editor
):
    public = Client()
    officer_client = Client()
    # 1. Log in.
    response = officer_client.post(
        reverse("login"), {"username": officer.username, "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("members:dashboard")
    assert officer_client.get(reverse("members:dashboard")).status_code == 200
    # 2. Create a draft (incomplete is fine for a draft).
    response = officer_client.post(
        reverse("members:practice_new"),
        complete_form(summary="", results="", action="save"),
    )
    practice = Practice.objects.get(title="Anti-discrimination desk")
    assert response.status_code == 302
    assert practice.status == Status.DRAFT and practice.city == officer.city_officer.city
    edit_url = reverse("members:practice_edit", args=[practice.pk])
    # 3. An incomplete submission is refused and the input stays in the form.
    response = officer_client.post(
        edit_url,
        complete_form(
            summary="",
            results="",
            context="Typed context kept",
            action="submit",
            version=practice.version,
        ),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Please check the form" in content
    assert "Fill in “summary”" in content and "Fill in “results and evidence”" in content
    assert "Typed context kept" in content
    practice.refresh_from_db()
    assert practice.status == Status.DRAFT
    assert practice.context == "Typed context kept"  # what was typed is stored, too
    # 4. A complete submission.
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            edit_url, complete_form(action="submit", version=practice.version)
        )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.status == Status.SUBMITTED
    assert editor.email in [message.to[0] for message in mail.outbox]
    # 5. The editor requests changes.
    review = reverse("admin:practices_practice_review", args=[practice.pk, "request_changes"])
    with django_capture_on_commit_callbacks(execute=True):
        decide(
            editor_client,
            review,
            {"message": "Please add how many people used it.", "note": "secret note"},
        )
    practice.refresh_from_db()
    assert practice.status == Status.CHANGES_REQUESTED
    # 6. The officer reads the message (never the private note), edits and resubmits with a reply.
    page = officer_client.get(reverse("members:practice", args=[practice.pk])).content.decode()
    assert "Please add how many people used it." in page
    assert "secret note" not in page
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(
            edit_url,
            complete_form(
                results="412 residents advised in the first year, 60% of them under 30.",
                reply="I added the number of residents.",
                action="submit",
                version=practice.version,
            ),
        )
    practice.refresh_from_db()
    assert practice.status == Status.SUBMITTED
    # 7. The editor sees the diff and the reply, and approves.
    change_page = editor_client.get(
        reverse("admin:practices_practice_change", args=[practice.pk])
    ).content.decode()
    assert "I added the number of residents." in change_page
    assert "<ins>412</ins>" in change_page and "<del>300</del>" in change_page
    approve = reverse("admin:practices_practice_review", args=[practice.pk, "approve"])
    decide(editor_client, approve, {"message": "Thank you!"})
    # 8. The public page shows it.
    response = public.get(practice.get_absolute_url())
    assert response.status_code == 200
    assert "412 residents" in response.content.decode()
    # 9. The officer proposes an update; the public page still shows the old version.
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            edit_url,
            complete_form(
                results="1,200 residents advised in three years.",
                reply="Three-year figures.",
                action="submit",
                version="",
            ),
        )
    assert response.status_code == 302
    revision = PracticeRevision.objects.get(practice=practice)
    assert revision.status == PracticeRevision.Status.SUBMITTED
    public_page = public.get(practice.get_absolute_url()).content.decode()
    assert "412 residents" in public_page and "1,200 residents" not in public_page
    # 10. The editor sees the update's diff against the live version and approves it.
    revision_page = editor_client.get(
        reverse("admin:practices_practicerevision_change", args=[revision.pk])
    ).content.decode()
    assert "<ins>1,200</ins>" in revision_page
    with django_capture_on_commit_callbacks(execute=True):
        decide(
            editor_client,
            reverse("admin:practices_practicerevision_review", args=[revision.pk, "approve"]),
            {},
        )
    # 11. The public page shows the new version at once.
    public_page = public.get(practice.get_absolute_url()).content.decode()
    assert "1,200 residents" in public_page and "412 residents" not in public_page
    assert officer.email in [message.to[0] for message in mail.outbox[-1:]]


def test_dashboard_groups_by_state_with_latest_message_and_next_step(officer_client, make_practice):
    make_practice(Status.DRAFT, title="My draft")
    make_practice(Status.CHANGES_REQUESTED, title="Needs work")
    content = officer_client.get(reverse("members:dashboard")).content.decode()
    assert "My draft" in content and "Needs work" in content
    assert "More data." in content  # the editors' latest message
    assert "submit it again" in content


def test_rejected_update_leaves_the_live_version_untouched(
    officer_client, editor_client, make_practice
):
    practice = make_practice(Status.PUBLISHED)
    edit_url = reverse("members:practice_edit", args=[practice.pk])
    officer_client.post(
        edit_url, complete_form(title=practice.title, summary="Changed!", action="submit")
    )
    revision = PracticeRevision.objects.get(practice=practice)
    decide(
        editor_client,
        reverse("admin:practices_practicerevision_review", args=[revision.pk, "reject"]),
        {"message": "Not needed."},
    )
    practice.refresh_from_db()
    assert practice.summary != "Changed!"
    assert Client().get(practice.get_absolute_url()).status_code == 200


def test_cannot_edit_while_awaiting_review_but_can_withdraw(officer_client, make_practice):
    practice = make_practice(Status.SUBMITTED)
    edit_url = reverse("members:practice_edit", args=[practice.pk])
    response = officer_client.get(edit_url)
    assert response.status_code == 302
    officer_client.post(edit_url, complete_form(summary="sneaky", version=practice.version))
    practice.refresh_from_db()
    assert practice.summary != "sneaky" and practice.status == Status.SUBMITTED
    officer_client.post(reverse("members:practice_withdraw", args=[practice.pk]))
    practice.refresh_from_db()
    assert practice.status == Status.DRAFT
    assert officer_client.get(edit_url).status_code == 200


def test_withdraw_after_a_decision_is_refused(officer_client, make_practice):
    practice = make_practice(Status.PUBLISHED)
    response = officer_client.post(
        reverse("members:practice_withdraw", args=[practice.pk]), follow=True
    )
    assert "cannot be done" in response.content.decode()
    assert Practice.objects.get(pk=practice.pk).status == Status.PUBLISHED


def test_delete_a_draft_but_never_anything_published(officer_client, make_practice):
    draft = make_practice(Status.DRAFT)
    archived = make_practice(Status.ARCHIVED)
    assert (
        officer_client.get(reverse("members:practice_delete", args=[draft.pk])).status_code == 200
    )
    officer_client.post(reverse("members:practice_delete", args=[draft.pk]))
    assert not Practice.objects.filter(pk=draft.pk).exists()
    officer_client.post(reverse("members:practice_delete", args=[archived.pk]))
    assert Practice.objects.filter(pk=archived.pk).exists()


def test_crafted_post_cannot_set_editor_owned_fields(officer_client, make_practice, other_city):
    practice = make_practice(Status.DRAFT)
    before = Practice.objects.get(pk=practice.pk)
    officer_client.post(
        reverse("members:practice_edit", args=[practice.pk]),
        complete_form(
            version=practice.version,
            status="published",
            city=str(other_city.pk),
            is_promising="on",
            promising_note="I am great",
            published_at="2020-01-01",
            submitted_at="2020-01-01",
            created_by="1",
            slug="hijacked",
            search_extra="spam",
        ),
    )
    practice.refresh_from_db()
    assert practice.status == Status.DRAFT
    assert practice.city_id == before.city_id
    assert practice.is_promising is False and practice.promising_note == ""
    assert practice.published_at is None and practice.submitted_at is None
    assert practice.slug != "hijacked"
    assert "spam" not in practice.search_extra


def test_stale_edit_is_refused_and_keeps_the_input(officer, make_practice, city):
    from tests.cities.factories import CityOfficerFactory

    colleague = CityOfficerFactory(
        city=city, user__username="colleague", user__first_name="Carl"
    ).user
    practice = make_practice(Status.DRAFT)
    opened_version = practice.version
    me, them = Client(), Client()
    me.force_login(officer)
    them.force_login(colleague)
    edit_url = reverse("members:practice_edit", args=[practice.pk])
    them.post(edit_url, complete_form(summary="Colleague's summary", version=opened_version))
    response = me.post(
        edit_url, complete_form(summary="My careful summary", version=opened_version)
    )
    assert response.status_code == 409
    content = response.content.decode()
    assert "changed after you opened it" in content and "Carl" in content
    assert "My careful summary" in content
    assert Practice.objects.get(pk=practice.pk).summary == "Colleague's summary"
    # The form now carries the current version: saving again on purpose keeps mine.
    version = response.context["form"].data["version"]
    response = me.post(edit_url, complete_form(summary="My careful summary", version=version))
    assert response.status_code == 302
    assert Practice.objects.get(pk=practice.pk).summary == "My careful summary"


def test_stale_edit_after_an_editor_decision(officer, make_practice, editor):
    from practices import services

    practice = make_practice(Status.DRAFT)
    opened_version = practice.version
    services.practice_submit(practice=practice, actor=officer)
    services.practice_request_changes(practice=practice, actor=editor, message="Shorter, please.")
    client = Client()
    client.force_login(officer)
    response = client.post(
        reverse("members:practice_edit", args=[practice.pk]),
        complete_form(summary="Written before the decision", version=opened_version),
    )
    assert response.status_code == 409
    assert "Changes requested" in response.content.decode()
    assert "Written before the decision" in response.content.decode()


HIDDEN_VERSION = re.compile(r'<input type="hidden" name="(version|base_version)" value="(\d*)"')


def opened_update_form(client, practice):
    """Open the update form of a published practice; return the versions it carries."""
    page = client.get(reverse("members:practice_edit", args=[practice.pk]))
    assert page.status_code == 200
    versions = dict(HIDDEN_VERSION.findall(page.content.decode()))
    assert set(versions) == {"version", "base_version"}, versions
    return versions


def approved_update(client, editor_client, practice, versions, **content):
    """Propose and submit an update through the form, then approve it in the admin."""
    response = client.post(
        reverse("members:practice_edit", args=[practice.pk]),
        complete_form(title=practice.title, action="submit", **versions, **content),
    )
    assert response.status_code == 302, response.status_code
    revision = PracticeRevision.objects.open().get(practice=practice)
    response = decide(
        editor_client,
        reverse("admin:practices_practicerevision_review", args=[revision.pk, "approve"]),
        {},
    )
    assert response.status_code == 302
    revision.refresh_from_db()
    assert revision.status == PracticeRevision.Status.APPROVED
    return revision


def test_update_form_opened_before_an_earlier_update_was_approved_is_stale(
    officer, make_practice, city, editor_client
):
    from tests.cities.factories import CityOfficerFactory

    colleague = CityOfficerFactory(city=city, user__username="colleague").user
    practice = make_practice(Status.PUBLISHED)
    me, them = Client(), Client()
    me.force_login(officer)
    them.force_login(colleague)
    mine = opened_update_form(me, practice)
    assert mine == {"version": "0", "base_version": str(practice.version)}
    # Meanwhile a colleague's update is proposed and approved: it is the public text now.
    approved_update(
        them, editor_client, practice, opened_update_form(them, practice), results="New figures."
    )
    edit_url = reverse("members:practice_edit", args=[practice.pk])
    response = me.post(
        edit_url, complete_form(title=practice.title, summary="My careful summary", **mine)
    )
    assert response.status_code == 409
    content = response.content.decode()
    assert "changed after you opened it" in content and "Erin Editor" in content
    assert "My careful summary" in content  # the input is kept
    # What changed: the editor's approval, not each save of the colleague's draft.
    [error] = response.context["form"].non_field_errors()
    assert "Erin Editor" in error and "colleague" not in error, error
    practice.refresh_from_db()
    assert practice.results == "New figures."
    assert not PracticeRevision.objects.open().filter(practice=practice).exists()
    # The form now carries the current versions: saving again on purpose proposes mine.
    data = response.context["form"].data
    again = {"version": data["version"], "base_version": data["base_version"]}
    assert again == {"version": 0, "base_version": practice.version}
    response = me.post(
        edit_url, complete_form(title=practice.title, summary="My careful summary", **again)
    )
    assert response.status_code == 302
    proposed = PracticeRevision.objects.open().get(practice=practice)
    assert proposed.data["summary"] == "My careful summary"
    assert proposed.base_version == practice.version


def test_update_form_opened_on_an_update_since_approved_is_stale(
    officer, make_practice, city, editor_client
):
    """The form was opened on a colleague's draft update, which was then approved, and the
    colleague began another one that reached the same version number: still stale."""
    from tests.cities.factories import CityOfficerFactory

    colleague = CityOfficerFactory(city=city, user__username="colleague").user
    practice = make_practice(Status.PUBLISHED)
    me, them = Client(), Client()
    me.force_login(officer)
    them.force_login(colleague)
    edit_url = reverse("members:practice_edit", args=[practice.pk])
    started = opened_update_form(them, practice)
    response = them.post(edit_url, complete_form(title=practice.title, **started))
    assert response.status_code == 302
    mine = opened_update_form(me, practice)
    approved_update(them, editor_client, practice, opened_update_form(them, practice))
    next_form = opened_update_form(them, practice)
    response = them.post(
        edit_url,
        complete_form(title=practice.title, results="Next year's figures.", **next_form),
    )
    assert response.status_code == 302
    next_update = PracticeRevision.objects.open().get(practice=practice)
    assert str(next_update.version) == mine["version"]  # the same number, another update
    response = me.post(
        edit_url, complete_form(title=practice.title, summary="My careful summary", **mine)
    )
    assert response.status_code == 409
    assert "My careful summary" in response.content.decode()
    next_update.refresh_from_db()
    assert next_update.data["results"] == "Next year's figures."
    assert next_update.data["summary"] != "My careful summary"


def test_update_form_opened_before_an_editors_correction_is_stale(
    officer_client, make_practice, editor_client
):
    from tests.security.conftest import admin_save

    practice = make_practice(Status.PUBLISHED)
    opened = opened_update_form(officer_client, practice)
    admin_save(
        editor_client,
        reverse("admin:practices_practice_change", args=[practice.pk]),
        {"results": "Corrected by the editors."},
    )
    response = officer_client.post(
        reverse("members:practice_edit", args=[practice.pk]),
        complete_form(title=practice.title, summary="My careful summary", **opened),
    )
    assert response.status_code == 409
    [error] = response.context["form"].non_field_errors()
    assert "Erin Editor" in error
    assert "My careful summary" in response.content.decode()
    assert not PracticeRevision.objects.filter(practice=practice).exists()
    practice.refresh_from_db()
    assert practice.results == "Corrected by the editors."


def test_a_failing_mail_server_keeps_the_submission_and_retries(
    officer_client, make_practice, editor, settings, django_capture_on_commit_callbacks, mailoutbox
):
    practice = make_practice(Status.DRAFT)
    settings.MAILERS = {"default": {"BACKEND": "tests.practices.failing_mail.BrokenBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(reverse("members:practice_submit", args=[practice.pk]))
    assert response.status_code == 302
    assert Practice.objects.get(pk=practice.pk).status == Status.SUBMITTED
    queued = OutgoingEmail.objects.get(to=editor.email)
    assert queued.sent_at is None and queued.attempts == 1
    assert "mail server down" in queued.last_error
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    call_command("send_queued_emails")
    queued.refresh_from_db()
    assert queued.sent_at is not None
    assert [message.to for message in mailoutbox] == [[editor.email]]


def test_preview_shows_the_public_layout_with_contact(officer_client, make_practice):
    practice = make_practice(Status.DRAFT)
    content = officer_client.get(
        reverse("members:practice_preview", args=[practice.pk])
    ).content.decode()
    assert "Preview" in content and practice.context in content
    assert practice.contact_email in content


def test_main_image_upload_and_a_refused_upload_keeps_the_form(officer_client, make_practice):
    practice = make_practice(Status.DRAFT)
    edit_url = reverse("members:practice_edit", args=[practice.pk])
    fake = io.BytesIO(b"this is not a picture")
    fake.name = "holiday.jpg"
    response = officer_client.post(
        edit_url,
        complete_form(
            summary="Kept summary", image=fake, image_alt="A desk", version=practice.version
        ),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Kept summary" in content
    assert Practice.objects.get(pk=practice.pk).image.name == ""
    response = officer_client.post(
        edit_url,
        complete_form(
            image=png_bytes(), image_alt="Two advisers at the desk", version=practice.version
        ),
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.image.name.startswith("practices/") and "photo" not in practice.image.name
    assert set(practice.image_renditions) == {"card", "page"}
    recorded = PracticeChange.objects.filter(practice=practice).values_list(
        "changed_fields", flat=True
    )
    assert any("image" in fields for fields in recorded)


def test_further_images_and_documents(officer_client, make_practice):
    practice = make_practice(Status.DRAFT)
    detail = reverse("members:practice", args=[practice.pk])
    response = officer_client.post(
        reverse("members:image_add", args=[practice.pk]),
        {"image-upload": png_bytes(), "image-alt_text": "Volunteers"},
    )
    assert response.status_code == 302
    assert practice.images.count() == 1
    response = officer_client.post(
        reverse("members:image_add", args=[practice.pk]),
        {"image-upload": png_bytes(), "image-alt_text": ""},
    )
    assert response.status_code == 400
    not_pdf = io.BytesIO(b"<html>not a pdf</html>")
    not_pdf.name = "report.pdf"
    response = officer_client.post(
        reverse("members:attachment_add", args=[practice.pk]),
        {"document-upload": not_pdf, "document-title": "Evaluation"},
    )
    assert response.status_code == 400
    assert practice.attachments.count() == 0
    pdf = io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    pdf.name = "report.pdf"
    response = officer_client.post(
        reverse("members:attachment_add", args=[practice.pk]),
        {"document-upload": pdf, "document-title": "Evaluation 2023"},
    )
    assert response.status_code == 302
    assert practice.attachments.get().title == "Evaluation 2023"
    assert officer_client.get(detail).status_code == 200


# ---------------------------------------------------------------- the permission matrix


def member_urls(practice):
    """Every member URL that names a practice, with the methods it answers."""
    return [
        ("members:practice", [practice.pk], ["get"]),
        ("members:practice_edit", [practice.pk], ["get", "post"]),
        ("members:practice_preview", [practice.pk], ["get"]),
        ("members:practice_submit", [practice.pk], ["post"]),
        ("members:practice_withdraw", [practice.pk], ["post"]),
        ("members:practice_delete", [practice.pk], ["get", "post"]),
        ("members:image_add", [practice.pk], ["post"]),
        ("members:image_delete", [practice.pk, 1], ["post"]),
        ("members:attachment_add", [practice.pk], ["post"]),
        ("members:attachment_delete", [practice.pk, 1], ["post"]),
    ]


@pytest.mark.parametrize(
    "status", [Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.PUBLISHED]
)
def test_permission_matrix(make_practice, other_city_officer, inactive_officer, editor, status):
    practice = make_practice(status)
    before = (practice.status, practice.version, practice.summary)
    actors = {
        "other city's officer": (other_city_officer, 404),
        # Switched off by the editors: even an open session no longer counts as logged in.
        "inactive officer": (inactive_officer, 302),
        "editor": (editor, 403),
        "anonymous": (None, 302),
    }
    checked = 0
    for who, (user, expected) in actors.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        for name, args, methods in member_urls(practice):
            url = reverse(name, args=args)
            for method in methods:
                response = getattr(client, method)(url, complete_form(summary="hacked"))
                assert response.status_code == expected, (who, method, url)
                if expected == 302:
                    assert response["Location"].startswith(reverse("login")), url
                checked += 1
    practice.refresh_from_db()
    assert (practice.status, practice.version, practice.summary) == before
    assert checked == len(actors) * sum(len(methods) for _n, _a, methods in member_urls(practice))


def test_dashboard_and_new_form_need_an_active_officer(client, inactive_officer, editor):
    for url in [reverse("members:dashboard"), reverse("members:practice_new")]:
        assert client.get(url).status_code == 302
        client.force_login(inactive_officer)
        assert client.get(url).status_code == 302
        client.force_login(editor)
        assert client.get(url).status_code == 403
        client.logout()
    client.force_login(inactive_officer)
    client.post(reverse("members:practice_new"), complete_form())
    assert not Practice.objects.filter(title="Anti-discrimination desk").exists()


def test_another_citys_practices_never_appear_on_the_dashboard(
    officer_client, make_practice, other_city_officer
):
    from practices import services

    mine = make_practice(Status.DRAFT, title="Ours")
    theirs = services.practice_create(
        actor=other_city_officer, data={"title": "Their secret draft", "summary": "x"}
    )
    content = officer_client.get(reverse("members:dashboard")).content.decode()
    assert mine.title in content and theirs.title not in content


def test_what_a_signed_in_person_sees_is_never_stored(officer_client, editor_client, make_practice):
    """Drafts, editors' messages and contact details must not stay in a shared cache or behind
    the back button."""
    draft = make_practice(Status.DRAFT)
    published = make_practice(Status.PUBLISHED)
    pages = [
        reverse("members:dashboard"),
        reverse("members:account"),
        reverse("members:practice", args=[draft.pk]),
        reverse("members:practice_edit", args=[draft.pk]),
        reverse("members:practice_preview", args=[draft.pk]),
        published.get_absolute_url(),  # shows the contact person to members
        reverse("public:home"),
    ]
    for url in pages:
        response = officer_client.get(url)
        assert response.status_code == 200, url
        control = response["Cache-Control"]
        assert "private" in control and "no-store" in control, (url, control)
    control = editor_client.get(reverse("admin:index"))["Cache-Control"]
    assert "private" in control and "no-store" in control
    anonymous = Client().get(published.get_absolute_url())
    assert "private" not in anonymous.get("Cache-Control", "")


def test_next_step_hints_are_in_the_pages_language(officer_client, make_practice):
    draft = make_practice(Status.DRAFT, title="My draft")
    published = make_practice(Status.PUBLISHED, title="Out there")
    dashboard = officer_client.get("/fr/members/").content.decode()
    assert "Remplissez toutes les sections, puis soumettez la pratique" in dashboard
    assert "Elle est publique. Vous pouvez proposer une mise à jour" in dashboard
    assert "Complete every section, then submit" not in dashboard
    assert "It is public. You can propose an update" not in dashboard
    page = officer_client.get(f"/fr/members/practices/{published.pk}/").content.decode()
    assert "Elle est publique. Vous pouvez proposer une mise à jour" in page
    page = officer_client.get(f"/es/members/practices/{draft.pk}/").content.decode()
    assert "Complete every section, then submit" not in page
    # English is still English.
    page = officer_client.get(f"/members/practices/{draft.pk}/").content.decode()
    assert "Complete every section, then submit it for review." in page


def test_translation_links_name_the_language_without_an_article(officer_client, make_practice):
    practice = make_practice(Status.DRAFT, language="en")
    page = officer_client.get(reverse("members:practice", args=[practice.pk])).content.decode()
    assert "Add a translation: Arabic" in page and "Add a translation: French" in page
    assert "Add a Arabic" not in page and "Add a French" not in page
    page = officer_client.get(f"/fr/members/practices/{practice.pk}/").content.decode()
    assert "Ajouter une traduction : Arabe" in page


ALERT = re.compile(r'<div class="[^"]*" role="status" id="not-submitted"[^>]*>(.*?)</div>', re.S)


def test_an_incomplete_submission_says_at_the_top_that_it_was_saved_as_a_draft(
    officer_client, draft
):
    edit_url = reverse("members:practice_edit", args=[draft.pk])
    response = officer_client.post(
        edit_url,
        complete_form(summary="", action="submit", version=draft.version),
    )
    assert response.status_code == 200
    content = response.content.decode()
    alert = ALERT.search(content)
    assert alert, "no alert saying what happened"
    text = alert.group(1)
    assert "Saved as a draft, not submitted for review" in text
    assert "not complete yet" in text  # why
    # At the top: before the criteria, the error list and the form.
    assert content.index('id="not-submitted"') < content.index('id="criteria-heading"')
    assert content.index('id="not-submitted"') < content.index('id="practice-form"')
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.summary == ""
    # Saving a draft on purpose says nothing of the kind.
    response = officer_client.post(
        edit_url, complete_form(summary="", action="save", version=draft.version), follow=True
    )
    assert 'id="not-submitted"' not in response.content.decode()
    # A new practice, incomplete and submitted at once, is saved as a draft and says so too.
    response = officer_client.post(
        reverse("members:practice_new"),
        complete_form(title="Brand new", results="", action="submit"),
    )
    assert response.status_code == 200
    assert "Saved as a draft, not submitted for review" in ALERT.search(
        response.content.decode()
    ).group(1)
    assert Practice.objects.get(title="Brand new").status == Status.DRAFT
    # In French, too.
    response = officer_client.post(
        f"/fr/members/practices/{draft.pk}/edit/",
        complete_form(
            summary="", action="submit", version=Practice.objects.get(pk=draft.pk).version
        ),
    )
    assert "Enregistrée comme brouillon, non soumise" in ALERT.search(
        response.content.decode()
    ).group(1)


def test_an_incomplete_update_says_it_was_saved_but_not_submitted(officer_client, make_practice):
    practice = make_practice(Status.PUBLISHED)
    response = officer_client.post(
        reverse("members:practice_edit", args=[practice.pk]),
        complete_form(
            title=practice.title, summary="", action="submit", base_version=practice.version
        ),
    )
    assert response.status_code == 200
    text = ALERT.search(response.content.decode()).group(1)
    assert "Your update was saved, but not submitted for review" in text
    assert PracticeRevision.objects.get(practice=practice).status == PracticeRevision.Status.DRAFT
