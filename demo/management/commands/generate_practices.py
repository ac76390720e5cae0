"""Generate synthetic published practices, and the cities they belong to, for load tests.

    python manage.py generate_practices --count 100000 [--seed 1] [--cities 300]
    python manage.py generate_practices --clear

Everything generated is marked: practices' and cities' slugs start with "synthetic-", and
``--clear`` deletes exactly those rows (and their classifications and translations). Running the
command again adds more practices after the ones already there, so a database can be grown in
steps (1,000 → 10,000 → 100,000); the same seed on the same database gives the same data.

Rows are written in bulk, in batches of 2,000, one transaction each: with COPY on PostgreSQL
(``CopyWriter``, on two connections at once) and ``bulk_create`` elsewhere. No model signal runs:
the command itself sets what the signals would keep current — ``search_extra`` (with
``practices.search.search_extra_for``), ``available_languages`` and, on PostgreSQL, the
translations' union ``translation_vector`` (as ``practices.signals.refresh_languages`` does).
The search vectors are PostgreSQL's to compute, from the rows it receives; that is most of the
time a load takes, and the reason the rows are sent as cheaply as possible.
"""

import functools
import itertools
import queue
import random
import sys
import threading
import time
import zlib
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import translation
from django.utils.text import slugify

from cities.models import City, Coalition
from practices.models import (
    CityRole,
    Commitment,
    Practice,
    PracticeTranslation,
    TargetGroup,
    Theme,
)
from practices.search.index import search_extra_for

from ._copy import CopyTable, copy, copy_text

PREFIX = "synthetic-"
BATCH_SIZE = 2000
DEFAULT_CITIES = 300
# Share of practices whose text uses the common word of their language ("discrimination",
# "discriminación", "Diskriminierung", "discriminação"). Coalition and theme names carry it too,
# so more practices than this match a search for it.
COMMON_WORD_SHARE = 0.7
TRANSLATED_SHARE = 0.04
PROMISING_SHARE = 0.02
PUBLISHED_FROM = datetime(2010, 1, 1, tzinfo=UTC)
PUBLISHED_UNTIL = datetime(2025, 12, 31, tzinfo=UTC)
# Stands for the practice's city in the sentence pools; replaced per practice.
CITY = "\x00"

# ---------------------------------------------------------------- cities

# Coalition slug → countries: (ISO code, latitude, longitude, naming style).
COUNTRIES = {
    "eccar": [
        ("DE", 51.0, 10.0, "de"),
        ("FR", 46.5, 2.5, "fr"),
        ("ES", 40.2, -3.7, "es"),
        ("IT", 42.8, 12.5, "it"),
        ("SE", 60.0, 15.0, "sv"),
        ("AT", 47.5, 14.5, "de"),
        ("CH", 46.8, 8.2, "de"),
        ("BE", 50.6, 4.6, "fr"),
        ("PT", 39.6, -8.0, "pt"),
    ],
    "apcad": [
        ("TH", 15.0, 101.0, "asia"),
        ("JP", 36.0, 138.0, "asia"),
        ("KR", 36.5, 127.8, "asia"),
        ("IN", 22.0, 79.0, "asia"),
        ("ID", -2.0, 118.0, "asia"),
        ("PH", 12.0, 122.0, "asia"),
    ],
    "lac": [
        ("MX", 23.0, -102.0, "es"),
        ("AR", -34.0, -64.0, "es"),
        ("CO", 4.5, -73.5, "es"),
        ("CL", -33.5, -71.0, "es"),
        ("UY", -33.0, -56.0, "es"),
        ("PE", -9.0, -75.0, "es"),
        ("EC", -1.5, -78.5, "es"),
    ],
    "africa": [
        ("KE", 0.0, 38.0, "africa"),
        ("NG", 9.0, 8.0, "africa"),
        ("SN", 14.5, -14.5, "fr-africa"),
        ("GH", 8.0, -1.0, "africa"),
        ("ZA", -29.0, 24.0, "africa"),
        ("CM", 6.0, 12.0, "fr-africa"),
    ],
    "arab": [
        ("MA", 32.0, -6.0, "arab"),
        ("TN", 34.0, 9.0, "arab"),
        ("JO", 31.0, 36.0, "arab"),
        ("LB", 33.9, 35.9, "arab"),
        ("EG", 27.0, 30.0, "arab"),
    ],
    "cim": [("CA", 50.0, -95.0, "en"), ("CA", 47.0, -72.0, "fr")],
    "usccar": [("US", 39.0, -96.0, "en")],
    "brazil": [("BR", -12.0, -48.0, "pt")],
}
# Coalitions not listed above (added by editors) get cities from these.
OTHER_COUNTRIES = [("GB", 53.0, -1.5, "en"), ("NL", 52.2, 5.3, "en"), ("NO", 61.0, 9.0, "sv")]
# How many of the synthetic cities each coalition gets, relatively.
COALITION_WEIGHTS = {
    "eccar": 30,
    "lac": 14,
    "usccar": 12,
    "apcad": 10,
    "africa": 9,
    "arab": 8,
    "cim": 8,
    "brazil": 9,
}
# Naming style → (first parts, second parts): a city name is first + second.
CITY_NAMES = {
    "de": (
        ["Neu", "Alt", "Ober", "Unter", "Groß", "Bad ", "Sankt ", "Mühl", "Schön", ""],
        ["bürg", "hausen", "felde", "Münster", "dorf", "Eichstätt", "Lindau", "Brück", "ingen"],
    ),
    "fr": (
        ["Saint-", "Sainte-", "Villeneuve-", "Mont", "Bel", "Val-", "Château", "Pré", ""],
        [
            "Étienne",
            "Hélène",
            "Brézé",
            "Fontaine",
            "Roche-sur-Yon",
            "Lès-Bains",
            "Sèvres",
            "Orléans",
        ],
    ),
    "fr-africa": (
        ["Thiès-", "Ndiaye-", "Mbour-", "Kaolack-", "Yaoun", "Bafou", "Ziguin", "Doua"],
        ["Mékhé", "dé", "ssam", "choré", "la-Côte", "Nioro", "Sédhiou"],
    ),
    "es": (
        ["San ", "Santa ", "Villa ", "Puerto ", "Nueva ", "Alcalá de ", "Valle de ", ""],
        ["Ávila", "Mérida", "Peñaflor", "Rosario", "Almería", "León", "Córdoba", "Jesús", "Tomé"],
    ),
    "pt": (
        ["São ", "Santa ", "Vila ", "Porto ", "Nova ", "Campo ", "Ribeirão "],
        ["João", "Conceição", "Amélia", "Brás", "Guaíba", "Itajaí", "Maringá", "Araçá"],
    ),
    "it": (
        ["Borgo ", "Castel", "Monte", "San ", "Villa", "Rocca", "Porto "],
        ["Forlì", "Cantù", "franco", "vecchio", "Sant'Angelo", "Pescia", "Mirandola"],
    ),
    "sv": (
        ["Malm", "Sköv", "Håk", "Väst", "Nyk", "Öster", "Ängel", "Sundby"],
        ["ö", "de", "sund", "köping", "ås", "berga", "holm", "vik"],
    ),
    "en": (
        ["North ", "East ", "Port ", "Fort ", "Lake ", "Spring", "Oak", "Maple", "Cedar", "Fair"],
        ["field", "ville", "ton", " Falls", " Heights", "wood", "port", "haven", " Crossing"],
    ),
    "asia": (
        ["Ban ", "Chiang ", "Nakhon ", "Kota ", "Taka", "Yoko", "Gwang", "Hari", "San "],
        ["pur", "sawan", "buri", "hama", "ju", "mati", "bad", "Pablo", "saki"],
    ),
    "africa": (
        ["Ka", "Mo", "Nya", "Bu", "Ki", "Ta", "Ma", "Oko", "Ise"],
        ["londa", "kuru", "dougou", "mbasa", "sani", "ramu", "tenge", "yinka"],
    ),
    "arab": (
        ["Aïn ", "Bir ", "Sidi ", "Ksar ", "Oued ", "Al ", "Tell ", "Deir "],
        ["Zahra", "Salam", "Nour", "Karim", "Hamra", "Jadida", "Fès", "Mellah"],
    ),
}
# The language a city's practices are written in besides English, when it has one of them.
LOCAL_LANGUAGE = {"de": "de", "fr": "fr", "fr-africa": "fr", "es": "es", "pt": "pt"}
LOCAL_LANGUAGE_SHARE = 0.4

