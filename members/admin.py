"""The editors' side of officers' accounts: the city officers' list and the invitation page,
which creates or links an account and e-mails a link to choose a password."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from cities.admin import INVITE_PERMISSION, invite_url
from cities.models import City, CityOfficer
from core.admin_tools import SafeSearchMixin

from . import invitations
from .login_limits import PacedAdminAuthenticationForm

# Editors log in through the admin: the same pace per account as on the site's login page.
admin.site.login_form = PacedAdminAuthenticationForm


class OfficerInviteForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_(
            "A new account is created, or the existing account with this name is linked. "
            "Letters, digits and @ . + - _ only."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("The link to choose a password is sent here."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        # A search box rather than a list of every member city.
        self.fields["city"] = forms.ModelChoiceField(
            label=_("City"),
            queryset=City.objects.all(),
            widget=AutocompleteSelect(CityOfficer._meta.get_field("city"), admin_site),
        )


@admin.register(CityOfficer)
class CityOfficerAdmin(SafeSearchMixin, admin.ModelAdmin):
    list_display = ["user", "city", "is_active", "preferred_language", "created_at"]
    list_filter = ["is_active", "preferred_language", "city__coalition"]
    search_fields = ["user__username", "user__email", "city__name"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["city"]
    list_select_related = ["user", "city"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("user")  # another account is another officer: invite it
        return fields

    def get_urls(self):
        return [
            path(
                "invite/",
                self.admin_site.admin_view(self.invite_view),
                name="cities_cityofficer_invite",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        # The changelist's “Add” button leads to the invitation, which creates the account too.
        query = request.GET.urlencode()
        return HttpResponseRedirect(invite_url() + (f"?{query}" if query else ""))

    def invite_view(self, request):
        """Create or link an officer's account and e-mail them a link to choose a password.

        Editors may not add or change user accounts; ``invitations.officer_invite`` creates the
        account with no password, and only for this purpose.
        """
        if not request.user.has_perm(INVITE_PERMISSION):
            raise PermissionDenied
        initial = {}
        if request.method == "GET" and request.GET.get("city", "").isdigit():
            initial["city"] = City.objects.filter(pk=request.GET["city"]).first()
        form = OfficerInviteForm(
            request.POST if request.method == "POST" else None,
            initial=initial,
            admin_site=self.admin_site,
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            was_officer = CityOfficer.objects.filter(user__username=data["username"]).exists()
            try:
                user, created = invitations.officer_invite(
                    username=data["username"],
                    email=data["email"],
                    city=data["city"],
                    invited_by=request.user,
                )
            except invitations.OfficerInviteError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                officer = user.city_officer
                log = self.log_change if was_officer else self.log_addition
                log(request, officer, "Invited: a link to choose a password was e-mailed.")
                template = (
                    _(
                        "Created the account “%(username)s” for %(city)s and e-mailed "
                        "%(email)s a link to choose a password."
                    )
                    if created
                    else _(
                        "The account “%(username)s” now represents %(city)s. A link to choose "
                        "a password was e-mailed to %(email)s."
                    )
                )
                self.message_user(
                    request,
                    template
                    % {"username": user.get_username(), "city": officer.city, "email": user.email},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:cities_cityofficer_changelist"))
        adminform = helpers.AdminForm(
            form, [(None, {"fields": ["username", "email", "city"]})], {}, model_admin=self
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Invite an officer"),
            "adminform": adminform,
            "form": form,
            "media": self.media + form.media,
            "has_view_permission": self.has_view_permission(request),
            "validity_days": invitations.link_validity_days(),
        }
        return TemplateResponse(request, "registration/officer_invite.html", context)
