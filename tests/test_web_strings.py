"""The web app's labels: every one in every language of the web app (languages.yaml), filled strictly."""

from __future__ import annotations

import string

import pytest

from bot.lang import codes
from bot.web.strings import StringError, t, table


def test_every_label_exists_in_the_required_languages_with_the_same_placeholders() -> None:
    for key, entry in table().items():
        names = {n for _, n, _, _ in string.Formatter().parse(entry["en"]) if n}
        for lang in codes("ui"):
            assert entry.get(lang), (key, lang)
            assert {n for _, n, _, _ in string.Formatter().parse(entry[lang]) if n} == names, (key, lang)


def test_labels_are_strict() -> None:
    assert t("send", "sv") == "Skicka"
    assert t("too_long", "fi", size=3000, limit=2000).startswith("Viestissäsi on 3000")
    with pytest.raises(StringError, match="needs"):
        t("too_long", "en")
    with pytest.raises(StringError, match="no UI string"):
        t("nope", "en")
