"""The white-label file: defaults, the example file, paths relative to the file, contrast, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.web.brand import Brand, contrast, load_brand, localise, origin_of
from tests.conftest import REPO, write


def test_no_file_gives_the_plain_product() -> None:
    brand = load_brand(None)
    assert brand == Brand()
    assert brand.default_lang == "en" and brand.allowed_origins == [] and brand.call_to_action.kind == "none"


def test_the_example_file_loads_with_paths_relative_to_it() -> None:
    brand = load_brand(REPO / "examples" / "brand.yaml")
    assert brand.product_name == "Nordic Channel Check"
    assert brand.logo_path() == (REPO / "examples" / "logo.svg").resolve()
    assert brand.call_to_action.kind == "lead_form"
    assert brand.allowed_origins == ["https://consultant.example"]
    assert localise(brand.welcome, "sv").startswith("Hej!")


def test_extra_corpus_and_keys_file_resolve_against_the_brand_file(tmp_path: Path) -> None:
    path = write(tmp_path / "cfg", "brand.yaml", "extra_corpus: [../guidance]\napi: {keys_file: keys.txt}\n")
    brand = load_brand(path)
    assert brand.extra_corpus == [(tmp_path / "guidance").resolve()]
    assert brand.api.keys_file == (tmp_path / "cfg" / "keys.txt").resolve()


@pytest.mark.parametrize("body, words", [
    ("colours: {text: '#777777', background: '#888888'}", "contrast"),
    ("colours: {primary: red}", "#rrggbb"),
    ("default_lang: xx", "default_lang"),
    ("allowed_origins: ['consultant.example']", "not an origin"),
    ("call_to_action: {kind: booking}", "url"),
    ("limits: {max_message_chars: 0}", "max_message_chars"),
    ("produkt_name: typo", "produkt_name"),
    ("- a list", "mapping"),
    ("logo: missing.png", "does not exist"),
    ("a: [unclosed", "not valid YAML"),
])
def test_a_bad_file_is_one_line_saying_what_is_wrong(tmp_path: Path, body: str, words: str) -> None:
    path = write(tmp_path, "brand.yaml", body)
    with pytest.raises(ConfigError) as err:
        load_brand(path)
    assert words in str(err.value) and "\n" not in str(err.value).strip()


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read brand file"):
        load_brand(tmp_path / "nope.yaml")


def test_contrast_follows_wcag() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_the_button_text_colour_reads_on_the_primary_colour() -> None:
    for primary in ("#0b5d4b", "#ffd400", "#1f5f8b", "#e0e0e0"):
        colours = Brand.model_validate({"colours": {"primary": primary}}).colours
        assert contrast(colours.on_primary, primary) >= 4.5, primary


def test_origins_are_normalised() -> None:
    assert origin_of("https://Consultant.example/page?x=1") == "https://consultant.example"
    assert origin_of("http://127.0.0.1:8080/") == "http://127.0.0.1:8080"


def test_localise_falls_back_to_the_default_then_english() -> None:
    text = {"en": "Hello", "sv": "Hej"}
    assert localise(text, "sv") == "Hej"
    assert localise(text, "fi", "sv") == "Hej"
    assert localise(text, "fi") == "Hello"
    assert localise("Same for all", "da") == "Same for all"
