from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import City, CityOfficer, Coalition


@admin.register(Coalition)
class CoalitionAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "region", "founded_year", "city_count"]
    search_fields = ["name", "short_name", "region"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["lead_city"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_cities=Count("cities"))

    @admin.display(description=_("cities"), ordering="num_cities")
    def city_count(self, obj):
        return obj.num_cities


class CityOfficerInline(admin.TabularInline):
    model = CityOfficer
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "is_active", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "coalition", "member_since", "is_active_member"]
    list_filter = ["coalition", "is_active_member", "country"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["coalition"]
    inlines = [CityOfficerInline]


@admin.register(CityOfficer)
class CityOfficerAdmin(admin.ModelAdmin):
    list_display = ["user", "city", "is_active", "created_at"]
    list_filter = ["is_active", "city__coalition"]
    search_fields = ["user__username", "user__email", "city__name"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["city"]
    list_select_related = ["user", "city"]
