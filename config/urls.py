from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from config.health import healthz

admin.site.site_header = "Causerie — administration"
admin.site.site_title = "Causerie"
admin.site.index_title = "Modération et contenus"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

# French at the root, English under /en/: the address alone says the language, so an anonymous
# page needs no cookie or form to switch (and stays cacheable by anyone in front of the app).
urlpatterns += i18n_patterns(
    path("comptes/", include("accounts.urls")),
    path("comptes/", include("allauth.urls")),
    path("commentaires/", include("comments.urls")),
    path("", include("blog.urls")),
    prefix_default_language=False,
)
