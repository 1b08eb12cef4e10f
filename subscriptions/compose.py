"""Emails as EmailMultiAlternatives: plain text and HTML, in French, with RFC 8058 one-click unsubscribe.

No tracking pixel and no rewritten link: article links go straight to the article's page.
"""

from __future__ import annotations

from collections import OrderedDict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape

from articles.models import Article
from subscriptions.digests import Digest
from subscriptions.models import Delivery, Subscriber
from subscriptions.tokens import make_token

WHOLE_AREA = "Tout le bassin de Thau"


def absolute(path: str) -> str:
    return settings.NEWSROOM_SITE_URL + path


def links(subscriber: Subscriber) -> dict[str, str]:
    return {
        "manage": absolute(reverse("subscriptions:manage", args=[make_token(subscriber, "manage")])),
        "unsubscribe": absolute(reverse("subscriptions:unsubscribe", args=[make_token(subscriber, "unsubscribe")])),
    }


def _message(subscriber: Subscriber, subject: str, text: str, html: str, *, unsubscribe: str = ""):
    headers = {}
    if unsubscribe:
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(subject, text, settings.NEWSROOM_EMAIL_FROM, [subscriber.email], headers=headers)
    message.attach_alternative(html, "text/html")
    return message


def _render(template: str, context: dict) -> tuple[str, str]:
    context = {"site_name": settings.NEWSROOM_SITE_NAME, **context}
    return tuple(render_to_string(f"subscriptions/email/{template}.{ext}", context) for ext in ("txt", "html"))


def _with_footer(body: tuple[str, str], urls: dict[str, str]) -> tuple[str, str]:
    # The footer is the only part that differs between subscribers of one group: the body is shared.
    text = FOOTER_TEXT.format(site=settings.NEWSROOM_SITE_NAME, **urls)
    html = FOOTER_HTML.format(site=escape(settings.NEWSROOM_SITE_NAME), **{k: escape(v) for k, v in urls.items()})
    return body[0] + text, body[1].replace("</body>", html + "</body>")


FOOTER_TEXT = """
--
Vous recevez ce courriel parce que vous êtes abonné·e à {site}.
Modifier vos choix : {manage}
Vous désabonner (un clic, l’adresse est effacée) : {unsubscribe}
"""
FOOTER_HTML = """<hr><p style="font-size:small;color:#555">
Vous recevez ce courriel parce que vous êtes abonné·e à {site}.
<a href="{manage}">Modifier vos choix</a> · <a href="{unsubscribe}">Vous désabonner</a>
(un clic, l’adresse est effacée).</p>
"""


def confirmation(subscriber: Subscriber) -> EmailMultiAlternatives:
    url = absolute(reverse("subscriptions:confirm", args=[make_token(subscriber, "confirm")]))
    subject = f"Confirmez votre abonnement à {settings.NEWSROOM_SITE_NAME}"
    return _message(subscriber, subject, *_render("confirm", {"confirm_url": url}))


def already_subscribed(subscriber: Subscriber) -> EmailMultiAlternatives:
    urls = links(subscriber)
    subject = f"Votre abonnement à {settings.NEWSROOM_SITE_NAME}"
    body = _with_footer(_render("already", {"links": urls}), urls)
    return _message(subscriber, subject, *body, unsubscribe=urls["unsubscribe"])


def digest_message(digest: Digest, memo: dict | None = None) -> EmailMultiAlternatives:
    """The email of one digest. ``memo`` shares the rendered body between subscribers of one group."""
    count = len(digest.articles)
    plural = "s" if count > 1 else ""
    alert = digest.kind == Delivery.Kind.ALERT
    if alert:
        words = ", ".join(f"« {w} »" for w in digest.filter.keywords[:3])
        subject = f"Alerte {words} : {count} nouvel{'s' if count > 1 else ''} article{plural}"
    else:
        today = date_format(timezone.localdate(), "j F Y")
        subject = f"{settings.NEWSROOM_SITE_NAME} — votre résumé du {today} : {count} article{plural}"
    key = (digest.kind, digest.filter.communes, tuple(a.id for a in digest.articles))
    body = memo.get(key) if memo is not None else None
    if body is None:
        context = {"alert": alert, "groups": by_commune(digest), "count": count, "site_url": absolute(reverse("home"))}
        body = _render("digest", context)
        if memo is not None:
            memo[key] = body
    urls = links(digest.subscriber)
    return _message(digest.subscriber, subject, *_with_footer(body, urls), unsubscribe=urls["unsubscribe"])


def by_commune(digest: Digest) -> list[tuple[str, list[tuple[Article, str]]]]:
    """(commune name, [(article, absolute url)]), communes by name and the whole area last.

    An article is listed once, under the first commune the subscriber follows (or its first commune).
    """
    groups: dict[str, list] = OrderedDict()
    followed = set(digest.filter.communes)
    for article in sorted(digest.articles, key=lambda a: (a.published, a.id), reverse=True):
        communes = sorted(article.communes.all(), key=lambda c: c.name)
        mine = [c for c in communes if c.id in followed] or communes
        name = mine[0].name if mine else WHOLE_AREA
        groups.setdefault(name, []).append((article, absolute(article.get_absolute_url())))
    return sorted(groups.items(), key=lambda item: (item[0] == WHOLE_AREA, item[0]))
