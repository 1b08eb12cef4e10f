"""The worker caps glibc's malloc arenas before its pool forks (its threads' memory: bench latency)."""

from __future__ import annotations

import platform

import pytest
from celery.signals import worker_init

from newsroom import celery as newsroom_celery

on_glibc = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt's arena cap is glibc's")


@on_glibc
def test_the_cap_is_applied_on_glibc(monkeypatch):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert newsroom_celery.cap_malloc_arenas() is True


def test_an_explicit_malloc_arena_max_wins(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert newsroom_celery.cap_malloc_arenas() is False


@on_glibc
def test_the_worker_applies_it_when_it_starts(monkeypatch):
    receivers = [ref() for _key, ref in worker_init.receivers]
    assert newsroom_celery._fewer_malloc_arenas in receivers
    applied = []
    monkeypatch.setattr(newsroom_celery, "cap_malloc_arenas", lambda: applied.append(True) or True)
    newsroom_celery._fewer_malloc_arenas(sender=None)
    assert applied == [True]
