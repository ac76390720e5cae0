"""The member area's practice form, filled in as a browser posts it."""

from practices.models import CityRole, TargetGroup, Theme


def complete_form(**overrides):
    """What an officer's practice form posts for a complete practice."""
    data = {
        "title": "Anti-discrimination desk",
        "summary": "A desk where residents report discrimination.",
        "themes": [str(Theme.objects.get(slug="support-for-victims").pk)],
        "city_roles": [str(CityRole.objects.get(slug="service-provider").pk)],
        "target_groups": [str(TargetGroup.objects.get(slug="all-residents").pk)],
        "context": "Nobody knew where to report discrimination.",
        "implementation": "The city opened a desk with two advisers.",
        "results": "300 residents advised in the first year.",
        "why_it_works": "It is independent and close to residents.",
        "challenges": "Outreach to young people was slow.",
        "transferability": "Needs two trained advisers and a room.",
        "partners": "Tenants' union",
        "start_year": "2020",
        "end_year": "",
        "resources": "",
        "language": "en",
        "links": "",
        "image_alt": "",
        "contact_name": "Olga Officer",
        "contact_role": "Equality officer",
        "contact_email": "olga@example.org",
        "reply": "",
    }
    data.update(overrides)
    return data
