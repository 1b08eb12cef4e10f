"""Models of the articles app, one module per concern.

- ``sections``: Section.
- ``sources``: Source and FetchLog (ingestion).
- ``stories``: Article and its QuerySet (timelines).
- ``tags``: ArticleCommune, ArticleSection, SectionRule, Candidate (classification).
- ``health``: WorkerHeartbeat.
- ``classifier``: TrainingExample, ClassifierModel, AliasSuggestion (the desk teaches the classifier).
"""

from articles.models.classifier import AliasSuggestion, ClassifierModel, TrainingExample
from articles.models.health import WorkerHeartbeat
from articles.models.sections import Section
from articles.models.sources import FetchLog, Source
from articles.models.stories import Article, ArticleQuerySet
from articles.models.tags import ArticleCommune, ArticleSection, Candidate, SectionRule

__all__ = [
    "AliasSuggestion",
    "Article",
    "ArticleCommune",
    "ArticleQuerySet",
    "ArticleSection",
    "Candidate",
    "ClassifierModel",
    "FetchLog",
    "Section",
    "SectionRule",
    "Source",
    "TrainingExample",
    "WorkerHeartbeat",
]
