"""Training the section model with scikit-learn (only ``train_classifier`` and the desk's retraining need it).

Two logistic regressions share the features of ``model.features``: a binary one for Élections
(class-balanced: election stories are the minority) and a multinomial one for the best other
section. Their weights are pruned and handed to ``SectionModel``, which needs no scikit-learn.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from .model import ELECTIONS, SectionModel, features

# scikit-learn's C for the Élections head and for the sections head, chosen by 5-fold cross-validation
# on the stories corpus: Élections leans on a few strong words and rules, sections on many weak ones.
REGULARISATION = (30.0, 3.0)
# A feature whose weights all stay under this share of the largest word weight is not exported: on the
# stories corpus, dropping them changed no decision and halved the file.
PRUNE_SHARE = 0.02


def row_features(row: dict, rules=None) -> dict[str, float]:
    """Features of a labelled row (title and summary only), with the rules' keyword scores if given."""
    from .sections import text_rule_scores
    from .text import Text

    text = Text.of(row.get("title") or "", row.get("summary") or "")
    scores = text_rule_scores(text, rules) if rules is not None else None
    return features(text.tokens, text.boundary, scores)


def fit(rows: list[dict], rules=None, *, regularisation: tuple[float, float] = REGULARISATION) -> SectionModel:
    """A model from labelled rows (``title``, ``summary``, ``elections``, ``section_hint``).

    Élections learns from every row whose call is not debatable; the other sections from rows
    whose ``section_hint`` is another section. ``rules`` (compiled ``Rules``) adds the editors'
    keyword scores as features. Raises ``ValueError`` (French) when the rows cannot teach anything.
    """
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectors = [row_features(row, rules) for row in rows]
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(vectors)
    names = vectorizer.get_feature_names_out()

    labelled = [i for i, row in enumerate(rows) if "elections" in row and not row.get("elections_debatable")]
    targets = [bool(rows[i]["elections"]) for i in labelled]
    if len(set(targets)) < 2:
        raise ValueError("il faut des exemples d’articles sur des élections et d’autres qui n’en parlent pas")
    elections = LogisticRegression(C=regularisation[0], max_iter=2000, class_weight="balanced")
    elections.fit(matrix[labelled], targets)
    columns = [elections.coef_[0]]
    bias = [float(elections.intercept_[0])]
    classes = [ELECTIONS]

    other = [i for i, row in enumerate(rows) if row.get("section_hint") not in (None, "", ELECTIONS)]
    hints = [rows[i]["section_hint"] for i in other]
    if len(set(hints)) >= 2:
        sections = LogisticRegression(C=regularisation[1], max_iter=2000)
        sections.fit(matrix[other], hints)
        classes += list(sections.classes_)
        coefficients = sections.coef_ if len(sections.classes_) > 2 else [-sections.coef_[0] / 2, sections.coef_[0] / 2]
        columns += list(coefficients)
        intercepts = sections.intercept_ if len(sections.classes_) > 2 else [0.0, float(sections.intercept_[0])]
        bias += [float(b) for b in intercepts]
    elif hints:
        classes.append(hints[0])
        columns.append(elections.coef_[0] * 0.0)
        bias.append(0.0)

    vectors = {str(name): tuple(float(column[j]) for column in columns) for j, name in enumerate(names)}
    largest = max((max(map(abs, v)) for name, v in vectors.items() if name[0] != "r"), default=0.0)
    weights = {name: v for name, v in vectors.items() if max(map(abs, v)) >= PRUNE_SHARE * largest}
    trained_at = datetime.now(UTC).replace(microsecond=0)
    model = SectionModel(classes, bias, weights, trained_at=trained_at)
    digest = hashlib.sha256(model.to_bytes()).hexdigest()[:8]
    model.version = f"{trained_at:%Y%m%d-%H%M%S}-{digest}"
    return model
