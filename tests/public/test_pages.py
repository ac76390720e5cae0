"""The public pages beyond search: home, practice, themes, cities, coalitions, sitemap."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from practices import services
from practices.models import Practice, Theme
from tests.cities.factories import CityFactory
from tests.practices.factories import PracticeFactory

Status = Practice.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def public_and_hidden(make_practice):
    theme = Theme.objects.get(slug="housing")
    public = make_practice(Status.PUBLISHED, title="Visible housing practice", is_promising=True)
    public.themes.set([theme])
    hidden = {
        status: make_practice(status, title=f"Secret practice {status}", themes=[theme])
        for status in [
            Status.DRAFT,
            Status.SUBMITTED,
            Status.CHANGES_REQUESTED,
            Status.REJECTED,
            Status.ARCHIVED,
        ]
    }
    return public, hidden


def public_urls(public):
    city = public.city
    return [
        reverse("public:home"),
        reverse("public:practice_list"),
        reverse("public:practice_list") + "?q=secret",
        reverse("public:practice_list") + "?theme=housing",
        public.get_absolute_url(),
        reverse("public:theme_list"),
        reverse("public:theme_detail", args=["housing"]),
        reverse("public:city_list"),
        city.get_absolute_url(),
        city.coalition.get_absolute_url(),
        reverse("sitemap"),
    ]


def test_no_public_page_shows_or_counts_unpublished_practices(client, public_and_hidden, officer):
    public, hidden = public_and_hidden
    for url in public_urls(public):
        content = client.get(url).content.decode()
        assert "Secret practice" not in content, url
        for practice in hidden.values():
            assert practice.slug not in content, url
    theme_page = client.get(reverse("public:theme_detail", args=["housing"]))
    assert theme_page.context["page"].paginator.count == 1
    assert client.get(reverse("public:home")).context["figures"]["practices"] == 1
    city_list = client.get(reverse("public:city_list")).content.decode()
    assert "(1 practice)" in city_list
    # Signed in as the city's officer, the public pages still show only what is public.
    client.force_login(officer)
    for url in public_urls(public):
        assert "Secret practice" not in client.get(url).content.decode(), url


def test_every_public_page_has_its_own_title_description_and_canonical(client, public_and_hidden):
    public, _hidden = public_and_hidden
    titles = set()
    for url in public_urls(public)[:-1]:
        content = client.get(url).content.decode()
        title = re.search(r"<title>(.*?)</title>", content, re.S).group(1)
        titles.add(title)
        assert re.search(r'<meta name="description" content="[^"]{20,}">', content), url
        assert '<link rel="canonical" href="http' in content, url
        assert 'property="og:title"' in content and 'property="og:url"' in content, url
        assert content.count("<h1") == 1, url
    assert len(titles) == len(public_urls(public)) - 1


def test_practice_page_shows_every_section_in_order(client, make_practice):
    practice = make_practice(
        Status.PUBLISHED,
        partners="Housing board\nTenants' union",
        resources="Two advisers, 80,000 euros a year",
        end_year=2022,
    )
    content = client.get(practice.get_absolute_url()).content.decode()
    order = [
        practice.summary,
        "Context",
        practice.context,
        "What was done",
        "Results and evidence",
        "Why it works",
        "Challenges and lessons learned",
        "Transferability",
        "Partners",
        "Tenants&#x27; union",
        "Dates",
        "2019–2022",
        "Resources",
        "Last updated",
    ]
    positions = [content.index(text) for text in order]
    assert positions == sorted(positions)
    for theme in practice.themes.all():
        assert theme.get_absolute_url() in content
    assert practice.city.coalition.name in content


def test_contact_person_is_hidden_from_anonymous_visitors(client, make_practice, officer):
    practice = make_practice(Status.PUBLISHED)
    content = client.get(practice.get_absolute_url()).content.decode()
    assert practice.contact_email not in content
    assert practice.contact_name not in content
    client.force_login(officer)
    assert practice.contact_email in client.get(practice.get_absolute_url()).content.decode()


def test_inspiration_links_and_related_practices_are_published_only(
    client, make_practice, other_city
):
    source = make_practice(Status.PUBLISHED, title="Original practice")
    adapted = make_practice(Status.PUBLISHED, title="Adapted practice")
    draft = make_practice(Status.DRAFT, title="Draft adaptation")
    elsewhere = make_practice(Status.PUBLISHED, title="Practice elsewhere")
    Practice.objects.filter(pk=elsewhere.pk).update(city=other_city)
    adapted.inspired_by.set([source])
    draft.inspired_by.set([source])
    content = client.get(source.get_absolute_url()).content.decode()
    assert "Adapted practice" in content
    assert "Draft adaptation" not in content
    assert "Practice elsewhere" in content  # related: same theme, another city
    assert "Original practice" in client.get(adapted.get_absolute_url()).content.decode()


def test_practice_page_query_budget(
    client, make_practice, other_city_officer, editor, django_assert_max_num_queries
):
    """Everything a practice page can show, within the budget: classifications, commitments,
    transfers both ways, related practices and questions answered publicly."""
    from exchange import services as exchange
    from practices.models import Commitment

    practice = make_practice(Status.PUBLISHED)
    practice.commitments.set(Commitment.objects.all()[:3])
    for number in range(6):
        other = make_practice(Status.PUBLISHED, title=f"Other {number}")
        other.inspired_by.set([practice])
    practice.inspired_by.set([make_practice(Status.PUBLISHED, title="Source")])
    elsewhere = PracticeFactory(city=other_city_officer.city_officer.city)
    services.practice_submit(practice=elsewhere, actor=other_city_officer)
    services.practice_approve(practice=elsewhere, actor=editor)
    elsewhere.themes.set(practice.themes.all())  # a related practice in another city
    for question in ("How many advisers?", "Who pays?"):
        conversation = exchange.conversation_start(
            practice=practice, actor=other_city_officer, body=question
        )
        officer = practice.city.officers.first().user
        exchange.conversation_reply(conversation=conversation, actor=officer, body="Two.")
        exchange.conversation_offer(conversation=conversation, actor=officer)
        conversation.refresh_from_db()
        exchange.conversation_approve_publication(
            conversation=conversation, actor=editor, version=conversation.version
        )
    from tests.exchange.factories import approved_adaptation

    approved_adaptation(
        practice,
        other_city_officer,
        editor,
        what_changed="Done with job offers",
        own_practice=elsewhere,
    )
    with django_assert_max_num_queries(12):
        response = client.get(practice.get_absolute_url())
    content = response.content.decode()
    assert "How many advisers?" in content and "Who pays?" in content
    assert "Done with job offers" in content
    assert response.context["related"]
    assert all(f"Other {number}" in content for number in range(6)) and "Source" in content


def test_home_shows_themes_with_counts_promising_latest_and_figures(client, public_and_hidden):
    response = client.get(reverse("public:home"))
    content = response.content.decode()
    assert response.context["figures"]["practices"] == 1
    assert len(response.context["themes"]) == 10
    housing = next(t for t in response.context["themes"] if t.slug == "housing")
    assert housing.num_practices == 1
    assert [p.title for p in response.context["promising"]] == ["Visible housing practice"]
    assert 'role="search"' in content


def test_theme_page_lists_commitments_mapped_to_it(client, db):
    content = client.get(reverse("public:theme_detail", args=["housing"])).content.decode()
    assert "Fair Access to Housing" in content  # ECCAR's seventh commitment


def test_city_list_groups_by_coalition_and_country(client, public_and_hidden):
    response = client.get(reverse("public:city_list"))
    groups = response.context["coalitions"]
    assert groups and all(group["countries"] for group in groups)


def sitemap_sections(client):
    """Return the text of every section the sitemap index lists, together."""
    index = client.get(reverse("sitemap")).content.decode()
    site = re.escape(django_settings.SITE_URL)
    sections = re.findall(rf"<loc>{site}(/sitemap-[a-z]+\.xml)</loc>", index)
    assert sections
    return "".join(client.get(section).content.decode() for section in sections)


def test_sitemap_and_robots(client, public_and_hidden):
    public, _hidden = public_and_hidden
    sitemap = sitemap_sections(client)
    assert public.get_absolute_url() in sitemap
    assert "/themes/housing/" in sitemap
    assert public.city.get_absolute_url() in sitemap
    assert public.city.coalition.get_absolute_url() in sitemap
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert f"Sitemap: {django_settings.SITE_URL}/sitemap.xml" in robots.content.decode()
    assert "Disallow: /admin/" in robots.content.decode()


SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def test_sitemap_lists_every_language_with_its_alternates(client, public_and_hidden):
    public, hidden = public_and_hidden
    root = ET.fromstring(client.get("/sitemap-practices.xml").content)
    urls = {url.find(f"{SITEMAP}loc").text: url for url in root.findall(f"{SITEMAP}url")}
    path = public.get_absolute_url()
    expected = {
        code: f"{django_settings.SITE_URL}{'' if code == 'en' else '/' + code}{path}"
        for code, _name in django_settings.LANGUAGES
    }
    assert set(urls) == set(expected.values())
    for url in urls.values():
        alternates = {
            link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")
        }
        assert alternates == {**expected, "x-default": expected["en"]}
        assert url.find(f"{SITEMAP}lastmod").text
    every_section = sitemap_sections(client)
    for practice in hidden.values():
        assert practice.slug not in every_section
    pages = client.get("/sitemap-pages.xml").content.decode()
    assert f"<loc>{django_settings.SITE_URL}/fr/practices/</loc>" in pages
    assert f"<loc>{django_settings.SITE_URL}/practices/</loc>" in pages


def test_sitemap_index_pages_a_long_section(client, public_and_hidden, monkeypatch):
    from iccar_portal.sitemaps import PracticeSitemap

    monkeypatch.setattr(PracticeSitemap, "limit", 4)  # one practice in six languages: two pages
    index = ET.fromstring(client.get("/sitemap.xml").content)
    assert index.tag == f"{SITEMAP}sitemapindex"
    locations = [item.find(f"{SITEMAP}loc").text for item in index]
    assert f"{django_settings.SITE_URL}/sitemap-practices.xml" in locations
    assert f"{django_settings.SITE_URL}/sitemap-practices.xml?p=2" in locations
    first = client.get("/sitemap-practices.xml").content.decode()
    second = client.get("/sitemap-practices.xml?p=2").content.decode()
    assert first.count("<url>") == 4 and second.count("<url>") == 2
    assert client.get("/sitemap-practices.xml?p=3").status_code == 404
    assert client.get("/sitemap-nope.xml").status_code == 404


def test_robots_and_sitemap_name_the_site_url_whatever_host_the_request_claims(
    client, public_and_hidden, settings
):
    """A request with another Host (or scheme) must not make search engines list another
    site's addresses: every absolute address comes from SITE_URL."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]
    settings.SITE_URL = "https://portal.iccar.example"
    public, _hidden = public_and_hidden
    claimed = {"HTTP_HOST": "evil.example"}
    robots = client.get("/robots.txt", **claimed).content.decode()
    assert "Sitemap: https://portal.iccar.example/sitemap.xml\n" in robots
    assert "evil.example" not in robots
    index = client.get("/sitemap.xml", **claimed).content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", index)
    assert "https://portal.iccar.example/sitemap-practices.xml" in locations
    assert all(loc.startswith("https://portal.iccar.example/sitemap-") for loc in locations)
    for section in ["practices", "pages"]:
        text = client.get(f"/sitemap-{section}.xml", **claimed).content.decode()
        addresses = re.findall(r'(?:<loc>|href=")(https?://[^<"]+)', text)
        assert addresses
        assert all(a.startswith("https://portal.iccar.example/") for a in addresses), section
        assert "evil.example" not in text
    practices = client.get("/sitemap-practices.xml", secure=True, **claimed).content.decode()
    assert f"<loc>https://portal.iccar.example{public.get_absolute_url()}</loc>" in practices


