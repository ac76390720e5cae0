"""Restoring groups and user accounts, with their permissions. See docs/backup-format.md."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from backups.records import natural_key, record_columns
from backups.tables import BATCH, insert_rows, reset_sequences


def _restore_groups(data, warnings):
    """Create the groups the database lacks and give every group the archived permissions.

    Return ({group name: pk}, {(app label, codename): permission pk}).
    """
    permission_ids = {
        (app_label, codename): pk
        for pk, app_label, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    group_ids = dict(Group.objects.values_list("name", "pk"))
    for record in data["groups"]:
        if record["name"] not in group_ids:
            group = Group.objects.create(name=record["name"])
            group_ids[group.name] = group.pk
        ids = []
        for key in record.get("permissions", []):
            if natural_key(key) in permission_ids:
                ids.append(permission_ids[natural_key(key)])
            else:
                warnings.append(f"Group {record['name']}: no permission {key}; skipped.")
        Group.objects.get(pk=group_ids[record["name"]]).permissions.set(ids)
    return group_ids, permission_ids


def _insert_users(data):
    """Insert the accounts, keeping their ids where free; return {username: pk}."""
    User = get_user_model()
    taken = set(User._base_manager.values_list("pk", flat=True))
    keep, renumber = [], []
    for record in data["users"]:
        columns = record_columns(User, record, {}, extra=("groups", "user_permissions"))
        pk = record.get("id")
        if pk is not None and pk not in taken:
            keep.append(User(pk=pk, **columns))
        else:
            renumber.append(User(**columns))
    insert_rows(User, keep)
    reset_sequences([User])  # ids given explicitly: new ones must come after them
    insert_rows(User, renumber)
    username = User.USERNAME_FIELD
    return dict(
        User._base_manager.filter(
            **{f"{username}__in": [record[username] for record in data["users"]]}
        ).values_list(username, "pk")
    )


def restore_accounts(data, warnings):
    """Restore groups, then user accounts with their groups and permissions.

    Return {username: pk}.
    """
    User = get_user_model()
    group_ids, permission_ids = _restore_groups(data, warnings)
    user_ids = _insert_users(data)
    username = User.USERNAME_FIELD
    memberships, grants = [], []
    for record in data["users"]:
        user_id = user_ids[record[username]]
        for name in record.get("groups", []):
            memberships.append(User.groups.through(user_id=user_id, group_id=group_ids[name]))
        for key in record.get("user_permissions", []):
            if natural_key(key) in permission_ids:
                grants.append(
                    User.user_permissions.through(
                        user_id=user_id, permission_id=permission_ids[natural_key(key)]
                    )
                )
            else:
                warnings.append(f"User {record[username]}: no permission {key}; skipped.")
    User.groups.through.objects.bulk_create(memberships, batch_size=BATCH)
    User.user_permissions.through.objects.bulk_create(grants, batch_size=BATCH)
    return user_ids
