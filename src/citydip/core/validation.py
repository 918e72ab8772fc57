"""Pydantic's errors as ``FieldProblem``s, and building a model from form or file data (no web here, so
services and importers use it too)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from citydip.core.errors import FieldProblem, ValidationFailed
from citydip.core.i18n import _

M = TypeVar("M", bound=BaseModel)


def problems_of(
    exc: ValidationError, row: int | None = None, file: str | None = None, whole: str = "body"
) -> list[FieldProblem]:
    """Pydantic's errors as field problems (the field is the dotted location; ``whole`` for the model)."""
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ())) or whole
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        out.append(FieldProblem(loc, message, row, file))
    return out


def parse_model(
    model: type[M], data: Mapping[str, Any], row: int | None = None, file: str | None = None
) -> M:
    """Build ``model`` from form or file data (keys it does not know are left out; the API, which validates
    its JSON bodies directly, refuses them) or raise ``ValidationFailed`` naming each field."""
    try:
        return model.model_validate({k: v for k, v in data.items() if k in model.model_fields})
    except ValidationError as exc:
        raise ValidationFailed(_("Some fields are not valid."), problems_of(exc, row, file)) from None
