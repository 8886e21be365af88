"""Typed FilterField values: how a Django value becomes a Whoosh term and back.

Every orderable type is stored as a 64-bit number (dates as ordinals, times and
datetimes as microseconds) so that ranges and sorting work on one column type and
facet keys can be turned back into the Python value the database would give.
"""

import datetime
import decimal
import re

from whoosh import fields

from django.db import models
from django.utils import timezone

# Values of multi-valued text columns are joined with a control character that no
# real value contains, so a value may hold spaces or commas.
LIST_SEPARATOR = "\x1f"
_LIST_TOKENS = re.compile(r"[^\x1f]+")

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_DAY_US = 86_400_000_000


def list_field():
    """A multi-valued exact-match text field (content types, present columns)."""
    return fields.IDLIST(expression=_LIST_TOKENS)


def join_list(values):
    return LIST_SEPARATOR.join(str(value) for value in values)


def _unwrap(value):
    if isinstance(value, models.Model):
        return value.pk
    return value


class Codec:
    """Encodes values of one Django field type for a Whoosh column."""

    numeric = True

    def field_type(self, multi):
        return fields.NUMERIC(int, bits=64, signed=True, sortable=not multi)

    def encode(self, value):
        raise NotImplementedError

    def decode(self, value):
        return value

    def encode_value(self, value):
        """Encode a value given in a filter or read from a model instance."""
        return self.encode(_unwrap(value))

    def encode_values(self, values):
        """The set of encoded values of an ``__in`` filter, leaving out None."""
        return {self.encode_value(value) for value in values if value is not None}


class IntCodec(Codec):
    def encode(self, value):
        return int(value)

    def encode_values(self, values):
        # Most often integers already (a subquery of primary keys).
        return {
            value if type(value) is int else self.encode_value(value)
            for value in values
            if value is not None
        }


class FloatCodec(Codec):
    def field_type(self, multi):
        return fields.NUMERIC(float, sortable=not multi)

    def encode(self, value):
        return float(value)


class DecimalCodec(FloatCodec):
    def decode(self, value):
        return decimal.Decimal(str(value))


class BoolCodec(Codec):
    def field_type(self, multi):
        return fields.NUMERIC(int, bits=8, signed=False, sortable=not multi)

    def encode(self, value):
        if isinstance(value, str):
            return int(value.strip().lower() in {"1", "true", "t", "yes"})
        return int(bool(value))

    def decode(self, value):
        return bool(value)


class DateCodec(Codec):
    def encode(self, value):
        if isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            value = value.date()
        elif isinstance(value, str):
            value = datetime.date.fromisoformat(value)
        return value.toordinal()

    def decode(self, value):
        return datetime.date.fromordinal(value)


class DateTimeCodec(Codec):
    def encode(self, value):
        if isinstance(value, str):
            value = datetime.datetime.fromisoformat(value)
        if not isinstance(value, datetime.datetime):
            # A bare date (e.g. from a __year lookup) means midnight where the site is,
            # as it does in the database.
            value = datetime.datetime.combine(value, datetime.time.min)
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        delta = value - _EPOCH
        return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds

    def decode(self, value):
        return _EPOCH + datetime.timedelta(microseconds=value)


class TimeCodec(Codec):
    def encode(self, value):
        if isinstance(value, str):
            value = datetime.time.fromisoformat(value)
        return (
            (value.hour * 60 + value.minute) * 60 + value.second
        ) * 1_000_000 + value.microsecond

    def decode(self, value):
        seconds, micro = divmod(value % _DAY_US, 1_000_000)
        minutes, second = divmod(seconds, 60)
        hour, minute = divmod(minutes, 60)
        return datetime.time(hour, minute, second, micro)


class DurationCodec(Codec):
    def encode(self, value):
        return int(value.total_seconds() * 1_000_000)

    def decode(self, value):
        return datetime.timedelta(microseconds=value)


class TextCodec(Codec):
    numeric = False

    def field_type(self, multi):
        if multi:
            return list_field()
        return fields.ID(sortable=True)

    def encode(self, value):
        return str(value)

    def encode_values(self, values):
        # Most often strings already (a subquery of primary keys cast to text).
        return {
            value if type(value) is str else self.encode_value(value)
            for value in values
            if value is not None
        }


_CODECS = {
    "AutoField": IntCodec(),
    "SmallAutoField": IntCodec(),
    "BigAutoField": IntCodec(),
    "IntegerField": IntCodec(),
    "SmallIntegerField": IntCodec(),
    "BigIntegerField": IntCodec(),
    "PositiveIntegerField": IntCodec(),
    "PositiveSmallIntegerField": IntCodec(),
    "PositiveBigIntegerField": IntCodec(),
    "FloatField": FloatCodec(),
    "DecimalField": DecimalCodec(),
    "BooleanField": BoolCodec(),
    "NullBooleanField": BoolCodec(),
    "DateField": DateCodec(),
    "DateTimeField": DateTimeCodec(),
    "TimeField": TimeCodec(),
    "DurationField": DurationCodec(),
}
_TEXT = TextCodec()


def codec_for_type(internal_type):
    """The codec for a Django internal field type name (text for anything unknown)."""
    return _CODECS.get(internal_type, _TEXT)
