"""The error raised when the portal refuses a request or cannot be reached."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Union

#: Field → messages (problem+json ``errors`` object), or the rejected items of an ingestion answer.
ProblemErrors = Union[Dict[str, Any], List[Any], None]


class PortalError(Exception):
    """The portal answered with an error status (RFC 7807 problem+json), or could not be reached.

    Attributes mirror the problem document: ``status`` (None when no answer came), ``title``, ``detail`` and
    ``errors`` (which field was wrong, e.g. ``{"reference.age[3]": ["is not a number."]}``); ``body`` is the raw text
    and ``retry_after`` the server's Retry-After in seconds, if any.
    """

    def __init__(
        self,
        status: Optional[int],
        title: str,
        detail: Optional[str] = None,
        errors: ProblemErrors = None,
        body: str = "",
        retry_after: Optional[float] = None,
    ) -> None:
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors
        self.body = body
        self.retry_after = retry_after
        super().__init__(self._message())

    def _message(self) -> str:
        head = f"{self.status} {self.title}" if self.status is not None else self.title
        parts = [head]
        if self.detail:
            parts.append(self.detail)
        if self.errors:
            parts.append(json.dumps(self.errors, ensure_ascii=False))
        return ": ".join(parts)

    @property
    def transient(self) -> bool:
        """True for what is worth retrying: no answer (connection error, timeout), 408, 429 and 5xx."""
        return self.status is None or self.status in (408, 429) or self.status >= 500

    @classmethod
    def from_response(cls, status: int, data: bytes, retry_after: Optional[str] = None) -> "PortalError":
        from ._http import parse_retry_after

        text = data.decode("utf-8", "replace")
        title, detail, errors = _reason(status), None, None
        try:
            problem = json.loads(text) if text else None
        except ValueError:
            problem = None
        if isinstance(problem, dict):
            title = str(problem.get("title") or title)
            detail = problem.get("detail")
            errors = problem.get("errors")
        elif text:
            detail = text[:500]
        return cls(status, title, detail, errors, text, parse_retry_after(retry_after))

    @classmethod
    def from_exception(cls, error: BaseException) -> "PortalError":
        error_type = type(error).__name__
        title = "Timed out" if "timeout" in error_type.lower() else "Connection failed"
        failure = cls(None, title, f"{error_type}: {error}")
        failure.__cause__ = error
        return failure


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
