"""When a comment entered the moderation queue, apart from when it was written; a decision taken back.

A comment imported with the seed (written in 2014) enters the queue the day it is imported,
not eleven years ago: the desk's « plus ancien en attente » counts from `queued_at`. Existing
comments: their last edit or their submission, except the imported ones (the day of this migration).
"""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce

IMPORT_REASON = "Importé de l’ancien blog"  # blog.seeds.IMPORT_REASON, as the seed fixture wrote it


def queued_when_written(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    ModerationEvent = apps.get_model("comments", "ModerationEvent")
    imported = ModerationEvent.objects.filter(comment=OuterRef("pk"), action="submitted", reason=IMPORT_REASON)
    Comment.objects.exclude(Exists(imported)).update(queued_at=Coalesce("edited_at", "created_at"))


class Migration(migrations.Migration):
    dependencies = [("comments", "0009_refusal_presets")]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="queued_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                help_text="Entré (ou revenu) dans la file : envoi, modification, signalements ; importé : ce jour-là.",
                verbose_name="en file depuis",
            ),
        ),
        migrations.RunPython(queued_when_written, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["status", "queued_at", "id"], name="comments_desk_idx"),
        ),
        # A decision taken back from the desk (`comments.services.comment_undo_decision`).
        migrations.AlterField(
            model_name="moderationevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("submitted", "Envoyé"),
                    ("edited", "Modifié par son auteur"),
                    ("reported", "Signalé"),
                    ("requeued", "Remis en file après signalements"),
                    ("approved", "Approuvé"),
                    ("rejected", "Refusé"),
                    ("spam", "Marqué indésirable"),
                    ("removed", "Supprimé par son auteur"),
                    ("reverted", "Décision annulée"),
                ],
                max_length=12,
                verbose_name="action",
            ),
        ),
    ]
