"""bot/datafiles.py: every data file is validated at load time, a mistake is one line naming the
file and the key, and an override replaces a file for a block without leaking out of it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from bot import datafiles, l10n
from bot.audit.config import scoring_config
from bot.audit.narrative import _prompt as narrative
from bot.audit.rules import default_rules
from bot.audit.texts import ui_data
from bot.datafiles import DataSource, data_override, packaged, use_source
from bot.errors import ConfigError
from bot.interview import cues, extract_llm, messages, phrases, policy
from bot.retrieval.index import load_scope_questions
from bot.web import strings
from ingest.gloss import load_prompts

Key = tuple[str | int, ...]

# file, what loads it, a key to remove and the path its error names, a key to give a wrong type
# (and the value) and the path its error names
CASES: list[tuple[str, Callable[[], Any], Key, str, Key, Any, str]] = [
    ("answers.yaml", phrases.answer_words, ("signals", "unknown"), "signals.unknown",
     ("negators", "en"), 5, "negators.en"),
    ("grammar.yaml", phrases.grammar, ("every_n", "days"), "every_n.days",
     ("krona", "sv"), 5, "krona.sv"),
    ("cues.yaml", cues.data, ("interrogatives",), "interrogatives",
     ("cues", "reply", "en"), "reply", "cues.reply.en"),
    ("interview_messages.yaml", messages.data, ("words",), "words",
     ("messages", "greeting", "en"), 3, "messages.greeting.en"),
    ("interview.yaml", policy.load, ("questions", 2, "text"), "questions[2].text",
     ("max_questions",), "many", "max_questions"),
    ("audit_scoring.yaml", scoring_config, ("verdicts", "cut_fit"), "verdicts.cut_fit",
     ("plan", "cut_hours"), "a few", "plan.cut_hours"),
    ("audit_narrative.yaml", narrative, ("check", "echo_words"), "check.echo_words",
     ("check", "secret_min"), "eight", "check.secret_min"),
    ("audit_ui.yaml", ui_data, ("version",), "version", ("ui", "en"), "English", "ui.en"),
    ("audit_rules.yaml", default_rules, ("rules", 0, "severity"), "severity",
     ("rules", 0, "evidence", "query"), 5, "evidence.query"),
    ("gloss_prompts.yaml", load_prompts, ("system",), "system", ("markers",), 5, "markers"),
    ("out_of_scope.yaml", load_scope_questions, ("questions",), "questions",
     ("questions",), "what is the weather", "questions"),
]
# files that are tables of texts: no key is required, a wrong type is named
TABLES: list[tuple[str, Callable[[], Any], Key, Any, str]] = [
    ("ui.yaml", strings.table, ("send", "en"), 5, "send.en"),
    ("interview_prompts.yaml", extract_llm._prompts, ("extract_system",), ["x"], "extract_system"),
    ("locale.yaml", l10n._data, ("numbers", "en", "decimal"), 5, "numbers.en.decimal"),
]


def _without(data: Any, key: Key) -> Any:
    out = copy.deepcopy(data)
    node = out
    for part in key[:-1]:
        node = node[part]
    del node[key[-1]]
    return out


def _with(data: Any, key: Key, value: Any) -> Any:
    out = copy.deepcopy(data)
    node = out
    for part in key[:-1]:
        node = node[part]
    assert key[-1] in node, f"the test's key {key} is not in the file"
    node[key[-1]] = value
    return out


def _one_line_error(name: str, load: Callable[[], Any], data: Any) -> str:
    with data_override(name, data), pytest.raises(ConfigError) as err:
        load()
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"bot/data/{name}: ")
    return message


@pytest.mark.parametrize(("name", "load", "gone", "gone_at", "wrong", "value", "wrong_at"), CASES,
                         ids=[c[0] for c in CASES])
def test_a_missing_key_and_a_wrong_type_are_one_line_naming_file_and_key(
        name: str, load: Callable[[], Any], gone: Key, gone_at: str, wrong: Key, value: Any,
        wrong_at: str) -> None:
    shipped = packaged(name)
    missing = _one_line_error(name, load, _without(shipped, gone))
    assert f" {gone_at}: Field required" in missing
    mistyped = _one_line_error(name, load, _with(shipped, wrong, value))
    assert f" {wrong_at}: Input should be a valid " in mistyped
    load()  # and the packaged file, outside the block, loads as before


@pytest.mark.parametrize(("name", "load", "wrong", "value", "wrong_at"), TABLES, ids=[c[0] for c in TABLES])
def test_a_wrong_type_in_a_table_of_texts_is_one_line_naming_file_and_key(
        name: str, load: Callable[[], Any], wrong: Key, value: Any, wrong_at: str) -> None:
    mistyped = _one_line_error(name, load, _with(packaged(name), wrong, value))
    assert f" {wrong_at}: Input should be a valid " in mistyped
    load()


def test_every_file_loads_once_per_source_and_each_source_reads_afresh() -> None:
    assert policy.load() is policy.load()
    assert cues.data() is cues.data()
    outside = policy.load()
    with use_source(DataSource()):
        fresh = policy.load()
        assert fresh is not outside and fresh == outside
    assert policy.load() is outside


def test_an_override_reaches_derived_values_and_does_not_outlive_its_block() -> None:
    shipped = packaged("interview.yaml")
    before = policy.load()
    first = shipped["questions"][0]["id"]
    mine = dict(shipped, max_questions=2, questions=shipped["questions"][1:])
    with data_override("interview.yaml", mine):
        changed = policy.load()
        assert changed.max_questions == 2 and first not in {q.id for q in changed.questions}
        assert messages.data() is messages.data()  # files not overridden come from the parent
    assert policy.load() is before and before.max_questions == shipped["max_questions"]
    assert before.questions[0].id == first


def test_a_derived_cache_is_per_source() -> None:
    outside = cues.matcher("reply", "sv")
    changed = copy.deepcopy(packaged("cues.yaml"))
    changed["cues"]["reply"]["sv"] = ["zzqx"]
    with data_override("cues.yaml", changed):
        inside = cues.matcher("reply", "sv")
        assert inside is not outside
        assert "reply" not in cues.cues("vi svarar inom en timme", "sv")  # the Swedish cue words are gone
        assert "reply" in cues.cues("vi zzqx", "sv")
    assert cues.matcher("reply", "sv") is outside
    assert "reply" in cues.cues("vi svarar inom en timme", "sv")


def test_overrides_nest_and_take_yaml_text() -> None:
    shipped = packaged("audit_scoring.yaml")
    with data_override("audit_scoring.yaml", dict(shipped, version=99)):
        with data_override("interview.yaml", "max_questions: 1\nquestions: []\n"), \
                pytest.raises(ConfigError, match=r"^bot/data/interview.yaml: questions: Tuple should "):
            policy.load()
        assert scoring_config().version == 99
    assert scoring_config().version == shipped["version"]


def test_bad_yaml_and_unknown_files_are_one_line() -> None:
    with data_override("cues.yaml", "cues: [unclosed\n"), pytest.raises(ConfigError) as err:
        cues.data()
    assert str(err.value).startswith("bot/data/cues.yaml: not valid YAML") and "\n" not in str(err.value)
    with pytest.raises(ConfigError, match="no such data file"), data_override("cuez.yaml", {}):
        pass
    with pytest.raises(ConfigError, match=r"^bot/data/nothing.yaml: no such data file$"):
        datafiles.load("nothing.yaml", dict)


@pytest.mark.parametrize(("when", "says"), [
    ({"sales.modell": {"is": "b2b"}}, "unknown profile path 'sales.modell'"),
    ({"sales.model": {"is": "wholesale"}}, "unknown option 'wholesale'"),
    ({"sales.model": {"about": "b2b"}}, "unknown operator 'about'"),
    ("b2b", "Input should be a valid dictionary"),
])
def test_a_wrong_interview_condition_names_the_question_and_what_is_wrong(when: Any, says: str) -> None:
    broken = copy.deepcopy(packaged("interview.yaml"))
    broken["questions"][1]["when"] = when  # close_channels: always asked, now with a condition
    message = _one_line_error("interview.yaml", policy.load, broken)
    assert message.startswith("bot/data/interview.yaml: questions[1].when: ") and says in message
