"""/abonnements/: sign up, confirm, change one's choices, unsubscribe. No account, no password."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from subscriptions import ratelimit, signup
from subscriptions.forms import PreferencesForm, SubscribeForm
from subscriptions.models import Subscriber
from subscriptions.tokens import PROBLEMS, make_token, read_token

TOO_MANY = "Trop de demandes d’abonnement depuis votre connexion : réessayez dans une heure."


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        initial = {"commune": request.GET.getlist("commune"), "section": request.GET.getlist("section")}
        return _form_page(request, SubscribeForm(initial=initial))
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form)
    if not ratelimit.allow("ip", request.META.get("REMOTE_ADDR", "")):
        form.add_error(None, TOO_MANY)
        return _form_page(request, form, status=429)
    data = form.cleaned_data
    # Past a few confirmations an hour, an address gets nothing more, and the page says the same:
    # the form cannot be used to flood someone's inbox, nor to learn who is subscribed.
    if ratelimit.allow("email", data["email"]):
        signup.request_subscription(data)
    return render(request, "subscriptions/sent.html", {"title": "Vérifiez vos courriels", **_feeds(request, data)})


def _form_page(request: HttpRequest, form, status: int = 200) -> HttpResponse:
    return render(
        request, "subscriptions/subscribe.html", {"title": "Recevoir par courriel", "form": form}, status=status
    )


def _feeds(request: HttpRequest, data: dict) -> dict:
    """The RSS feed of the search each keyword stands for (the saved search)."""
    extra = {"commune": data["commune"][0]} if len(data.get("commune", ())) == 1 else {}
    feeds = []
    for word in data.get("keywords", ()):
        path = reverse("search-rss") + "?" + urlencode({"q": word, **extra})
        feeds.append((word, request.build_absolute_uri(path)))
    return {"keyword_feeds": feeds}


def _problem(request: HttpRequest, problem: str) -> HttpResponse:
    title, text = PROBLEMS[problem]
    return render(request, "subscriptions/problem.html", {"title": title, "text": text}, status=400)


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    # GET only shows a button: mail scanners that open links must not confirm on their own.
    reading = read_token(token, "confirm")
    if reading.problem:
        return _problem(request, reading.problem)
    if request.method == "GET":
        return render(request, "subscriptions/confirm.html", {"title": "Confirmer votre abonnement"})
    signup.confirm(reading.subscriber)
    return render(
        request, "subscriptions/confirmed.html", {"title": "Abonnement confirmé", **_links(reading.subscriber)}
    )


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    reading = read_token(token, "manage")
    if reading.problem:
        return _problem(request, reading.problem)
    subscriber = reading.subscriber
    form = PreferencesForm(request.POST if request.method == "POST" else None, initial=_choices(subscriber))
    saved = form.is_bound and form.is_valid()
    if saved:
        signup.save_preferences(subscriber, form.cleaned_data)
    context = {
        "title": "Vos choix",
        "form": form,
        "saved": saved,
        "subscriber": subscriber,
        **_links(subscriber),
        **_feeds(request, {"keywords": subscriber.keywords, "commune": _choices(subscriber)["commune"]}),
    }
    return render(request, "subscriptions/manage.html", context)


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no cookie and no token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    reading = read_token(token, "unsubscribe")
    if reading.problem:
        return _problem(request, reading.problem)
    if request.method == "GET":
        return render(request, "subscriptions/unsubscribe.html", {"title": "Se désabonner"})
    signup.unsubscribe(reading.subscriber)
    return render(request, "subscriptions/unsubscribed.html", {"title": "Désabonnement effectué"})


def _choices(subscriber: Subscriber) -> dict:
    return {
        "commune": [c.slug for c in subscriber.communes.all()],
        "section": [s.slug for s in subscriber.sections.all()],
        "keywords": "\n".join(subscriber.keywords),
        "frequency": subscriber.frequency,
        "hour": subscriber.hour,
    }


def _links(subscriber: Subscriber) -> dict:
    return {"manage_url": reverse("subscriptions:manage", args=[make_token(subscriber, "manage")])}