# ---------------------------------------------------------------- word banks

# Per language: slot values, then sentence templates by section. "common" sentences carry the
# language's word for discrimination; no other sentence or slot value does.
BANKS = {
    "en": {
        "slots": {
            "group": [
                "newcomers",
                "refugee families",
                "Roma and Traveller families",
                "young people of African descent",
                "migrant workers",
                "older residents",
                "Muslim women",
                "tenants in social housing",
                "school pupils",
                "asylum seekers",
                "residents of minority backgrounds",
                "people with disabilities",
                "Indigenous residents",
                "international students",
                "domestic workers",
                "LGBTIQ+ young people",
            ],
            "service": [
                "housing office",
                "job centre",
                "public library",
                "health centre",
                "youth service",
                "school administration",
                "police liaison office",
                "social welfare office",
                "citizens' advice desk",
                "public transport company",
            ],
            "actor": [
                "the mayor's office",
                "the equality unit",
                "the department of social affairs",
                "a team of community mediators",
                "the city council",
                "the human rights office",
                "the office for integration",
                "the neighbourhood committees",
                "the municipal ombudsperson",
                "a working group of officers and residents",
            ],
            "partner": [
                "local NGOs",
                "the university",
                "tenants' associations",
                "migrant-led organisations",
                "the regional employment agency",
                "faith communities",
                "sports clubs",
                "trade unions",
                "the chamber of commerce",
                "parents' associations",
                "the national equality body",
            ],
            "place": [
                "the old town",
                "the northern districts",
                "social housing estates",
                "the station area",
                "public swimming pools",
                "the city's libraries",
                "secondary schools",
                "the port district",
                "municipal offices",
                "public parks",
            ],
            "activity": [
                "workshops",
                "training sessions",
                "information evenings",
                "mentoring pairs",
                "street debates",
                "legal clinics",
                "home visits",
                "language cafés",
                "situation tests",
                "community meetings",
            ],
            "topic": [
                "racism",
                "hate speech",
                "equal treatment",
                "intercultural dialogue",
                "access to rights",
                "unequal treatment in renting",
                "racial profiling",
                "xenophobia",
                "antisemitism",
                "anti-Muslim hostility",
                "inclusion",
                "human rights",
            ],
            "outcome": [
                "complaints were handled faster",
                "more residents knew where to report incidents",
                "the share of minority applicants invited to interviews rose",
                "trust in the administration grew",
                "fewer incidents were reported in schools",
                "landlords changed their selection criteria",
                "staff felt more confident handling conflicts",
                "more families used the services they were entitled to",
            ],
        },
        "summary": [
            "{actor} runs {activity} that help {group} claim their rights in {city}.",
            "A practice of {city} in which {partner} and the {service} work together on {topic}.",
            "{city} opened its {service} to {group}, with {activity} in {place}.",
            "Since {year}, {actor} has organised {activity} on {topic} for {group}.",
            "In its first years, {outcome}.",
        ],
        "context": [
            "In {city}, {group} often found it hard to reach the {service}.",
            "A survey in {year} showed that {pct} per cent of {group} had been treated unfairly "
            "in {place}.",
            "Residents and {partner} had long asked the city to act on {topic}.",
            "Before the practice started, no office was responsible for {topic}, and {group} did "
            "not know where to turn.",
            "The population of {place} grew quickly, and tensions over {topic} became visible.",
            "Reports from {partner} pointed to gaps in the way the {service} treated {group}.",
            "Many {group} lived in {place}, far from the offices that could help them.",
        ],
        "implementation": [
            "{actor} set up {activity} together with {partner}.",
            "Over {months} months, {staff} trained officers organised {num} {activity} in {place}.",
            "The {service} changed its procedures so that {group} could be served in their own "
            "language.",
            "{actor} appointed a coordinator and drew up a plan with yearly targets on {topic}.",
            "Volunteers from {partner} went with {group} to appointments at the {service}.",
            "A budget line was created, and {partner} were invited to propose projects on {topic}.",
            "Each quarter, {actor} met {partner} to review progress and adjust the {activity}.",
        ],
        "results": [
            "In the first year, {num} residents took part and {outcome}.",
            "An independent evaluation in {year} found that {outcome}.",
            "The number of reports received by the {service} doubled within {months} months.",
            "{pct} per cent of participants said they would recommend the {activity} to others.",
            "Since then {outcome}, according to figures collected by {actor}.",
        ],
        "why_it_works": [
            "It works because {group} were involved from the start and helped design the "
            "{activity}.",
            "The practice is close to residents: the {activity} take place in {place}, not in the "
            "town hall.",
            "Political support from {actor} gave the practice stable funding over several years.",
            "Working with {partner} brought trust and knowledge that the city alone did not have.",
        ],
        "challenges": [
            "Reaching {group} who distrust the administration took more time than planned.",
            "Funding depended on yearly decisions, which made long-term planning difficult.",
            "At first some officers saw the {activity} as extra work, not part of their job.",
            "Collecting data on {topic} without recording personal information was hard.",
            "Next time we would involve {partner} earlier.",
        ],
        "transferability": [
            "Any city with a {service} and a small team can start {activity} in one district.",
            "What it needs most is a clear mandate from {actor} and a partnership with {partner}.",
            "Other cities adapted the model within {months} months; the training material is "
            "available on request.",
            "The practice can grow step by step, beginning with {place}.",
        ],
        "common": [
            "The practice tackles discrimination against {group} in access to the {service}.",
            "Residents can report discrimination in {place} online, by phone or in person.",
            "Officers learned to recognise direct and indirect discrimination in their procedures.",
            "The city recorded {num} cases of discrimination, most of them in housing and work.",
        ],
        "titles": (
            [
                "Neighbourhood rights desk",
                "Mentoring programme",
                "Fair housing audits",
                "Anti-rumour network",
                "Equality training for city staff",
                "Intercultural festival",
                "Local equality observatory",
                "Community mediation service",
                "Helpline",
                "School mediators",
                "Inclusive hiring pilot",
                "Welcome centre",
                "Youth council",
                "Language access plan",
                "Hate crime reporting app",
                "Equal treatment charter",
                "Diversity action plan",
            ],
            [
                " for newcomers",
                " in social housing",
                " for Roma families",
                " in secondary schools",
                " for young people",
                " in the city administration",
                " for migrant women",
                " against hate speech",
                "",
                " in public transport",
                " for older residents",
            ],
            ["Anti-discrimination {noun}", "{noun} against discrimination"],
        ),
        "partners": [
            "University of {city}",
            "{city} Tenants' Union",
            "Red Cross, local branch",
            "Regional employment agency",
            "Migrant Women's Network",
            "Youth Sports Federation",
            "Interfaith Council",
            "Bar association, legal aid service",
        ],
        "resources": "Budget of about {budget},000 a year; {staff} staff, part-time.",
        "roles": ["Equality officer", "Head of the integration office", "Project coordinator"],
        "promising": "A simple, low-cost model that other cities have already adapted.",
    },
    "fr": {
        "slots": {
            "group": [
                "les nouveaux arrivants",
                "les familles roms",
                "les jeunes des quartiers prioritaires",
                "les personnes réfugiées",
                "les travailleurs migrants",
                "les personnes âgées",
                "les locataires du parc social",
                "les élèves",
                "les demandeurs d'asile",
                "les femmes migrantes",
            ],
            "service": [
                "service du logement",
                "centre social",
                "service de l'emploi",
                "réseau des bibliothèques",
                "centre de santé",
                "service jeunesse",
                "guichet d'accès aux droits",
            ],
            "actor": [
                "la mairie",
                "la mission égalité",
                "le service des affaires sociales",
                "une équipe de médiateurs",
                "le conseil municipal",
                "la déléguée aux droits humains",
            ],
            "partner": [
                "des associations de quartier",
                "l'université",
                "des associations de locataires",
                "des clubs sportifs",
                "les syndicats",
                "la chambre de commerce",
                "des collectifs d'habitants",
            ],
            "place": [
                "le centre-ville",
                "les quartiers nord",
                "les grands ensembles",
                "les écoles élémentaires",
                "le quartier de la gare",
                "les piscines municipales",
                "les médiathèques",
            ],
            "activity": [
                "des ateliers",
                "des formations",
                "des permanences juridiques",
                "des cafés-langues",
                "des réunions publiques",
                "des tests de situation",
                "des visites à domicile",
            ],
            "topic": [
                "le racisme",
                "les discours de haine",
                "l'égalité de traitement",
                "l'accès aux droits",
                "le dialogue interculturel",
                "la xénophobie",
                "l'antisémitisme",
            ],
            "outcome": [
                "les plaintes ont été traitées plus vite",
                "davantage d'habitants savent où signaler un incident",
                "la confiance envers l'administration a progressé",
                "les bailleurs ont revu leurs critères de sélection",
                "les agents se sentent mieux préparés face aux conflits",
            ],
        },
        "summary": [
            "À {city}, {actor} organise {activity} pour aider {group} à faire valoir leurs droits.",
            "Une pratique où {partner} et le {service} travaillent ensemble sur {topic}.",
            "Depuis {year}, {actor} propose {activity} dans {place}.",
            "Dès les premières années, {outcome}.",
        ],
        "context": [
            "À {city}, {group} avaient du mal à accéder au {service}.",
            "Une enquête menée en {year} a montré que {pct} % des personnes interrogées avaient "
            "subi un traitement inégal.",
            "Les habitants et {partner} demandaient depuis longtemps une action contre {topic}.",
            "Avant le projet, aucun service n'était chargé de {topic}.",
            "La population a fortement augmenté, et les tensions sont devenues visibles.",
        ],
        "implementation": [
            "{actor} a mis en place {activity} avec {partner}.",
            "Pendant {months} mois, {staff} agents formés ont organisé {num} rencontres dans "
            "{place}.",
            "Le {service} a simplifié ses démarches pour {group}.",
            "{actor} a nommé une coordinatrice et fixé des objectifs annuels sur {topic}.",
            "Des bénévoles ont accompagné {group} lors de leurs rendez-vous au {service}.",
        ],
        "results": [
            "La première année, {num} habitants ont participé et {outcome}.",
            "Une évaluation indépendante réalisée en {year} a montré que {outcome}.",
            "Le nombre de signalements reçus par le {service} a doublé en {months} mois.",
            "{pct} % des participants recommanderaient {activity} à leurs proches.",
        ],
        "why_it_works": [
            "La pratique fonctionne parce que {group} ont participé dès le départ.",
            "Le soutien politique de {actor} a garanti un financement stable.",
            "Le partenariat avec {partner} a apporté la confiance et l'expérience du terrain.",
        ],
        "challenges": [
            "Toucher {group} qui se méfient de l'administration a pris du temps.",
            "Le financement dépendait de décisions annuelles, ce qui compliquait la planification.",
            "Certains agents voyaient d'abord {activity} comme une charge supplémentaire.",
        ],
        "transferability": [
            "Toute ville disposant d'un {service} peut commencer par {activity} dans un quartier.",
            "Il faut surtout un mandat clair de {actor} et un partenariat avec {partner}.",
            "D'autres villes ont adapté le modèle en {months} mois.",
        ],
        "common": [
            "La pratique lutte contre la discrimination dans l'accès au {service}.",
            "Les habitants peuvent signaler une discrimination en ligne ou en personne.",
            "Les agents ont appris à reconnaître la discrimination directe et indirecte.",
        ],
        "titles": (
            [
                "Permanence d'accès aux droits",
                "Réseau anti-rumeurs",
                "Médiation scolaire",
                "Formation des agents à l'égalité",
                "Festival interculturel",
                "Observatoire local de l'égalité",
                "Parrainage vers l'emploi",
                "Maison des habitants",
            ],
            [
                " pour les nouveaux arrivants",
                " dans les quartiers prioritaires",
                " pour les familles roms",
                "",
                " dans les écoles",
                " au service des jeunes",
            ],
            ["{noun} contre la discrimination", "Lutte contre la discrimination : {noun}"],
        ),
        "partners": [
            "Université de {city}",
            "Ligue des droits de l'homme, section locale",
            "Maison de quartier",
            "Centre communal d'action sociale",
            "Association des locataires",
        ],
        "resources": "Budget d'environ {budget} 000 € par an ; {staff} agents à temps partiel.",
        "roles": ["Chargée de mission égalité", "Directeur de la cohésion sociale"],
        "promising": "Un modèle simple et peu coûteux, déjà repris par d'autres villes.",
    },
    "es": {
        "slots": {
            "group": [
                "las personas recién llegadas",
                "las familias gitanas",
                "los jóvenes afrodescendientes",
                "las personas refugiadas",
                "los trabajadores migrantes",
                "las personas mayores",
                "las mujeres migrantes",
                "los pueblos indígenas",
            ],
            "service": [
                "servicio de vivienda",
                "centro de salud",
                "servicio de empleo",
                "centro cívico",
                "servicio de juventud",
                "oficina de atención ciudadana",
            ],
            "actor": [
                "la alcaldía",
                "la oficina de igualdad",
                "el área de bienestar social",
                "un equipo de mediadores",
                "el concejo municipal",
            ],
            "partner": [
                "las organizaciones vecinales",
                "la universidad",
                "los sindicatos",
                "las asociaciones de migrantes",
                "los clubes deportivos",
            ],
            "place": [
                "el centro histórico",
                "los barrios del norte",
                "las escuelas públicas",
                "el mercado municipal",
                "las bibliotecas",
            ],
            "activity": [
                "talleres",
                "cursos de formación",
                "asesorías jurídicas",
                "encuentros vecinales",
                "visitas a domicilio",
            ],
            "topic": [
                "el racismo",
                "los discursos de odio",
                "la igualdad de trato",
                "el acceso a derechos",
                "la xenofobia",
            ],
            "outcome": [
                "las quejas se atendieron con mayor rapidez",
                "más vecinos saben dónde denunciar un incidente",
                "aumentó la confianza en la administración",
                "los propietarios revisaron sus criterios de selección",
            ],
        },
        "summary": [
            "En {city}, {actor} organiza {activity} para que {group} conozcan sus derechos.",
            "Una práctica en la que {partner} y el {service} trabajan juntos contra {topic}.",
            "Desde {year}, {actor} ofrece {activity} en {place}.",
            "En los primeros años, {outcome}.",
        ],
        "context": [
            "En {city}, {group} tenían dificultades para acceder al {service}.",
            "Una encuesta de {year} mostró que el {pct} % de las personas consultadas había "
            "sufrido un trato desigual.",
            "Los vecinos y {partner} pedían desde hace años una respuesta ante {topic}.",
            "Antes del proyecto, ninguna oficina se ocupaba de {topic}.",
        ],
        "implementation": [
            "{actor} puso en marcha {activity} junto con {partner}.",
            "Durante {months} meses, {staff} funcionarios formados organizaron {num} sesiones en "
            "{place}.",
            "El {service} simplificó sus trámites para {group}.",
            "{actor} nombró una coordinadora y fijó metas anuales sobre {topic}.",
        ],
        "results": [
            "El primer año participaron {num} personas y {outcome}.",
            "Una evaluación independiente de {year} concluyó que {outcome}.",
            "Las denuncias recibidas por el {service} se duplicaron en {months} meses.",
        ],
        "why_it_works": [
            "Funciona porque {group} participaron desde el principio.",
            "El apoyo político de {actor} aseguró una financiación estable.",
            "La alianza con {partner} aportó confianza y conocimiento del territorio.",
        ],
        "challenges": [
            "Llegar a {group} que desconfían de la administración llevó tiempo.",
            "La financiación dependía de decisiones anuales.",
            "Algunos funcionarios vieron al principio los {activity} como trabajo adicional.",
        ],
        "transferability": [
            "Cualquier ciudad con un {service} puede empezar con {activity} en un barrio.",
            "Se necesita un mandato claro de {actor} y una alianza con {partner}.",
        ],
        "common": [
            "La práctica combate la discriminación en el acceso al {service}.",
            "Los vecinos pueden denunciar la discriminación en línea o en persona.",
            "El personal aprendió a reconocer la discriminación directa e indirecta.",
        ],
        "titles": (
            [
                "Oficina de derechos en el barrio",
                "Red antirrumores",
                "Mediación escolar",
                "Formación en igualdad para el personal municipal",
                "Festival intercultural",
                "Observatorio local de igualdad",
            ],
            [" para personas recién llegadas", " en los barrios", " para jóvenes", ""],
            ["{noun} contra la discriminación", "Contra la discriminación: {noun}"],
        ),
        "partners": ["Universidad de {city}", "Cruz Roja, sede local", "Federación de vecinos"],
        "resources": "Presupuesto de unos {budget}.000 al año; {staff} personas a media jornada.",
        "roles": ["Técnica de igualdad", "Coordinador del proyecto"],
        "promising": "Un modelo sencillo y de bajo coste que otras ciudades ya han adaptado.",
    },
    "de": {
        "slots": {
            "group": [
                "Neuzugewanderte",
                "geflüchtete Familien",
                "Sinti und Roma",
                "junge Menschen afrikanischer Herkunft",
                "ältere Menschen",
                "Mieterinnen und Mieter",
                "Schülerinnen und Schüler",
            ],
            "service": ["Wohnungsamt", "Jobcenter", "Jugendamt", "Bürgerbüro", "Gesundheitsamt"],
            "actor": [
                "das Büro des Oberbürgermeisters",
                "die Gleichstellungsstelle",
                "das Sozialreferat",
                "ein Team von Mediatoren",
                "der Stadtrat",
            ],
            "partner": [
                "lokale Vereine",
                "die Universität",
                "Mietervereine",
                "Migrantenorganisationen",
                "Sportvereine",
            ],
            "place": [
                "der Altstadt",
                "den nördlichen Stadtteilen",
                "den Schulen",
                "den Bibliotheken",
                "dem Bahnhofsviertel",
            ],
            "activity": [
                "Workshops",
                "Schulungen",
                "Rechtsberatungen",
                "Sprachcafés",
                "Hausbesuche",
            ],
            "topic": [
                "Rassismus",
                "Hassrede",
                "Gleichbehandlung",
                "Teilhabe",
                "Fremdenfeindlichkeit",
            ],
            "outcome": [
                "Beschwerden schneller bearbeitet wurden",
                "mehr Menschen wissen, wo sie Vorfälle melden können",
                "das Vertrauen in die Verwaltung gestiegen ist",
            ],
        },
        "summary": [
            "In {city} organisiert {actor} {activity}, die {group} bei ihren Rechten helfen.",
            "Eine Praxis, in der {partner} und das {service} gemeinsam gegen {topic} arbeiten.",
            "Seit {year} bietet {actor} {activity} in {place} an.",
        ],
        "context": [
            "In {city} fanden {group} nur schwer Zugang zum {service}.",
            "Eine Umfrage aus dem Jahr {year} zeigte, dass {pct} Prozent der Befragten ungleich "
            "behandelt worden waren.",
            "Bewohner und {partner} forderten seit Langem Maßnahmen gegen {topic}.",
        ],
        "implementation": [
            "{actor} richtete gemeinsam mit {partner} {activity} ein.",
            "In {months} Monaten organisierten {staff} geschulte Mitarbeitende {num} Termine in "
            "{place}.",
            "Das {service} vereinfachte seine Verfahren für {group}.",
        ],
        "results": [
            "Im ersten Jahr nahmen {num} Menschen teil, und es zeigte sich, dass {outcome}.",
            "Eine unabhängige Auswertung im Jahr {year} ergab, dass {outcome}.",
        ],
        "why_it_works": [
            "Es wirkt, weil {group} von Anfang an beteiligt waren.",
            "Die politische Unterstützung durch {actor} sicherte eine stabile Finanzierung.",
        ],
        "challenges": [
            "Es dauerte länger als geplant, {group} zu erreichen.",
            "Die Finanzierung hing von jährlichen Beschlüssen ab.",
        ],
        "transferability": [
            "Jede Stadt mit einem {service} kann mit {activity} in einem Stadtteil beginnen.",
            "Nötig sind ein klarer Auftrag von {actor} und eine Partnerschaft mit {partner}.",
        ],
        "common": [
            "Die Praxis bekämpft Diskriminierung beim Zugang zum {service}.",
            "Bewohner können Diskriminierung online, telefonisch oder persönlich melden.",
            "Mitarbeitende lernten, unmittelbare und mittelbare Diskriminierung zu erkennen.",
        ],
        "titles": (
            [
                "Beratungsstelle im Quartier",
                "Mentoringprogramm",
                "Schulmediation",
                "Interkulturelles Fest",
                "Lokale Beobachtungsstelle für Gleichbehandlung",
            ],
            [" für Neuzugewanderte", " in den Schulen", " für junge Menschen", ""],
            ["{noun} gegen Diskriminierung", "Antidiskriminierung: {noun}"],
        ),
        "partners": ["Universität {city}", "Caritasverband", "Mieterverein {city}"],
        "resources": "Budget von etwa {budget}.000 Euro pro Jahr; {staff} Teilzeitstellen.",
        "roles": ["Antidiskriminierungsbeauftragte", "Projektleiter"],
        "promising": "Ein einfaches, günstiges Modell, das andere Städte übernommen haben.",
    },
    "pt": {
        "slots": {
            "group": [
                "as pessoas recém-chegadas",
                "as famílias ciganas",
                "os jovens negros",
                "as pessoas refugiadas",
                "os povos indígenas",
                "as mulheres migrantes",
                "os idosos",
            ],
            "service": [
                "serviço de habitação",
                "centro de saúde",
                "balcão de emprego",
                "centro de referência",
                "serviço de juventude",
            ],
            "actor": [
                "a prefeitura",
                "a coordenadoria de igualdade racial",
                "a secretaria de assistência social",
                "uma equipe de mediadores",
            ],
            "partner": [
                "as associações de moradores",
                "a universidade",
                "os sindicatos",
                "os coletivos culturais",
            ],
            "place": ["o centro", "as periferias", "as escolas públicas", "as bibliotecas"],
            "activity": ["oficinas", "formações", "plantões jurídicos", "rodas de conversa"],
            "topic": ["o racismo", "o discurso de ódio", "a igualdade racial", "a xenofobia"],
            "outcome": [
                "as denúncias passaram a ser tratadas mais depressa",
                "mais moradores sabem onde denunciar",
                "a confiança na administração aumentou",
            ],
        },
        "summary": [
            "Em {city}, {actor} organiza {activity} para que {group} conheçam os seus direitos.",
            "Uma prática em que {partner} e o {service} atuam juntos contra {topic}.",
            "Desde {year}, {actor} oferece {activity} em {place}.",
        ],
        "context": [
            "Em {city}, {group} tinham dificuldade em aceder ao {service}.",
            "Um inquérito de {year} mostrou que {pct} % das pessoas ouvidas sofreram tratamento "
            "desigual.",
            "Os moradores e {partner} pediam há anos uma resposta a {topic}.",
        ],
        "implementation": [
            "{actor} criou {activity} em parceria com {partner}.",
            "Durante {months} meses, {staff} servidores formados realizaram {num} encontros em "
            "{place}.",
            "O {service} simplificou os seus procedimentos para {group}.",
        ],
        "results": [
            "No primeiro ano participaram {num} pessoas e {outcome}.",
            "Uma avaliação independente em {year} concluiu que {outcome}.",
        ],
        "why_it_works": [
            "Funciona porque {group} participaram desde o início.",
            "O apoio político de {actor} garantiu um financiamento estável.",
        ],
        "challenges": [
            "Chegar a {group} que desconfiam da administração levou tempo.",
            "O financiamento dependia de decisões anuais.",
        ],
        "transferability": [
            "Qualquer cidade com um {service} pode começar com {activity} num bairro.",
            "É preciso um mandato claro de {actor} e uma parceria com {partner}.",
        ],
        "common": [
            "A prática combate a discriminação no acesso ao {service}.",
            "Os moradores podem denunciar a discriminação pela internet ou pessoalmente.",
            "Os servidores aprenderam a reconhecer a discriminação direta e indireta.",
        ],
        "titles": (
            [
                "Centro de referência de direitos",
                "Rede contra boatos",
                "Mediação escolar",
                "Festival intercultural",
                "Observatório local da igualdade",
            ],
            [" para recém-chegados", " nas periferias", " para jovens", ""],
            ["{noun} contra a discriminação", "Contra a discriminação: {noun}"],
        ),
        "partners": ["Universidade de {city}", "Associação de moradores", "Coletivo de mulheres"],
        "resources": "Orçamento de cerca de {budget} mil por ano; {staff} servidores.",
        "roles": ["Coordenadora de igualdade racial", "Gestor do projeto"],
        "promising": "Um modelo simples e barato que outras cidades já adaptaram.",
    },
}
LANGUAGES = list(BANKS)
SECTIONS = [
    "context",
    "implementation",
    "results",
    "why_it_works",
    "challenges",
    "transferability",
]
# How a practice's words are shared among its sections, roughly.
SECTION_WEIGHTS = [3, 4, 3, 2, 2, 2]
FIRST_NAMES = ["Amina", "Lukas", "María", "João", "Claire", "Kwame", "Yuki", "Fatima", "Ana"]
LAST_NAMES = ["Diallo", "Becker", "Fernández", "Silva", "Dubois", "Mensah", "Tanaka", "Cohen"]


