"""Every public page: no axe-core violation in Chromium, valid HTML, the landmarks, the keyboard.

To hold a new page to the same checks, add a (name, url builder) pair to PAGES: the builder
gets the `Site` dataset below and returns the page's path (with its query string). Pages in
other languages, or of the member area, go the same way (a name per language, a builder that
adds the prefix; a fixture that signs in where a page needs it).
"""

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import translation

from cities.models import City, Coalition
from exchange import services as exchange_services
from practices import services
from practices.models import Commitment, Practice, Theme
from publications import services as publication_services
from publications.models import Chapter, ClosingSection, Publication, PublicationEntry
from tests.browser.conftest import (
    assert_landmarks,
    assert_no_axe_violations,
    assert_skip_link_works,
    assert_valid_html,
    goto,
)
from tests.practices.factories import PracticeFactory

Status = Practice.Status

pytestmark = pytest.mark.browser

# A word in the title of a published practice, and in no other text of the dataset.
SEARCH_WORD = "interpreters"


@dataclass
class Site:
    """The small dataset the pages are rendered with."""

    practice: Practice
    theme: Theme
    city: City
    coalition: Coalition
    search_word: str
    publication: Publication = None


def _search(query):
    return f"{reverse('public:practice_list')}?{urlencode({'q': query})}"


PAGES = [
    ("home", lambda site: reverse("public:home")),
    ("search with results", lambda site: _search(site.search_word)),
    ("search without results", lambda site: _search("zzzzunknown")),
    ("practice", lambda site: site.practice.get_absolute_url()),
    ("theme list", lambda site: reverse("public:theme_list")),
    ("theme", lambda site: site.theme.get_absolute_url()),
    ("city list", lambda site: reverse("public:city_list")),
    ("city", lambda site: site.city.get_absolute_url()),
    ("coalition", lambda site: site.coalition.get_absolute_url()),
    ("evidence scale", lambda site: reverse("public:evidence")),
    ("promising practices", lambda site: reverse("public:promising")),
    ("transfers", lambda site: reverse("transfers:network")),
    ("insights", lambda site: reverse("insights:insights")),
    ("insights of a coalition", lambda site: reverse("insights:insights") + "?coalition=eccar"),
    (
        "insights of a theme in a coalition",
        lambda site: reverse("insights:insights") + f"?coalition=eccar&theme={site.theme.slug}",
    ),
    ("publications", lambda site: reverse("publications:list")),
    ("publication", lambda site: site.publication.get_absolute_url()),
    ("map", lambda site: reverse("maps:map")),
    (
        "map filtered",
        lambda site: reverse("maps:map") + f"?theme={site.theme.slug}&coalition=eccar",
    ),
    (
        "search that fits a city",
        lambda site: (
            reverse("public:practice_list")
            + "?size=medium&budget=medium&powers=housing&powers=social_services&sort=adapted"
        ),
    ),
]
PAGE_NAMES = [name for name, _build in PAGES]
URL_BUILDERS = dict(PAGES)
# Every page is checked in English, in Arabic (right to left) and in Chinese.
LANGUAGES = ["en", "ar", "zh-hans"]


def url_in(language, name, site):
    with translation.override(language):
        return URL_BUILDERS[name](site)


@pytest.fixture
def site(make_practice, officer, other_city_officer, editor):
    """Three published practices in two cities (one written in French), a draft, an archive;
    the first city is a member of ECCAR (a coalition with its profile and plan) and on the map;
    a published publication quoting two of the practices."""
    city = officer.city_officer.city
    city.coalition = Coalition.objects.get(slug="eccar")
    city.latitude, city.longitude = Decimal("51.05434"), Decimal("3.71742")
    city.save()
    themes = list(Theme.objects.order_by("order")[:2])
    practice = make_practice(
        Status.PUBLISHED,
        title="Community interpreters at the town hall",
        summary="Trained residents interpret for newcomers at the housing and social desks.",
        themes=themes,
        partners="Red Cross Flanders\nGhent University",
        resources="Two coordinators; €40,000 a year.",
        start_year=2018,
        end_year=2022,
    )
    practice.commitments.set(Commitment.objects.filter(coalition__slug="eccar", number__in=[3, 7]))
    # Its evidence level as the editors set it: the badge on its card and page, and its evidence.
    Practice.objects.filter(pk=practice.pk).update(
        evidence_level=3,
        proposed_evidence_level=3,
        evidence="Compared with two districts without interpreters: https://example.org/report",
        is_promising=True,
        promising_note="Cheap to start, and every town hall has residents who speak two languages.",
    )
    practice.refresh_from_db()
    elsewhere = PracticeFactory(city=other_city_officer.city_officer.city, themes=themes[:1])
    services.practice_submit(practice=elsewhere, actor=other_city_officer)
    services.practice_approve(practice=elsewhere, actor=editor)
    practice.inspired_by.set([elsewhere])  # a transfer, on the practice's and the city's pages
    french = make_practice(
        Status.PUBLISHED,
        title="Bureau de signalement des discriminations",
        summary="Un guichet où les habitants signalent une discrimination.",
        language="fr",
        themes=themes[1:],
    )
    # A question from another city, answered and shown under the practice.
    conversation = exchange_services.conversation_start(
        practice=practice,
        actor=other_city_officer,
        body="How did you train the interpreters? Our plan: https://example.org/plan",
    )
    exchange_services.conversation_reply(
        conversation=conversation,
        actor=officer,
        body="Ten evenings with the Red Cross.\n\nThe course is online.",
    )
    exchange_services.conversation_offer(conversation=conversation, actor=officer)
    conversation.refresh_from_db()
    exchange_services.conversation_approve_publication(
        conversation=conversation, actor=editor, version=conversation.version
    )
    # Its conditions of transfer, and another city's approved record that it adapted it.
    Practice.objects.filter(pk=practice.pk).update(
        yearly_cost="medium",
        staff_needed="team",
        setup_time="months",
        city_powers=",housing,social_services,",
        partner_kinds=",ngo,university,",
        population_band="medium",
    )
    adaptation = exchange_services.adaptation_create(
        original=practice,
        actor=other_city_officer,
        data={
            "started_in": 2021,
            "progress": "ended",
            "what_changed": "Volunteers from the libraries instead of paid interpreters.",
            "outcome": "Waiting times at the desks halved: https://example.org/evaluation",
            "own_practice": elsewhere,
        },
        submit=True,
    )
    exchange_services.adaptation_approve(
        adaptation=adaptation, actor=editor, version=adaptation.version
    )
    make_practice(Status.DRAFT, title="A draft nobody sees")
    make_practice(Status.ARCHIVED, title="An archived practice")
    return Site(
        practice=practice,
        theme=themes[0],
        city=practice.city,
        coalition=practice.city.coalition,
        search_word=SEARCH_WORD,
        publication=publish_a_report([practice, french], editor),
    )


