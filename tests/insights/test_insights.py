"""/insights/: coverage equal to what the search finds, gaps computed from the data (and
closing when a practice fills one), charts with their words and tables, the trends of one theme
equal to what the search finds, CSV downloads."""

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import Client
from django.urls import reverse

from practices.models import Commitment, Practice, Theme
from tests.decisions import decide

Status = Practice.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo")


def test_every_count_of_the_coverage_is_what_the_search_finds(client, demo):
    page = client.get(reverse("insights:insights"))
    assert page.status_code == 200
    checked = 0
    for table in page.context["tables"]:
        for row in table.rows:
            for cell in row["cells"]:
                if cell["count"]:
                    found = client.get(cell["url"]).context["outcome"].total
                    assert found == cell["count"], (table.name, cell["url"])
                    checked += 1
    assert checked > 60
    # One coalition: its column only, and its counts.
    eccar = client.get(reverse("insights:insights"), {"coalition": "eccar"})
    coalitions = eccar.context["tables"][0].columns
    assert [column["slug"] for column in coalitions] == ["eccar"]
    for row in eccar.context["tables"][1].rows:
        for cell in row["cells"]:
            if cell["count"]:
                assert "coalition=eccar" in cell["url"]
                assert client.get(cell["url"]).context["outcome"].total == cell["count"]


def test_a_gap_closes_when_a_practice_fills_it(client, make_practice, editor_client):
    gaps = client.get(reverse("insights:insights")).context["gaps"]["commitments"]
    first = gaps[0]["text"]
    commitment = next(c for c in Commitment.objects.all() if f"“{c.title}”" in first)
    practice = make_practice(Status.SUBMITTED, themes=[Theme.objects.first()])
    practice.commitments.set([commitment])
    url = reverse("admin:practices_practice_review", args=[practice.pk, "approve"])
    assert decide(editor_client, url, {"message": "Thanks."}).status_code == 302
    gaps = client.get(reverse("insights:insights")).context["gaps"]["commitments"]
    assert not any(commitment.title in gap["text"] for gap in gaps)


def test_themes_without_a_proven_practice_and_stale_practices_are_named(client, make_practice):
    housing = Theme.objects.get(slug="housing")
    practice = make_practice(Status.PUBLISHED, themes=[housing])
    page = client.get(reverse("insights:insights")).context
    assert any(housing.title in gap["text"] for gap in page["gaps"]["evidence"])
    Practice.objects.filter(pk=practice.pk).update(evidence_level=4)
    Practice.objects.filter(pk=practice.pk).update(updated_at="2020-01-01T00:00:00Z")
    from core.page_cache import public_content_changed

    public_content_changed()
    page = client.get(reverse("insights:insights")).context
    assert not any(housing.title in gap["text"] for gap in page["gaps"]["evidence"])
    assert page["gaps"]["stale"]["count"] == 1
    assert page["gaps"]["stale"]["oldest"][0].pk == practice.pk


def test_charts_say_what_they_show_and_come_with_their_tables(client, demo):
    content = client.get(reverse("insights:insights")).content.decode()
    charts = re.findall(r'<svg [^>]*role="img" aria-labelledby="([^"]+)"', content)
    assert len(charts) == 3  # started, published, adaptations
    for ids in charts:
        for id_ in ids.split():
            assert f'id="{id_}"' in content
    assert re.search(r"From \d{4} to \d{4}: \d+ practices in all; the most", content)
    assert content.count("<rect ") > 10


