from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("querela.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("querela.web.urls")),
]

handler404 = "querela.web.views.public.not_found.page_not_found"
