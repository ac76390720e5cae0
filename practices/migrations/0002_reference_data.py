"""Load the themes, city roles, target groups and the coalitions' commitments.

They are editable data afterwards: editors change titles and descriptions in the admin.
"""

from django.db import migrations

THEMES = [{'slug': 'vigilance',
  'title': 'Vigilance against racism and discrimination',
  'description': 'City-level monitoring, alert and solidarity networks that detect racism and '
                 'discrimination early and speak out against it.',
  'order': 1,
  'eccar_point': 1},
 {'slug': 'data-and-monitoring',
  'title': 'Data and monitoring of municipal policies',
  'description': 'Collecting data on racism and discrimination, setting objectives and common '
                 'indicators, and assessing the impact of municipal policies.',
  'order': 2,
  'eccar_point': 2},
 {'slug': 'support-for-victims',
  'title': 'Support for victims',
  'description': 'Advice and legal, psychological and practical support for people who experience '
                 'racism and discrimination, and easy ways to report it.',
  'order': 3,
  'eccar_point': 3},
 {'slug': 'participation-and-information',
  'title': 'Participation and informed residents',
  'description': 'Informing residents of their rights, remedies and obligations, and involving '
                 'those affected in the decisions that concern them.',
  'order': 4,
  'eccar_point': 4},
 {'slug': 'equal-opportunity-economy',
  'title': 'Equal opportunities in the local economy',
  'description': 'Equal opportunity in the labour market, non-discrimination in city contracts and '
                 'procurement, and partnerships with local businesses.',
  'order': 5,
  'eccar_point': 5},
 {'slug': 'city-as-employer-and-service-provider',
  'title': 'The city as equal-opportunity employer and service provider',
  'description': 'Fair recruitment and careers in the city administration, training of staff, and '
                 'equitable access to municipal services.',
  'order': 6,
  'eccar_point': 6},
 {'slug': 'housing',
  'title': 'Fair access to housing',
  'description': 'Preventing discrimination in renting, buying and social housing, and supporting '
                 'mixed, inclusive neighbourhoods.',
  'order': 7,
  'eccar_point': 7},
 {'slug': 'education',
  'title': 'Education against racism',
  'description': 'Equal access to education and learning that builds mutual respect, tolerance and '
                 'intercultural understanding.',
  'order': 8,
  'eccar_point': 8},
 {'slug': 'cultural-diversity',
  'title': 'Promoting cultural diversity',
  'description': 'Giving all cultures of the city a place in public life, culture, sport, media '
                 'and public space.',
  'order': 9,
  'eccar_point': 9},
 {'slug': 'hate-crime-and-conflict',
  'title': 'Hate crime prevention and conflict management',
  'description': 'Preventing hate crime and racist violence, supporting fair policing, and '
                 'mediating conflicts between communities.',
  'order': 10,
  'eccar_point': 10}]

CITY_ROLES = [{'slug': 'policy-maker',
  'title': 'Policy-maker and regulator',
  'description': 'The city sets rules, strategies and local law.',
  'order': 1},
 {'slug': 'employer',
  'title': 'Employer',
  'description': 'The city as an employer of its own staff.',
  'order': 2},
 {'slug': 'service-provider',
  'title': 'Service provider',
  'description': 'The city runs services: social, health, housing, education, culture, public '
                 'space.',
  'order': 3},
 {'slug': 'contractor',
  'title': 'Buyer and contractor',
  'description': 'The city buys goods and services and sets conditions for its contractors.',
  'order': 4},
 {'slug': 'convener',
  'title': 'Convener and partner',
  'description': 'The city brings together residents, civil society and businesses, and speaks for '
                 'the community.',
  'order': 5}]

TARGET_GROUPS = [{'slug': 'migrants-and-refugees', 'title': 'Migrants, refugees and asylum seekers', 'order': 1},
 {'slug': 'ethnic-minorities', 'title': 'Ethnic and racialised minorities', 'order': 2},
 {'slug': 'african-descent', 'title': 'People of African descent', 'order': 3},
 {'slug': 'indigenous-peoples', 'title': 'Indigenous peoples', 'order': 4},
 {'slug': 'roma-and-travellers', 'title': 'Roma and Travellers', 'order': 5},
 {'slug': 'religious-minorities',
  'title': 'Religious minorities (including antisemitism and anti-Muslim racism)',
  'order': 6},
 {'slug': 'lgbtiq', 'title': 'LGBTIQ+ people', 'order': 7},
 {'slug': 'persons-with-disabilities', 'title': 'Persons with disabilities', 'order': 8},
 {'slug': 'women-and-girls', 'title': 'Women and girls', 'order': 9},
 {'slug': 'youth', 'title': 'Children and young people', 'order': 10},
 {'slug': 'older-persons', 'title': 'Older persons', 'order': 11},
 {'slug': 'all-residents', 'title': 'All residents', 'order': 12}]

