"""Masks of each article's matching words (``articles.clusters.signature``), computed for the
articles that have their matching text: read and written 5,000 at a time, one UPDATE per chunk on
PostgreSQL. Articles without it get theirs with their keys (``recluster``, or when grouped)."""

from django.db import migrations

import articles.clusters.signature

CHUNK = 5000


def fill_masks(apps, schema_editor):
    from articles.clusters.normalise import Features
    from articles.clusters.signature import sql_literal

    Article = apps.get_model("articles", "Article")
    connection = schema_editor.connection
    stored = Article.objects.using(connection.alias).exclude(match_text="").order_by("pk")
    last = 0
    while True:
        rows = list(stored.filter(pk__gt=last).values_list("pk", "match_text")[:CHUNK])
        if not rows:
            return
        masks = []
        for pk, text in rows:
            title_bits, word_bits = Features.parse(text).signature[:2]
            masks.append((pk, sql_literal(title_bits), sql_literal(word_bits)))
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                values = ", ".join(["(%s, %s, %s)"] * len(masks))
                cursor.execute(
                    "UPDATE articles_article AS a SET title_bits = v.t::bit(1024), word_bits = v.w::bit(1024) "
                    f"FROM (VALUES {values}) AS v(id, t, w) WHERE a.id = v.id::bigint",
                    [item for row in masks for item in row],
                )
            else:
                cursor.executemany(
                    "UPDATE articles_article SET title_bits = %s, word_bits = %s WHERE id = %s",
                    [(t, w, pk) for pk, t, w in masks],
                )
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_cluster_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="title_bits",
            field=articles.clusters.signature.BitsField(
                blank=True, editable=False, null=True, verbose_name="empreinte du titre"
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="word_bits",
            field=articles.clusters.signature.BitsField(
                blank=True, editable=False, null=True, verbose_name="empreinte des mots"
            ),
        ),
        migrations.RunPython(fill_masks, migrations.RunPython.noop, elidable=True),
    ]
