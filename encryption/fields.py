"""Model fields whose values are stored as Fernet tokens, and a keyed-hash column kept in step.

An encrypted field stores its value as a token in a text column; ``""`` (and ``NULL`` for a
nullable field) are stored as they are, so that "nothing written" stays visible to SQL and
``exact`` lookups on ``""`` keep working. Every other lookup is refused: the database cannot
compare ciphertext, and a query that silently matched nothing would be a bug. Values that must
be found by equality get a ``KeyedHashField`` next to them.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.models import lookups

from encryption import keys


class _EmptyOnlyExact(lookups.Exact):
    """``field=""`` / ``field=None`` only: ciphertext cannot be compared."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            target = getattr(self.lhs, "target", None)
            name = f"{target.model._meta.label}.{target.name}" if target is not None else "This field"
            raise FieldError(
                f"{name} is encrypted: it can only be compared with the empty value; search a keyed hash instead."
            )
        return super().get_prep_lookup()


class EncryptedMixin:
    """Store the field's value (as text) encrypted; decrypt on the way out of the database."""

    encrypted = True

    def get_internal_type(self) -> str:
        return "TextField"

    def cast_db_type(self, connection):
        return models.TextField().db_type(connection)

    def get_lookup(self, lookup_name: str):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return _EmptyOnlyExact
        return None

    def get_transform(self, lookup_name: str):
        return None

    # Serialising to and from the text that is encrypted (subclasses say how for their type).
    def to_text(self, value: Any) -> str:
        return str(value)

    def from_text(self, text: str) -> Any:
        return text

    def empty_python_value(self) -> Any:
        return "" if not self.null else None

    def _where(self) -> str:
        model = getattr(self, "model", None)
        return f"{model._meta.label}.{self.name}" if model is not None else self.name

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        if value == "":
            return self.empty_python_value()
        return self.from_text(keys.decrypt(value, where=self._where()))

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return keys.encrypt(self.to_text(value))

    def get_db_prep_value(self, value, connection, prepared=False):
        return value if prepared else self.get_prep_value(value)


class EncryptedTextField(EncryptedMixin, models.TextField):
    """Free text (descriptions, officers' notes and replies), stored encrypted."""


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A short text (a name, a phone) stored encrypted in a text column; ``max_length`` bounds the text."""


class EncryptedDateField(EncryptedMixin, models.DateField):
    """A date (of birth) stored encrypted as its ISO text; the database cannot compare or sort it."""

    def to_text(self, value: date) -> str:
        return value.isoformat()

    def from_text(self, text: str) -> date:
        return date.fromisoformat(text)

    def empty_python_value(self) -> Any:
        return None

    def get_prep_value(self, value):
        value = self.to_python(value)
        if value is None or value == "":
            return None if self.null else value
        return keys.encrypt(self.to_text(value))

    def pre_save(self, model_instance, add):
        return getattr(model_instance, self.attname)

    def contribute_to_class(self, cls, name, **kwargs):
        # No get_next_by_… / get_previous_by_…: the database cannot order encrypted dates.
        models.Field.contribute_to_class(self, cls, name, **kwargs)


class EncryptedJSONField(EncryptedMixin, models.Field):
    """A JSON value (answers as given) stored encrypted; the database cannot look inside it."""

    description = "A JSON value, encrypted"

    def to_text(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    def from_text(self, text: str) -> Any:
        return json.loads(text)

    def empty_python_value(self) -> Any:
        return None

    def get_prep_value(self, value):
        if value is None:
            return None
        return keys.encrypt(self.to_text(value))

    def to_python(self, value):
        return value

    def value_to_string(self, obj) -> str:
        return self.to_text(self.value_from_object(obj))


class KeyedHashField(models.CharField):
    """The keyed hash (``encryption.keys.keyed_hash``) of another field, set on every save.

    Models with one inherit ``HashesInStep`` so that ``save(update_fields=[source])`` writes the
    hash too.
    """

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = keys.keyed_hash(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


class HashesInStep(models.Model):
    """A model with ``KeyedHashField`` columns: saving their source saves them too."""

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is not None:
            update_fields = set(update_fields)
            for field in self._meta.concrete_fields:
                if isinstance(field, KeyedHashField) and field.source in update_fields:
                    update_fields.add(field.name)
        super().save(*args, update_fields=update_fields, **kwargs)


def encrypted_fields(model: type[models.Model]) -> list[models.Field]:
    """The encrypted concrete fields of ``model``."""
    return [field for field in model._meta.concrete_fields if getattr(field, "encrypted", False)]