@pytest.mark.parametrize(
    "url", ["/themes/nope/", "/cities/nope/", "/coalitions/nope/", "/practices/nope/"]
)
def test_unknown_slugs_are_404(client, db, url):
    assert client.get(url).status_code == 404


def test_public_pages_refuse_post(client, db):
    assert client.post(reverse("public:practice_list")).status_code == 405


def test_error_pages_use_the_site_layout(rf, db):
    from django.views import defaults

    response = defaults.server_error(rf.get("/"))
    assert response.status_code == 500
    content = response.content.decode()
    assert "Something went wrong" in content and 'class="skip-link"' in content
    response = defaults.page_not_found(rf.get("/x/"), exception=None)
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("prefix", ["", "/fr", "/es", "/ar", "/ru", "/zh-hans"])
@pytest.mark.parametrize(
    "query",
    [
        "page=1000000000000000000",
        "page=99999999999999999999999&theme=housing",
        "q=housing&page=1000000000000000000",
        "page=1000000000000000000&sort=title",
    ],
)
def test_a_page_number_past_any_database_integer_shows_the_last_page(
    client, public_and_hidden, prefix, query
):
    response = client.get(f"{prefix}/practices/?{query}")
    assert response.status_code == 200
    assert response.context["outcome"].page.number == 1  # the last of one page
    assert response.context["outcome"].notes  # and says why