@functools.cache
def _slugify(text):
    """slugify(), remembered: titles and names come from the word banks, so they repeat."""
    return slugify(text)


def _capitalise(text):
    return text[:1].upper() + text[1:]


def _fill(rng, template, slots):
    values = {name: rng.choice(options) for name, options in slots.items()}
    values.update(
        city=CITY,
        year=rng.randint(2005, 2024),
        pct=rng.randint(12, 78),
        num=rng.choice([40, 60, 85, 120, 150, 240, 300, 450, 600, 1200]),
        months=rng.choice([6, 9, 12, 18, 24, 36]),
        staff=rng.randint(2, 14),
    )
    return _capitalise(template.format(**values))


class Pools:
    """Sentences made once from the word banks, picked from for each practice: fast, varied."""

    SIZE = 400  # distinct sentences per language and section

    def __init__(self, seed):
        rng = random.Random(f"pools:{seed}")
        self.sentences = {}
        for language, bank in BANKS.items():
            for section in [*SECTIONS, "summary", "common"]:
                templates = bank[section]
                made = [
                    _fill(rng, templates[i % len(templates)], bank["slots"])
                    for i in range(self.SIZE)
                ]
                self.sentences[language, section] = [(s, len(s.split())) for s in made]

    def text(self, rng, language, section, words, common=0):
        """Return about `words` words of a section, in paragraphs, with `common` sentences
        carrying the language's word for discrimination."""
        pool = self.sentences[language, section]
        size, draw = len(pool), rng.random
        picked, count = [], 0
        while count < words:
            sentence, n = pool[int(draw() * size)]
            picked.append(sentence)
            count += n
        commons = self.sentences[language, "common"]
        for _ in range(common):
            picked.insert(rng.randrange(len(picked) + 1), commons[rng.randrange(len(commons))][0])
        paragraphs, size = [], 4 + rng.randrange(3)
        for start in range(0, len(picked), size):
            paragraphs.append(" ".join(picked[start : start + size]))
        return "\n\n".join(paragraphs), count

    def summary(self, rng, language, common):
        pool = self.sentences[language, "summary"]
        text = ""
        if common:
            commons = self.sentences[language, "common"]
            text = commons[rng.randrange(len(commons))][0]
        while True:
            sentence = pool[rng.randrange(len(pool))][0]
            longer = f"{text} {sentence}".strip()
            # The summary holds 600 characters at most; city names are at most 40 long.
            if len(longer) > 520 or (text and len(text) > 260 and rng.random() < 0.5):
                return text or sentence[:520]
            text = longer


