"""Stored answers: the public rendering inline, the two others out of line (PostgreSQL).

An anonymous answer reads only ``answer_public``. With all three renderings
inline a row is about 2.2 kB (three to a page), and a national store outgrows
the server's shared buffers, so a random rota's answer is a read from outside
them. Kept out of line (uncompressed, as they are sent), the full and referrer
renderings are fetched only when selected; the row left is the public
rendering, compressed, a few hundred bytes. SQLite has no such storage: nothing
to do there.
"""

from django.db import migrations

OUT_OF_LINE = """
ALTER TABLE rota_storedanswer
  ALTER COLUMN answer SET STORAGE EXTERNAL,
  ALTER COLUMN answer_staff SET STORAGE EXTERNAL,
  SET (toast_tuple_target = 1024)
"""
INLINE = """
ALTER TABLE rota_storedanswer
  ALTER COLUMN answer SET STORAGE EXTENDED,
  ALTER COLUMN answer_staff SET STORAGE EXTENDED,
  RESET (toast_tuple_target)
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("rota", "0007_contacts_built_ahead"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(OUT_OF_LINE), _on_postgresql(INLINE),
                             elidable=False),
    ]
