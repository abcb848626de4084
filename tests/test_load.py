from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import LoadError
from ingest.load import load
from tests.conftest import DOCUMENTS, write


def test_txt_gives_one_block_per_nonempty_line() -> None:
    blocks = load(DOCUMENTS / "001_c39f440d30a8045b.txt")
    assert blocks[0].text == "Derfor er en skarp strategi vigtig på sociale medier"
    assert all(b.text == b.text.strip() and b.text for b in blocks)


def test_markdown_headings_lists_and_wrapped_paragraphs(tmp_path: Path) -> None:
    path = write(tmp_path, "g.md", "# Our guide\n\n## Service\n\nAnswer every\ncomment within a "
                 "**day**, see [our policy](http://x).\n\n- staff the inbox\n- log complaints\n")
    blocks = load(path)
    assert [(b.kind, b.text) for b in blocks] == [
        ("title", "Our guide"),
        ("heading", "Service"),
        ("paragraph", "Answer every comment within a day, see our policy."),
        ("list-item", "- staff the inbox"),
        ("list-item", "- log complaints"),
    ]


def test_html_skips_scripts_and_navigation(tmp_path: Path) -> None:
    html = ("<html><head><title>Guide</title><script>var x = 1;</script></head><body>"
            "<nav>Home | About</nav><h2>Email</h2><p>Keep your own list &amp; write to it.</p>"
            "<footer>© site</footer></body></html>")
    blocks = load(write(tmp_path, "g.html", html))
    assert [(b.kind, b.text) for b in blocks] == [
        ("title", "Guide"), ("heading", "Email"), ("paragraph", "Keep your own list & write to it.")
    ]


def test_pdf_text_is_read(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, "Answer complaints in public, quickly and politely.")
    path = tmp_path / "g.pdf"
    pdf.output(str(path))
    assert "Answer complaints in public" in " ".join(b.text for b in load(path))


def test_docx_keeps_heading_styles(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading("Service", level=1)
    doc.add_paragraph("Staff the inbox every weekday.")
    path = tmp_path / "g.docx"
    doc.save(str(path))
    assert [(b.kind, b.text) for b in load(path)] == [
        ("heading", "Service"), ("paragraph", "Staff the inbox every weekday.")
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "no text found"),
        ("blank.md", b"\n\n   \n", "no text found"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
        ("latin1.txt", "Kundtjänst".encode("latin-1"), "not UTF-8"),
        ("sheet.xlsx", b"PK\x03\x04", "unsupported file type .xlsx"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "unreadable PDF"),
        ("broken.docx", b"not a zip", "unreadable .docx"),
    ],
)
def test_bad_files_raise_one_line_load_errors(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError) as err:
        load(path)
    assert message in str(err.value)
    assert name in str(err.value)
    assert "\n" not in str(err.value)
