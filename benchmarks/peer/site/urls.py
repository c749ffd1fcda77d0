"""URLs of the peer site: django-helpdesk at the root (/tickets/, /api/tickets/, /login/ ...)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("helpdesk.urls", namespace="helpdesk")),
]
