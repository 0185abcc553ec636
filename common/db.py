"""Database helpers shared by the apps."""

from contextlib import nullcontext

from django.db import transaction


def alone_or_in_a_savepoint(using: str | None = None):
    """Where one write statement runs: inside a transaction, in a savepoint, so that a
    refused write (a key already taken) leaves the transaction usable; outside one,
    alone, as one statement in autocommit is atomic by itself (a transaction around it
    would add two round trips, BEGIN and COMMIT)."""
    if transaction.get_connection(using).in_atomic_block:
        return transaction.atomic(using=using)
    return nullcontext()


class ModelColumns:
    """One model's columns in a raw query, read back as the ORM reads them.

    For the few hot reads that join what the ORM would fetch in several queries
    (or compile anew on every request): :meth:`select` names the columns under a
    table alias, :meth:`read` turns them back into an instance, through the same
    converters as a queryset (dates from text on SQLite, booleans from integers).
    """

    def __init__(self, model, alias: str) -> None:
        self.model = model
        self.alias = alias
        self.fields = list(model._meta.concrete_fields)
        self.names = [f.attname for f in self.fields]
        self.pk_index = self.fields.index(model._meta.pk)
        self._converters: dict[str, list] = {}

    def __len__(self) -> int:
        return len(self.fields)

    def select(self, connection) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(f.column)}" for f in self.fields)

    def read(self, connection, values):
        """The instance from this model's values, in :meth:`select`'s order; None when
        its primary key is NULL (an outer join that found nothing)."""
        if values[self.pk_index] is None:
            return None
        converted = list(values)
        for index, column, converters in self._converters_for(connection):
            for converter in converters:
                converted[index] = converter(converted[index], column, connection)
        return self.model.from_db(connection.alias, self.names, converted)

    def _converters_for(self, connection) -> list:
        if connection.alias not in self._converters:
            found = []
            for index, field in enumerate(self.fields):
                column = field.get_col(self.alias)
                converters = (connection.ops.get_db_converters(column)
                              + column.get_db_converters(connection))
                if converters:
                    found.append((index, column, converters))
            self._converters[connection.alias] = found
        return self._converters[connection.alias]
