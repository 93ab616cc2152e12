"""The site's URLs plus the benchmark's floor view (bench settings only)."""

from django.urls import include, path

from bench import floor

urlpatterns = [
    path("bench-floor/<slug:slug>/", floor.post_floor, name="bench_floor"),
    path("", include("config.urls")),
]