def publish_a_report(practices, editor):
    """A publication as the editors compose it: an introduction, a chapter per practice with the
    editors' text and commentary (in English only: other languages show it marked as English),
    a closing text and the gaps, frozen when it is published."""
    publication = Publication.objects.create(
        title="Cities that welcome",
        subtitle="Practices of the coalition's member cities",
        slug="cities-that-welcome",
        year=2026,
        introduction=(
            "The editors chose practices that:\n\n- are **cheap** to start;\n"
            "- [transfer](https://example.org/transfer) to other cities.\n\n"
            "# How we read them\n\nEach was read against the *evidence scale*."
        ),
    )
    for position, (title, practice) in enumerate(
        zip(["Welcoming newcomers", "Reporting discrimination"], practices, strict=True), start=1
    ):
        chapter = Chapter.objects.create(
            publication=publication,
            position=position,
            title=title,
            text=f"What the practices of *{title.lower()}* show.",
        )
        PublicationEntry.objects.create(
            chapter=chapter,
            position=1,
            practice=practice,
            commentary="It works because **residents** run it:\n\n1. cheap;\n2. quick to start.",
        )
    ClosingSection.objects.create(
        publication=publication,
        position=1,
        title="What comes next",
        text="The next report reads the practices of *2027*.",
    )
    ClosingSection.objects.create(
        publication=publication,
        position=2,
        kind=ClosingSection.Kind.GAPS,
        title="Where more work is needed",
    )
    publication = publication_services.saved(publication, actor=editor, created=True)
    return publication_services.publish(
        publication=publication, actor=editor, version=publication.version
    )


def test_the_practice_page_shows_questions_from_other_cities(site, client):
    content = client.get(site.practice.get_absolute_url()).content.decode()
    assert "Questions from other cities" in content and "Ten evenings" in content


def test_the_publication_page_shows_what_the_checks_need(site, client):
    """Its chapters, the practices it quotes (one in French), the editors' commentary and the
    frozen gaps: or the checks above miss them."""
    content = client.get(site.publication.get_absolute_url()).content.decode()
    for text in [
        "Welcoming newcomers",
        site.practice.title,
        '<h3 id="practice-',
        ' lang="fr" dir="ltr"><a href=',
        'class="editors-commentary"',
        "Where more work is needed",
        "Commitments no practice serves yet",
    ]:
        assert text in content, text
    listed = client.get(reverse("publications:list")).content.decode()
    assert site.publication.title in listed


def test_search_pages_are_what_their_names_say(site, client):
    """The two search pages must really show results and no result, or the checks above miss
    one of the two states."""
    published = list(Practice.objects.published())
    assert len(published) == 3
    with_results = client.get(URL_BUILDERS["search with results"](site)).content.decode()
    without = client.get(URL_BUILDERS["search without results"](site)).content.decode()
    shown = [p.title for p in published if p.title in with_results]
    assert shown == [site.practice.title], f"searching {SEARCH_WORD!r} showed {shown}"
    shown = [p.title for p in published if p.title in without]
    assert shown == [], f"searching 'zzzzunknown' showed {shown}"


# --- In Chromium ------------------------------------------------------------------------------


# The pages with a map, drawn in Chromium from the GeoJSON (its tiles answered locally): axe
# must see it drawn, with its city, or it checks an empty box.
MAP_PAGES = {"city", "coalition", "map", "map filtered"}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_no_axe_violations(name, language, live_url, site, page):
    goto(page, live_url + url_in(language, name, site))
    if name in MAP_PAGES:
        page.locator(".map .map-marker").first.wait_for()
        assert page.locator(".map.leaflet-container").count() == 1
    assert_no_axe_violations(page)


def test_skip_link_is_first_visible_when_focused_and_leads_to_main(live_url, site, page):
    goto(page, live_url + URL_BUILDERS["home"](site))
    assert_skip_link_works(page)


# --- Without a browser: the HTML as served ----------------------------------------------------


def test_all_pages_are_valid_html(site, client):
    html_by_name = {}
    for language in LANGUAGES:
        for name in PAGE_NAMES:
            url = url_in(language, name, site)
            response = client.get(url)
            assert response.status_code == 200, f"{name}: {url} answered {response.status_code}"
            html_by_name[f"{name} ({url})"] = response.content
    assert_valid_html(html_by_name)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_page_has_lang_one_h1_a_main_and_labelled_navigation(name, language, site, client):
    response = client.get(url_in(language, name, site))
    assert response.status_code == 200
    content = response.content.decode()
    assert_landmarks(content)
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in content
