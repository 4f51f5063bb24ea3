from pathlib import Path

import pytest
from pydantic import ValidationError

from ykien.config import DEV_SECRET_KEY, Settings


def test_defaults_are_vietnamese_and_sqlite_in_data_folder(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.timezone == "Asia/Ho_Chi_Minh"
    assert settings.default_language == "vi"
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'ykien.sqlite3'}"


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YKIEN_DATABASE_URL", "postgresql://x@127.0.0.1/y")
    monkeypatch.setenv("YKIEN_DEFAULT_LANGUAGE", "en")
    settings = Settings()
    assert settings.resolved_database_url == "postgresql://x@127.0.0.1/y"
    assert settings.default_language == "en"


def test_default_secret_is_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="YKIEN_SECRET_KEY"):
        Settings(environment="production")
    with pytest.raises(ValidationError, match="YKIEN_SECRET_KEY"):
        Settings(environment="production", secret_key="short")
    assert Settings(environment="production", secret_key="x" * 40).secret_key == "x" * 40
    assert Settings(environment="development").secret_key == DEV_SECRET_KEY


def test_bad_values_are_refused() -> None:
    with pytest.raises(ValidationError, match="time zone"):
        Settings(timezone="Mars/Olympus")
    with pytest.raises(ValidationError):
        Settings(default_language="fr")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Settings(unknown_option=1)  # type: ignore[call-arg]