def test_a_huge_page_number_on_the_other_listings(client, public_and_hidden):
    public, _hidden = public_and_hidden
    for url in [
        public.city.get_absolute_url(),
        public.themes.first().get_absolute_url(),
        public.city.coalition.get_absolute_url(),
    ]:
        assert client.get(url, {"page": "1" + "0" * 30}).status_code == 200


# ---------------------------------------------------------------- profiles and plans of action


@pytest.fixture
def eccar_city(officer):
    """The officer's city, made a member of ECCAR with known coordinates."""
    from cities.models import Coalition

    city = officer.city_officer.city
    city.coalition = Coalition.objects.get(slug="eccar")
    city.latitude, city.longitude = Decimal("49.45203"), Decimal("11.07675")
    city.save()
    return city


def test_coalition_page_shows_its_profile_and_plan_with_published_counts(
    client, make_practice, eccar_city
):
    from practices.models import Commitment

    housing = Commitment.objects.get(coalition__slug="eccar", number=7)
    public = make_practice(Status.PUBLISHED, city=eccar_city, title="Fair letting audit")
    public.commitments.set([housing])
    for status in (Status.DRAFT, Status.SUBMITTED, Status.ARCHIVED):
        make_practice(status, city=eccar_city).commitments.set([housing])
    content = client.get(reverse("public:coalition_detail", args=["eccar"])).content.decode()
    # The profile, filled from the coalitions' reference data.
    assert "2004, Nuremberg" in content
    assert "Nuremberg (first presidency)" in content
    assert "about 140 cities in 23 countries (around 2020)" in content
    assert "10 Points Action Plan (2004)" in content
    # The plan, point by point, each with how many published practices serve it.
    points = re.findall(r'<li value="(\d+)">(.*?)</li>', content, re.S)
    assert [number for number, _text in points] == [str(n) for n in range(1, 11)]
    seventh = dict(points)["7"]
    assert "Fair Access to Housing" in seventh and "1 published practice<" in seventh
    assert all("0 published practices" in text for number, text in points if number != "7")


