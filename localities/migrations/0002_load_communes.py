"""Load the 14 communes of Sète Agglopôle Méditerranée from localities/data/communes_sam.csv.

Data: INSEE (COG 2024, populations légales 2021) and La Poste, Licence Ouverte. See data/README.md.
"""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "communes_sam.csv"


def load(apps, schema_editor):
    Commune = apps.get_model("localities", "Commune")
    with DATA.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Commune.objects.update_or_create(
                insee=row["insee"],
                defaults={
                    "name": row["nom"],
                    "slug": row["slug"],
                    "postal_codes": row["codes_postaux"],
                    "population": int(row["population_municipale"]),
                    "latitude": float(row["lat"]),
                    "longitude": float(row["lon"]),
                },
            )


def unload(apps, schema_editor):
    Commune = apps.get_model("localities", "Commune")
    with DATA.open(encoding="utf-8") as handle:
        Commune.objects.filter(insee__in=[row["insee"] for row in csv.DictReader(handle)]).delete()


class Migration(migrations.Migration):
    dependencies = [("localities", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
