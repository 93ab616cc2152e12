"""The site's URLs plus the benchmark's floor view (bench settings only)."""

from django.urls import path

from bench import floor
from config.urls import urlpatterns as site_urlpatterns

# Added to the site's list rather than include()d: Django refuses i18n_patterns inside an include.
urlpatterns = [
    path("bench-floor/<slug:slug>/", floor.post_floor, name="bench_floor"),
    *site_urlpatterns,
]
