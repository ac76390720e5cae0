"""The public search: filters, facets, sorting, paging, text matching and bad input."""

import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cities.models import Coalition
from core.pagination import PAGE_SIZE
from practices import search, selectors
from practices.models import (
    CityRole,
    Commitment,
    Practice,
    SearchEntry,
    TargetGroup,
    Theme,
)
from practices.search.facets import facet_counts
from practices.search.results import ORDERINGS
from tests.cities.factories import CityFactory
from tests.practices.factories import PracticeFactory

Status = Practice.Status
pytestmark = pytest.mark.django_db
URL = reverse("public:practice_list")


def titles(response):
    return [practice.title for practice in response.context["outcome"].page]


def facet(response, name):
    for item in response.context["outcome"].facets:
        if item.name == name:
            return {option["slug"]: option["count"] for option in item.options}
    raise AssertionError(f"no facet {name}")


@pytest.fixture
def catalogue(make_practice, officer, editor):
    """Six published practices in three coalitions, and unpublished ones that must stay hidden."""
    eccar, _ = Coalition.objects.get_or_create(slug="eccar", defaults={"name": "ECCAR"})
    cim = Coalition.objects.get(slug="cim")
    brazil = Coalition.objects.get(slug="brazil")
    ghent = officer.city_officer.city
    ghent.coalition = eccar
    ghent.save()
    montreal = CityFactory(name="Montréal", slug="montreal", country="CA", coalition=cim)
    sao_paulo = CityFactory(name="São Paulo", slug="sao-paulo", country="BR", coalition=brazil)
    zurich = CityFactory(name="Zürich", slug="zurich", country="CH", coalition=eccar)
    housing, education, victims = (
        Theme.objects.get(slug=slug) for slug in ["housing", "education", "support-for-victims"]
    )
    employer = CityRole.objects.get(slug="employer")
    provider = CityRole.objects.get(slug="service-provider")
    roma = TargetGroup.objects.get(slug="roma-and-travellers")
    migrants = TargetGroup.objects.get(slug="migrants-and-refugees")

    def published(city, **fields):
        practice = PracticeFactory(city=city, **fields)
        # Officers of other cities cannot submit for them; the officer's city stands in.
        practice.city = ghent
        practice.save()
        from practices import services

        services.practice_submit(practice=practice, actor=officer)
        services.practice_approve(practice=practice, actor=editor)
        Practice.objects.filter(pk=practice.pk).update(city=city)
        practice.refresh_from_db()
        practice.save()  # refresh the stored names of its new city
        return practice

    made = {
        "audit": published(
            ghent,
            title="Fair housing audits",
            summary="Testing landlords for discrimination against tenants.",
            themes=[housing],
            city_roles=[employer],
            target_groups=[migrants],
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
            city_roles=[provider],
            target_groups=[migrants],
            start_year=2018,
        ),
        "vivienda": published(
            sao_paulo,
            title="Centro de acogida",
            summary="Atención a víctimas de discriminación racial en la ciudad.",
            language="es",
            themes=[victims],
            city_roles=[provider],
            target_groups=[migrants],
            start_year=2020,
        ),
        "zurich": published(
            zurich,
            title="Counselling network",
            summary="Advice for victims, housing questions included.",
            implementation="Volunteers answer a hotline in Zurich every evening.",
            themes=[victims, housing],
            city_roles=[provider],
            target_groups=[roma, migrants],
            start_year=2009,
        ),
        "body": published(
            ghent,
            title="Ghent city staff training",
            summary="Training for every city employee.",
            implementation="The audits of housing discrimination inspired the training.",
            themes=[education],
            city_roles=[employer],
            target_groups=[migrants],
            start_year=2021,
        ),
    }
    for status in [Status.DRAFT, Status.SUBMITTED, Status.REJECTED, Status.ARCHIVED]:
        make_practice(
            status,
            title=f"Hidden housing discrimination {status}",
            summary="Housing discrimination in Montréal, São Paulo and Zürich.",
            themes=[housing],
        )
    return made


def test_without_filters_lists_every_published_practice_newest_first(client, catalogue):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["outcome"].total == 6
    assert response.context["outcome"].sort == "newest"
    assert not any(title.startswith("Hidden") for title in titles(response))


