"""Hold reasons stored once, as codes with their parameters, in the HoldReason rows.

Until now each comment kept its reasons twice: a JSON list of {"code", "message"} on the
comment, the message a sentence in the commenter's language, and one HoldReason row per code
for the admin's filter. This migration gives each row its parameters and its rank, and rebuilds
the rows from the JSON list: each sentence the policy wrote (in French or in English) is read
back into its parameters; a sentence it cannot read is kept as {"text": …}, shown as it is.
The next migration drops the JSON list.

Backwards, the JSON list is made again from the rows, its sentences in French (the site's
language), whatever the commenter's language was; the rows keep one reason per code (the old
constraint), so a second blocked word or unknown domain survives in the JSON list only. Lossy
in that sense, and a reason that was kept as text comes back as that text.

The patterns below are a copy, frozen here, of the sentences comments/moderation.py wrote
(and their English translations) until this migration.
"""

import re

from django.db import migrations, models

BATCH = 2000

# code -> [(pattern of a stored sentence, French sentence to write back), ...]
_SENTENCES = {
    "links": [
        (r"(?P<count>\d+) liens \(limite : (?P<limit>\d+)\)", "{count} liens (limite : {limit})"),
        (r"(?P<count>\d+) links \(limit: (?P<limit>\d+)\)", None),
    ],
    "blocked_word": [(r"mot bloqué : (?P<word>.+)", "mot bloqué : {word}"), (r"blocked word: (?P<word>.+)", None)],
    "blocked_domain": [
        (r"domaine bloqué : (?P<domain>.+)", "domaine bloqué : {domain}"),
        (r"blocked domain: (?P<domain>.+)", None),
    ],
    "unknown_domain": [
        (r"lien vers un domaine jamais approuvé : (?P<domain>.+)", "lien vers un domaine jamais approuvé : {domain}"),
        (r"link to a domain never approved before: (?P<domain>.+)", None),
    ],
    "new_account": [
        (r"compte créé il y a (?P<minutes>\d+) minutes?", "compte créé il y a {minutes} minute(s)"),
        (r"account created (?P<minutes>\d+) minutes? ago", None),
    ],
    "reported": [
        (r"(?P<count>\d+) signalements de lecteurs", "{count} signalements de lecteurs"),
        (r"(?P<count>\d+) reports from readers", None),
    ],
    "trusted": [
        (
            r"auteur de confiance : (?P<count>\d+) commentaires? approuvés? sans refus",
            "auteur de confiance : {count} commentaire(s) approuvé(s) sans refus",
        ),
        (r"trusted author: (?P<count>\d+) approved comments? with no rejection", None),
        (
            r"auteur de confiance \(choisi par un modérateur\)|trusted author \(chosen by a moderator\)",
            "auteur de confiance (choisi par un modérateur)",
        ),
    ],
}
# Codes whose sentence has no parameter: the French sentence written back.
_FIXED = {
    "hold_all": "tous les commentaires sont soumis à modération",
    "duplicate": "même texte qu’un commentaire récent du même auteur",
    "iban": "IBAN détecté",
    "card": "numéro de carte bancaire détecté",
    "phone": "numéro de téléphone détecté",
    "email": "adresse e-mail détectée",
    "edit": "modification d’un commentaire publié",
    "honeypot": "champ piège rempli (robot)",
}
_NUMBERS = {"count", "limit", "minutes"}


def params_of(code: str, message: str) -> dict:
    """The parameters a stored sentence was made from; {"text": sentence} when it cannot be read back."""
    if code in _FIXED:
        return {}
    for pattern, _french in _SENTENCES.get(code, []):
        match = re.fullmatch(pattern, message.strip())
        if match:
            return {k: int(v) if k in _NUMBERS else v for k, v in match.groupdict().items()}
    return {"text": message} if message else {}


def sentence_of(code: str, params: dict) -> str:
    """The French sentence of a row, as the policy wrote it before."""
    if params.get("text"):
        return str(params["text"])
    if code in _FIXED:
        return _FIXED[code]
    for _pattern, french in _SENTENCES.get(code, []):
        if french is None:
            continue
        try:
            return _plural(french.format(**params))
        except (KeyError, IndexError):
            continue
    return code


def _plural(sentence: str) -> str:
    """« 1 minute(s) » -> « 1 minute », « 5 minute(s) » -> « 5 minutes » (the only numbers are at the start of a group)."""
    number = re.search(r"\d+", sentence)
    many = number is not None and int(number.group()) > 1
    return re.sub(r"\((s)\)", "s" if many else "", sentence)


def rows_from_json(apps, schema_editor):
    """Every comment's JSON list becomes its rows: code, parameters, rank."""
    Comment = apps.get_model("comments", "Comment")
    HoldReason = apps.get_model("comments", "HoldReason")
    HoldReason.objects.all().delete()
    rows = []
    comments = Comment.objects.exclude(hold_reasons=[]).values_list("pk", "hold_reasons").order_by("pk")
    for pk, reasons in comments.iterator(BATCH):
        if not isinstance(reasons, list):
            continue
        position = 0
        for reason in reasons:
            if not isinstance(reason, dict) or not reason.get("code"):
                continue
            code = str(reason["code"])[:20]
            params = reason.get("params")
            if not isinstance(params, dict):
                params = params_of(code, str(reason.get("message") or ""))
            rows.append(HoldReason(comment_id=pk, position=position, code=code, params=params))
            position += 1
        if len(rows) >= BATCH:
            HoldReason.objects.bulk_create(rows)
            rows = []
    HoldReason.objects.bulk_create(rows)


def json_from_rows(apps, schema_editor):
    """Backwards: the JSON list from the rows, sentences in French; then one row per (comment, code)."""
    Comment = apps.get_model("comments", "Comment")
    HoldReason = apps.get_model("comments", "HoldReason")
    lists: dict[int, list] = {}
    for comment_id, code, params in (
        HoldReason.objects.order_by("comment_id", "position", "pk")
        .values_list("comment_id", "code", "params")
        .iterator(BATCH)
    ):
        lists.setdefault(comment_id, []).append({"code": code, "message": sentence_of(code, params or {})})
    changed = []
    for comment_id, reasons in lists.items():
        changed.append(Comment(pk=comment_id, hold_reasons=reasons))
        if len(changed) >= BATCH:
            Comment.objects.bulk_update(changed, ["hold_reasons"])
            changed = []
    Comment.objects.bulk_update(changed, ["hold_reasons"])
    seen, extra = set(), []
    for pk, comment_id, code in (
        HoldReason.objects.order_by("comment_id", "position", "pk")
        .values_list("pk", "comment_id", "code")
        .iterator(BATCH)
    ):
        if (comment_id, code) in seen:
            extra.append(pk)
        seen.add((comment_id, code))
    for start in range(0, len(extra), BATCH):
        HoldReason.objects.filter(pk__in=extra[start : start + BATCH]).delete()


class Migration(migrations.Migration):
    dependencies = [("comments", "0006_hold_reason_rows")]

    operations = [
        migrations.RemoveConstraint(model_name="holdreason", name="comments_holdreason_unique"),
        migrations.AddField(
            model_name="holdreason",
            name="position",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="rang"),
        ),
        migrations.AddField(
            model_name="holdreason",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="paramètres"),
        ),
        migrations.RunPython(rows_from_json, json_from_rows),
    ]
