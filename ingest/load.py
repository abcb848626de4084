"""Read a document into blocks of text. One loader per file type; each raises ``LoadError``."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from bot.errors import LoadError


@dataclass(frozen=True)
class Block:
    """A paragraph-sized piece of a document; ``kind`` is known for structured formats."""

    text: str
    kind: str = ""  # "", "title", "heading", "list-item", "paragraph"


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise LoadError(f"{path.name}: binary file, not text; save it as .txt, .md, .pdf or .docx")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise LoadError(f"{path.name}: not UTF-8 text (byte {err.start}); save it as UTF-8") from err


def _lines(text: str) -> list[Block]:
    return [Block(line.strip()) for line in text.splitlines() if line.strip()]


def load_txt(path: Path) -> list[Block]:
    return _lines(_read_text(path))


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
_MD_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPH = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")


def _md_inline(text: str) -> str:
    return _MD_EMPH.sub(r"\2", _MD_LINK.sub(r"\1", text)).strip()


def load_md(path: Path) -> list[Block]:
    """Markdown: headings keep their kind; a paragraph's wrapped lines are joined."""
    blocks: list[Block] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            blocks.append(Block(_md_inline(" ".join(buffer)), "paragraph"))
            buffer.clear()

    for raw in _read_text(path).splitlines():
        line = raw.strip()
        if not line or line.startswith(("```", "---", "<!--")):
            flush()
            continue
        if match := _MD_HEADING.match(line):
            flush()
            kind = "title" if len(match.group(1)) == 1 and not blocks else "heading"
            blocks.append(Block(_md_inline(match.group(2)), kind))
        elif _MD_LIST.match(line):
            flush()
            blocks.append(Block(_md_inline(line), "list-item"))
        else:
            buffer.append(line)
    flush()
    return [b for b in blocks if b.text]


class _HTMLBlocks(HTMLParser):
    _SKIP = {"script", "style", "nav", "footer", "header", "aside", "form", "noscript", "svg"}
    _BLOCK = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "blockquote",
              "section", "article", "title", "td", "pre"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._buffer: list[str] = []
        self._kind = ""
        self._skip = 0

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self._buffer)).strip()
        if text:
            self.blocks.append(Block(text, self._kind))
        self._buffer, self._kind = [], ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag in self._BLOCK:
            self._flush()
            self._kind = {"title": "title", "h1": "title", "li": "list-item"}.get(
                tag, "heading" if tag[0] == "h" and tag[1:].isdigit() else "paragraph"
            )

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._buffer.append(data)


def load_html(path: Path) -> list[Block]:
    parser = _HTMLBlocks()
    parser.feed(_read_text(path))
    parser.close()
    parser._flush()
    blocks, seen_title = [], False
    for block in parser.blocks:  # <title> and <h1> often repeat each other
        if block.kind == "title":
            if seen_title:
                block = Block(block.text, "heading")
            seen_title = True
        blocks.append(block)
    return blocks


def load_pdf(path: Path) -> list[Block]:
    """PDF text, with wrapped lines joined back into paragraphs."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as err:
        raise LoadError(f"{path.name}: unreadable PDF ({type(err).__name__}: {err})") from err
    blocks: list[Block] = []
    for page in pages:
        paragraph: list[str] = []
        for raw in page.splitlines() + [""]:
            line = raw.strip()
            if line:
                paragraph.append(line)
                if not line.endswith((".", "!", "?", ":")) or len(line) > 60:
                    continue
            if paragraph:
                blocks.append(Block(" ".join(paragraph)))
                paragraph = []
    return blocks


def load_docx(path: Path) -> list[Block]:
    try:
        from docx import Document

        document = Document(str(path))
    except Exception as err:
        raise LoadError(f"{path.name}: unreadable .docx ({type(err).__name__})") from err
    blocks = []
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name if para.style is not None else "").lower()
        kind = (
            "title" if style == "title"
            else "heading" if style.startswith("heading")
            else "list-item" if "list" in style
            else "paragraph"
        )
        blocks.append(Block(text, kind))
    return blocks


LOADERS: dict[str, Callable[[Path], list[Block]]] = {
    ".txt": load_txt,
    ".md": load_md,
    ".markdown": load_md,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
}


def load(path: Path) -> list[Block]:
    """The blocks of one document; a ``LoadError`` with a one-line reason when it cannot be used."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise LoadError(
            f"{path.name}: unsupported file type {path.suffix or '(none)'}; "
            f"use one of {', '.join(sorted(LOADERS))}"
        )
    try:
        blocks = loader(path)
    except LoadError:
        raise
    except OSError as err:
        raise LoadError(f"{path.name}: cannot read ({err.strerror or err})") from err
    if not blocks:
        raise LoadError(f"{path.name}: no text found (empty, or a scanned PDF without text)")
    return blocks
