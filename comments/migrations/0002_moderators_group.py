"""The "Modérateurs" group: exactly what moderating comments needs, nothing more."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATORS = "Modérateurs"
PERMISSIONS = ["view_comment", "moderate_comment"]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure ours exist now.
    app_config = apps.get_app_config("comments")
    app_config.models_module = True  # the migration state's stub has none; create_permissions needs one
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=MODERATORS)
    group.permissions.set(Permission.objects.filter(content_type__app_label="comments", codename__in=PERMISSIONS))


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=MODERATORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