def test_a_coalition_without_commitments_says_so(client, db):
    content = client.get(reverse("public:coalition_detail", args=["brazil"])).content.decode()
    assert "The commitments of this plan have not been entered yet." in content


def test_city_page_shows_its_place_and_its_practices_by_commitment(
    client, make_practice, eccar_city
):
    from practices.models import Commitment

    practice = make_practice(Status.PUBLISHED, city=eccar_city)
    practice.commitments.set(Commitment.objects.filter(coalition__slug="eccar", number__in=[2, 7]))
    # Another member city's practice serves point 2 as well: it does not count here.
    elsewhere = CityFactory(coalition=eccar_city.coalition)
    PracticeFactory(city=elsewhere, status=Status.PUBLISHED).commitments.set(
        Commitment.objects.filter(coalition__slug="eccar", number=2)
    )
    content = client.get(eccar_city.get_absolute_url()).content.decode()
    assert (
        'href="https://www.openstreetmap.org/?mlat=49.4520&amp;mlon=11.0768#map=11/49.4520/11.0768"'
        in content
    )
    points = dict(re.findall(r'<li value="(\d+)">(.*?)</li>', content, re.S))
    assert "1 published practice of the city<" in points["2"]
    assert "1 published practice of the city<" in points["7"]
    assert "0 published practices of the city" in points["1"]


