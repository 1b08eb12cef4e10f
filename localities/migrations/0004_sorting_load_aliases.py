"""Seed the gazetteer: names, long forms, demonyms, places, nicknames, ambiguous and blocking phrases.

Places come from local knowledge and the La Poste "Ligne 5" hamlets (La Peyrade, Marseillan Plage;
base officielle des codes postaux, Licence Ouverte, see localities/data/README.md).
Spelling variants without accents, hyphens or capitals need no row: the gazetteer folds them.
"""

from django.db import migrations

# (commune slug, kind, weight, phrases); weight < 1 marks a place that alone is a weak hint.
ALIASES = [
    ("sete", "historical", 1.0, ["Cette"]),
    ("sete", "demonym", 1.0, ["Sétois", "Sétoise", "Sétoises"]),
    ("sete", "nickname", 1.0, ["l'Île singulière", "Île singulière", "Venise du Languedoc", "Venise languedocienne"]),
    (
        "sete",
        "place",
        1.0,
        [
            "Pointe Courte",
            "Île de Thau",
            "Mont Saint-Clair",
            "Mont St-Clair",
            "colline Saint-Clair",
            "hôpital Saint-Clair",
            "Corniche de Neuburg",
            "Quartier Haut",
            "Théâtre de la Mer",
            "Cimetière marin",
            "Musée Paul-Valéry",
            "Espace Georges-Brassens",
            "Musée international des arts modestes",
            "Stade Louis-Michel",
            "Môle Saint-Louis",
            "Crique de l'Anau",
            "Port Sud de France",
            "Centre hospitalier du bassin de Thau",
            "Lycée Paul-Valéry",
            "plage de Villeroy",
            "plage de la Corniche",
        ],
    ),
    ("sete", "place", 0.6, ["Saint-Clair", "St-Clair", "Théâtre Molière", "Lazaret", "Barrou", "Plagette", "Villeroy"]),
    ("frontignan", "long_form", 1.0, ["Frontignan la Peyrade"]),
    ("frontignan", "demonym", 1.0, ["Frontignanais", "Frontignanaise", "Frontignanaises"]),
    ("frontignan", "place", 0.6, ["Peyrade"]),
    ("frontignan", "place", 1.0, ["La Peyrade", "Frontignan-Plage", "Peyradais", "Peyradaise", "Peyradaises"]),
    ("balaruc-les-bains", "place", 1.0, ["Thermes de Balaruc", "O'balia"]),
    ("balaruc-le-vieux", "place", 1.0, ["Tanes Basses", "Balaruc Loisirs"]),
    # Hints never tag alone; they only say which Balaruc a story means.
    ("balaruc-les-bains", "hint", 1.0, ["thermes", "curistes", "station thermale", "cure thermale"]),
    ("balaruc-le-vieux", "hint", 1.0, ["circulade", "vieux village"]),
    ("bouzigues", "demonym", 1.0, ["Bouzigaud", "Bouzigaude", "Bouzigauds", "Bouzigaudes"]),
    ("bouzigues", "place", 1.0, ["Musée de l'étang de Thau"]),
    ("gigean", "demonym", 1.0, ["Gigeanais", "Gigeanaise", "Gigeanaises"]),
    ("gigean", "place", 1.0, ["Saint-Félix-de-Montceau", "abbaye Saint-Félix"]),
    ("loupian", "demonym", 1.0, ["Loupianais", "Loupianaise", "Loupianaises"]),
    ("marseillan", "demonym", 1.0, ["Marseillanais", "Marseillanaise", "Marseillanaises"]),
    ("marseillan", "place", 1.0, ["Marseillan-Plage", "Pointe des Onglous", "Onglous", "Noilly Prat"]),
    ("meze", "demonym", 1.0, ["Mézois", "Mézoise", "Mézoises"]),
    ("meze", "place", 1.0, ["Musée-parc des dinosaures", "Parc des dinosaures"]),
    ("mireval", "demonym", 1.0, ["Mirevalais", "Mirevalaise", "Mirevalaises"]),
    ("montbazin", "demonym", 1.0, ["Montbazinois", "Montbazinoise", "Montbazinoises"]),
    ("poussan", "demonym", 1.0, ["Poussannais", "Poussannaise", "Poussannaises", "Poussanais", "Poussanaise"]),
    ("vic-la-gardiole", "demonym", 1.0, ["Vicois", "Vicoise", "Vicoises"]),
    ("vic-la-gardiole", "place", 0.6, ["étang de Vic", "Vic"]),
    ("villeveyrac", "demonym", 1.0, ["Villeveyracois", "Villeveyracoise", "Villeveyracoises"]),
    ("villeveyrac", "place", 1.0, ["abbaye de Valmagne", "Valmagne"]),
]