@pytest.mark.parametrize(
    "params,expected",
    [
        (
            {"theme": "housing"},
            {"Fair housing audits", "Bureau du logement équitable", "Counselling network"},
        ),
        (
            {"theme": ["housing", "education"]},
            {
                "Fair housing audits",
                "Bureau du logement équitable",
                "Counselling network",
                "Roma school mediators",
                "Ghent city staff training",
            },
        ),
        ({"coalition": "cim"}, {"Bureau du logement équitable"}),
        ({"country": "BR"}, {"Centro de acogida"}),
        ({"city": "zurich"}, {"Counselling network"}),
        ({"role": "employer"}, {"Fair housing audits", "Ghent city staff training"}),
        ({"target": "roma-and-travellers"}, {"Roma school mediators", "Counselling network"}),
        (
            {"year_from": "2016", "year_to": "2020"},
            {"Roma school mediators", "Bureau du logement équitable", "Centro de acogida"},
        ),
        ({"language": "es"}, {"Centro de acogida"}),
        (
            {"theme": "housing", "coalition": "eccar", "target": "roma-and-travellers"},
            {"Counselling network"},
        ),
        ({"q": "housing", "country": "BE"}, {"Fair housing audits", "Ghent city staff training"}),
    ],
)
def test_filters_and_their_combinations(client, catalogue, params, expected):
    response = client.get(URL, params)
    assert set(titles(response)) == expected
    assert response.context["outcome"].total == len(expected)


def test_facets_count_each_option_with_the_other_filters_kept(client, catalogue):
    response = client.get(URL, {"theme": "housing", "coalition": "eccar"})
    # Theme counts keep the coalition filter but not the theme filter itself.
    assert facet(response, "theme") == {"housing": 2, "education": 2, "support-for-victims": 1}
    # Coalition counts keep the theme filter.
    assert facet(response, "coalition") == {"eccar": 2, "cim": 1}
    assert facet(response, "country") == {"BE": 1, "CH": 1}
    assert facet(response, "language") == {"en": 2}
    content = response.content.decode()
    assert 'value="cim"' in content and "(1)" in content
    # Options that would give nothing are not offered.
    assert 'value="brazil"' not in content


def test_facets_never_count_unpublished_practices(client, catalogue):
    response = client.get(URL)
    assert facet(response, "theme")["housing"] == 3


@pytest.mark.parametrize(
    "sort,first",
    [
        ("title", "Bureau du logement équitable"),
        ("city", "Fair housing audits"),  # Ghent, then titles
        ("newest", "Ghent city staff training"),
    ],
)
def test_sorting(client, catalogue, sort, first):
    response = client.get(URL, {"sort": sort})
    assert titles(response)[0] == first
    assert len(titles(response)) == 6


def test_relevance_is_the_default_with_words_and_ranks_title_matches_first(client, catalogue):
    response = client.get(URL, {"q": "housing"})
    assert response.context["outcome"].sort == "relevance"
    found = titles(response)
    assert found[0] == "Fair housing audits"
    assert found.index("Fair housing audits") < found.index("Ghent city staff training")


def test_matched_words_are_highlighted_and_escaped(client, catalogue, officer, editor):
    response = client.get(URL, {"q": "mediators"})
    content = response.content.decode()
    assert "<mark>Mediators</mark> help Roma" in content
    catalogue["audit"].summary = "<script>alert(1)</script> mediators"
    Practice.objects.filter(pk=catalogue["audit"].pk).update(summary=catalogue["audit"].summary)
    content = client.get(URL, {"q": "mediators"}).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>mediators</mark>" in content


def test_private_use_characters_in_a_text_never_become_marks(client, catalogue):
    # The highlight marks inside PostgreSQL's headline are private-use characters: a summary
    # holding them must not turn its own words into <mark>, nor anything else into markup.
    summary = "\ue000injected\ue001 mediators \ue001</p><script>\ue000"
    Practice.objects.filter(pk=catalogue["audit"].pk).update(summary=summary)
    content = client.get(URL, {"q": "mediators"}).content.decode()
    assert "<mark>injected</mark>" not in content
    assert "<mark>mediators</mark>" in content
    assert "<script>" not in content and content.count("<mark>") == content.count("</mark>")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("montreal", "Bureau du logement équitable"),
        ("MONTRÉAL", "Bureau du logement équitable"),
        ("sao paulo", "Centro de acogida"),
        ("zurich", "Counselling network"),
        ("Zürich", "Counselling network"),
        ("equitable", "Bureau du logement équitable"),
    ],
)
def test_accents_and_case_do_not_matter(client, catalogue, text, expected):
    assert expected in titles(client.get(URL, {"q": text}))


