"""A refusal's preset reason stored as its code, worded when shown in the reader's language.

Until now the preset was stored as words, in the moderator's language, before the moderator's own:
« Hors sujet — merci de rester sur le thème ». Such a reason is split: its preset (in French or in
English, as the admin offered it) becomes the code, the rest stays as written. A reason that does not
begin with a preset is left whole, and reads as before. Going back joins them again, in French.
"""

from django.db import migrations, models

# The presets as the admin wrote them, in each of its languages (locale/en at the time).
PRESETS = {
    "off_topic": ("Hors sujet", "Off topic"),
    "abusive": ("Propos injurieux ou agressifs", "Insulting or aggressive"),
    "advertising": ("Publicité ou spam déguisé", "Advertising or disguised spam"),
    "personal_data": ("Données personnelles", "Personal data"),
    "duplicate": ("Doublon", "Duplicate"),
}
SEPARATOR = " — "


def split(reason: str) -> tuple[str, str]:
    """(preset code, the rest) of an old reason; ("", reason) when it does not begin with a preset."""
    for code, words in PRESETS.items():
        for word in words:
            if reason == word:
                return code, ""
            if reason.startswith(word + SEPARATOR):
                return code, reason[len(word) + len(SEPARATOR) :]
    return "", reason


def forwards(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    for comment in Comment.objects.exclude(decision_reason="").only("pk", "decision_reason").iterator():
        code, rest = split(comment.decision_reason)
        if code:
            Comment.objects.filter(pk=comment.pk).update(decision_preset=code, decision_reason=rest)


def backwards(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    for comment in Comment.objects.exclude(decision_preset="").only("pk", "decision_preset", "decision_reason"):
        words = PRESETS.get(comment.decision_preset, ("",))[0]
        joined = SEPARATOR.join(part for part in (words, comment.decision_reason) if part)
        Comment.objects.filter(pk=comment.pk).update(decision_reason=joined[:300])


class Migration(migrations.Migration):

    dependencies = [
        ('comments', '0008_hold_reasons_once'),
    ]

    operations = [
        migrations.AddField(
            model_name='comment',
            name='decision_preset',
            field=models.CharField(blank=True, choices=[('off_topic', 'Hors sujet'), ('abusive', 'Propos injurieux ou agressifs'), ('advertising', 'Publicité ou spam déguisé'), ('personal_data', 'Données personnelles'), ('duplicate', 'Doublon')], help_text='Choisi dans la liste du modérateur ; montré à l’auteur dans sa langue.', max_length=20, verbose_name='motif type'),
        ),
        migrations.AlterField(
            model_name='comment',
            name='decision_reason',
            field=models.CharField(blank=True, help_text='Les mots du modérateur, tels qu’écrits.', max_length=300, verbose_name='motif de la décision'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
