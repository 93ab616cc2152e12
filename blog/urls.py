from django.urls import path, re_path

from blog import feeds, views

app_name = "blog"

urlpatterns = [
    path("", views.PostListView.as_view(), name="post_list"),
    path("billets/<slug:slug>/", views.PostDetailView.as_view(), name="post_detail"),
    path("pages/<slug:slug>/", views.PageDetailView.as_view(), name="page_detail"),
    path("categories/<slug:slug>/", views.CategoryPostListView.as_view(), name="category"),
    path("mots-cles/<slug:slug>/", views.TagPostListView.as_view(), name="tag"),
    path("auteurs/<int:pk>/", views.AuthorPostListView.as_view(), name="author"),
    path("archives/", views.PostArchiveIndexView.as_view(), name="archive"),
    re_path(r"^archives/(?P<year>[0-9]{4})/$", views.PostYearArchiveView.as_view(), name="archive_year"),
    re_path(
        r"^archives/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$",
        views.PostMonthArchiveView.as_view(),
        name="archive_month",
    ),
    path("recherche/", views.SearchView.as_view(), name="search"),
    path("flux/rss/", feeds.LatestPostsFeed(), name="feed_rss"),
    path("flux/atom/", feeds.LatestPostsAtomFeed(), name="feed_atom"),
    path("categories/<slug:slug>/flux/rss/", feeds.CategoryPostsFeed(), name="category_feed_rss"),
    path("categories/<slug:slug>/flux/atom/", feeds.CategoryPostsAtomFeed(), name="category_feed_atom"),
]
