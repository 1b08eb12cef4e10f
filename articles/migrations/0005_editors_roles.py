"""The desk's two groups, "Éditeurs" and "Administrateurs", with their permissions."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from articles.admin.roles import sync_roles

    sync_roles(apps, using=schema_editor.connection.alias)


def delete_roles(apps, schema_editor):
    from articles.admin.roles import ADMINISTRATORS, EDITORS

    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=[EDITORS, ADMINISTRATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_timelines_search"),
        ("localities", "0002_load_communes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
