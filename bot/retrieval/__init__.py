"""Retrieval: the embedder seam, the vector store seam, the index layout, the lexical side and
the retriever that fuses them. Importing the package loads nothing heavy."""