# ---------------------------------------------------------------- the command


class Progress:
    """A progress bar on standard error: redrawn in place on a terminal, a line per 10 % else."""

    def __init__(self, total, label, stream=None):
        self.total, self.label, self.stream = max(total, 1), label, stream or sys.stderr
        self.done, self.started, self.last_drawn, self.last_tenth = 0, time.monotonic(), 0.0, -1
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.lock = threading.Lock()

    def advance(self, n):
        with self.lock:
            self._advance(n)

    def _advance(self, n):
        self.done += n
        now = time.monotonic()
        tenth = self.done * 10 // self.total
        if self.tty and (now - self.last_drawn > 0.2 or self.done >= self.total):
            self.stream.write("\r" + self.line(now))
            self.last_drawn = now
        elif not self.tty and tenth != self.last_tenth:
            self.stream.write(self.line(now) + "\n")
            self.last_tenth = tenth
        self.stream.flush()

    def finish(self):
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def line(self, now):
        share = self.done / self.total
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed else 0
        left = (self.total - self.done) / rate if rate else 0
        bar = "#" * int(share * 30)
        return (
            f"{self.label} [{bar:<30}] {share:4.0%} {self.done:,}/{self.total:,} "
            f"{rate:,.0f}/s {elapsed:.0f}s elapsed, {left:.0f}s left"
        )


