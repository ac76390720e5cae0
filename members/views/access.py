"""Who may enter the member area, and which practices are theirs: checked on the server for
every request; any practice of another city answers 404, whatever the method."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, render

from cities.models import active_officer_city
from practices.models import Practice


def officer_required(view):
    """Let in active city officers only; give the view their city as `request.city`."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        city = active_officer_city(request.user)
        if city is None:
            return render(request, "members/not_an_officer.html", status=403)
        request.city = city
        return view(request, *args, **kwargs)

    return wrapper


def own_practice(request, pk):
    """Return the practice of the officer's city with that id, or answer 404."""
    return get_object_or_404(Practice.objects.for_city(request.city), pk=pk)
