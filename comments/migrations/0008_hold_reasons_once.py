"""The JSON list of hold reasons goes: the HoldReason rows are their one store (see 0007)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("comments", "0007_hold_reason_params")]

    operations = [
        migrations.AlterModelOptions(
            name="holdreason",
            options={
                "ordering": ["position"],
                "verbose_name": "raison de la retenue",
                "verbose_name_plural": "raisons de la retenue",
            },
        ),
        migrations.RemoveField(model_name="comment", name="hold_reasons"),
        migrations.AlterField(
            model_name="holdreason",
            name="comment",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="hold_reasons",
                to="comments.comment",
                verbose_name="commentaire",
            ),
        ),
        migrations.AddConstraint(
            model_name="holdreason",
            constraint=models.UniqueConstraint(
                fields=("comment", "position"), name="comments_holdreason_position_unique"
            ),
        ),
    ]