def mark_published(practice, published_at):
    """Give a synthetic practice the published state directly — the only place this command sets
    a status.

    Real practices change state only through practices.services, which locks the row, checks the
    move and who makes it, records a ReviewEvent and queues e-mails, one practice at a time. None
    of that applies to synthetic load-test rows (no officer, no editor, no history, nobody to tell)
    and it would make 100,000 practices take hours; so the state and its timestamps are set here,
    in the field values of a practice not written yet, which is then written in bulk.
    """
    practice["status"] = Practice.Status.PUBLISHED.value
    practice["published_at"] = published_at
    practice["submitted_at"] = submitted_at = published_at - timedelta(days=3 + published_at.day)
    practice["created_at"] = submitted_at - timedelta(days=20 + published_at.month * 9)
    practice["updated_at"] = published_at


@contextmanager
def given_timestamps():
    """Let bulk_create write the created/updated times set on the objects (auto_now is off for
    the duration): synthetic practices were written over years, not in one minute."""
    fields = [
        Practice._meta.get_field("created_at"),
        Practice._meta.get_field("updated_at"),
        PracticeTranslation._meta.get_field("updated_at"),
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _weighted(rng, options, weights):
    return rng.choices(options, weights=weights, k=1)[0]


class Command(BaseCommand):
    help = (
        "Generate synthetic published practices (slugs 'synthetic-…') and cities for load tests; "
        "--clear deletes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=0, help="Practices to add.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data.")
        parser.add_argument(
            "--cities",
            type=int,
            default=None,
            help=f"Synthetic cities to create if there are none yet (default: {DEFAULT_CITIES}, "
            "fewer for small counts).",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="Database connections writing at once (default: 2 on PostgreSQL, else 1).",
        )
        parser.add_argument(
            "--clear",
            action="store_true",
            help="Delete every synthetic practice and city first (then generate --count, if any).",
        )

    def handle(self, *args, count, seed, cities, batch_size, clear, jobs, **options):
        if count < 0 or batch_size < 1:
            raise CommandError("--count must be positive and --batch-size at least 1.")
        if not clear and not count:
            raise CommandError("Give --count N to generate, or --clear to delete.")
        if clear:
            practices, city_count = clear_synthetic()
            self.stdout.write(f"Deleted {practices:,} synthetic practices and {city_count} cities.")
        if not count:
            return
        started = time.monotonic()
        if cities is None:
            cities = min(DEFAULT_CITIES, max(10, count // 3))
        created_cities = ensure_cities(seed, cities)
        generator = Generator(seed)
        first = next_index()
        progress = Progress(count, "Practices", getattr(self.stderr, "_out", None))
        batches = [
            (start, min(batch_size, first + count - start))
            for start in range(first, first + count, batch_size)
        ]
        if jobs is None:
            parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
            jobs = 2 if parallel else 1
        with given_timestamps():
            write_all(generator, batches, jobs, progress)
        progress.finish()
        finish()
        self.stdout.write(
            f"Generated {count:,} published practices (seed {seed}, {created_cities} new cities) "
            f"in {time.monotonic() - started:.1f}s."
        )


def next_index():
    last = (
        Practice.objects.filter(slug__startswith=PREFIX)
        .order_by("-slug")
        .values_list("slug", flat=True)
        .first()
    )
    return int(last.split("-")[1]) + 1 if last else 0


def ensure_cities(seed, wanted):
    """Create `wanted` synthetic cities unless some exist already (then they are reused)."""
    if City.objects.filter(slug__startswith=PREFIX).exists():
        return 0
    rng = random.Random(f"cities:{seed}")
    coalitions = list(Coalition.objects.order_by("slug"))
    if not coalitions:
        raise CommandError("No coalitions: run the migrations first.")
    weights = [COALITION_WEIGHTS.get(c.slug, 5) for c in coalitions]
    taken = {
        (name.casefold(), country) for name, country in City.objects.values_list("name", "country")
    }
    slugs = set(City.objects.values_list("slug", flat=True))
    made = []
    attempts = 0
    while len(made) < wanted and attempts < wanted * 50:
        attempts += 1
        coalition = _weighted(rng, coalitions, weights)
        country, lat, lon, style = rng.choice(COUNTRIES.get(coalition.slug, OTHER_COUNTRIES))
        first, second = CITY_NAMES[style]
        name = (rng.choice(first) + rng.choice(second)).strip()
        name = name if name[:1].isupper() else _capitalise(name)
        slug = f"{PREFIX}{slugify(name)}"
        if (name.casefold(), country) in taken or len(name) < 4:
            continue
        if slug in slugs:
            slug = f"{slug}-{country.lower()}"
            if slug in slugs:
                continue
        taken.add((name.casefold(), country))
        slugs.add(slug)
        made.append(
            City(
                name=name,
                slug=slug,
                country=country,
                coalition=coalition,
                member_since=rng.randint(2004, 2024),
                is_active_member=rng.random() < 0.92,
                latitude=Decimal(f"{max(-89.9, min(89.9, lat + rng.uniform(-4, 4))):.5f}"),
                longitude=Decimal(f"{max(-179.9, min(179.9, lon + rng.uniform(-6, 6))):.5f}"),
                profile=f"{name} joined the coalition to act against racism at the local level.",
            )
        )
    City.objects.bulk_create(made)
    forget_cached()
    return len(made)


class Generator:
    """Builds practices from the word banks; each practice from its own seeded random source."""

    def __init__(self, seed):
        self.seed = seed
        self.pools = Pools(seed)
        self.cities = list(City.objects.select_related("coalition").order_by("slug"))
        if not self.cities:
            raise CommandError("No cities to attach practices to.")
        # Some cities write many practices, most a few.
        weights = [1 + (zlib.crc32(c.slug.encode()) % 12) ** 2 for c in self.cities]
        self.city_cum_weights = list(itertools.accumulate(weights))
        self.themes = list(Theme.objects.order_by("order", "pk"))
        self.theme_by_pk = {theme.pk: theme for theme in self.themes}
        self.theme_order = {theme: (theme.order, theme.title) for theme in self.themes}
        self.roles = list(CityRole.objects.order_by("order", "pk"))
        self.targets = list(TargetGroup.objects.order_by("order", "pk"))
        if not (self.themes and self.roles and self.targets):
            raise CommandError("Themes, roles and target groups are missing: run the migrations.")
        self.commitments = {}
        for item in Commitment.objects.order_by("coalition_id", "number"):
            self.commitments.setdefault((item.coalition_id, item.theme_id), []).append(item.pk)
        self.language_suffixes = [(code, code.replace("-", "_")) for code, _n in settings.LANGUAGES]
        self.country_names = {}
        for city in self.cities:
            if city.country.code not in self.country_names:
                names = {}
                for code, _suffix in self.language_suffixes:
                    with translation.override(code):
                        names[code] = str(city.country.name)
                self.country_names[city.country.code] = names
        self.theme_titles = {
            theme.pk: {
                suffix: getattr(theme, f"title_{suffix}") for _c, suffix in self.language_suffixes
            }
            for theme in self.themes
        }
        # Per city, per language: its country's and its coalition's names.
        self.place_names = {
            city.pk: [
                (
                    self.country_names[city.country.code][code],
                    getattr(city.coalition, f"name_{suffix}"),
                    getattr(city.coalition, f"short_name_{suffix}"),
                )
                for code, suffix in self.language_suffixes
            ]
            for city in self.cities
        }
        styles = {}
        for options in [OTHER_COUNTRIES, *COUNTRIES.values()]:
            styles.update({country: style for country, _lat, _lon, style in options})
        self.local_language = {
            city.pk: LOCAL_LANGUAGE.get(styles.get(city.country.code)) for city in self.cities
        }
        self.through = {
            "themes": (Practice.themes.through, "theme_id"),
            "city_roles": (Practice.city_roles.through, "cityrole_id"),
            "target_groups": (Practice.target_groups.through, "targetgroup_id"),
            "commitments": (Practice.commitments.through, "commitment_id"),
        }
        self.search_extras = {}

    def search_extra(self, city, themes):
        """Return what practices.search.search_extra_for(practice) returns, from names read once.

        The function itself switches the active language six times per call (for the country's
        name), which at 100,000 practices costs a minute; this is the same walk over the same
        names, and every batch checks one practice against the function itself (check_sample).
        A city and set of themes give the same text every time, so it is made once for each.
        """
        key = (city.pk, *(theme.pk for theme in themes))
        if (text := self.search_extras.get(key)) is None:
            text = self.search_extras[key] = self._search_extra(city, themes)
        return text

    def _search_extra(self, city, themes):
        parts = [city.name]
        titles = [self.theme_titles[theme.pk] for theme in themes]
        for (_code, suffix), names in zip(
            self.language_suffixes, self.place_names[city.pk], strict=True
        ):
            parts += names  # country, coalition, coalition's short name
            parts += [title[suffix] for title in titles]
        return " ".join(dict.fromkeys(part for part in parts if part))

    def check_sample(self, practice, themes):
        stub = SimpleNamespace(city=practice["city"], themes=SimpleNamespace(all=lambda: themes))
        if search_extra_for(stub) != practice["search_extra"]:
            raise CommandError(
                "practices.search.search_extra_for changed: update Generator.search_extra."
            )

    def language_for(self, rng, city):
        local = self.local_language[city.pk]
        if local and rng.random() < LOCAL_LANGUAGE_SHARE:
            return local
        return "en"

    def title(self, rng, language, common):
        nouns, suffixes, common_forms = BANKS[language]["titles"]
        noun = rng.choice(nouns)
        if common and rng.random() < 0.3:
            form = rng.choice(common_forms)
            keep_case = form.startswith("{") or ":" in form
            noun = form.format(noun=noun if keep_case else noun[:1].lower() + noun[1:])
        return _capitalise(noun + rng.choice(suffixes))

    def content(self, rng, language, city_name, common):
        """Return the text fields of a practice in one language."""
        bank = BANKS[language]
        words = rng.randint(300, 700)
        summary = self.pools.summary(rng, language, common).replace(CITY, city_name)
        left = max(200, words - len(summary.split()))
        weights = [w * (0.6 + rng.random()) for w in SECTION_WEIGHTS]
        total = sum(weights)
        # Where the common word goes: one to three sentences, in random sections.
        commons = [0] * len(SECTIONS)
        if common:
            for _ in range(rng.randint(1, 3)):
                commons[rng.randrange(len(SECTIONS))] += 1
        fields = {"summary": summary[:600]}
        for section, weight, extra in zip(SECTIONS, weights, commons, strict=True):
            text, _n = self.pools.text(rng, language, section, int(left * weight / total), extra)
            fields[section] = text.replace(CITY, city_name)
        fields["resources"] = bank["resources"].format(
            budget=rng.choice([15, 40, 80, 120, 250, 400]), staff=rng.randint(1, 6)
        )
        fields["title"] = self.title(rng, language, common)
        return fields

    def practice(self, index):
        """Return (practice, {relation: [ids]}, [translations]) for one index: the practice and
        its translations as dicts of field values, by name, for rows not written yet."""
        rng = random.Random(f"practice:{self.seed}:{index}")
        city = rng.choices(self.cities, cum_weights=self.city_cum_weights, k=1)[0]
        language = self.language_for(rng, city)
        common = rng.random() < COMMON_WORD_SHARE
        fields = self.content(rng, language, city.name, common)
        bank = BANKS[language]
        themes = rng.sample(self.themes, _weighted(rng, [1, 2, 3], [50, 35, 15]))
        themes.sort(key=self.theme_order.__getitem__)  # as practice.themes.all()
        start_year = rng.randint(1995, 2025)
        end_year = rng.randint(start_year, 2025) if rng.random() < 0.35 else None
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        partners = rng.sample(bank["partners"], rng.randint(1, min(3, len(bank["partners"]))))
        slug_title = _slugify(fields["title"])[:100].rstrip("-")
        practice = dict(
            slug=f"{PREFIX}{index:07d}-{slug_title}",
            city=city,
            language=language,
            start_year=start_year,
            end_year=end_year,
            partners="\n".join(partners).replace(CITY, city.name).replace("{city}", city.name),
            contact_name=f"{first} {last}",
            contact_role=rng.choice(bank["roles"]),
            contact_email=f"{_slugify(first)}.{_slugify(last)}@example.org",
            links=f"https://example.org/{city.slug}/{slug_title[:40]}",
            search_extra=self.search_extra(city, themes),
            **fields,
        )
        if rng.random() < PROMISING_SHARE:
            practice["is_promising"] = True
            practice["promising_note"] = bank["promising"]
        earliest = max(PUBLISHED_FROM, datetime(start_year, 1, 1, tzinfo=UTC))
        span = int((PUBLISHED_UNTIL - earliest).total_seconds())
        mark_published(practice, earliest + timedelta(seconds=rng.randrange(max(span, 1))))
        links = {
            "themes": [theme.pk for theme in themes],
            "city_roles": [r.pk for r in rng.sample(self.roles, rng.randint(1, 2))],
            "target_groups": [t.pk for t in rng.sample(self.targets, rng.randint(1, 3))],
            "commitments": [
                rng.choice(options)
                for theme in themes
                if (options := self.commitments.get((city.coalition_id, theme.pk)))
                and rng.random() < 0.6
            ],
        }
        translations = []
        if rng.random() < TRANSLATED_SHARE:
            other = rng.choice([code for code in ("en", "fr", "es") if code != language])
            text = self.content(rng, other, city.name, common)
            translations.append(
                dict(
                    language=other,
                    updated_at=practice["published_at"],
                    **{name: text[name] for name in ["title", "summary", *SECTIONS, "resources"]},
                )
            )
        codes = sorted({language, *(t["language"] for t in translations)})
        practice["available_languages"] = f",{','.join(codes)},"
        return practice, links, translations

    def make_batch(self, start, size):
        """Return the unsaved rows of practices start … start + size - 1."""
        made = [self.practice(index) for index in range(start, start + size)]
        sample, links, _translations = made[0]
        self.check_sample(sample, [self.theme_by_pk[pk] for pk in links["themes"]])
        return made


class OrmWriter:
    """Writes batches with bulk_create: on SQLite and any database but PostgreSQL."""

    def __init__(self, generator):
        self.generator = generator

    def prepare(self, made):
        return made

    def write(self, made):
        """Write one batch in one transaction, on the calling thread's database connection."""
        with transaction.atomic():
            practices = Practice.objects.bulk_create([Practice(**item[0]) for item in made])
            for relation, (through, column) in self.generator.through.items():
                through.objects.bulk_create(
                    [
                        through(practice_id=practice.pk, **{column: pk})
                        for practice, (_p, links, _t) in zip(practices, made, strict=True)
                        for pk in links[relation]
                    ]
                )
            PracticeTranslation.objects.bulk_create(
                [
                    PracticeTranslation(practice_id=practice.pk, **values)
                    for practice, (_p, _links, items) in zip(practices, made, strict=True)
                    for values in items
                ]
            )
        return len(made)


class CopyWriter:
    """Writes batches on PostgreSQL with COPY (see _copy.py), in the order that lets every row
    be written once, complete:

    1. the practices' ids are taken from their sequence beforehand (when the batch is made), so
       the rows that point at a practice can be made before it is written;
    2. its links and translations are written first — the foreign keys to the practice are
       checked at the commit (Django makes them deferrable, initially deferred);
    3. the translations' union vector (what practices.signals.refresh_languages sets) is read
       from their generated vectors and written in the practice's own row, so nothing has to
       update (and re-index) a practice after it is written.
    """

    def __init__(self, generator):
        self.generator = generator
        self.practices = CopyTable(Practice, with_pk=True)
        self.translations = CopyTable(PracticeTranslation)
        self.links = []
        for relation, (through, column) in generator.through.items():
            opts = through._meta
            columns = [opts.get_field("practice").column, opts.get_field(column).column]
            self.links.append((opts.db_table, columns, relation))
        table = Practice._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_get_serial_sequence(%s, %s)", [table, Practice._meta.pk.column]
            )
            self.sequence = cursor.fetchone()[0]
            described = connection.introspection.get_table_description(cursor, table)
        # The translations' union vector of migration 0007, kept by practices.signals.
        self.translation_vector = "translation_vector" in {column.name for column in described}

    def prepare(self, made):
        """Number the practices of a batch and turn them into COPY text (on the generating
        thread: the writing threads then mostly wait for PostgreSQL)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(%s) FROM generate_series(1, %s)", [self.sequence, len(made)]
            )
            ids = sorted(row[0] for row in cursor.fetchall())
        links = []
        for table, columns, relation in self.links:
            data = "".join(
                f"{pk}\t{other}\n"
                for pk, (_p, related, _t) in zip(ids, made, strict=True)
                for other in related[relation]
            )
            links.append((table, columns, data.encode()))
        translations, translated = [], []
        for pk, (_p, _links, items) in zip(ids, made, strict=True):
            for values in items:
                translations.append({**values, "practice_id": pk})
                translated.append(pk)
        lines = []
        for pk, (practice, _links, _t) in zip(ids, made, strict=True):
            practice["id"] = pk
            lines.append(self.practices.line(practice))
        return SimpleNamespace(
            size=len(made),
            ids=ids,
            links=links,
            translations=self.translations.data(translations),
            translated=translated,
            lines=lines,
        )

    def write(self, batch):
        """Write one prepared batch in one transaction, on the calling thread's connection."""
        with transaction.atomic(), connection.cursor() as cursor:
            # Losing the last batches in a crash is fine for synthetic data.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            for table, columns, data in batch.links:
                copy(cursor, table, columns, data)
            self.translations.copy(cursor, batch.translations)
            if self.translation_vector:
                vectors = {}
                if batch.translated:
                    # The statement of practices.signals.refresh_languages, as a query.
                    cursor.execute(
                        """SELECT t.practice_id, iccar_tsvector_agg(t.search_vector)
                             FROM practices_practicetranslation AS t
                            WHERE t.practice_id = ANY(%s)
                            GROUP BY t.practice_id""",
                        [batch.translated],
                    )
                    vectors = {pk: copy_text(vector or "") for pk, vector in cursor.fetchall()}
                data = "".join(
                    f"{line}\t{vectors.get(pk, '')}\n"
                    for pk, line in zip(batch.ids, batch.lines, strict=True)
                )
                self.practices.copy(cursor, data.encode(), extra=["translation_vector"])
            else:
                self.practices.copy(cursor, "".join(f"{line}\n" for line in batch.lines).encode())
        return batch.size


def write_all(generator, batches, jobs, progress):
    """Generate the batches here and write them on `jobs` threads, each with its own database
    connection: PostgreSQL spends most of the time computing the search vectors of the rows it
    receives, and with two connections it does so on two cores while Python makes the next batch
    (the writing threads mostly wait for the server, without Python's lock). With one job
    (SQLite, or inside a transaction such as a test's) everything runs here."""
    writer = (CopyWriter if connection.vendor == "postgresql" else OrmWriter)(generator)
    if jobs <= 1:
        for start, size in batches:
            progress.advance(writer.write(writer.prepare(generator.make_batch(start, size))))
        return
    work = queue.Queue(maxsize=jobs)
    failures = []

    def write():
        try:
            while (batch := work.get()) is not None:
                if not failures:
                    progress.advance(writer.write(batch))
        except BaseException as error:  # reported by the main thread
            failures.append(error)
            while work.get() is not None:  # let the producer finish
                pass
        finally:
            connection.close()

    threads = [threading.Thread(target=write, daemon=True) for _ in range(jobs)]
    for thread in threads:
        thread.start()
    try:
        for start, size in batches:
            if failures:
                break
            work.put(writer.prepare(generator.make_batch(start, size)))
    finally:
        for _thread in threads:
            work.put(None)
        for thread in threads:
            thread.join()
    if failures:
        raise failures[0]


def forget_cached():
    """Bulk writes send no signal: forget the cached filter names and public pages here."""
    from core.page_cache import forget_public_pages
    from practices.search.options import forget_filter_options

    forget_filter_options()
    forget_public_pages()


def finish():
    """Fresh planner statistics after a bulk load, and forget what is cached."""
    forget_cached()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE cities_city, practices_practice, practices_practicetranslation, "
                "practices_practice_themes, practices_practice_city_roles, "
                "practices_practice_target_groups, practices_practice_commitments"
            )


def clear_synthetic():
    """Delete the synthetic practices (with their links and translations) and cities."""
    synthetic = Practice.objects.filter(slug__startswith=PREFIX)
    # Practices someone has worked on since (events, revisions, images…) go through the ORM, so
    # every dependent row goes with them; the untouched rest with a few plain DELETEs.
    touched = set()
    for relation in Practice._meta.related_objects:
        if relation.one_to_many and relation.related_model is not PracticeTranslation:
            lookup = f"{relation.name}__isnull"
            touched |= set(synthetic.filter(**{lookup: False}).values_list("pk", flat=True))
    deleted = 0
    with transaction.atomic():
        if touched:
            deleted += len(touched)
            Practice.objects.filter(pk__in=touched).delete()
        quote = connection.ops.quote_name
        practice_table = quote(Practice._meta.db_table)
        ids = f"SELECT id FROM {practice_table} WHERE slug LIKE %s"
        tables = []
        for field in Practice._meta.many_to_many:
            through = field.remote_field.through._meta
            for through_field in through.fields:
                if through_field.is_relation and through_field.related_model is Practice:
                    tables.append((through.db_table, through_field.column))
        tables.append(
            (
                PracticeTranslation._meta.db_table,
                PracticeTranslation._meta.get_field("practice").column,
            )
        )
        with connection.cursor() as cursor:
            for table, column in tables:
                cursor.execute(
                    f"DELETE FROM {quote(table)} WHERE {quote(column)} IN ({ids})", [f"{PREFIX}%"]
                )
            cursor.execute(f"DELETE FROM {practice_table} WHERE slug LIKE %s", [f"{PREFIX}%"])
            deleted += cursor.rowcount
        # Cities still used by a real practice or an officer stay.
        cities = City.objects.filter(
            slug__startswith=PREFIX, practices__isnull=True, officers__isnull=True
        )
        city_ids = list(cities.values_list("pk", flat=True))
        City.objects.filter(pk__in=city_ids).delete()
    forget_cached()
    return deleted, len(city_ids)