def test_a_city_without_coordinates_has_no_map_link(client, make_practice):
    practice = make_practice(Status.PUBLISHED)
    content = client.get(practice.city.get_absolute_url()).content.decode()
    assert "openstreetmap" not in content


def test_practice_page_names_the_commitments_it_serves(
    client, make_practice, eccar_city, django_assert_max_num_queries
):
    from practices.models import Commitment

    practice = make_practice(Status.PUBLISHED, city=eccar_city)
    practice.commitments.set(Commitment.objects.filter(coalition__slug="eccar", number__in=[7, 2]))
    with django_assert_max_num_queries(12):
        content = client.get(practice.get_absolute_url()).content.decode()
    served = re.search(r"Commitments of the plan of action</dt><dd>(.*?)</dd>", content).group(1)
    assert re.findall(r'\?commitment=eccar-(\d+)">ECCAR \d+\. ', served) == ["2", "7"]
    assert "Fair Access to Housing" in served


def test_search_by_commitment_with_its_facet(client, make_practice, eccar_city):
    from practices.models import Commitment

    housing, victims = (
        Commitment.objects.get(coalition__slug="eccar", number=number) for number in (7, 3)
    )
    both = make_practice(Status.PUBLISHED, city=eccar_city, title="Both points")
    both.commitments.set([housing, victims])
    make_practice(Status.PUBLISHED, city=eccar_city, title="Housing only").commitments.set(
        [housing]
    )
    make_practice(Status.DRAFT, city=eccar_city, title="Hidden draft").commitments.set([victims])
    url = reverse("public:practice_list")
    response = client.get(url, {"commitment": "eccar-7"})
    outcome = response.context["outcome"]
    assert sorted(p.title for p in outcome.page.object_list) == ["Both points", "Housing only"]
    facet = next(f for f in outcome.facets if f.name == "commitment")
    options = {option["slug"]: (option["label"], option["count"]) for option in facet.options}
    assert options == {
        "eccar-3": (f"ECCAR 3. {victims.title}", 1),
        "eccar-7": (f"ECCAR 7. {housing.title}", 2),
    }
    response = client.get(url, {"commitment": ["eccar-7", "eccar-3"], "q": "points"})
    assert [p.title for p in response.context["outcome"].page.object_list] == ["Both points"]
    # An unknown commitment is left out with a note, never an error.
    response = client.get(url, {"commitment": "eccar-99"})
    assert response.status_code == 200
    assert "This part of the search was left out." in response.content.decode()


def test_related_practices_share_all_themes_first_then_any_newest_first(
    client, make_practice, other_city_officer, editor
):
    first, second, third = Theme.objects.order_by("pk")[:3]
    practice = make_practice(Status.PUBLISHED, themes=[first, second])
    made = []
    for title, themes in [
        ("Shares all, older", [first, second]),
        ("Shares one, newer", [first]),
        ("Shares all and more, newest", [first, second, third]),
        ("Shares none", [third]),
    ]:
        other = PracticeFactory(city=other_city_officer.city_officer.city, title=title)
        other.themes.set(themes)
        services.practice_submit(practice=other, actor=other_city_officer)
        services.practice_approve(practice=other, actor=editor)
        made.append(other)
    make_practice(Status.PUBLISHED, title="Same city", themes=[first, second])
    related = client.get(practice.get_absolute_url()).context["related"]
    assert [other.title for other in related] == [
        "Shares all and more, newest",
        "Shares all, older",
        "Shares one, newer",
    ]