# (coalition slug, number, title, theme slug)
COMMITMENTS = [('eccar', 1, 'Greater Vigilance Against Racism', 'vigilance'),
 ('eccar',
  2,
  'Assessing Racism and Discrimination and Monitoring Municipal Policies',
  'data-and-monitoring'),
 ('eccar', 3, 'Better Support for the Victims of Racism and Discrimination', 'support-for-victims'),
 ('eccar',
  4,
  'More Participation and Better Informed City Dwellers',
  'participation-and-information'),
 ('eccar',
  5,
  'The City as an Active Supporter of Equal Opportunity Practices',
  'equal-opportunity-economy'),
 ('eccar',
  6,
  'The City as an Equal Opportunities Employer and Service Provider',
  'city-as-employer-and-service-provider'),
 ('eccar', 7, 'Fair Access to Housing', 'housing'),
 ('eccar', 8, 'Challenging Racism and Discrimination Through Education', 'education'),
 ('eccar', 9, 'Promoting Cultural Diversity', 'cultural-diversity'),
 ('eccar', 10, 'Hate Crimes and Conflicts Management', 'hate-crime-and-conflict'),
 ('apcad',
  1,
  'Assessing Racism and Discrimination and Monitoring Municipal Policies',
  'data-and-monitoring'),
 ('apcad',
  2,
  'Providing Political Leadership at the City and Community Levels to Address Issues of '
  'Discrimination and Exclusion',
  'vigilance'),
 ('apcad', 3, 'Promoting an Inclusive Society', 'participation-and-information'),
 ('apcad',
  4,
  'Strengthening Support for the Victims of Racism and Discrimination',
  'support-for-victims'),
 ('apcad',
  5,
  'Facilitating Greater Participation and the Empowerment of City Dwellers through Access to '
  'Information',
  'participation-and-information'),
 ('apcad',
  6,
  'Promoting the City as an Equal Opportunities Employer and Service Provider',
  'city-as-employer-and-service-provider'),
 ('apcad',
  7,
  'Promoting the City as an Active Supporter of Equal Opportunity Practices',
  'equal-opportunity-economy'),
 ('apcad', 8, 'Challenging Racism and Discrimination through Education', 'education'),
 ('apcad', 9, 'Promoting Cultural Diversity', 'cultural-diversity'),
 ('apcad',
  10,
  'Preventing and Overcoming Racist Incitement and Related Violence',
  'hate-crime-and-conflict'),
 ('cim',
  1,
  'Increase vigilance against systemic and individual racism and discrimination',
  'vigilance'),
 ('cim',
  2,
  'Monitor racism and discrimination in the community more broadly as well as municipal actions '
  'taken to address racism and discrimination',
  'data-and-monitoring'),
 ('cim',
  3,
  'Inform and support individuals who experience racism and discrimination',
  'support-for-victims'),
 ('cim',
  4,
  'Support policing services in their efforts to combat racism and discrimination',
  'hate-crime-and-conflict'),
 ('cim',
  5,
  'Provide equal opportunities as a municipal employer, service provider and contractor',
  'city-as-employer-and-service-provider'),
 ('cim', 6, 'Support measures to promote equity in the labour market', 'equal-opportunity-economy'),
 ('cim',
  7,
  'Support measures to challenge racism and discrimination and promote diversity and equal '
  'opportunity in housing',
  'housing'),
 ('cim',
  8,
  'Involve citizens by giving them a voice in anti-racism initiatives and decision-making',
  'participation-and-information'),
 ('cim',
  9,
  'Support measures to challenge racism and discrimination and promote diversity and equal '
  'opportunity in the education sector and in other forms of learning',
  'education'),
 ('cim',
  10,
  'Promote respect, understanding and appreciation of cultural diversity and the inclusion of '
  'Indigenous and racialized communities into the cultural fabric of the municipality',
  'cultural-diversity')]


def load_reference_data(apps, schema_editor):
    Theme = apps.get_model("practices", "Theme")
    CityRole = apps.get_model("practices", "CityRole")
    TargetGroup = apps.get_model("practices", "TargetGroup")
    Commitment = apps.get_model("practices", "Commitment")
    Coalition = apps.get_model("cities", "Coalition")
    for model, rows in [(Theme, THEMES), (CityRole, CITY_ROLES), (TargetGroup, TARGET_GROUPS)]:
        for data in rows:
            model.objects.update_or_create(slug=data["slug"], defaults=data)
    for coalition_slug, number, title, theme_slug in COMMITMENTS:
        Commitment.objects.update_or_create(
            coalition=Coalition.objects.get(slug=coalition_slug),
            number=number,
            defaults={"title": title, "theme": Theme.objects.get(slug=theme_slug)},
        )


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial"), ("cities", "0002_coalitions")]

    operations = [migrations.RunPython(load_reference_data, migrations.RunPython.noop)]
