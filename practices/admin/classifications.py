"""Themes, commitments, roles and target groups: names edited in every language."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from core.admin_tools import SafeSearchMixin
from practices.models import CityRole, Commitment, TargetGroup, Theme


@admin.register(Theme)
class ThemeAdmin(SafeSearchMixin, TranslationAdmin):
    list_display = ["title", "order", "eccar_point"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title"]


@admin.register(Commitment)
class CommitmentAdmin(SafeSearchMixin, TranslationAdmin):
    list_display = ["coalition", "number", "title", "theme"]
    list_filter = ["coalition", "theme"]
    search_fields = ["title"]
    list_select_related = ["coalition", "theme"]


@admin.register(CityRole)
class CityRoleAdmin(TranslationAdmin):
    list_display = ["title", "order"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(TargetGroup)
class TargetGroupAdmin(TranslationAdmin):
    list_display = ["title", "order"]
    prepopulated_fields = {"slug": ["title"]}
