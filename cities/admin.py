from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from iccar_portal.admin_tools import SafeSearchMixin

from . import services
from .models import City, CityOfficer, Coalition

INVITE_PERMISSION = "cities.add_cityofficer"


@admin.register(Coalition)
class CoalitionAdmin(SafeSearchMixin, TranslationAdmin):
    list_display = ["name", "short_name", "region", "founded_year", "city_count"]
    search_fields = ["name", "short_name", "region"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["lead_city"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_cities=Count("cities"))

    @admin.display(description=_("cities"), ordering="num_cities")
    def city_count(self, obj):
        return obj.num_cities


def invite_url(city=None):
    url = reverse("admin:cities_cityofficer_invite")
    return f"{url}?{urlencode({'city': city.pk})}" if city is not None else url


class CityOfficerInline(admin.TabularInline):
    """The city's officers. New ones are invited (“Invite an officer”), never added here, so that
    every officer account goes through the checks of ``services.officer_invite``."""

    model = CityOfficer
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "is_active", "preferred_language", "created_at"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(City)
class CityAdmin(SafeSearchMixin, admin.ModelAdmin):
    list_display = ["name", "country", "coalition", "member_since", "is_active_member"]
    list_filter = ["coalition", "is_active_member", "country"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["coalition"]
    inlines = [CityOfficerInline]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and request.user.has_perm(INVITE_PERMISSION):
            fields.append("invite_officer")
        return fields

    @admin.display(description=_("city officers"))
    def invite_officer(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            invite_url(obj),
            _("Invite an officer for %(city)s") % {"city": obj.name},
        )


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

        Editors may not add or change user accounts; ``services.officer_invite`` creates the
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
                user, created = services.officer_invite(
                    username=data["username"],
                    email=data["email"],
                    city=data["city"],
                    invited_by=request.user,
                )
            except services.OfficerInviteError as error:
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
            "validity_days": services.link_validity_days(),
        }
        return TemplateResponse(request, "registration/officer_invite.html", context)
