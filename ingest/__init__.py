"""Ingestion: load -> clean -> chunk -> embed -> upsert, idempotent by content hash."""
