"""Moderators also keep the block list, read reports and users, and sanction accounts."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATORS = "Modérateurs"
PERMISSIONS = [
    ("comments", "view_report"),
    ("comments", "view_blockedterm"),
    ("comments", "add_blockedterm"),
    ("comments", "change_blockedterm"),
    ("comments", "delete_blockedterm"),
    ("accounts", "view_user"),
    ("accounts", "sanction_user"),
]


def ensure_permissions(apps):
    for label in ("comments", "accounts"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True  # the migration state's stub has none; create_permissions needs one
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None


def grant(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=MODERATORS)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=MODERATORS).first()
    if group:
        for app_label, codename in PERMISSIONS:
            group.permissions.remove(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0003_moderation_policy"),
        ("accounts", "0002_moderation_policy"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
