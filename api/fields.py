"""Serializer fields both apps' API inputs and outputs share: instants and slugs.

An instant is read by :func:`api.timeparse.parse_instant` and written with its
Europe/London offset, as every answer writes it; a slug that cannot be one is
refused without a query.
"""

from __future__ import annotations

from django.core import validators
from django.utils import timezone
from django.utils.encoding import smart_str
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.timeparse import InstantError, parse_instant
from common.london import iso


class InstantField(serializers.CharField):
    """An ISO 8601 instant; without an offset, Europe/London wall time (see api.timeparse)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "ISO 8601; without an offset, Europe/London wall time.")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        try:
            return parse_instant(text, now=self.context.get("now") or timezone.now())
        except InstantError as error:
            raise serializers.ValidationError(error.message, code=error.code) from error


extend_schema_field({"type": "string", "format": "date-time"})(InstantField)


class SlugField(serializers.SlugRelatedField):
    """A related object by slug; text that cannot be a slug is refused without a query."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not validators.slug_re.fullmatch(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=smart_str(data))
        return super().to_internal_value(data)


class LondonDateTimeField(serializers.DateTimeField):
    """An instant written as presentation writes it: Europe/London offset, never 'Z'."""

    def to_representation(self, value):
        return iso(value)
