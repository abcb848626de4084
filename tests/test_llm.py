from __future__ import annotations

import pytest

from bot.errors import ConfigError
from bot.llm import get_chat_model
from tests.fakes import openai_stub


def test_default_mode_has_no_llm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOCIAL_AUDIT_LLM", raising=False)
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


def test_configuration_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    with openai_stub(lambda body: "ok") as (url, seen):
        monkeypatch.setenv("SOCIAL_AUDIT_LLM", "openai:env-model")
        monkeypatch.setenv("SOCIAL_AUDIT_LLM_BASE_URL", url)
        assert get_chat_model().invoke("x").content == "ok"
    assert seen[0]["body"]["model"] == "env-model"


@pytest.mark.parametrize(("spec", "message"), [
    ("gpt-4o", "is not <provider>:<model>"),
    ("nosuchprovider:model", "unknown LLM provider"),
])
def test_bad_specs_say_what_to_do(spec: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        get_chat_model(spec)
    assert message in str(err.value)
