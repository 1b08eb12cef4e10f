"""Aliases that real local news needs: the old spelling "Sette" and the quarters that the
labelling rules of the labelled real stories (the corpora's stories/MANIFEST.txt) give to their commune. Les Aresquiers is left
out: the beach straddles Frontignan and Vic-la-Gardiole.

Hamlets, landmarks, mayors and the communes of France are read from files in localities/data/ when
the gazetteer compiles, not stored as rows.
"""

from django.db import migrations

# (commune slug, kind, weight, phrases); weight < 1 marks a place that alone is a weak hint.
ALIASES = [
    ("sete", "historical", 1.0, ["Sette"]),
    ("sete", "place", 1.0, ["Le Barrou", "quartier de la Corniche", "Salins de Sète"]),
    ("sete", "place", 0.6, ["Corniche"]),
    ("marseillan", "place", 1.0, ["MarseillanPlage"]),
]


def load(apps, schema_editor):
    Alias = apps.get_model("localities", "Alias")
    Commune = apps.get_model("localities", "Commune")
    communes = {commune.slug: commune for commune in Commune.objects.all()}
    for slug, kind, weight, phrases in ALIASES:
        for phrase in phrases:
            Alias.objects.get_or_create(
                phrase=phrase, commune=communes[slug], defaults={"kind": kind, "weight": weight}
            )


def unload(apps, schema_editor):
    phrases = [phrase for _slug, _kind, _weight, group in ALIASES for phrase in group]
    apps.get_model("localities", "Alias").objects.filter(phrase__in=phrases).delete()


class Migration(migrations.Migration):
    dependencies = [("localities", "0004_sorting_load_aliases")]
    operations = [migrations.RunPython(load, unload)]
