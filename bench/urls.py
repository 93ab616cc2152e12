"""The site's URLs plus the benchmark's anchors, the floor view and its `cache_page` (bench settings only)."""

from django.urls import path

from bench import floor
from config.urls import urlpatterns as site_urlpatterns

# Added to the site's list rather than include()d: Django refuses i18n_patterns inside an include.
urlpatterns = [
    path("bench-floor/<slug:slug>/", floor.post_floor, name="bench_floor"),
    path("bench-floor-cached/<slug:slug>/", floor.post_floor_cached, name="bench_floor_cached"),
    *site_urlpatterns,
]
