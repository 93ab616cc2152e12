from django.urls import path

from comments import feeds, link_views, views

app_name = "comments"

urlpatterns = [
    path("billets/<int:post_id>/", views.comment_create, name="create"),
    path("<int:pk>/modifier/", views.comment_edit, name="edit"),
    path("<int:pk>/supprimer/", views.comment_delete, name="delete"),
    path("<int:pk>/signaler/", views.comment_report, name="report"),
    path("mes-commentaires/", views.my_comments, name="mine"),
    path("moderation/<str:token>/", link_views.moderation_link, name="moderation_link"),
    path("desabonnement/<str:token>/", link_views.unsubscribe, name="unsubscribe"),
    path("flux/rss/", feeds.LatestCommentsFeed(), name="feed_rss"),
    path("flux/atom/", feeds.LatestCommentsAtomFeed(), name="feed_atom"),
    path("billets/<slug:slug>/flux/rss/", feeds.PostCommentsFeed(), name="post_feed_rss"),
    path("billets/<slug:slug>/flux/atom/", feeds.PostCommentsAtomFeed(), name="post_feed_atom"),
]
