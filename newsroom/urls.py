from django.contrib import admin
from django.urls import include, path

from newsroom import health

admin.site.site_header = "Newsroom — rédaction"
admin.site.site_title = "Newsroom"
admin.site.index_title = "Bureau de la rédaction"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Before articles: /communes/<slug>/elections/ is the elections hub, not the plain timeline.
    path("", include("elections.urls")),
    path("abonnements/", include("subscriptions.urls")),
    path("", include("articles.urls")),
    path("", include("pictures.urls")),
]