# Either Balaruc: tagged only when the rest of the story says which.
AMBIGUOUS = (
    ["balaruc-les-bains", "balaruc-le-vieux"],
    ["Balaruc", "les Balarucs", "Balarucois", "Balarucoise", "Balarucoises"],
)

# Longer phrases that contain a commune's name but mean something else.
BLOCK = [
    "Sète Agglopôle",
    "Sète Agglopôle Méditerranée",
    "Sète Agglo",
    "agglo de Sète",
    "agglomération de Sète",
    "Thau Agglo",
    "Thau Agglomération",
    "Agglopôle",
    "communauté d'agglomération du bassin de Thau",
    "CCI Sète Frontignan Mèze",
    "Mont Saint-Loup",
    "Mireval-Lauragais",
    "Vic-le-Fesq",
    "Vic-en-Bigorre",
    "Vic-le-Comte",
    "Vic-sur-Cère",
    "Vic-Fezensac",
]

# Towns outside the area: a story about them does not take its source's default commune.
OUTSIDE = [
    "Montpellier",
    "Montagnac",
    "Agde",
    "Cap d'Agde",
    "Béziers",
    "Pézenas",
    "Lunel",
    "Mauguio",
    "Carnon",
    "Palavas-les-Flots",
    "Lattes",
    "Pérols",
    "Fabrègues",
    "Villeneuve-lès-Maguelone",
    "Cournonterral",
    "Cournonsec",
    "Pignan",
    "Saint-Jean-de-Védas",
    "Juvignac",
    "Grabels",
    "Castelnau-le-Lez",
    "La Grande-Motte",
    "Florensac",
    "Pomérols",
    "Pinet",
    "Castelnau-de-Guers",
    "Aumelas",
    "Saint-Pargoire",
    "Gignac",
    "Clermont-l'Hérault",
    "Lodève",
    "Vias",
    "Portiragnes",
    "Sérignan",
    "Valras-Plage",
    "Bessan",
    "Saint-Thibéry",
    "Nîmes",
    "Narbonne",
    "Perpignan",
    "Marseille",
    "Toulouse",
    "Paris",
    "Lyon",
]


def load(apps, schema_editor):
    Alias = apps.get_model("localities", "Alias")
    Commune = apps.get_model("localities", "Commune")
    communes = {commune.slug: commune for commune in Commune.objects.all()}

    def add(phrase, commune, kind, weight=1.0):
        Alias.objects.get_or_create(phrase=phrase, commune=commune, defaults={"kind": kind, "weight": weight})

    for commune in communes.values():
        add(commune.name, commune, "name")
    for slug, kind, weight, phrases in ALIASES:
        for phrase in phrases:
            add(phrase, communes[slug], kind, weight)
    slugs, phrases = AMBIGUOUS
    for phrase in phrases:
        for slug in slugs:
            add(phrase, communes[slug], "ambiguous")
    for phrase in BLOCK:
        add(phrase, None, "block")
    for phrase in OUTSIDE:
        add(phrase, None, "outside")


def unload(apps, schema_editor):
    apps.get_model("localities", "Alias").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("localities", "0003_sorting_alias_revision")]
    operations = [migrations.RunPython(load, unload)]
