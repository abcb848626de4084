"""The interview: a short conversation that learns how a business sells and what it has.

- ``state``: the data (``InterviewState``, ``Turn``, ``Reply``, ``Context``), plain JSON round-trips.
- ``engine``: ``start`` and ``step``, pure functions of the state, one user turn each.
- ``policy``: which question to ask next (rules and texts in ``bot/data/interview.yaml``).
- ``read``: every field a message states, with the deterministic field parsers of ``fields``, which
  stand on the phrase matcher and negation scope of ``phrases`` (both read ``bot/data/answers.yaml``).
- ``side``: side questions answered from the corpus; the passages behind each question's "why".
- ``extract_llm``: the optional chat model's structured extraction, cross-checked.
- ``graph`` and ``sessions``: one LangGraph step per turn, persisted by a ``backends`` backend:
  SQLite (``backend_sqlite``, the default) or PostgreSQL (``backend_postgres``).

Importing this package loads no model, framework or store.
"""
