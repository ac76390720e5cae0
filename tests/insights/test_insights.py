"""/insights/: coverage equal to what the search finds, gaps computed from the data (and
closing when a practice fills one), charts with their words and tables, CSV downloads."""

import csv
import io
import re

import pytest
from django.core.management import call_command
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


def test_the_page_stays_within_the_query_budget(client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert client.get(reverse("insights:insights")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("insights:insights"), {"coalition": "eccar"}).status_code == 200


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
