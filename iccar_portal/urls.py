from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("ICCAR Good Practices — editors")
admin.site.site_title = _("ICCAR editors")
admin.site.index_title = _("Review and manage good practices")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("practices.urls")),
    path("", include("cities.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