def test_quoted_phrase_and_exclusion(client, catalogue):
    assert titles(client.get(URL, {"q": '"school mediators"'})) == ["Roma school mediators"]
    assert titles(client.get(URL, {"q": '"mediators school"'})) == []
    found = set(titles(client.get(URL, {"q": "housing -audits"})))
    assert "Fair housing audits" not in found
    assert "Counselling network" in found


def test_or_between_words(client, catalogue):
    found = set(titles(client.get(URL, {"q": "mediators or counselling"})))
    assert found == {"Roma school mediators", "Counselling network"}


def test_no_results_says_so_with_removable_filters_and_a_suggestion(client, catalogue):
    response = client.get(URL, {"q": "Montral", "theme": "housing"})
    content = response.content.decode()
    assert response.context["outcome"].total == 0
    assert "No published practice matches this search." in content
    assert response.context["outcome"].suggestion == "Montréal"
    assert "Did you mean" in content
    removal = response.context["active_filters"]
    assert {item["label"] for item in removal} == {"Montral", "Fair access to housing"}
    theme_removal = next(item for item in removal if item["label"] == "Fair access to housing")
    assert "theme=" not in theme_removal["url"] and "q=Montral" in theme_removal["url"]


def test_paging_keeps_every_filter(client, catalogue, make_practice):
    housing = Theme.objects.get(slug="housing")
    for number in range(20):
        practice = make_practice(Status.PUBLISHED, title=f"Extra housing practice {number}")
        practice.themes.set([housing])
    response = client.get(URL, {"theme": "housing", "q": "housing", "sort": "title"})
    outcome = response.context["outcome"]
    assert outcome.total == 23
    assert len(outcome.page) == 20
    content = response.content.decode()
    next_link = re.search(r'href="([^"]+)" rel="next"', content).group(1)
    assert "theme=housing" in next_link and "q=housing" in next_link and "sort=title" in next_link
    second = client.get(URL + next_link.replace("&amp;", "&"))
    assert len(second.context["outcome"].page) == 3
    assert "page 2" in second.content.decode()


@pytest.mark.parametrize(
    "params,message",
    [
        ({"page": "abc"}, "not understood"),
        ({"page": "0"}, "Pages start at 1"),
        ({"page": "-3"}, "Pages start at 1"),
        ({"page": "99999"}, "There is only one page; showing it."),
        ({"year_from": "abc"}, "Enter a number"),
        ({"theme": "no-such-theme"}, "Select a valid choice"),
        ({"coalition": "atlantis"}, "Select a valid choice"),
        ({"city": "nowhere", "q": "housing"}, "Select a valid choice"),
        ({"country": "XX"}, "Select a valid choice"),
        ({"sort": "random"}, "Select a valid choice"),
        ({"q": "x" * 5000}, "at most 200 characters"),
        ({"q": "housing\x00"}, "Null characters are not allowed"),
        ({"q": "&&||!!"}, "punctuation alone finds nothing"),
        ({"q": '"unbalanced'}, ""),
        ("q=%ED%A0%80+lone+surrogate", ""),
        ({"year_from": "99999999999999999999"}, "less than or equal to 2100"),
    ],
)
def test_bad_input_never_breaks_the_page(client, catalogue, params, message):
    # A raw query string carries bytes no client library would encode (a lone surrogate).
    response = client.get(f"{URL}?{params}") if isinstance(params, str) else client.get(URL, params)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_repeated_parameters_use_the_last_single_value(client, catalogue):
    response = client.get(URL + "?coalition=cim&coalition=brazil&q=a&q=montreal")
    assert response.status_code == 200
    assert response.context["outcome"].text == "montreal"


def test_too_many_parameters_get_a_400_page(client, catalogue):
    query = "&".join(f"p{number}=1" for number in range(1200))
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert "could not be understood" in response.content.decode()


