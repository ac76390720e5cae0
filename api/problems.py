"""Errors as problem details (RFC 9457): a JSON object with type, title, status and detail,
served as application/problem+json — for every error the API answers, never an HTML page."""

import math
from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.response import Response

PROBLEM_CONTENT_TYPE = "application/problem+json"
ALLOWED_METHODS = "GET, HEAD, OPTIONS"


class InvalidParameters(exceptions.APIException):
    """A 400 naming each parameter that was refused and why."""

    status_code = 400
    default_detail = "Some parameters of the request are not valid."

    def __init__(self, errors, detail=None):
        super().__init__(detail or self.default_detail)
        self.errors = {
            name: [str(message) for message in messages] for name, messages in errors.items()
        }


class ProblemSerializer(serializers.Serializer):
    """What every error answer holds (the OpenAPI document's description of it)."""

    type = serializers.CharField(help_text='"about:blank": the status code says what happened.')
    title = serializers.CharField(help_text="The HTTP status's name.")
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField(help_text="The path asked for.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For a 400: each refused parameter with why.",
    )


def problem(status, detail, *, instance="", errors=None, headers=None):
    """Return a problem details response."""
    data = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": str(detail),
        "instance": instance,
    }
    if errors:
        data["errors"] = errors
    return Response(data, status=status, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def exception_handler(exc, context):
    """REST framework's exception handler: every error it knows as a problem; anything else is
    left to raise (a real server error, logged)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    request = context.get("request")
    instance = request.path if request is not None else ""
    headers = {}
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(max(1, math.ceil(exc.wait)))
    if isinstance(exc, exceptions.MethodNotAllowed):
        headers["Allow"] = ALLOWED_METHODS
    errors = getattr(exc, "errors", None)
    detail = exc.detail
    if isinstance(detail, dict | list):
        # A serializer's ValidationError: the messages by field.
        errors = errors or (detail if isinstance(detail, dict) else {"non_field_errors": detail})
        errors = {
            str(name): [str(item) for item in _as_list(value)] for name, value in errors.items()
        }
        detail = InvalidParameters.default_detail
    return problem(exc.status_code, detail, instance=instance, errors=errors, headers=headers)


def _as_list(value):
    return value if isinstance(value, list) else [value]
