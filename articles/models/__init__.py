"""Models of the articles app, one module per concern.

- ``sections``: Section.
- ``sources``: Source and FetchLog (ingestion).
- ``stories``: Article and its QuerySet (timelines).
- ``tags``: ArticleCommune, ArticleSection, SectionRule, Candidate (classification).
- ``health``: WorkerHeartbeat.
"""

from articles.models.health import WorkerHeartbeat
from articles.models.sections import Section
from articles.models.sources import FetchLog, Source
from articles.models.stories import Article, ArticleQuerySet
from articles.models.tags import ArticleCommune, ArticleSection, Candidate, SectionRule

__all__ = [
    "Article",
    "ArticleCommune",
    "ArticleQuerySet",
    "ArticleSection",
    "Candidate",
    "FetchLog",
    "Section",
    "SectionRule",
    "Source",
    "WorkerHeartbeat",
]
