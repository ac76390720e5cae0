"""The coalitions' profiles: where each was launched, who leads it, its reported size and its plan
of action; filled, where still blank, with facts gathered from public sources (editable after)."""


from django.db import migrations, models



PROFILES = {'eccar': {'launched_in': 'Nuremberg',
           'leadership': 'Nuremberg (first presidency); later Toulouse, Bologna; secretariat in '
                         'Potsdam, later Heidelberg',
           'reported_size': 'about 140 cities in 23 countries (around 2020)',
           'plan_of_action': '10 Points Action Plan (2004)',
           'description': 'The oldest of the regional coalitions. Member cities sign a ten-point '
                          'plan of action covering vigilance, monitoring, support for victims, '
                          'participation, equal opportunities in the economy and as an employer, '
                          'housing, education, cultural diversity and hate crime, and report on '
                          'the actions they take. ECCAR tags its own projects by point of the '
                          'plan, runs an award for member initiatives and publishes a toolkit '
                          'structured by the ten points in eight languages.'},
 'apcad': {'launched_in': 'Bangkok',
           'leadership': 'Bangkok (founding lead, six founding cities); later Auckland',
           'reported_size': '',
           'plan_of_action': 'Ten-Point Commitment (2006); a new plan for 2020-2030',
           'description': 'Launched in Bangkok by six founding cities. Its ten commitments follow '
                          'the same areas of city competence as the other plans, adapted to the '
                          'region, and were renewed for the decade 2020-2030.'},
 'lac': {'launched_in': 'Montevideo',
         'leadership': 'Montevideo',
         'reported_size': 'more than 60 to more than 90 cities (sources differ)',
         'plan_of_action': '10-Point Plan (Montevideo 2006)',
         'description': 'Founded in Montevideo, which leads it. The largest coalition outside '
                        'Europe by number of members; its plan addresses racism, discrimination '
                        'and xenophobia, including against people of African descent and '
                        'indigenous peoples.'},
 'africa': {'launched_in': 'Nairobi (Africities summit)',
            'leadership': 'Bamako, Durban, Kigali, Nairobi; Kampala on the global steering '
                          'committee in 2018-2019',
            'reported_size': '',
            'plan_of_action': 'Ten-Point Plan',
            'description': 'Launched at the Africities summit in Nairobi. Its plan gives '
                           'particular weight to stigma and discrimination related to HIV/AIDS, '
                           'especially against women.'},
 'arab': {'launched_in': 'Casablanca',
          'leadership': 'Casablanca; after its revival (Tunis Declaration 2017), Essaouira and '
                        'Nouakchott',
          'reported_size': '',
          'plan_of_action': 'Ten-Point Action Plan',
          'description': 'Founded in Casablanca and revived in 2017 with the Tunis Declaration. '
                         'Its plan covers racism, discrimination, xenophobia and intolerance.'},
 'cim': {'launched_in': '',
         'leadership': '',
         'reported_size': '118 municipalities (Canadian Commission for UNESCO); 63 in 2015',
         'plan_of_action': '10 Common Commitments',
         'description': 'Facilitated by the Canadian Commission for UNESCO. Founded as the '
                        'Canadian Coalition of Municipalities against Racism and Discrimination '
                        '(CCMARD) and renamed Coalition of Inclusive Municipalities in 2019. '
                        'Members commit to ten common commitments grouped around the municipality '
                        'as guardian of the public good, as an organisation and as a community '
                        'partner.'},
 'usccar': {'launched_in': 'Birmingham, Alabama (U.S. Conference of Mayors)',
            'leadership': '',
            'reported_size': '51 municipalities in 27 states (UNESCO page)',
            'plan_of_action': '10-Point Plan of Action',
            'description': 'Launched in Birmingham, Alabama, with the U.S. Conference of Mayors, '
                           "fifty years after the city's civil-rights struggle of 1963."},
 'brazil': {'launched_in': '',
            'leadership': 'Francisco Morato (mobilising city)',
            'reported_size': '',
            'plan_of_action': 'UNESCO Ten-Point Plan of Action',
            'description': 'One of the national arms of the International Coalition, with its own '
                           'portal for exchanging good practices among Brazilian cities.'}}


def fill_profiles(apps, schema_editor):
    Coalition = apps.get_model("cities", "Coalition")
    for coalition in Coalition.objects.filter(slug__in=PROFILES):
        changed = []
        for field, value in PROFILES[coalition.slug].items():
            # The English column is what the site shows first; the untranslated one mirrors it.
            for column in (field, f"{field}_en"):
                if value and not getattr(coalition, column):
                    setattr(coalition, column, value)
                    changed.append(column)
        if changed:
            coalition.save(update_fields=changed)


