"""Models of the articles app, one module per concern.

- ``sections``: Section.
- ``sources``: Source and FetchLog (ingestion).
- ``articles``: Article and its QuerySet (timelines).
- ``tags``: ArticleCommune, ArticleSection, SectionRule, Candidate (classification).
- ``clusters``: Cluster and ClusterAction (one event told by several outlets).
- ``health``: WorkerHeartbeat.
- ``classifier``: TrainingExample, ClassifierModel, AliasSuggestion (the desk teaches the classifier).
"""

from articles.models.articles import Article, ArticleQuerySet
from articles.models.classifier import AliasSuggestion, ClassifierModel, TrainingExample
from articles.models.clusters import Cluster, ClusterAction
from articles.models.health import WorkerHeartbeat
from articles.models.sections import Section
from articles.models.sources import FetchLog, Source
from articles.models.tags import ArticleCommune, ArticleSection, Candidate, SectionRule

__all__ = [
    "AliasSuggestion",
    "Article",
    "ArticleCommune",
    "ArticleQuerySet",
    "ArticleSection",
    "Candidate",
    "ClassifierModel",
    "Cluster",
    "ClusterAction",
    "FetchLog",
    "Section",
    "SectionRule",
    "Source",
    "TrainingExample",
    "WorkerHeartbeat",
]
