"""The Content-Security-Policy holds in a real browser, and the pages still work under it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from articles.models import Article, Source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ["/", "/communes/sete/", "/rubriques/culture/", "/recherche/?q=port", "/sources/", "/admin/login/"]


@pytest.fixture
def story():
    source = Source.objects.create(name="Sète Infos", url="https://sete.example/rss")
    return Article.objects.create(
        source=source,
        guid="g1",
        url="https://sete.example/port",
        title="Le port de Sète accueille un nouveau quai",
        summary="<p>Les travaux du <strong>port</strong> commencent.</p>",
    )


def _csp_violations(page) -> list[str]:
    return [text for text in page.watch.console_errors if "Content Security Policy" in text]


@pytest.mark.parametrize("path", PAGES)
def test_pages_render_under_the_policy_without_a_single_violation(page, story, path):
    response = page.goto(path)
    assert response.status == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert response.headers["x-frame-options"] == "DENY"
    # The stylesheet applied (a blocked stylesheet leaves the page unstyled).
    assert page.evaluate("() => document.styleSheets.length") >= 1
    assert _csp_violations(page) == []
    assert page.watch.foreign_requests == [] and page.watch.failed_requests == []


def test_a_resident_can_search_and_open_a_story_under_the_policy(page, story):
    page.goto("/")
    page.get_by_role("search").first.locator("input[name=q]").fill("port")
    page.get_by_role("search").first.locator("input[name=q]").press("Enter")
    page.wait_for_url("**/recherche/?q=port*")
    page.get_by_role("link", name=story.title).first.click()
    page.wait_for_url(f"**/articles/{story.pk}/")
    assert page.locator("h1").inner_text() == story.title
    assert _csp_violations(page) == []


def test_an_editor_can_log_in_to_the_admin_under_the_policy(page, story):
    User.objects.create_superuser("redac", "redac@news.example", "le-bon-mot-de-passe-2026")
    page.goto("/admin/login/")
    page.fill("input[name=username]", "redac")
    page.fill("input[name=password]", "le-bon-mot-de-passe-2026")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto(f"/admin/articles/article/{story.pk}/change/")
    assert page.locator("input[name=title]").input_value() == story.title
    assert _csp_violations(page) == []


def test_the_policy_blocks_inline_script_and_foreign_script_in_the_browser(page, story):
    page.goto("/")
    # Something that got past the sanitiser would look like this; the browser must refuse to run it.
    page.evaluate(
        """() => {
        const inline = document.createElement('script');
        inline.textContent = 'window.__ran = true';
        document.body.appendChild(inline);
        const img = document.createElement('img');
        img.setAttribute('onerror', 'window.__ran = true');
        img.src = '/nowhere.png';
        document.body.appendChild(img);
        const foreign = document.createElement('script');
        foreign.src = 'https://evil.example/x.js';
        document.body.appendChild(foreign);
    }"""
    )
    page.wait_for_function("() => document.querySelector('img[onerror]').complete")
    assert page.evaluate("() => window.__ran === undefined")
    violations = _csp_violations(page)
    assert any("inline" in text for text in violations)
    assert any("evil.example" in text for text in violations), "the foreign script was not refused by the policy"


def test_the_site_cannot_be_framed(page, story, live_server):
    # A page of another origin tries to frame the site: X-Frame-Options and frame-ancestors refuse.
    page.route("http://framer.test/", lambda route: route.fulfill(
        body=f'<iframe id="f" src="{live_server.url}/"></iframe>', content_type="text/html"
    ))  # fmt: skip
    page.context.unroute("**/*")
    page.goto("http://framer.test/")
    frame = page.frame_locator("#f")
    assert frame.locator("body").count() in (0, 1)
    inner = [f for f in page.frames if f.url.startswith(live_server.url)]
    assert not inner or inner[0].evaluate("() => document.body === null || document.body.innerText === ''")
