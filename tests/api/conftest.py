from datetime import timedelta

import pytest
from django.utils import timezone

from cities.models import Coalition
from practices import services
from practices.models import CityRole, Practice, PracticeTranslation, TargetGroup, Theme
from tests.cities.factories import CityFactory
from tests.practices.factories import PracticeFactory

Status = Practice.Status


@pytest.fixture
def catalogue(make_practice, officer, editor):
    """Published practices in three coalitions, more than a page of them on housing, one
    translated into French, and unpublished ones (with their contact person) that must stay
    hidden."""
    eccar = Coalition.objects.get(slug="eccar")
    cim = Coalition.objects.get(slug="cim")
    ghent = officer.city_officer.city
    ghent.coalition = eccar
    ghent.save()
    montreal = CityFactory(name="Montréal", slug="montreal", country="CA", coalition=cim)
    zurich = CityFactory(name="Zürich", slug="zurich", country="CH", coalition=eccar)
    housing, education = (Theme.objects.get(slug=slug) for slug in ["housing", "education"])
    provider = CityRole.objects.get(slug="service-provider")
    roma = TargetGroup.objects.get(slug="roma-and-travellers")

    def published(city, **fields):
        practice = PracticeFactory(city=ghent, **fields)
        services.practice_submit(practice=practice, actor=officer)
        services.practice_approve(practice=practice, actor=editor)
        if city != ghent:
            # Officers of other cities cannot submit for them; the officer's city stands in.
            Practice.objects.filter(pk=practice.pk).update(city=city)
            practice.refresh_from_db()
            practice.save()  # refresh the stored names of its new city
        practice.refresh_from_db()
        return practice

    made = {
        "audit": published(
            ghent,
            title="Fair housing audits",
            summary="Testing landlords for discrimination against tenants.",
            themes=[housing],
            start_year=2012,
        ),
        "mediators": published(
            ghent,
            title="Roma school mediators",
            summary="Mediators help Roma families with schools.",
            themes=[education],
            city_roles=[provider],
            target_groups=[roma],
            start_year=2016,
        ),
        "logement": published(
            montreal,
            title="Bureau du logement équitable",
            summary="Des logements accessibles sans discriminations.",
            language="fr",
            themes=[housing],
            start_year=2018,
        ),
        "zurich": published(
            zurich,
            title="Counselling network",
            summary="Advice for victims, housing questions included.",
            themes=[housing, education],
            start_year=2009,
        ),
    }
    for number in range(21):
        # Published at once, without the review: many of them, quickly (the search entries
        # follow the rows by triggers and signals all the same).
        made[f"housing-{number}"] = PracticeFactory(
            city=[ghent, montreal, zurich][number % 3],
            title=f"Housing discrimination desk {number}",
            summary="Residents report housing discrimination and get advice.",
            themes=[housing],
            start_year=2000 + number,
            status=Status.PUBLISHED,
            published_at=timezone.now() - timedelta(days=number),
        )
    PracticeTranslation.objects.create(
        practice=made["audit"],
        language="fr",
        title="Audits du logement équitable",
        summary="Des audits & des tests <b>auprès</b> des propriétaires.",
        context="Le contexte en français.",
    )
    for status in [Status.DRAFT, Status.SUBMITTED, Status.REJECTED, Status.ARCHIVED]:
        made[status] = make_practice(
            status,
            title=f"Hidden housing discrimination {status}",
            summary="Housing discrimination in Montréal and Zürich.",
            themes=[housing],
            contact_name="Secret Person",
            contact_email="secret.person@example.org",
        )
    return made
