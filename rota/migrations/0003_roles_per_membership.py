"""Roles move from global groups onto memberships: a role is held in one network.

Each membership becomes one row per role its user held as a group; a membership
whose user held no role granted nothing and is removed. API tokens keep their
role under its new name.
"""

from django.db import migrations, models

GROUP_TO_ROLE = {
    "Referrer": "referrer",
    "Switchboard": "switchboard",
    "Rota coordinator": "coordinator",
    "Network lead": "lead",
}
ROLE_TO_GROUP = {role: group for group, role in GROUP_TO_ROLE.items()}


def groups_to_roles(apps, schema_editor):
    Membership = apps.get_model("rota", "Membership")
    ApiToken = apps.get_model("rota", "ApiToken")
    for membership in list(Membership.objects.select_related("user")):
        groups = membership.user.groups.filter(name__in=GROUP_TO_ROLE).values_list(
            "name", flat=True
        )
        roles = sorted(GROUP_TO_ROLE[name] for name in groups)
        if not roles:
            membership.delete()
            continue
        membership.role = roles[0]
        membership.save()
        for role in roles[1:]:
            Membership.objects.create(
                user_id=membership.user_id, network_id=membership.network_id,
                home_site_id=membership.home_site_id, role=role,
            )
    for token in ApiToken.objects.all():
        token.role = GROUP_TO_ROLE.get(token.role, token.role)
        token.save()


def roles_to_groups(apps, schema_editor):
    Membership = apps.get_model("rota", "Membership")
    ApiToken = apps.get_model("rota", "ApiToken")
    Group = apps.get_model("auth", "Group")
    kept = set()
    for membership in list(Membership.objects.order_by("pk")):
        group, _ = Group.objects.get_or_create(name=ROLE_TO_GROUP[membership.role])
        membership.user.groups.add(group)
        key = (membership.user_id, membership.network_id)
        if key in kept:
            membership.delete()
        kept.add(key)
    for token in ApiToken.objects.all():
        token.role = ROLE_TO_GROUP.get(token.role, token.role)
        token.save()


ROLE_CHOICES = [
    ("referrer", "Referrer"),
    ("switchboard", "Switchboard"),
    ("coordinator", "Rota coordinator"),
    ("lead", "Network lead"),
]


class Migration(migrations.Migration):

    dependencies = [
        ("rota", "0002_api_and_feed_tokens"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="membership", name="membership_once_per_network"),
        migrations.AddField(
            model_name="membership",
            name="role",
            field=models.CharField(choices=ROLE_CHOICES, default="referrer", max_length=20),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalmembership",
            name="role",
            field=models.CharField(choices=ROLE_CHOICES, default="referrer", max_length=20),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="role",
            field=models.CharField(
                choices=ROLE_CHOICES,
                help_text="What the system may see and do, as a user with this role.",
                max_length=40,
            ),
        ),
        migrations.RunPython(groups_to_roles, roles_to_groups),
        migrations.AlterModelOptions(name="membership", options={"ordering": ["network", "user", "role"]}),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.UniqueConstraint(
                fields=("user", "network", "role"), name="membership_role_once_per_network"
            ),
        ),
    ]
