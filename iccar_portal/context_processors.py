from django.conf import settings


def site(request):
    """Give every template the public address of the site and of the current page."""
    return {"SITE_URL": settings.SITE_URL, "canonical_url": settings.SITE_URL + request.path}
