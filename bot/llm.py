"""The chat-model seam: the optional LLM, any langchain chat model named in configuration.

The default mode has no LLM (``None``): interview, audit and answers work from rules, parsing and
retrieval. A configured model only makes them more fluent. Specs:

- ``openai:<model>``: any OpenAI-compatible server (vLLM, llama.cpp server, Ollama's /v1, …);
  base URL from ``SOCIAL_AUDIT_LLM_BASE_URL``, key from ``SOCIAL_AUDIT_LLM_API_KEY``.
- ``ollama:<model>``: Ollama's own API (needs the ``langchain-ollama`` package).
- ``<provider>:<model>`` for any other provider langchain's ``init_chat_model`` knows.
"""

from __future__ import annotations

import os
from typing import Any

from bot.errors import ConfigError

NONE_SPECS = {"", "none", "off"}
_PACKAGES = {"openai": "langchain-openai", "ollama": "langchain-ollama",
             "anthropic": "langchain-anthropic", "mistralai": "langchain-mistralai"}


def llm_spec_from_env() -> str:
    return os.environ.get("SOCIAL_AUDIT_LLM", "").strip()


def get_chat_model(spec: str | None = None, *, base_url: str | None = None,
                   api_key: str | None = None, temperature: float = 0.0,
                   timeout: float = 60.0) -> Any | None:
    """A langchain chat model for ``spec``, or ``None`` for the default mode without an LLM."""
    spec = (spec if spec is not None else llm_spec_from_env()).strip()
    if spec.lower() in NONE_SPECS:
        return None
    provider, sep, model = spec.partition(":")
    if not sep or not provider or not model:
        raise ConfigError(f"LLM {spec!r} is not <provider>:<model>; e.g. openai:qwen2.5 or ollama:llama3")
    from langchain.chat_models import init_chat_model

    kwargs: dict[str, Any] = {"temperature": temperature}
    if provider == "openai":
        kwargs["base_url"] = base_url or os.environ.get("SOCIAL_AUDIT_LLM_BASE_URL") or None
        kwargs["api_key"] = (api_key or os.environ.get("SOCIAL_AUDIT_LLM_API_KEY")
                             or os.environ.get("OPENAI_API_KEY") or "not-needed")
        kwargs["timeout"] = timeout
        kwargs["max_retries"] = 1
    elif provider == "ollama" and (base_url or os.environ.get("SOCIAL_AUDIT_LLM_BASE_URL")):
        kwargs["base_url"] = base_url or os.environ.get("SOCIAL_AUDIT_LLM_BASE_URL")
    try:
        return init_chat_model(model, model_provider=provider, **kwargs)
    except ImportError as err:
        package = _PACKAGES.get(provider, f"langchain-{provider}")
        raise ConfigError(f"LLM provider {provider!r} needs the {package} package: "
                          f"pip install {package}") from err
    except ValueError as err:
        raise ConfigError(f"unknown LLM provider {provider!r} ({err}); use openai:<model> for any "
                          "OpenAI-compatible server") from err
