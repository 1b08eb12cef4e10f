"""Elections, their rounds, the lists standing in each commune and each round's results.

A list (``Candidacy``) belongs to an election and a commune; in a presidential election each
candidate is one "list" per commune, so the results pages read the same for every kind.
Results are stored as counts only: percentages are computed from them when shown.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse


class Election(models.Model):
    class Kind(models.TextChoices):
        MUNICIPAL = "municipales", "municipales"
        PRESIDENTIAL = "presidentielle", "présidentielle"
        LEGISLATIVE = "legislatives", "législatives"
        EUROPEAN = "europeennes", "européennes"
        DEPARTMENTAL = "departementales", "départementales"
        REGIONAL = "regionales", "régionales"
        OTHER = "autre", "autre"

    slug = models.SlugField("slug", max_length=100, unique=True)
    title = models.CharField("titre", max_length=200)
    kind = models.CharField("type", max_length=20, choices=Kind.choices, default=Kind.MUNICIPAL)
    created = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "élection"
        verbose_name_plural = "élections"
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("elections:area", args=[self.slug])

    @property
    def is_local(self) -> bool:
        """Lists stand in one commune: their heads are local figures the classifier should know."""
        return self.kind == self.Kind.MUNICIPAL


class Round(models.Model):
    election = models.ForeignKey(Election, verbose_name="élection", on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField("tour")
    date = models.DateField("date")

    class Meta:
        verbose_name = "tour"
        verbose_name_plural = "tours"
        ordering = ["election", "number"]
        constraints = [
            models.UniqueConstraint(fields=["election", "number"], name="round_unique_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1, number__lte=2), name="round_number_1_or_2"),
        ]
        indexes = [
            # Used by /elections/ to find the next round to count down to.
            models.Index(fields=["date"], name="round_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.election} — {'1er' if self.number == 1 else '2d'} tour ({self.date:%d/%m/%Y})"


class Person(models.Model):
    """A head of list or a candidate: the subject of a /candidats/<slug>/ page."""

    slug = models.SlugField("slug", max_length=200, unique=True)
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    sex = models.CharField("sexe", max_length=1, blank=True)

    class Meta:
        verbose_name = "personne candidate"
        verbose_name_plural = "personnes candidates"
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("elections:person", args=[self.slug])


class Candidacy(models.Model):
    """A list (or a candidate) on the ballot of one commune, known by its panel number."""

    election = models.ForeignKey(
        Election, verbose_name="élection", on_delete=models.CASCADE, related_name="candidacies"
    )
    commune = models.ForeignKey(
        "localities.Commune", verbose_name="commune", on_delete=models.CASCADE, related_name="candidacies"
    )
    panel = models.PositiveSmallIntegerField("numéro de panneau")
    short_label = models.CharField("libellé abrégé", max_length=100, blank=True)
    label = models.CharField("libellé", max_length=300, blank=True)
    nuance_code = models.CharField("code nuance", max_length=20, blank=True)
    nuance = models.CharField("nuance", max_length=100, blank=True)
    head = models.ForeignKey(
        Person, verbose_name="tête de liste", null=True, blank=True, on_delete=models.SET_NULL, related_name="lists"
    )

    class Meta:
        verbose_name = "liste"
        verbose_name_plural = "listes"
        ordering = ["election", "commune", "panel"]
        # The unique constraint's index also serves the hub's "lists of this election here" query.
        constraints = [
            models.UniqueConstraint(fields=["election", "commune", "panel"], name="candidacy_unique_panel"),
        ]

    def __str__(self) -> str:
        return f"{self.display_label} ({self.commune}, panneau {self.panel})"

    @property
    def display_label(self) -> str:
        return self.label or self.short_label or (self.head.name if self.head_id else f"Panneau {self.panel}")

    @property
    def short_name(self) -> str:
        """For charts and sentences, where a list's full name is too long."""
        return self.short_label or self.display_label


