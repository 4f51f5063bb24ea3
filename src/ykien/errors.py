"""Errors a user can act on, with the message in Vietnamese and English."""

from __future__ import annotations


class UserError(Exception):
    """A bad input or a refused action; nothing was changed. Maps to a 4xx."""

    status_code = 400

    def __init__(self, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en

    def message(self, language: str = "vi") -> str:
        return self.message_vi if language == "vi" else self.message_en


class LoginRequired(UserError):
    """No signed-in account (or API token) where one is needed."""

    status_code = 401

    def __init__(self) -> None:
        super().__init__(
            "login_required", "Vui lòng đăng nhập để tiếp tục.", "Please sign in to continue."
        )


class NotFound(UserError):
    status_code = 404


class Forbidden(UserError):
    status_code = 403


class Conflict(UserError):
    status_code = 409


class InvalidRequest(UserError):
    """A request field outside its declared limits (as FastAPI's own validation answers)."""

    status_code = 422
