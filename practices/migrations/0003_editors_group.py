"""Create the Editors group with exactly the permissions UNESCO editors need."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = [
    ("practices", "add_practice"),
    ("practices", "change_practice"),
    ("practices", "view_practice"),
    ("practices", "view_reviewevent"),
    ("practices", "add_theme"),
    ("practices", "change_theme"),
    ("practices", "view_theme"),
    ("practices", "add_commitment"),
    ("practices", "change_commitment"),
    ("practices", "view_commitment"),
    ("practices", "change_cityrole"),
    ("practices", "view_cityrole"),
    ("practices", "change_targetgroup"),
    ("practices", "view_targetgroup"),
    ("cities", "add_coalition"),
    ("cities", "change_coalition"),
    ("cities", "view_coalition"),
    ("cities", "add_city"),
    ("cities", "change_city"),
    ("cities", "view_city"),
    ("cities", "add_cityofficer"),
    ("cities", "change_cityofficer"),
    ("cities", "view_cityofficer"),
    ("auth", "view_user"),
]


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="Editors")
    permissions = [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in EDITOR_PERMISSIONS
    ]
    group.permissions.set(permissions)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0002_reference_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
