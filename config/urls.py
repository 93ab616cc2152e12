from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Causerie — administration"
admin.site.site_title = "Causerie"
admin.site.index_title = "Modération et contenus"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("comptes/", include("accounts.urls")),
    path("comptes/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("commentaires/", include("comments.urls")),
    path("", include("blog.urls")),
]
