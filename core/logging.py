"""Structured logging: one JSON object per line on stdout, each with a request id.

``RequestIDMiddleware`` (``core.middleware``) stores the current request's id
in a context variable; ``RequestIDFilter`` copies it onto every log record, so
a traceback logged deep inside a view carries the same id as the access line
and as the id shown to the reader on the error page.
"""

import contextvars
import json
import logging
from datetime import UTC, datetime

# "-" outside a request (management commands, start-up, gunicorn's own lines).
NO_REQUEST = "-"

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default=NO_REQUEST
)


def get_request_id() -> str:
    return request_id_var.get()


class RequestIDFilter(logging.Filter):
    """Adds ``record.request_id`` (the current request's id, or "-") to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get()
        return True


# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD_ATTRS = frozenset(
    vars(logging.LogRecord("", logging.INFO, "", 0, "", (), None)).keys()
) | {"message", "asctime", "request_id", "taskName"}

# Objects Django puts in ``extra`` that are not worth (or safe) serialising.
_SKIPPED_EXTRAS = frozenset({"request", "server_time"})


# Made once: ``json.dumps`` with options builds a new encoder for every line.
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)
_NOT_EXTRAS = _STANDARD_ATTRS | _SKIPPED_EXTRAS
_JSON_SCALARS = (str, int, float, bool)


class JSONFormatter(logging.Formatter):
    """Formats a record as a single line of JSON.

    Always present: ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``
    and ``request_id``; then any ``extra=`` fields (``method``, ``path``,
    ``status``, ``duration_ms`` on access lines), in the order they were given;
    ``exc_info`` becomes ``exception``.
    """

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        attrs = record.__dict__
        extras = attrs.keys() - _NOT_EXTRAS  # a set: put back in the record's order
        for key in sorted(extras, key=list(attrs).index) if len(extras) > 1 else extras:
            if not key.startswith("_"):
                value = attrs[key]
                payload[key] = value if _is_json_scalar(value) else str(value)
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            payload["stack"] = self.formatStack(record.stack_info)
        return _ENCODER.encode(payload)


def _is_json_scalar(value) -> bool:
    return value is None or isinstance(value, _JSON_SCALARS)
