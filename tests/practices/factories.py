import factory

from practices import services
from practices.models import CityRole, Practice, TargetGroup, Theme
from tests.cities.factories import CityFactory


class PracticeFactory(factory.django.DjangoModelFactory):
    """A complete draft, ready to submit."""

    class Meta:
        model = Practice
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Neighbourhood anti-discrimination desk {n}")
    slug = factory.Sequence(lambda n: f"neighbourhood-desk-{n}")
    city = factory.SubFactory(CityFactory)
    summary = "A walk-in desk where residents report discrimination and get advice."
    context = "Residents did not know where to turn after being refused a flat."
    implementation = "The city opened a desk in the town hall staffed by two advisers."
    results = "Four hundred residents were advised in the first year."
    why_it_works = "It is close to residents and independent of other city offices."
    challenges = "Reaching people who distrust the administration took time."
    transferability = "Any city with two trained advisers and a room can start one."
    start_year = 2019
    language = "en"
    contact_name = "Alex Martin"
    contact_email = "alex.martin@example.org"

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create:
            self.themes.set(extracted if extracted is not None else [Theme.objects.first()])

    @factory.post_generation
    def target_groups(self, create, extracted, **kwargs):
        if create:
            default = [TargetGroup.objects.first()]
            self.target_groups.set(extracted if extracted is not None else default)

    @factory.post_generation
    def city_roles(self, create, extracted, **kwargs):
        if create:
            self.city_roles.set(extracted if extracted is not None else [CityRole.objects.first()])


def bring_to(practice, status, officer, editor):
    """Take a draft to `status` through the workflow services, as the site would."""
    if status == Practice.Status.DRAFT:
        return practice
    services.practice_submit(practice=practice, actor=officer)
    if status == Practice.Status.CHANGES_REQUESTED:
        services.practice_request_changes(practice=practice, actor=editor, message="More data.")
    elif status == Practice.Status.REJECTED:
        services.practice_reject(practice=practice, actor=editor, message="Out of scope.")
    elif status in (Practice.Status.PUBLISHED, Practice.Status.ARCHIVED):
        services.practice_approve(practice=practice, actor=editor)
        if status == Practice.Status.ARCHIVED:
            services.practice_archive(practice=practice, actor=editor, message="Ended.")
    practice.refresh_from_db()
    assert practice.status == status
    return practice