def test_the_text_typed_stays_in_the_box_even_when_refused(client, catalogue):
    response = client.get(URL, {"q": "y" * 300})
    assert 'value="' + "y" * 300 + '"' in response.content.decode()


def test_the_search_page_runs_a_fixed_number_of_queries(
    client, catalogue, make_practice, django_assert_max_num_queries
):
    params = {
        "q": "housing",
        "theme": "housing",
        "role": "employer",
        "evidence": ["2", "3"],
        "sort": "relevance",
    }
    with django_assert_max_num_queries(12):
        assert client.get(URL, params).status_code == 200
    for number in range(25):
        make_practice(Status.PUBLISHED, title=f"Housing practice {number}")
    with django_assert_max_num_queries(12):
        response = client.get(URL, {"q": "housing"})
    assert len(response.context["outcome"].page) == 20
    with django_assert_max_num_queries(12):
        client.get(URL, {"q": "nothing-matches-this"})
    with django_assert_max_num_queries(12):
        client.get(URL, {"evidence": "3", "sort": "evidence", "coalition": "eccar"})


@pytest.mark.postgres
class TestPostgresFullText:
    def test_english_stemming(self, client, catalogue):
        assert "Fair housing audits" in titles(client.get(URL, {"q": "audit"}))
        assert "Fair housing audits" in titles(client.get(URL, {"q": "discriminations"}))

    def test_french_stemming(self, client, catalogue):
        # Housing practices also match through the theme's French name; the French one first.
        assert titles(client.get(URL, {"q": "logement"}))[0] == "Bureau du logement équitable"
        assert titles(client.get(URL, {"q": "discrimination"}))  # a French plural is found
        assert "Bureau du logement équitable" in titles(client.get(URL, {"q": "discrimination"}))

    def test_spanish_stemming(self, client, catalogue):
        assert "Centro de acogida" in titles(client.get(URL, {"q": "víctima"}))
        assert "Centro de acogida" in titles(client.get(URL, {"q": "raciales"}))

    def test_headline_marks_stemmed_forms(self, client, catalogue):
        content = client.get(URL, {"q": "logement"}).content.decode()
        assert "<mark>logements</mark>" in content

    def test_vectors_are_current_the_moment_a_practice_is_saved(self, client, catalogue):
        practice = catalogue["mediators"]
        practice.summary = "Now also about xylophones."
        practice.save()
        assert titles(client.get(URL, {"q": "xylophone"})) == ["Roma school mediators"]

    def test_theme_and_city_names_are_searchable(self, client, catalogue):
        assert "Counselling network" in titles(client.get(URL, {"q": "switzerland"}))
        theme = Theme.objects.get(slug="support-for-victims")
        theme.title = "Quetzal support"
        theme.save()
        assert set(titles(client.get(URL, {"q": "quetzal"}))) == {
            "Counselling network",
            "Centro de acogida",
        }

    def test_the_search_reads_the_gin_index_of_the_search_entries(self, catalogue):
        # Even for a word in every practice, where PostgreSQL would otherwise scan them all.
        params = QueryDict("q=fair")
        with CaptureQueriesContext(connection) as queries:
            search.run(params)
        summary = next(q["sql"] for q in queries.captured_queries if q["sql"].startswith("WITH"))
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
            cursor.execute("EXPLAIN " + summary)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "search_entry_vector" in plan
        assert "practices_practice " not in plan  # the wide rows are never read

    @pytest.mark.parametrize(
        "query",
        [
            "",
            "q=discrimination",
            "theme=housing",
            "coalition=eccar",
            "country=CH",
            "language=fr",
            "role=employer",
            "theme=housing&theme=education",
            "theme=housing&role=employer",
            "q=discrimination&theme=housing&coalition=eccar",
            "q=housing&target=roma-and-travellers&language=en",
            "coalition=eccar&city=zurich",
            "year_from=2015&theme=education",
            "q=housing+-roma&sort=title",
            "q=nothing-matches-this",
        ],
    )
    def test_one_query_counts_like_one_query_per_facet(self, catalogue, query):
        # summarise() on the search entries against facet_counts() on the practices (the
        # SQLite way, which also runs on PostgreSQL): every count and the results the same.
        from practices.search.filters import PracticeFilter

        outcome = search.run(QueryDict(query))
        base = selectors.public_practices()
        filterset = PracticeFilter(QueryDict(query), queryset=base)
        assert outcome.total == filterset.qs.count()
        if outcome.total:
            shown = {
                facet.name: {
                    option["slug"]: option["count"] for option in facet.options if option["count"]
                }
                for facet in outcome.facets
            }
            assert shown == facet_counts(filterset, base)
        if outcome.sort != "relevance":
            expected = filterset.qs.order_by(*ORDERINGS[outcome.sort])[:PAGE_SIZE]
            assert [p.pk for p in outcome.page.object_list] == [p.pk for p in expected]

    def test_search_entries_follow_the_practices(self, catalogue):
        published = Practice.objects.published()
        assert set(SearchEntry.objects.values_list("pk", flat=True)) == set(
            published.values_list("pk", flat=True)
        )
        practice = published.first()
        theme = Theme.objects.exclude(practices=practice).first()
        practice.themes.add(theme)
        entry = SearchEntry.objects.get(pk=practice.pk)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT theme_ids FROM practices_searchentry WHERE practice_id = %s", [entry.pk]
            )
            (theme_ids,) = cursor.fetchone()
        assert sorted(theme_ids) == sorted(practice.themes.values_list("pk", flat=True))
        # The evidence level, the promising flag and the commitments follow too.
        commitment = Commitment.objects.order_by("pk").first()
        practice.commitments.add(commitment)
        Practice.objects.filter(pk=practice.pk).update(evidence_level=4, is_promising=True)
        entry.refresh_from_db()
        assert (entry.evidence_level, entry.is_promising) == (4, True)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT commitment_ids FROM practices_searchentry WHERE practice_id = %s",
                [entry.pk],
            )
            (commitment_ids,) = cursor.fetchone()
        assert commitment_ids == [commitment.pk]
        practice.commitments.remove(commitment)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT commitment_ids FROM practices_searchentry WHERE practice_id = %s",
                [entry.pk],
            )
            assert cursor.fetchone() == ([],)
        Practice.objects.filter(pk=practice.pk).update(status=Status.ARCHIVED)
        assert not SearchEntry.objects.filter(pk=practice.pk).exists()


