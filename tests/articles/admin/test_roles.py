"""Both desk roles exist after migrating, and each can do exactly what the issue says."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from articles.admin.roles import ADMINISTRATORS, EDITORS
from articles.models import Article
from tests.builders import make_article, make_source

pytestmark = pytest.mark.django_db


def test_the_migration_creates_both_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {EDITORS, ADMINISTRATORS}


def test_editors_can_tag_hide_and_feature_stories(editor):
    for codename in ("articles.change_article", "articles.add_articlecommune", "articles.delete_articlecommune"):
        assert editor.has_perm(codename), codename
    assert editor.has_perm("articles.add_articlesection")


def test_editors_manage_rules_candidates_and_aliases(editor):
    for model in ("sectionrule", "candidate"):
        for action in ("add", "change", "delete"):
            assert editor.has_perm(f"articles.{action}_{model}")


def test_editors_set_elections_and_import_files_but_cannot_edit_results(editor):
    for codename in ("elections.add_election", "elections.change_election", "elections.change_round"):
        assert editor.has_perm(codename), codename
    assert editor.has_perm("elections.view_result")
    assert not editor.has_perm("elections.change_result")
    assert not editor.has_perm("elections.delete_election")


def test_editors_cannot_delete_sources_or_manage_users(editor):
    assert editor.has_perm("articles.change_source")
    assert not editor.has_perm("articles.delete_source")
    assert not any(editor.has_perm(f"auth.{a}_user") for a in ("view", "add", "change", "delete"))
    assert not editor.has_perm("auth.change_group")


def test_administrators_can_do_everything(administrator):
    assert administrator.has_perm("articles.delete_source")
    assert administrator.has_perm("auth.change_user")
    assert administrator.has_perm("auth.delete_group")


def test_an_editor_gets_no_delete_button_or_page_for_sources(editor_client):
    source = make_source()
    page = editor_client.get(f"/admin/articles/source/{source.pk}/change/")
    assert page.status_code == 200
    assert f"/admin/articles/source/{source.pk}/delete/" not in page.content.decode()
    assert editor_client.get(f"/admin/articles/source/{source.pk}/delete/").status_code == 403
    changelist = editor_client.get("/admin/articles/source/")
    assert "delete_selected" not in changelist.content.decode()


def test_an_editor_cannot_open_the_accounts_pages(editor_client):
    assert editor_client.get("/admin/auth/user/").status_code == 403
    assert editor_client.get("/admin/auth/group/").status_code == 403


def test_an_administrator_can_delete_a_source_and_manage_accounts(admin_group_client):
    source = make_source()
    assert admin_group_client.get("/admin/auth/user/").status_code == 200
    response = admin_group_client.post(f"/admin/articles/source/{source.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not type(source).objects.filter(pk=source.pk).exists()


def test_an_editor_hides_and_features_stories_from_the_list(editor_client):
    hidden, featured = make_article(), make_article()
    for action, story in (("hide", hidden), ("feature", featured)):
        response = editor_client.post(
            "/admin/articles/article/", {"action": action, "_selected_action": [story.pk]}, follow=True
        )
        assert response.status_code == 200
    assert Article.objects.get(pk=hidden.pk).status == Article.Status.HIDDEN
    assert Article.objects.get(pk=featured.pk).status == Article.Status.FEATURED


def test_a_staff_member_without_a_role_cannot_touch_stories(client, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x", is_staff=True)
    client.force_login(nobody)
    story = make_article()
    assert client.get("/admin/articles/article/").status_code == 403
    assert client.get(f"/admin/articles/article/{story.pk}/change/").status_code == 403
    assert client.get("/admin/articles/article/a-verifier/").status_code == 403