def test_tables_download_as_csv_with_formulas_neutralised(client, demo):
    Theme.objects.filter(slug="housing").update(title="=HYPERLINK(1)", title_en="=HYPERLINK(1)")
    from practices.search.options import forget_filter_options

    forget_filter_options()
    response = client.get(reverse("insights:csv", args=["themes-targets"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Themes" and len(rows) == 11
    assert ["'=HYPERLINK(1)"] == [row[0] for row in rows if "HYPERLINK" in row[0]]
    started = client.get(reverse("insights:csv", args=["started"]) + "?coalition=eccar")
    assert started.status_code == 200
    assert "iccar-started-eccar.csv" in started["Content-Disposition"]


def test_unknown_names_and_coalitions_are_not_found(client):
    assert client.get(reverse("insights:csv", args=["passwords"])).status_code == 404
    assert client.get(reverse("insights:insights"), {"coalition": "nowhere"}).status_code == 404
    assert client.get(reverse("insights:insights"), {"coalition": "<x>"}).status_code == 404


def test_unknown_themes_are_not_found(client):
    page = reverse("insights:insights")
    assert client.get(page, {"theme": "nowhere"}).status_code == 404
    assert client.get(page, {"theme": "nowhere", "coalition": "eccar"}).status_code == 404
    assert client.get(page, {"theme": "<x>"}).status_code == 404
    started = reverse("insights:csv", args=["started"])
    assert client.get(started, {"theme": "nowhere"}).status_code == 404
    assert client.get(page, {"theme": "housing"}).status_code == 200


def test_the_page_stays_within_the_query_budget(client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert client.get(reverse("insights:insights")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("insights:insights"), {"coalition": "eccar"}).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("insights:insights"), {"theme": "housing"}).status_code == 200
    with django_assert_max_num_queries(12):
        both = {"coalition": "eccar", "theme": "housing"}
        assert client.get(reverse("insights:insights"), both).status_code == 200
    with django_assert_max_num_queries(4):
        csv_url = reverse("insights:csv", args=["started"])
        assert client.get(csv_url, both).status_code == 200


def test_drafts_count_nowhere(client, make_practice):
    make_practice(Status.DRAFT, title="Hidden draft", themes=[Theme.objects.first()])
    page = client.get(reverse("insights:insights"))
    assert all(
        cell["count"] == 0
        for table in page.context["tables"]
        for row in table.rows
        for cell in row["cells"]
    )
    assert "Hidden draft" not in page.content.decode()
    assert Client().get(reverse("insights:csv", args=["started"])).content.decode().count("\n") <= 1


def _busiest_theme():
    """The theme with the most published practices (of the demo data)."""
    published = Q(practices__status=Status.PUBLISHED)
    return Theme.objects.annotate(n=Count("practices", filter=published)).order_by("-n", "order")[0]


def _trends(page):
    return {trend["name"]: trend for trend in page.context["trends"]}


@pytest.mark.parametrize("coalition", ["", "eccar"])
def test_the_trends_of_a_theme_are_what_the_search_finds(client, demo, coalition):
    theme = _busiest_theme()
    chosen = {"coalition": coalition} if coalition else {}
    everything = _trends(client.get(reverse("insights:insights"), chosen))
    page = client.get(reverse("insights:insights"), {**chosen, "theme": theme.slug})
    assert page.status_code == 200
    trends = _trends(page)
    started, published = trends["started"]["values"], trends["published"]["values"]
    # Narrowed to the theme: some practices, not all of them.
    assert 0 < sum(started.values()) < sum(everything["started"]["values"].values())
    assert 0 < sum(published.values()) < sum(everything["published"]["values"].values())
    # Each start year counts what the search finds for that theme and year.
    for year, count in started.items():
        search = {**chosen, "theme": theme.slug, "year_from": year, "year_to": year}
        found = client.get(reverse("public:practice_list"), search).context["outcome"].total
        assert found == count, year
    # Each year of publication counts the published practices of the theme published then.
    of_theme = Practice.objects.published().filter(themes=theme)
    if coalition:
        of_theme = of_theme.filter(city__coalition__slug=coalition)
    for year, count in published.items():
        assert of_theme.filter(published_at__year=year).count() == count, year
    assert sum(published.values()) == of_theme.count()
    # The headings and sentences name the theme; the form keeps it chosen and says what it does.
    for trend in trends.values():
        assert theme.title in trend["title"] and theme.title in trend["summary"]
    content = page.content.decode()
    assert f'<option value="{theme.slug}" selected>' in content
    assert 'aria-describedby="id_theme_help"' in content and 'id="id_theme_help"' in content
    # The rest of the page counts every theme: the same coverage as without the choice.
    unchosen = client.get(reverse("insights:insights"), chosen)
    assert [list(table.as_rows()) for table in page.context["tables"]] == [
        list(table.as_rows()) for table in unchosen.context["tables"]
    ]


def test_the_trend_downloads_follow_the_theme(client, demo):
    theme = _busiest_theme()
    page = client.get(reverse("insights:insights"), {"coalition": "eccar", "theme": theme.slug})
    content = page.content.decode()
    for name in ["started", "published"]:
        url = f"{reverse('insights:csv', args=[name])}?coalition=eccar&amp;theme={theme.slug}"
        assert f'href="{url}"' in content
    # The coverage tables do not depend on the theme: their downloads keep the coalition only.
    table = reverse("insights:csv", args=["themes-targets"])
    assert f'href="{table}?coalition=eccar"' in content
    expected = _trends(client.get(reverse("insights:insights"), {"theme": theme.slug}))
    for name in ["started", "published"]:
        response = client.get(reverse("insights:csv", args=[name]), {"theme": theme.slug})
        assert response.status_code == 200
        assert f'filename="iccar-{name}-{theme.slug}.csv"' in response["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0] == ["Year", "Practices"]
        counts = {int(year): int(n) for year, n in rows[1:]}
        assert counts == expected[name]["values"]
    of_theme = Practice.objects.published().filter(themes=theme)
    assert sum(counts.values()) == of_theme.count() < Practice.objects.published().count()
