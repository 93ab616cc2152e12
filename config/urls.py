from django.contrib import admin
from django.urls import include, path

from config.health import healthz

admin.site.site_header = "Causerie — administration"
admin.site.site_title = "Causerie"
admin.site.index_title = "Modération et contenus"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("comptes/", include("accounts.urls")),
    path("comptes/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("commentaires/", include("comments.urls")),
    path("", include("blog.urls")),
]
