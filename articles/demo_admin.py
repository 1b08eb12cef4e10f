"""The demo administrator that ``make run`` creates in local mode only.

Its random password is kept in var/demo-admin.txt (outside git) so it can be printed again.
Production (DJANGO_DEBUG=0) never gets a default account.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model

DEMO_USERNAME = "admin"


def ensure_demo_admin() -> tuple[str, str]:
    """The demo administrator's (username, password), created on first use. Local mode only."""
    if not settings.DEBUG:
        raise RuntimeError("No demo account outside local mode (DJANGO_DEBUG=0).")
    path = settings.VAR_DIR / "demo-admin.txt"
    User = get_user_model()
    user = User.objects.filter(username=DEMO_USERNAME).first()
    if user is not None and path.exists():
        return DEMO_USERNAME, path.read_text(encoding="utf-8").strip()
    password = secrets.token_urlsafe(12)
    if user is None:
        User.objects.create_superuser(DEMO_USERNAME, "admin@localhost", password)
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    path.write_text(password + "\n", encoding="utf-8")
    path.chmod(0o600)
    return DEMO_USERNAME, password


def demo_admin_message(credentials: tuple[str, str], addr: str = "127.0.0.1:8000") -> str:
    username, password = credentials
    return (
        f"Espace rédaction : http://{addr}/admin/\n"
        f"  identifiant : {username}\n  mot de passe : {password}\n"
        "  (compte de démonstration, mode local uniquement ; le mot de passe est dans var/demo-admin.txt)"
    )
