"""The API's rate limit: so many requests per visitor's address, counted in the cache."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from core.addresses import client_ip


class AddressRateThrottle(AnonRateThrottle):
    """settings.API_RATE requests ("120/min") per address, behind the proxies the site trusts;
    past it, 429 with Retry-After (api.problems)."""

    scope = "api"
    cache_format = "api:throttle:%(ident)s"

    def get_rate(self):
        # Read at each request, not once at import: the environment (and a test) sets it.
        return settings.API_RATE

    def get_ident(self, request):
        return client_ip(request) or "unknown"
