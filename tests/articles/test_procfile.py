from __future__ import annotations

import re
import sys

from django.conf import settings

from articles.management.commands.runstack import _commands, procfile


def test_the_procfile_names_web_worker_and_beat_as_the_deploy_guide_does():
    commands = procfile()
    assert set(commands) == {"web", "worker", "beat"}
    guide = (settings.BASE_DIR / "docs" / "deploy.md").read_text(encoding="utf-8")
    for name, command in commands.items():
        assert re.search(rf"\| {name} \| `{re.escape(' '.join(command))}` \|", guide), name


def test_make_run_starts_the_procfiles_worker_and_beat(settings):
    settings.DEBUG = True
    commands = _commands("127.0.0.1:8000")
    for name in ("worker", "beat"):
        assert commands[name][:2] == [sys.executable, "-m"]
        assert commands[name][2 : 2 + len(procfile()[name])] == procfile()[name]
    assert commands["web"][1:3] == ["manage.py", "runserver"]


def test_outside_debug_make_run_serves_with_the_procfiles_gunicorn(settings):
    settings.DEBUG = False
    web = _commands("127.0.0.1:9000")["web"]
    assert web[2] == "gunicorn" and web[web.index("--bind") + 1] == "127.0.0.1:9000"
