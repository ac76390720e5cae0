from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from core.admin_tools import SafeSearchMixin

from .models import City, CityOfficer, Coalition

# Who may invite officers (members/admin.py has the invitation page).
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
    every officer account goes through the checks of ``members.invitations.officer_invite``."""

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
