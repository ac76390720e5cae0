"""Where a request comes from, behind the proxies the site trusts."""

from django.conf import settings


def client_ip(request):
    """Return the visitor's address behind PROXY_COUNT trusted proxies (for the login limit)."""
    proxies = getattr(settings, "PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")