class Migration(migrations.Migration):

    dependencies = [
        ('cities', '0004_translated_names'),
    ]

    operations = [
        migrations.AddField(
            model_name='coalition',
            name='launched_in',
            field=models.CharField(blank=True, help_text='Where the coalition was launched, e.g. “Nairobi (Africities summit)”.', max_length=200, verbose_name='launched in'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='launched_in_ar',
            field=models.CharField(blank=True, help_text='Where the coalition was launched, e.g. “Nairobi (Africities summit)”.', max_length=200, null=True, verbose_name='launched in'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='launched_in_en',
            field=models.CharField(blank=True, help_text='Where the coalition was launched, e.g. “Nairobi (Africities summit)”.', max_length=200, null=True, verbose_name='launched in'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='launched_in_es',
            field=models.CharField(blank=True, help_text='Where the coalition was launched, e.g. “Nairobi (Africities summit)”.', max_length=200, null=True, verbose_name='launched in'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='launched_in_fr',
            field=models.CharField(blank=True, help_text='Where the coalition was launched, e.g. “Nairobi (Africities summit)”.', max_length=200, null=True, verbose_name='launched in'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='launched_in_ru',
            field=models.CharField(blank=True, help_text='Where the coalition was launched, e.g. “Nairobi (Africities summit)”.', max_length=200, null=True, verbose_name='launched in'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='launched_in_zh_hans',
            field=models.CharField(blank=True, help_text='Where the coalition was launched, e.g. “Nairobi (Africities summit)”.', max_length=200, null=True, verbose_name='launched in'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='leadership',
            field=models.CharField(blank=True, help_text='The cities that lead or have led it, in words, with their roles.', max_length=300, verbose_name='lead cities'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='leadership_ar',
            field=models.CharField(blank=True, help_text='The cities that lead or have led it, in words, with their roles.', max_length=300, null=True, verbose_name='lead cities'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='leadership_en',
            field=models.CharField(blank=True, help_text='The cities that lead or have led it, in words, with their roles.', max_length=300, null=True, verbose_name='lead cities'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='leadership_es',
            field=models.CharField(blank=True, help_text='The cities that lead or have led it, in words, with their roles.', max_length=300, null=True, verbose_name='lead cities'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='leadership_fr',
            field=models.CharField(blank=True, help_text='The cities that lead or have led it, in words, with their roles.', max_length=300, null=True, verbose_name='lead cities'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='leadership_ru',
            field=models.CharField(blank=True, help_text='The cities that lead or have led it, in words, with their roles.', max_length=300, null=True, verbose_name='lead cities'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='leadership_zh_hans',
            field=models.CharField(blank=True, help_text='The cities that lead or have led it, in words, with their roles.', max_length=300, null=True, verbose_name='lead cities'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='plan_of_action',
            field=models.CharField(blank=True, help_text='The name of the plan its members sign, e.g. “10 Points Action Plan (2004)”.', max_length=200, verbose_name='plan of action'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='plan_of_action_ar',
            field=models.CharField(blank=True, help_text='The name of the plan its members sign, e.g. “10 Points Action Plan (2004)”.', max_length=200, null=True, verbose_name='plan of action'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='plan_of_action_en',
            field=models.CharField(blank=True, help_text='The name of the plan its members sign, e.g. “10 Points Action Plan (2004)”.', max_length=200, null=True, verbose_name='plan of action'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='plan_of_action_es',
            field=models.CharField(blank=True, help_text='The name of the plan its members sign, e.g. “10 Points Action Plan (2004)”.', max_length=200, null=True, verbose_name='plan of action'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='plan_of_action_fr',
            field=models.CharField(blank=True, help_text='The name of the plan its members sign, e.g. “10 Points Action Plan (2004)”.', max_length=200, null=True, verbose_name='plan of action'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='plan_of_action_ru',
            field=models.CharField(blank=True, help_text='The name of the plan its members sign, e.g. “10 Points Action Plan (2004)”.', max_length=200, null=True, verbose_name='plan of action'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='plan_of_action_zh_hans',
            field=models.CharField(blank=True, help_text='The name of the plan its members sign, e.g. “10 Points Action Plan (2004)”.', max_length=200, null=True, verbose_name='plan of action'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='reported_size',
            field=models.CharField(blank=True, help_text='Members as last reported, with the date or source: sizes change.', max_length=200, verbose_name='reported size'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='reported_size_ar',
            field=models.CharField(blank=True, help_text='Members as last reported, with the date or source: sizes change.', max_length=200, null=True, verbose_name='reported size'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='reported_size_en',
            field=models.CharField(blank=True, help_text='Members as last reported, with the date or source: sizes change.', max_length=200, null=True, verbose_name='reported size'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='reported_size_es',
            field=models.CharField(blank=True, help_text='Members as last reported, with the date or source: sizes change.', max_length=200, null=True, verbose_name='reported size'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='reported_size_fr',
            field=models.CharField(blank=True, help_text='Members as last reported, with the date or source: sizes change.', max_length=200, null=True, verbose_name='reported size'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='reported_size_ru',
            field=models.CharField(blank=True, help_text='Members as last reported, with the date or source: sizes change.', max_length=200, null=True, verbose_name='reported size'),
        ),
        migrations.AddField(
            model_name='coalition',
            name='reported_size_zh_hans',
            field=models.CharField(blank=True, help_text='Members as last reported, with the date or source: sizes change.', max_length=200, null=True, verbose_name='reported size'),
        ),
        migrations.RunPython(fill_profiles, migrations.RunPython.noop),
    ]
