"""The chat-model seam: the optional LLM, any langchain chat model named in configuration.

The default mode has no LLM (``None``): interview, audit and answers work from rules, parsing and
retrieval. A configured model only makes them more fluent. Specs:

- ``openai:<model>``: any OpenAI-compatible server (vLLM, llama.cpp server, Ollama's /v1, …);
  its base URL and key are ``Settings.llm_base_url`` and ``Settings.llm_api_key``.
- ``ollama:<model>``: Ollama's own API (needs the ``langchain-ollama`` package).
- ``<provider>:<model>`` for any other provider langchain's ``init_chat_model`` knows.

The spec, URL and key are settings (``bot/config.py``: ``SOCIAL_AUDIT_LLM``,
``SOCIAL_AUDIT_LLM_BASE_URL``, ``SOCIAL_AUDIT_LLM_API_KEY``); this module reads no environment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.errors import ConfigError

if TYPE_CHECKING:
    from bot.config import Settings

NONE_SPECS = {"", "none", "off"}
_PACKAGES = {"openai": "langchain-openai", "ollama": "langchain-ollama",
             "anthropic": "langchain-anthropic", "mistralai": "langchain-mistralai"}


def chat_model(settings: Settings) -> Any | None:
    """The chat model ``settings`` name, or ``None`` for the default mode without an LLM."""
    return get_chat_model(settings.llm, base_url=settings.llm_base_url, api_key=settings.llm_api_key)


def get_chat_model(spec: str | None = None, *, base_url: str | None = None,
                   api_key: str | None = None, temperature: float = 0.0,
                   timeout: float = 60.0) -> Any | None:
    """A langchain chat model for ``spec``, or ``None`` (no spec, or none/off) for the default
    mode without an LLM."""
    spec = (spec or "").strip()
    if spec.lower() in NONE_SPECS:
        return None
    provider, sep, model = spec.partition(":")
    if not sep or not provider or not model:
        raise ConfigError(f"LLM {spec!r} is not <provider>:<model>; e.g. openai:qwen2.5 or ollama:llama3")
    from langchain.chat_models import init_chat_model

    kwargs: dict[str, Any] = {"temperature": temperature}
    if provider == "openai":
        kwargs["base_url"] = base_url or None
        kwargs["api_key"] = api_key or "not-needed"
        kwargs["timeout"] = timeout
        kwargs["max_retries"] = 1
    elif provider == "ollama" and base_url:
        kwargs["base_url"] = base_url
    try:
        return init_chat_model(model, model_provider=provider, **kwargs)
    except ImportError as err:
        package = _PACKAGES.get(provider, f"langchain-{provider}")
        raise ConfigError(f"LLM provider {provider!r} needs the {package} package: "
                          f"pip install {package}") from err
    except ValueError as err:
        raise ConfigError(f"unknown LLM provider {provider!r} ({err}); use openai:<model> for any "
                          "OpenAI-compatible server") from err
