"""Grouping the versions of one event told by several outlets into a cluster (one card per event).

- ``normalise``: the words, names, places and numbers of a title and its lead, and the exact keys.
- ``match``: candidates (indexed queries), the score, and the rules that reject a look-alike.
- ``assign``: called at ingest for a poll's new articles, in the poll's transaction: ``prepare`` before
  the insert (keys; on PostgreSQL ids and a cluster of one each), ``assign_new`` once tags are written.
- ``edit``: the editors' merge, split and choice of lead (sticky: ``cluster_pinned``, ``lead_chosen``).
- ``state``: keeping a cluster's lead, dates, size and tags (``sync``) right after any change.
- ``recluster``: grouping stored articles again, editors' choices kept.
"""
