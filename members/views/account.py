"""The officer's own settings."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members.forms import AccountForm

from .access import officer_required


@officer_required
@require_http_methods(["GET", "POST"])
def account(request):
    """The officer's own settings: the language of the e-mails they receive."""
    officer = request.user.city_officer
    form = AccountForm(request.POST or None, instance=officer)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your settings were saved."))
        return HttpResponseRedirect(reverse("members:account"))
    return render(request, "members/account.html", {"form": form, "city": request.city})
