from dataclasses import dataclass
from decimal import Decimal

import pytest

from cities.models import City, Coalition
from practices.models import Practice, TargetGroup, Theme

# The browser checks' fixtures, for test_map_browser.py: one Chromium, its page, the live server.
from tests.browser.conftest import _shared_page, browser, live_url, page  # noqa: F401
from tests.cities.factories import CityFactory
from tests.practices.factories import PracticeFactory, bring_to

Status = Practice.Status

# Words in the titles of practices the public must never see.
HIDDEN_TITLES = ["A draft nobody sees", "An archived practice", "A submitted practice"]


@dataclass
class Mapped:
    ghent: City
    liege: City
    unplaced: City
    eccar: Coalition
    other: Coalition
    theme: Theme
    other_theme: Theme
    target: TargetGroup
    other_target: TargetGroup


@pytest.fixture
def mapped(make_practice, other_city_officer, editor):
    """Ghent (ECCAR) with twelve published practices on one theme and one on another, Liège (in
    another coalition) with one; a member city whose location is not recorded; a former member
    without practices; and practices in every unpublished state."""
    eccar = Coalition.objects.get(slug="eccar")
    ghent = City.objects.get(slug="ghent")
    ghent.coalition = eccar
    ghent.latitude, ghent.longitude = Decimal("51.05434"), Decimal("3.71742")
    ghent.save()
    liege = other_city_officer.city_officer.city
    liege.latitude, liege.longitude = Decimal("50.63373"), Decimal("5.56749")
    liege.save()
    unplaced = CityFactory(name="Nowhere", slug="nowhere", coalition=eccar)
    CityFactory(name="Gone", slug="gone", coalition=eccar, is_active_member=False)
    theme, other_theme = Theme.objects.order_by("order")[:2]
    target, other_target = TargetGroup.objects.order_by("order")[:2]
    for number in range(12):
        make_practice(
            Status.PUBLISHED,
            title=f"Ghent practice {number:02}",
            themes=[theme],
            target_groups=[target],
        )
    make_practice(
        Status.PUBLISHED, title="Ghent other theme", themes=[other_theme], target_groups=[target]
    )
    liege_practice = PracticeFactory(
        title="Liège practice", city=liege, themes=[theme], target_groups=[other_target]
    )
    bring_to(liege_practice, Status.PUBLISHED, other_city_officer, editor)
    make_practice(Status.DRAFT, title=HIDDEN_TITLES[0], themes=[other_theme])
    make_practice(Status.ARCHIVED, title=HIDDEN_TITLES[1], themes=[other_theme])
    make_practice(Status.SUBMITTED, title=HIDDEN_TITLES[2], themes=[other_theme])
    return Mapped(
        ghent=ghent,
        liege=liege,
        unplaced=unplaced,
        eccar=eccar,
        other=liege.coalition,
        theme=theme,
        other_theme=other_theme,
        target=target,
        other_target=other_target,
    )
