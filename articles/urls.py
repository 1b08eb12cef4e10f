from django.urls import path

from articles import cluster_views, feeds, views

# Every timeline has its page, and its feeds one level down: /communes/sete/ -> /communes/sete/rss/.
# Feed routes are named after their page with "-rss" or "-atom" (see timelines.Timeline.feed_url).
urlpatterns = [
    path("", views.timeline, name="home"),
    path("rss/", feeds.timeline_feed, {"kind": "rss"}, name="home-rss"),
    path("atom/", feeds.timeline_feed, {"kind": "atom"}, name="home-atom"),
    path("communes/<slug:commune>/", views.timeline, name="commune"),
    path("communes/<slug:commune>/rss/", feeds.timeline_feed, {"kind": "rss"}, name="commune-rss"),
    path("communes/<slug:commune>/atom/", feeds.timeline_feed, {"kind": "atom"}, name="commune-atom"),
    path("communes/<slug:commune>/<slug:section>/", views.timeline, name="commune-section"),
    path(
        "communes/<slug:commune>/<slug:section>/rss/",
        feeds.timeline_feed,
        {"kind": "rss"},
        name="commune-section-rss",
    ),
    path(
        "communes/<slug:commune>/<slug:section>/atom/",
        feeds.timeline_feed,
        {"kind": "atom"},
        name="commune-section-atom",
    ),
    path("rubriques/<slug:section>/", views.timeline, name="section"),
    path("rubriques/<slug:section>/rss/", feeds.timeline_feed, {"kind": "rss"}, name="section-rss"),
    path("rubriques/<slug:section>/atom/", feeds.timeline_feed, {"kind": "atom"}, name="section-atom"),
    path("articles/<int:pk>/", views.article, name="article"),
    path("evenements/<int:pk>/", cluster_views.cluster, name="cluster"),
    path("recherche/", views.search, name="search"),
    path("recherche/rss/", feeds.search_feed, {"kind": "rss"}, name="search-rss"),
    path("recherche/atom/", feeds.search_feed, {"kind": "atom"}, name="search-atom"),
    path("sources/", views.sources, name="sources"),
    path("flux.opml", views.opml, name="opml"),
    path("ma-commune/", views.my_commune, name="my-commune"),
    path("robots.txt", views.robots, name="robots"),
]
