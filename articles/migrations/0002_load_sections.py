from django.db import migrations

SECTIONS = [
    ("Société", "societe"),
    ("Élections", "elections"),
    ("Politique", "politique"),
    ("Faits divers", "faits-divers"),
    ("Économie", "economie"),
    ("Culture", "culture"),
    ("Sports", "sports"),
    ("Environnement", "environnement"),
]


def load(apps, schema_editor):
    Section = apps.get_model("articles", "Section")
    for position, (name, slug) in enumerate(SECTIONS, start=1):
        Section.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})


def unload(apps, schema_editor):
    apps.get_model("articles", "Section").objects.filter(slug__in=[slug for _, slug in SECTIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
