import pytest
from django.core import mail

from practices import services
from practices.models import Practice, ReviewEvent

Status = Practice.Status
pytestmark = pytest.mark.django_db


def events_of(practice):
    return list(practice.events.values_list("from_status", "to_status"))


class TestSubmit:
    def test_officer_submits_a_complete_draft(self, draft, officer):
        services.practice_submit(practice=draft, actor=officer, message="First version")
        draft.refresh_from_db()
        assert draft.status == Status.SUBMITTED
        assert draft.submitted_at is not None
        event = draft.events.get()
        assert (event.from_status, event.to_status) == (Status.DRAFT, Status.SUBMITTED)
        assert event.actor == officer
        assert event.message == "First version"
        assert event.snapshot["title"] == draft.title

    def test_resubmission_after_changes_requested(self, make_practice, officer):
        practice = make_practice(Status.CHANGES_REQUESTED)
        services.practice_submit(practice=practice, actor=officer, message="Added figures")
        practice.refresh_from_db()
        assert practice.status == Status.SUBMITTED
        assert events_of(practice)[-1] == (Status.CHANGES_REQUESTED, Status.SUBMITTED)

    def test_officer_of_another_city_is_refused(self, draft, other_city_officer):
        with pytest.raises(services.WorkflowError) as error:
            services.practice_submit(practice=draft, actor=other_city_officer)
        assert error.value.message == services.ERROR_NOT_AN_OFFICER_OF_CITY
        draft.refresh_from_db()
        assert draft.status == Status.DRAFT
        assert not ReviewEvent.objects.exists()

    def test_inactive_officer_is_refused(self, draft, inactive_officer):
        with pytest.raises(services.WorkflowError):
            services.practice_submit(practice=draft, actor=inactive_officer)
        assert Practice.objects.get(pk=draft.pk).status == Status.DRAFT

    def test_officer_whose_account_is_disabled_is_refused(self, draft, officer):
        officer.is_active = False
        officer.save()
        with pytest.raises(services.WorkflowError):
            services.practice_submit(practice=draft, actor=officer)

    def test_editor_cannot_submit_for_a_city(self, draft, editor):
        with pytest.raises(services.WorkflowError):
            services.practice_submit(practice=draft, actor=editor)

    def test_incomplete_practice_lists_each_missing_part(self, draft, officer):
        draft.summary = ""
        draft.results = "   "
        draft.start_year = None
        draft.save()
        draft.themes.clear()
        with pytest.raises(services.WorkflowError) as error:
            services.practice_submit(practice=draft, actor=officer)
        assert set(error.value.field_errors) == {"summary", "results", "start_year", "themes"}
        assert "summary" in str(error.value.field_errors["summary"]).lower()
        assert Practice.objects.get(pk=draft.pk).status == Status.DRAFT
        assert not ReviewEvent.objects.exists()

    @pytest.mark.parametrize(
        "status", [Status.SUBMITTED, Status.PUBLISHED, Status.REJECTED, Status.ARCHIVED]
    )
    def test_cannot_submit_from_other_states(self, make_practice, officer, status):
        practice = make_practice(status)
        count = ReviewEvent.objects.count()
        with pytest.raises(services.WorkflowError):
            services.practice_submit(practice=practice, actor=officer)
        assert Practice.objects.get(pk=practice.pk).status == status
        assert ReviewEvent.objects.count() == count


DECISIONS = [
    (services.practice_approve, Status.PUBLISHED, False),
    (services.practice_request_changes, Status.CHANGES_REQUESTED, True),
    (services.practice_reject, Status.REJECTED, True),
]


