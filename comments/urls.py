from django.urls import path

from comments import views

app_name = "comments"

urlpatterns = [
    path("billets/<int:post_id>/", views.comment_create, name="create"),
]
