"""Domain errors. Each one carries a one-line message that tells the user what to do."""

from __future__ import annotations


class SocialAuditError(Exception):
    """Base class: the CLI and UI show ``str(err)`` as one line, never a traceback."""


class UnknownNameError(SocialAuditError):
    """A registry was asked for a name it does not know."""

    def __init__(self, kind: str, name: str, choices: list[str]) -> None:
        super().__init__(f"unknown {kind} {name!r}; choose one of: {', '.join(choices)}")


class ConfigError(SocialAuditError):
    """Configuration is missing or invalid."""


class EmbedderError(SocialAuditError):
    """An embedding model could not be loaded or used."""


class EmbedderMismatchError(SocialAuditError):
    """The index was built with another embedder than the one asked for."""

    def __init__(self, built_with: str, asked: str) -> None:
        super().__init__(
            f"the index was built with embedder {built_with!r} but {asked!r} was asked for; "
            f"re-ingest with `social-audit ingest --rebuild --embedder {asked}` "
            f"or set SOCIAL_AUDIT_EMBEDDER={built_with}"
        )


class StoreError(SocialAuditError):
    """The vector store is unreachable, missing or corrupt."""


class IndexMissingError(StoreError):
    """No index has been built yet."""

    def __init__(self, where: str) -> None:
        super().__init__(f"no index found at {where}; run `social-audit ingest` first")


class LoadError(SocialAuditError):
    """A document could not be read. Ingest reports it and goes on with the others."""
