from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_page

from accounts.urls import allauth_urlpatterns
from accounts.views import serve_media
from blog.sitemaps import SITEMAPS
from blog.views import robots_txt
from config.favicon import favicon
from config.health import healthz

admin.site.site_header = "Causerie — administration"
admin.site.site_title = "Causerie"
admin.site.index_title = "Modération et contenus"
# The admin's login is allauth's: rate limits, and the two-factor step for accounts that have one.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # At the root, outside the language prefixes: one sitemap (with hreflang alternates) and one robots.txt.
    # Cached ten minutes: a scheduled post joins it at most that long after its date.
    path("sitemap.xml", cache_page(600)(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon, name="favicon"),  # asked for by browsers whatever the page declares
    path("admin/", admin.site.urls),
]

# French at the root, English under /en/: the address alone says the language, so an anonymous
# page needs no cookie or form to switch (and stays cacheable by anyone in front of the app).
urlpatterns += i18n_patterns(
    path("comptes/", include("accounts.urls")),
    path("comptes/", include("allauth.urls")),
    path("comptes/", include(allauth_urlpatterns)),  # allauth's names, outside the accounts namespace
    path("commentaires/", include("comments.urls")),
    path("", include("blog.urls")),
    prefix_default_language=False,
)

if settings.ACCOUNTS_SERVE_MEDIA:  # development and tests: uploads (avatars) served by the app itself
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve_media)]