def test_sqlite_fallback_matches_all_words_in_any_field(client, catalogue):
    if connection.vendor != "sqlite":
        pytest.skip("the fallback is for SQLite")
    assert titles(client.get(URL, {"q": "hotline evening"})) == ["Counselling network"]
    assert titles(client.get(URL, {"q": "hotline elephant"})) == []


def test_a_page_beyond_a_single_page_says_so_in_the_singular(client, catalogue):
    content = client.get(URL, {"page": "7"}).content.decode()
    assert "There is only one page; showing it." in content
    assert "only 1 pages" not in content
    content = client.get("/fr" + URL, {"page": "7"}).content.decode()
    assert "Il n&#x27;y a que 1 page ; la voici." in content


def test_a_page_beyond_several_pages_says_how_many(client, catalogue, make_practice):
    for number in range(PAGE_SIZE):
        make_practice(Status.PUBLISHED, title=f"Filler practice {number}")
    content = client.get(URL, {"page": "7"}).content.decode()
    assert "There are only 2 pages; showing the last one." in content


def test_an_inverted_year_range_is_named_on_the_results_page(client, catalogue):
    response = client.get(URL, {"year_from": "2030", "year_to": "2000"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "The year range is inverted: from 2030 to 2000" in content
    # With a link to the range the visitor probably meant.
    assert re.search(r'href="\?[^"]*year_from=2000[^"]*year_to=2030', content)
    assert response.context["outcome"].total == 0  # the search itself is unchanged
    content = client.get("/fr" + URL, {"year_from": "2030", "year_to": "2000"}).content.decode()
    assert "La période est inversée : de 2030 à 2000" in content
    # A range in order, or one bound alone, says nothing of the kind.
    for params in [{"year_from": "2000", "year_to": "2030"}, {"year_from": "2030"}]:
        assert "inverted" not in client.get(URL, params).content.decode()


def test_the_year_range_label_has_its_own_translation(client, catalogue):
    content = client.get("/fr" + URL).content.decode()
    assert '<label for="id_year_to">à</label>' in content
    content = client.get("/es" + URL).content.decode()
    assert '<label for="id_year_to">a</label>' in content
