"""Load the regional and national coalitions of ICCAR (editable afterwards in the admin)."""

from django.db import migrations

COALITIONS = [{'slug': 'eccar',
  'name': 'European Coalition of Cities against Racism',
  'short_name': 'ECCAR',
  'region': 'Europe',
  'founded_year': 2004},
 {'slug': 'apcad',
  'name': 'Coalition of Cities against Discrimination in Asia and the Pacific',
  'short_name': 'APCAD',
  'region': 'Asia and the Pacific',
  'founded_year': 2006},
 {'slug': 'lac',
  'name': 'Coalition of Latin American and Caribbean Cities against Racism, Discrimination and '
          'Xenophobia',
  'short_name': 'Coalición LAC',
  'region': 'Latin America and the Caribbean',
  'founded_year': 2006},
 {'slug': 'africa',
  'name': 'Coalition of African Cities against Racism and Discrimination',
  'short_name': '',
  'region': 'Africa',
  'founded_year': 2006},
 {'slug': 'arab',
  'name': 'Coalition of Arab Cities against Racism, Discrimination, Xenophobia and Intolerance',
  'short_name': '',
  'region': 'Arab States',
  'founded_year': 2008},
 {'slug': 'cim',
  'name': 'Coalition of Inclusive Municipalities (Canada)',
  'short_name': 'CIM',
  'region': 'Canada',
  'founded_year': None},
 {'slug': 'usccar',
  'name': 'U.S. Coalition of Cities against Racism and Discrimination',
  'short_name': '',
  'region': 'United States of America',
  'founded_year': 2013},
 {'slug': 'brazil',
  'name': 'Brazilian Coalition of Inclusive and Sustainable Cities',
  'short_name': '',
  'region': 'Brazil',
  'founded_year': None}]


def load_coalitions(apps, schema_editor):
    Coalition = apps.get_model("cities", "Coalition")
    for data in COALITIONS:
        Coalition.objects.update_or_create(slug=data["slug"], defaults=data)


class Migration(migrations.Migration):
    dependencies = [("cities", "0001_initial")]

    operations = [migrations.RunPython(load_coalitions, migrations.RunPython.noop)]
