"""Ingestion: source → fetch → parse or scrape → clean → classify (call) → store.

- ``poll.poll_source(source_id, force=False)``: the one entry point (task, ``poll`` command, tests).
- ``fetch``: polite bounded HTTP, SSRF guard on the connected address. ``locks``: source lease and
  per-host slots. ``parse`` / ``scrape`` / ``dates`` / ``clean``: bytes to cleaned ``entries.FeedItem``.
- ``store``: identity and idempotent upserts. ``schedule``: next poll time. ``dispatch``: the
  periodic dispatcher. ``discover``: feed discovery and ``add_source``. ``opml``: import/export.
"""
