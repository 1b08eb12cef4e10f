from __future__ import annotations

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy header: no inline script, no foreign scripts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.NEWSROOM_CSP and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.NEWSROOM_CSP
        return response
