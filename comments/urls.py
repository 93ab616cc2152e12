from django.urls import path

from comments import link_views, views

app_name = "comments"

urlpatterns = [
    path("billets/<int:post_id>/", views.comment_create, name="create"),
    path("<int:pk>/modifier/", views.comment_edit, name="edit"),
    path("<int:pk>/supprimer/", views.comment_delete, name="delete"),
    path("<int:pk>/signaler/", views.comment_report, name="report"),
    path("mes-commentaires/", views.my_comments, name="mine"),
    path("moderation/<str:token>/", link_views.moderation_link, name="moderation_link"),
    path("desabonnement/<str:token>/", link_views.unsubscribe, name="unsubscribe"),
]