def test_city_page_shows_transfers_both_ways_and_the_questions_it_answered(
    client, make_practice, other_city_officer, editor, django_assert_max_num_queries
):
    from exchange import services as exchange

    ours = make_practice(Status.PUBLISHED, title="Our testing desk")
    theirs = PracticeFactory(city=other_city_officer.city_officer.city, title="Their original")
    services.practice_submit(practice=theirs, actor=other_city_officer)
    services.practice_approve(practice=theirs, actor=editor)
    copy = PracticeFactory(city=other_city_officer.city_officer.city, title="Their adaptation")
    services.practice_submit(practice=copy, actor=other_city_officer)
    services.practice_approve(practice=copy, actor=editor)
    ours.inspired_by.set([theirs])
    copy.inspired_by.set([ours])
    draft = make_practice(Status.DRAFT, title="A draft adaptation")
    draft.inspired_by.set([theirs])
    # A question to the city, answered and shown; another kept private.
    officer = ours.city.officers.first().user
    for question, shown in (("How many testers?", True), ("What budget?", False)):
        conversation = exchange.conversation_start(
            practice=ours, actor=other_city_officer, body=question
        )
        exchange.conversation_reply(conversation=conversation, actor=officer, body="Ten.")
        if shown:
            exchange.conversation_offer(conversation=conversation, actor=officer)
            conversation.refresh_from_db()
            exchange.conversation_approve_publication(
                conversation=conversation, actor=editor, version=conversation.version
            )
    with django_assert_max_num_queries(12):
        content = client.get(ours.city.get_absolute_url()).content.decode()
    adapted = re.search(r"What it adapted from other cities</h3>(.*?)</ul>", content, re.S)
    assert "Our testing desk" in adapted.group(1) and "Their original" in adapted.group(1)
    adapted_by = re.search(r"Who adapted its practices</h3>(.*?)</ul>", content, re.S)
    assert "Their adaptation" in adapted_by.group(1)
    assert "A draft adaptation" not in content
    answers = re.search(r"Questions it answered for other cities</h2>(.*?)</ul>", content, re.S)
    assert "How many testers?" in answers.group(1) and "What budget?" not in content


def test_coalition_page_counts_adaptations_within_and_across(
    client, make_practice, eccar_city, other_city_officer, editor, django_assert_max_num_queries
):
    ours = make_practice(Status.PUBLISHED, city=eccar_city, title="Ours")
    neighbour = PracticeFactory(
        city=CityFactory(coalition=eccar_city.coalition), title="Neighbour's", status="published"
    )
    abroad = PracticeFactory(
        city=other_city_officer.city_officer.city, title="From abroad", status="published"
    )
    hidden = make_practice(Status.DRAFT, city=eccar_city, title="Hidden adaptation")
    neighbour.inspired_by.set([ours])  # within ECCAR
    ours.inspired_by.set([abroad])  # across coalitions
    hidden.inspired_by.set([neighbour, abroad])  # unpublished: counted nowhere
    # A record: the other city adapted ours (across); saying it with a link too counts once.
    from tests.exchange.factories import approved_adaptation

    approved_adaptation(ours, other_city_officer, editor, what_changed="Run by volunteers")
    with django_assert_max_num_queries(12):
        content = client.get(reverse("public:coalition_detail", args=["eccar"])).content.decode()
    assert "1 adaptation between its member cities" in content
    assert "2 adaptations with cities of other coalitions" in content
    assert "Hidden adaptation" not in content
    within = re.search(r"between its member cities</h3>\s*<ul>(.*?)</ul>", content, re.S).group(1)
    assert "Neighbour&#x27;s" in within and "Ours" in within
    across = re.search(r"other coalitions</h3>\s*<ul>(.*?)</ul>", content, re.S).group(1)
    assert "Ours" in across and "From abroad" in across
    assert "adapted by Liège since 2022" in across
    city_page = client.get(eccar_city.get_absolute_url()).content.decode()
    assert "adapted by Liège since 2022" in city_page