class TestDecisions:
    @pytest.mark.parametrize("service,to_status,_", DECISIONS)
    def test_editor_decides_on_a_submission(self, make_practice, editor, service, to_status, _):
        practice = make_practice(Status.SUBMITTED)
        service(practice=practice, actor=editor, message="Thank you", note="internal remark")
        practice.refresh_from_db()
        assert practice.status == to_status
        event = practice.events.last()
        assert (event.from_status, event.to_status) == (Status.SUBMITTED, to_status)
        assert event.actor == editor
        assert event.actor_name == "Erin Editor"
        assert event.message == "Thank you"
        assert event.note == "internal remark"

    def test_approval_sets_published_at(self, make_practice, editor):
        practice = make_practice(Status.SUBMITTED)
        services.practice_approve(practice=practice, actor=editor)
        practice.refresh_from_db()
        assert practice.published_at is not None

    def test_superuser_may_decide(self, make_practice, superuser):
        practice = make_practice(Status.SUBMITTED)
        services.practice_approve(practice=practice, actor=superuser)
        assert Practice.objects.get(pk=practice.pk).status == Status.PUBLISHED

    @pytest.mark.parametrize("service,to_status,needs_message", DECISIONS)
    def test_officer_cannot_decide(self, make_practice, officer, service, to_status, needs_message):
        practice = make_practice(Status.SUBMITTED)
        with pytest.raises(services.WorkflowError) as error:
            service(practice=practice, actor=officer, message="ok")
        assert error.value.message == services.ERROR_NOT_AN_EDITOR
        assert Practice.objects.get(pk=practice.pk).status == Status.SUBMITTED

    def test_staff_outside_the_editors_group_cannot_decide(self, make_practice):
        from tests.cities.factories import UserFactory

        practice = make_practice(Status.SUBMITTED)
        staff = UserFactory(username="staff-not-editor", is_staff=True)
        with pytest.raises(services.WorkflowError):
            services.practice_approve(practice=practice, actor=staff)

    def test_inactive_editor_cannot_decide(self, make_practice, editor):
        practice = make_practice(Status.SUBMITTED)
        editor.is_active = False
        editor.save()
        with pytest.raises(services.WorkflowError):
            services.practice_approve(practice=practice, actor=editor)

    @pytest.mark.parametrize(
        "service", [services.practice_request_changes, services.practice_reject]
    )
    @pytest.mark.parametrize("message", ["", "   \n "])
    def test_message_is_required(self, make_practice, editor, service, message):
        practice = make_practice(Status.SUBMITTED)
        with pytest.raises(services.WorkflowError) as error:
            service(practice=practice, actor=editor, message=message)
        assert "message" in error.value.field_errors
        assert Practice.objects.get(pk=practice.pk).status == Status.SUBMITTED

    @pytest.mark.parametrize("service,to_status,_", DECISIONS)
    @pytest.mark.parametrize(
        "status",
        [
            Status.DRAFT,
            Status.CHANGES_REQUESTED,
            Status.PUBLISHED,
            Status.REJECTED,
            Status.ARCHIVED,
        ],
    )
    def test_only_submissions_can_be_decided(
        self, make_practice, editor, service, to_status, _, status
    ):
        practice = make_practice(status)
        count = ReviewEvent.objects.count()
        with pytest.raises(services.WorkflowError):
            service(practice=practice, actor=editor, message="reason")
        assert Practice.objects.get(pk=practice.pk).status == status
        assert ReviewEvent.objects.count() == count

    def test_second_decision_says_already_decided(self, make_practice, editor, second_editor):
        practice = make_practice(Status.SUBMITTED)
        stale_copy = Practice.objects.get(pk=practice.pk)
        services.practice_approve(practice=practice, actor=editor)
        with pytest.raises(services.AlreadyDecided) as error:
            services.practice_reject(practice=stale_copy, actor=second_editor, message="No")
        assert "no longer awaiting review" in error.value.message
        assert Practice.objects.get(pk=practice.pk).status == Status.PUBLISHED
        assert practice.events.filter(to_status=Status.REJECTED).count() == 0