class Result(models.Model):
    """How one commune voted in one round (summed over its polling stations)."""

    round = models.ForeignKey(Round, verbose_name="tour", on_delete=models.CASCADE, related_name="results")
    commune = models.ForeignKey(
        "localities.Commune", verbose_name="commune", on_delete=models.CASCADE, related_name="election_results"
    )
    registered = models.PositiveIntegerField("inscrits")
    voters = models.PositiveIntegerField("votants")
    abstentions = models.PositiveIntegerField("abstentions")
    expressed = models.PositiveIntegerField("exprimés")
    blank = models.PositiveIntegerField("blancs")
    null = models.PositiveIntegerField("nuls")
    warnings = models.JSONField("écarts signalés", default=list, blank=True)
    source_name = models.CharField("fichier", max_length=255, blank=True)
    imported = models.DateTimeField("importé le", auto_now=True)

    class Meta:
        verbose_name = "résultat"
        verbose_name_plural = "résultats"
        ordering = ["round", "commune"]
        constraints = [
            models.UniqueConstraint(fields=["round", "commune"], name="result_unique_commune"),
            models.CheckConstraint(
                condition=models.Q(voters__lte=models.F("registered")), name="result_voters_le_registered"
            ),
        ]
        indexes = [
            # Used by the hub: a commune's results, newest round first.
            models.Index(fields=["commune", "round"], name="result_commune_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.commune} — {self.round}"

    @property
    def turnout(self) -> float:
        return 100 * self.voters / self.registered if self.registered else 0.0


class ListResult(models.Model):
    result = models.ForeignKey(Result, verbose_name="résultat", on_delete=models.CASCADE, related_name="lists")
    candidacy = models.ForeignKey(
        Candidacy, verbose_name="liste", on_delete=models.CASCADE, related_name="list_results"
    )
    votes = models.PositiveIntegerField("voix")
    seats = models.PositiveSmallIntegerField("sièges au conseil municipal", default=0)
    seats_cc = models.PositiveSmallIntegerField("sièges au conseil communautaire", default=0)
    elected = models.BooleanField("élu·e", default=False)

    class Meta:
        verbose_name = "résultat d’une liste"
        verbose_name_plural = "résultats des listes"
        ordering = ["result", "-votes"]
        # The unique constraint's index serves the result -> lists prefetch.
        constraints = [
            models.UniqueConstraint(fields=["result", "candidacy"], name="listresult_unique_list"),
        ]

    def __str__(self) -> str:
        return f"{self.candidacy.display_label} : {self.votes} voix"

    @property
    def share(self) -> float:
        """Percentage of the expressed votes."""
        expressed = self.result.expressed
        return 100 * self.votes / expressed if expressed else 0.0


class ImportJob(models.Model):
    """A file uploaded in the admin, imported by a worker: a national file takes longer than a request."""

    class Status(models.TextChoices):
        PENDING = "pending", "en file d’attente"
        RUNNING = "running", "en cours"
        DONE = "done", "importé"
        REFUSED = "refused", "refusé"
        FAILED = "failed", "échec"

    election = models.SlugField("élection (slug)", max_length=100)
    title = models.CharField("titre", max_length=200, blank=True)
    election_kind = models.CharField("type d’élection", max_length=20, choices=Election.Kind.choices, blank=True)
    round = models.PositiveSmallIntegerField("tour")
    date = models.DateField("date du tour")
    kind = models.CharField("fichier", max_length=10, choices=[("lists", "listes"), ("results", "résultats")])
    token = models.CharField("fichier reçu", max_length=32, unique=True)
    filename = models.CharField("nom du fichier", max_length=255, blank=True)
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.PENDING)
    message = models.TextField("compte rendu", blank=True)
    created = models.DateTimeField("envoyé le", auto_now_add=True)
    finished = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "import de fichier"
        verbose_name_plural = "imports de fichiers"
        ordering = ["-created"]
        indexes = [
            # Used by the admin's list of imports, newest first.
            models.Index(fields=["-created"], name="importjob_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.filename or self.token} → {self.election}, tour {self.round} ({self.get_status_display()})"
