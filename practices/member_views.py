"""The city officers' member area: their city's practices, from draft to publication."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def dashboard(request):
    return render(request, "members/dashboard.html", {})
