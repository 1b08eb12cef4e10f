from __future__ import annotations

from django.urls import path

from elections import feeds, views

app_name = "elections"

urlpatterns = [
    path("communes/<slug:commune>/elections/", views.hub, name="hub"),
    path("elections/", views.index, name="index"),
    path("elections/<slug:slug>/", views.area, name="area"),
    path("candidats/<slug:slug>/", views.person, name="person"),
    path("candidats/<slug:slug>/rss/", feeds.PersonFeed(), name="person-rss"),
    path("candidats/<slug:slug>/atom/", feeds.PersonAtom(), name="person-atom"),
]
