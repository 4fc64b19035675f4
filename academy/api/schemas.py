"""What every answer schema shares."""

from marshmallow import Schema


def answered(*optional: str):
    """Class decorator for an answer schema: its fields are documented as always present
    (OpenAPI "required"), but the `optional` ones, so generated clients need not treat every
    field as maybe-missing. Dumping ignores "required": only the document changes, and the
    schema tests check real answers against it."""

    def mark(schema: type[Schema]) -> type[Schema]:
        for name, field in schema._declared_fields.items():
            field.required = name not in optional
        return schema

    return mark
