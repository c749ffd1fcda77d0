from django.urls import include, path

from querela.web.views.health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("api/v1/", include("querela.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("querela.web.urls")),
]

handler404 = "querela.web.views.public.not_found.page_not_found"
