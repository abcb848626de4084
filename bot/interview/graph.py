"""The interview as a LangGraph graph: one node that runs one step of the engine per user turn.

The graph's state is plain JSON (the interview state's ``to_dict``), so any LangGraph
checkpointer can persist it; ``Sessions`` compiles it with its backend's (SQLite or PostgreSQL).
Only this module, ``sessions`` and the backends import LangGraph, and only when they are used.
"""

from __future__ import annotations

from typing import Any, TypedDict

from bot.interview import engine
from bot.interview.state import Context, InterviewState

NODE = "turn"


class GraphState(TypedDict, total=False):
    session: dict[str, Any]  # InterviewState.to_dict()
    reply: dict[str, Any]  # Reply.to_dict() of the last turn
    message: str | None  # the user's message for this turn; None starts a session
    lang: str | None  # the language a new session starts in
    max_chars: int | None  # the longest message read this turn (engine.MAX_READ when None)


def turn(ctx: Context) -> Any:
    """The node: start a session (no state yet) or take one step."""

    def run(values: GraphState) -> GraphState:
        if not values.get("session"):
            state, reply = engine.start(values.get("lang"), ctx)
        else:
            state = InterviewState.from_dict(values["session"])
            state, reply = engine.step(state, values.get("message") or "", ctx,
                                       values.get("max_chars") or engine.MAX_READ)
        return {"session": state.to_dict(), "reply": reply.to_dict(), "message": None, "max_chars": None}

    return run


def build(ctx: Context, checkpointer: Any = None) -> Any:
    """The compiled graph: START -> turn -> END, persisted by ``checkpointer`` per thread id."""
    from langgraph.graph import END, START, StateGraph

    graph = StateGraph(GraphState)
    graph.add_node(NODE, turn(ctx))
    graph.add_edge(START, NODE)
    graph.add_edge(NODE, END)
    return graph.compile(checkpointer=checkpointer)