class TestArchiveAndRestore:
    def test_archive_needs_a_reason_and_an_editor(self, make_practice, editor, officer):
        practice = make_practice(Status.PUBLISHED)
        with pytest.raises(services.WorkflowError):
            services.practice_archive(practice=practice, actor=editor, message=" ")
        with pytest.raises(services.WorkflowError):
            services.practice_archive(practice=practice, actor=officer, message="Old")
        services.practice_archive(practice=practice, actor=editor, message="Programme ended")
        practice.refresh_from_db()
        assert practice.status == Status.ARCHIVED
        assert practice.events.last().message == "Programme ended"

    def test_restore_republishes(self, make_practice, editor):
        practice = make_practice(Status.ARCHIVED)
        first_published = practice.published_at
        services.practice_restore(practice=practice, actor=editor)
        practice.refresh_from_db()
        assert practice.status == Status.PUBLISHED
        assert practice.published_at == first_published
        assert events_of(practice)[-1] == (Status.ARCHIVED, Status.PUBLISHED)

    @pytest.mark.parametrize(
        "status", [Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.REJECTED]
    )
    def test_archive_only_from_published(self, make_practice, editor, status):
        practice = make_practice(status)
        with pytest.raises(services.WorkflowError):
            services.practice_archive(practice=practice, actor=editor, message="x")

    @pytest.mark.parametrize(
        "status",
        [
            Status.DRAFT,
            Status.SUBMITTED,
            Status.CHANGES_REQUESTED,
            Status.REJECTED,
            Status.PUBLISHED,
        ],
    )
    def test_restore_only_from_archived(self, make_practice, editor, status):
        practice = make_practice(status)
        with pytest.raises(services.WorkflowError):
            services.practice_restore(practice=practice, actor=editor)


def test_full_history_has_one_event_per_transition(make_practice, editor, officer):
    practice = make_practice(Status.CHANGES_REQUESTED)
    services.practice_submit(practice=practice, actor=officer)
    services.practice_approve(practice=practice, actor=editor)
    services.practice_archive(practice=practice, actor=editor, message="Ended")
    services.practice_restore(practice=practice, actor=editor)
    assert events_of(practice) == [
        (Status.DRAFT, Status.SUBMITTED),
        (Status.SUBMITTED, Status.CHANGES_REQUESTED),
        (Status.CHANGES_REQUESTED, Status.SUBMITTED),
        (Status.SUBMITTED, Status.PUBLISHED),
        (Status.PUBLISHED, Status.ARCHIVED),
        (Status.ARCHIVED, Status.PUBLISHED),
    ]


def test_review_events_are_append_only(make_practice):
    event = make_practice(Status.SUBMITTED).events.get()
    event.message = "rewritten"
    with pytest.raises(ValueError):
        event.save()


def test_no_mail_is_sent_inside_the_transaction(draft, officer, editor, mailoutbox):
    # Outside a test transaction callbacks would run on commit; here we check they wait for it.
    assert len(mail.outbox) == 0
    services.practice_submit(practice=draft, actor=officer)
    assert len(mailoutbox) == 0


class TestSlugs:
    """A practice's address says something in every script: titles are transliterated to ASCII
    before they are slugified (Django's slugify alone drops Cyrillic, Arabic and Chinese)."""

    @pytest.mark.parametrize(
        "title,slug",
        [
            ("Городская программа против расизма", "gorodskaya-programma-protiv-rasizma"),
            ("برنامج المدينة لمكافحة العنصرية", "brnmj-lmdynh-lmkfhh-lnsryh"),
            ("城市反种族主义计划", "cheng-shi-fan-zhong-zu-zhu-yi-ji-hua"),
            ("Charte de Montréal — égalité", "charte-de-montreal-egalite"),
            ("Stop racism 2030", "stop-racism-2030"),
        ],
    )
    def test_a_title_in_any_script_gives_a_meaningful_ascii_slug(self, officer, title, slug):
        created = services.practice_create(actor=officer, data={"title": title})
        stored = Practice.objects.get(pk=created.pk)
        assert stored.slug == slug
        assert stored.slug.isascii()

    def test_the_same_title_again_gets_a_numbered_slug(self, officer):
        title = "Городская программа"
        slugs = [
            Practice.objects.get(
                pk=services.practice_create(actor=officer, data={"title": title}).pk
            ).slug
            for _ in range(3)
        ]
        assert slugs == ["gorodskaya-programma", "gorodskaya-programma-2", "gorodskaya-programma-3"]

    def test_renaming_a_draft_transliterates_too(self, officer):
        practice = services.practice_create(actor=officer, data={"title": "Draft"})
        services.practice_save_draft(
            practice=practice, actor=officer, data={"title": "反歧视热线"}, expected_version=None
        )
        assert Practice.objects.get(pk=practice.pk).slug == "fan-qi-shi-re-xian"

    def test_a_title_of_symbols_only_still_gets_a_slug(self, officer):
        created = services.practice_create(actor=officer, data={"title": "— ! —"})
        assert Practice.objects.get(pk=created.pk).slug == "practice"
