from __future__ import annotations

import pytest

from bot.config import Settings
from bot.errors import ConfigError
from bot.llm import chat_model, get_chat_model
from tests.fakes import openai_stub


def test_default_mode_has_no_llm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOCIAL_AUDIT_LLM", raising=False)
    assert Settings.from_env().llm == ""
    assert chat_model(Settings.from_env()) is None
    assert get_chat_model() is None
    assert get_chat_model("none") is None


def test_openai_compatible_server_over_real_http() -> None:
    with openai_stub(lambda body: f"echo: {body['messages'][-1]['content']}") as (url, seen):
        model = get_chat_model("openai:local-model", base_url=url)
        answer = model.invoke("Hej!")
    assert answer.content == "echo: Hej!"
    assert seen[0]["path"] == "/v1/chat/completions"
    assert seen[0]["body"]["model"] == "local-model"
    assert seen[0]["body"]["temperature"] == 0.0


def test_configuration_from_the_environment_goes_through_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    with openai_stub(lambda body: "ok") as (url, seen):
        monkeypatch.setenv("SOCIAL_AUDIT_LLM", "openai:env-model")
        monkeypatch.setenv("SOCIAL_AUDIT_LLM_BASE_URL", url)
        monkeypatch.setenv("SOCIAL_AUDIT_LLM_API_KEY", "sk-from-env")
        settings = Settings.from_env()
        assert (settings.llm, settings.llm_base_url, settings.llm_api_key) == ("openai:env-model", url,
                                                                              "sk-from-env")
        assert "sk-from-env" not in repr(settings)
        assert chat_model(settings).invoke("x").content == "ok"
    assert seen[0]["body"]["model"] == "env-model"
    headers = {k.lower(): v for k, v in seen[0]["headers"].items()}
    assert headers["authorization"] == "Bearer sk-from-env"


def test_settings_name_the_model_without_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIAL_AUDIT_LLM", "openai:not-this-one")
    monkeypatch.setenv("SOCIAL_AUDIT_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    with openai_stub(lambda body: "ok") as (url, seen):
        assert chat_model(Settings(llm="openai:set-model", llm_base_url=url)).invoke("x").content == "ok"
    assert seen[0]["body"]["model"] == "set-model"


@pytest.mark.parametrize(("spec", "message"), [
    ("gpt-4o", "is not <provider>:<model>"),
    ("nosuchprovider:model", "unknown LLM provider"),
])
def test_bad_specs_say_what_to_do(spec: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        get_chat_model(spec)
    assert message in str(err.value)
