"""Log lines for long-running commands: plain text for people, JSON lines for collectors.

Every line carries a UTC timestamp and a level; fields passed as `extra=` (an
`event` name, a `school`, counts) appear in JSON as keys of their own. A URL's
password never reaches a line (`mask_userinfo`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys

from publisher.errors import mask_userinfo

LOGGER_NAME = "publisher"
LOG_FORMATS = ("text", "json")
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = f"{_timestamp(record)} {record.levelname.lower()} {record.getMessage()}"
        return mask_userinfo(line)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, message, then the record's extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        document = {
            "time": _timestamp(record),
            "level": record.levelname.lower(),
            "message": record.getMessage(),
        }
        document.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        return mask_userinfo(json.dumps(document, ensure_ascii=False, default=str))


def configure_logging(log_format: str = "text") -> logging.Logger:
    """The publisher's logger, writing to stderr in the given format."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    logger = logging.getLogger(LOGGER_NAME)
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


def _timestamp(record: logging.LogRecord) -> str:
    moment = dt.datetime.fromtimestamp(record.created, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
