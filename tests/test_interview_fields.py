from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import UnknownNameError
from bot.interview.fields import (
    parse_amount,
    parse_channels,
    parse_choice,
    parse_choices,
    parse_close_channels,
    parse_hours,
    parse_response_time,
    parse_sales_cycle,
    parse_sales_model,
    parse_skip,
    parse_yes_no,
)
from bot.interview.phrases import answer_words, normalise, phrase_list
from bot.profile import CHANNELS, CLOSE_CHANNELS, CYCLES, SALES_MODELS, Amount, SalesCycle

LANGS = {"en", "sv", "da", "nb", "fi", "de", "af"}


# Amounts

@pytest.mark.parametrize("text, value, currency", [
    ("2 000", 2000, None),
    ("2.000 €", 2000, "EUR"),
    ("2,000 USD", 2000, "USD"),
    ("$2,000.50", 2000.5, "USD"),
    ("2.000,50 EUR", 2000.5, "EUR"),
    ("2\u00a0000 kronor", 2000, "SEK"),
    ("1 500 000 kr", 1_500_000, None),
    ("1,5k", 1500, None),
    ("1.5k €", 1500, "EUR"),
    ("15 tkr", 15000, None),
    ("2 miljoner kronor", 2_000_000, "SEK"),
    ("1.5m", 1_500_000, None),
    ("€1.5m", 1_500_000, "EUR"),
    ("3 Millionen Euro", 3_000_000, "EUR"),
    ("2 miljoonaa euroa", 2_000_000, "EUR"),
    ("500 euroa", 500, "EUR"),
    ("R5000", 5000, "ZAR"),
    ("R 12 000", 12000, "ZAR"),
    ("5000 rand", 5000, "ZAR"),
    ("£300", 300, "GBP"),
    ("300 pounds", 300, "GBP"),
    ("4 000 DKK", 4000, "DKK"),
    ("4 000 NOK", 4000, "NOK"),
    ("300:-", 300, "SEK"),
    ("about 500", 500, None),
    ("ungefär 10 000 kronor", 10000, "SEK"),
    ("in 2019 we spent 5000 € on ads", 5000, "EUR"),
    ("0,5 miljoen rand", 500_000, "ZAR"),
    ("10 duisend rand", 10_000, "ZAR"),
    ("20 tausend Euro", 20_000, "EUR"),
    ("0.500 EUR", 0.5, "EUR"),
    ("nothing much, maybe 2 000 kr", 2000, None),  # a number beats a word for nothing
    ("ett typiskt kontrakt ligger på 10 mkr", 10_000_000, None),  # a multiplier glued to the currency
    ("5 MSEK", 5_000_000, "SEK"),
    ("200 tkr", 200_000, None),
    ("metaan 3 t€/kk", 3000, "EUR"),
    ("maybe 50 quid on boosts", 50, "GBP"),
])
def test_amounts(text: str, value: float, currency: str | None) -> None:
    amount = parse_amount(text)
    assert amount is not None
    assert amount.value == pytest.approx(value)
    assert amount.currency == currency
    assert amount.high is None


@pytest.mark.parametrize("text, monthly", [
    ("2 000 kr i månaden", 2000),
    ("2000 kr/mån", 2000),
    ("500 € per month", 500),
    ("500 euroa/kk", 500),
    ("500 euroa kuukaudessa", 500),
    ("1000 Euro im Monat", 1000),
    ("3000 kroner om måneden", 3000),
    ("3000 kroner i måneden", 3000),
    ("R5000 pm", 5000),
    ("R2000 per maand", 2000),
    ("£300 a week", 300 * 52 / 12),
    ("100 € pro Woche", 100 * 52 / 12),
    ("12 000 kr om året", 1000),
    ("24 000 € a year", 2000),
    ("6000 euroa vuodessa", 500),
    ("50 kr om dagen", 50 * 365 / 12),
    ("2000 kr per month, so 24 000 kr a year", 2000),
])
def test_rates_become_per_month(text: str, monthly: float) -> None:
    amount = parse_amount(text)
    assert amount is not None and amount.monthly
    assert amount.value == pytest.approx(monthly)


@pytest.mark.parametrize("text, low, high", [
    ("5-10k euro", 5000, 10000),
    ("5k-10k", 5000, 10000),
    ("5 000 – 10 000 kr", 5000, 10000),
    ("between 5 000 and 10 000 dollars", 5000, 10000),
    ("mellan 5 000 och 10 000 kr", 5000, 10000),
    ("5000–10000 euroa", 5000, 10000),
    ("zwischen 2 und 3 Millionen", 2_000_000, 3_000_000),
    ("tussen R5000 en R8000", 5000, 8000),
    ("100 000 to 200 000 NOK", 100_000, 200_000),
])
def test_ranges(text: str, low: float, high: float) -> None:
    amount = parse_amount(text)
    assert amount is not None
    assert (amount.value, amount.high) == (pytest.approx(low), pytest.approx(high))
    assert amount.mid == pytest.approx((low + high) / 2)


@pytest.mark.parametrize("lang, code", [
    ("sv", "SEK"), ("da", "DKK"), ("nb", "NOK"), ("en", None), (None, None),
])
def test_kr_is_resolved_by_the_conversation_language(lang: str | None, code: str | None) -> None:
    amount = parse_amount("5 000 kr", lang=lang)
    assert amount == Amount(5000.0, code)
    assert parse_amount("15 tkr", lang=lang) == Amount(15000.0, code)


@pytest.mark.parametrize("text", [
    "nothing", "zero", "no budget", "ingen budget", "inga pengar", "ingen penge", "ingen penger",
    "ei budjettia", "kein Budget", "geen begroting", "niks",
])
def test_no_budget_is_zero(text: str) -> None:
    assert parse_amount(text) == Amount(0.0)


@pytest.mark.parametrize("text", [
    "we have no idea", "vet inte", "a lot", "lots", "", "   ", "kr", "euro", "2 timmar", "3 hours", "50%",
    "we have 2 people and spend 500 a month",  # two bare numbers: which one?
    "500 € on Facebook and 300 € on Instagram",  # two different amounts
])
def test_amount_none_when_unclear(text: str) -> None:
    assert parse_amount(text) is None


# Hours per week

@pytest.mark.parametrize("text, hours", [
    ("2", 2), ("ca 3", 3), ("2-3", 2.5),
    ("2 hours a week", 2), ("2h a day", 14), ("2h every day", 14), ("an hour a day", 7),
    ("half an hour a day", 3.5), ("a couple of hours a week", 2), ("2-3 hours", 2.5), ("1h30 a week", 1.5),
    ("1 hour and 30 minutes", 1.5), ("one day a week", 8), ("4 hours a month", 4 * 12 / 52),
    ("30 minutes daily", 3.5), ("7 days a week, one hour", 7),
    ("2 timmar i veckan", 2), ("två timmar i veckan", 2), ("en halvtimme om dagen", 3.5),
    ("en dag i veckan", 8), ("ett par timmar per vecka", 2), ("2,5 timmar/vecka", 2.5),
    ("10 timer om ugen", 10), ("en time om dagen", 7), ("halvanden time om ugen", 1.5),
    ("2 t/uke", 2), ("fem timer i uka", 5), ("en halvtime hver dag", 3.5),
    ("puoli tuntia päivässä", 3.5), ("puoli tuntia joka päivä", 3.5), ("kaksi tuntia viikossa", 2),
    ("tunti päivässä", 7), ("pari tuntia viikossa", 2), ("2 tuntia viikossa", 2),
    ("30 minuuttia päivässä", 3.5),
    ("zwei Stunden pro Woche", 2), ("eine halbe Stunde am Tag", 3.5), ("3 Std. die Woche", 3),
    ("anderthalb Stunden pro Woche", 1.5), ("jeden Tag eine Stunde", 7),
    ("'n paar ure per week", 2), ("twee ure per dag", 14), ("drie ure 'n week", 3), ("Drie ure ʼn week", 3),
    ("ongeveer 4 ure per week", 4),
    ("none", 0), ("ingen tid", 0), ("ei aikaa", 0), ("keine Zeit", 0), ("geen tyd", 0), ("0", 0),
    ("Nul ure op sosiale media", 0), ("Null timer på sosiale medier", 0), ("somessa nolla tuntia", 0),
    ("puol tuntia päivässä", 3.5), ("3 keer n week, 2 ure n week", 2), ("en time hver hverdag", 5),
    # a share of someone's job is a share of 37.5 hours, and adds to what else is said
    ("Ingrid har 40 % stilling på innhold og SoMe", 15), ("a content person at 50 % on social", 18.75),
    ("Sisällöntuottaja on 60 % työajalla somessa, ja mä ite pari tuntia viikossa", 24.5),
    ("40 % stilling, og selv en time om dagen", 22),
    ("maybe an hour or two a week between us", 1.5),
    ("typ en timme om dagen på vardagarna", 5), ("en halvtime hver morgen på hverdagene", 2.5),
])
def test_hours(text: str, hours: float) -> None:
    assert parse_hours(text) == pytest.approx(hours, abs=1e-3)


@pytest.mark.parametrize("text", [
    "lots", "a lot", "not much", "", "I have 3 employees", "vet inte", "200 hours a week",
    "2 hours on Facebook and 1 hour on Instagram",  # two different figures
    "some hours", "muutama tunti",  # "a few" is not a number
    "3 years", "70 % of our sales come from Instagram", "9 to 5 weekdays",  # office hours
])
def test_hours_none_when_unclear(text: str) -> None:
    assert parse_hours(text) is None


# Yes / no / maybe

@pytest.mark.parametrize("text, expected", [
    ("yes", True), ("Yes, we do", True), ("yep", True), ("absolutely", True), ("of course", True),
    ("no", False), ("nope", False), ("definitely not", False), ("absolutely not", False), ("never", False),
    ("I don't think so", False), ("We do not", False), ("maybe", None), ("it depends", None),
    ("ja", True), ("Ja, men inte så ofta", True), ("japp", True), ("absolut", True), ("nej", False),
    ("absolut inte", False), ("inte alls", False), ("kanske", None), ("Jo, det gör vi", True),
    ("ja da", True), ("selvfølgelig", True), ("nej tak", False), ("slet ikke", False), ("måske", None),
    ("nei", False), ("absolutt ikke", False), ("ja, det gjør vi", True), ("kanskje", None),
    ("kyllä", True), ("joo", True), ("juu", True), ("ei", False), ("Ei, emme mittaa", False),
    ("ei oikeastaan", False), ("ehkä", None), ("kyllä ja ei", None),
    ("Ja", True), ("jawohl", True), ("natürlich", True), ("nein", False), ("Nein, eigentlich nicht", False),
    ("auf keinen Fall", False), ("nee", False), ("vielleicht", None), ("jein", None),
    ("ja wel", True), ("beslis", True), ("beslis nie", False), ("glad nie", False), ("miskien", None),
    ("Ja en nee", None),
    ("vet inte", None), ("I don't know", None), ("en tiedä", None), ("weet nie", None),
    ("Nej, det vill jag inte svara på", None), ("", None), ("blue", None), ("42", None),
])
def test_yes_no(text: str, expected: bool | None) -> None:
    assert parse_yes_no(text) is expected


# Skip / don't know / refuse

@pytest.mark.parametrize("text, expected", [
    ("skip", "skipped"), ("next", "skipped"), ("let's move on", "skipped"), ("hoppa över", "skipped"),
    ("nästa", "skipped"), ("spring over", "skipped"), ("hopp over", "skipped"), ("ohita", "skipped"),
    ("überspringen", "skipped"), ("slaan oor", "skipped"),
    ("don't know", "unknown"), ("I have no idea", "unknown"), ("vet inte", "unknown"),
    ("Jag vet inte riktigt", "unknown"), ("ved ikke", "unknown"), ("vet ikke", "unknown"),
    ("en tiedä", "unknown"), ("weiß nicht", "unknown"), ("Ich weiß es nicht", "unknown"),
    ("keine Ahnung", "unknown"), ("weet nie", "unknown"), ("geen idee", "unknown"),
    ("rather not say", "refused"), ("I'd rather not", "refused"), ("det vill jag inte svara på", "refused"),
    ("vil ikke svare", "refused"), ("Det vil jeg ikke svare på", "refused"), ("en halua vastata", "refused"),
    ("möchte ich nicht sagen", "refused"), ("keine Angabe", "refused"), ("wil nie antwoord nie", "refused"),
    ("No, I'd rather not say", "refused"),
    ("vad vi lägger på annonser tänker jag inte berätta, det är internt", "refused"),
    ("det holder jeg for meg selv", "refused"), ("Das behalte ich für mich.", "refused"),
    ("vi delar inlägg på facebook", None), ("Wir teilen Beiträge auf Facebook", None),
    ("yes", None), ("2 timmar, vet inte exakt", None), ("next day", None), ("", None),
    ("Ja, men jag vet inte hur ofta", None), ("we skip weekends", None), ("Skip!", "skipped"),
    ("vi hoppar över helgerna", None), ("skip this question please", "skipped"),
    ("I don't really know", "unknown"),  # "i don't" (a no) starts earlier but must not hide it
    ("Das kann ich Ihnen nicht sagen", "unknown"), ("det kan jag inte säga", "unknown"),
    ("can't tell you, sorry", "unknown"), ("kan jou nie sê nie", "unknown"),
])
def test_skip(text: str, expected: str | None) -> None:
    assert parse_skip(text) == expected


# Channels

@pytest.mark.parametrize("text, expected", [
    ("FB och insta", {"facebook", "instagram"}),
    ("IG, LinkedIn and X", {"instagram", "linkedin", "twitter"}),
    ("Twitter/X", {"twitter"}),
    ("we post 2 x a week on Facebook", {"facebook"}),
    ("TikTok, YouTube, Snapchat, Pinterest", {"tiktok", "youtube", "snapchat", "pinterest"}),
    ("Newsletter", {"email"}), ("e-mail", {"email"}), ("mejl och hemsida", {"email", "website"}),
    ("nyhetsbrev och hemsidan", {"email", "website"}),
    ("nyhedsbrev, hjemmeside", {"email", "website"}),
    ("nettside og nyhetsbrev", {"email", "website"}),
    ("uutiskirje ja kotisivut, Facebookissa", {"email", "website", "facebook"}),
    ("Newsletter und Webseite", {"email", "website"}),
    ("nuusbrief en webwerf", {"email", "website"}),
    ("Google-yritysprofiili", {"google_business"}),
    ("Google My Business", {"google_business"}),
    ("WhatsApp and Threads", {"other"}),
    ("Facebook-sida och Instagramkonto", {"facebook", "instagram"}),
    ("Facebook, not TikTok", {"facebook"}),
    ("Vi är inte på TikTok, men på Instagram", {"instagram"}),
    ("Emme ole TikTokissa", set()),
    ("Ons is nie op TikTok nie", set()),
    ("Wir sind nicht auf TikTok, nur auf Facebook", {"facebook"}),
    ("not on TikTok, Snapchat or Pinterest", set()),
    ("We don't post much on Facebook", {"facebook"}),
    # named, then said to be none of theirs
    ("Facebookissa on sivu. Instagramia ei ole.", {"facebook"}), ("Instagram har vi inte.", set()),
    ("TikTok haben wir nicht, aber Instagram", {"instagram"}), ("Instagram het ons nie", set()),
    # the newsletter in a compound: a members' mail, a monthly newsletter
    ("Og så en medlemsmail 1 gang om mdr", {"email"}), ("kuukausiuutiskirje lähtee kaikille", {"email"}),
    ("we have no idea", set()), ("", set()), ("social media", set()), ("2x", set()),
])
def test_channels(text: str, expected: set[str]) -> None:
    assert parse_channels(text) == expected


# Sales model and closing channels

@pytest.mark.parametrize("text, expected", [
    ("B2B", "b2b"), ("business to business", "b2b"), ("other companies", "b2b"), ("consumers", "b2c"),
    ("both", "both"), ("B2B and B2C", "both"),
    ("företag", "b2b"), ("privatpersoner", "b2c"), ("båda", "both"),
    ("mest företag men också privatpersoner", "both"),
    ("Vi är ett litet företag som säljer till privatpersoner", "b2c"),
    ("virksomheder", "b2b"), ("forbrugere", "b2c"), ("begge dele", "both"),
    ("bedrifter", "b2b"), ("privatkunder", "b2c"),
    ("yritykset", "b2b"), ("yrityksille", "b2b"), ("kuluttajat", "b2c"), ("kuluttajille", "b2c"),
    ("molemmat", "both"),
    ("Firmenkunden", "b2b"), ("Privatkunden", "b2c"), ("beides", "both"),
    ("besighede", "b2b"), ("verbruikers", "b2c"), ("albei", "both"),
    ("not businesses, only consumers", "b2c"),
    ("mostly homeowners but we do a fair bit for letting agents and the council too", "both"),
    ("Privathaushalte überwiegend, daneben ein paar Industriebetriebe", "both"),
    ("private folk for det meste, av og til et bibliotek", "both"), ("hotels along the coast", "b2b"),
    ("we have no idea", None), ("", None), ("our company", None),
])
def test_sales_model(text: str, expected: str | None) -> None:
    assert parse_sales_model(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("mostly referrals and word of mouth", {"referrals"}),
    ("we have a shop and a webshop", {"physical_shop", "web_shop"}),
    ("cold calls and tenders", {"cold_outreach", "tenders"}),
    ("through our network", {"known_contacts"}),
    ("personal network, not cold calling", {"known_contacts"}),
    ("upphandlingar och kundbesök", {"tenders", "field_sales"}),
    ("i butiken och via rekommendationer", {"physical_shop", "referrals"}),
    ("butikken og netbutikken", {"physical_shop", "web_shop"}),
    ("anbud og kundebesøk", {"tenders", "field_sales"}),
    ("kylmäsoitot ja suosittelut", {"cold_outreach", "referrals"}),
    ("verkkokaupassa", {"web_shop"}),
    ("Empfehlungen und Ausschreibungen", {"referrals", "tenders"}),
    ("im Laden und im Onlineshop", {"physical_shop", "web_shop"}),
    ("mond tot mond en 'n winkel", {"referrals", "physical_shop"}),
    ("et par af de store mejerier", set()),  # Danish "store" is "big", not a shop
    ("book in the app or buy a card at the front desk", {"physical_shop"}),
    # a website is no web shop; ordering or booking on it is
    ("the rest ring up or email a quote request off the website", set()), ("Vi har en hemsida.", set()),
    ("customers order on our website", {"web_shop"}),
    ("Patienterna bokar via hemsidan eller kommer via rekommendationer.", {"web_shop", "referrals"}),
    # customers walking in off the street come to a shop; booking a time on the website is booking online
    ("Folk kommer bare ind fra gaden, eller de booker tid på hjemmesiden.", {"physical_shop", "web_shop"}),
    ("Wir leben von Laufkundschaft.", {"physical_shop"}),
    ("we have no idea", set()), ("", set()),
])
def test_close_channels(text: str, expected: set[str]) -> None:
    assert parse_close_channels(text) == expected


# Choices

@pytest.mark.parametrize("text, expected", [
    ("me", "owner"), ("myself", "owner"), ("jag", "owner"), ("Jag själv", "owner"), ("mig selv", "owner"),
    ("jeg selv", "owner"), ("minä", "owner"), ("ich selbst", "owner"), ("ek self", "owner"),
    ("an employee", "staff"), ("min fru", "staff"), ("en medarbejder", "staff"), ("de ansatte", "staff"),
    ("työntekijä", "staff"), ("Mitarbeiter", "staff"), ("werknemers", "staff"),
    ("an agency", "agency"), ("vi har en byrå", "agency"), ("mainostoimisto", "agency"),
    ("eine Agentur", "agency"),
    ("nobody", "nobody"), ("ingen", "nobody"), ("ei kukaan", "nobody"), ("niemand", "nobody"),
    ("1", "owner"), ("2)", "staff"), ("4", "nobody"),
    ("5", None), ("myself and an employee", None), ("blue", None), ("", None),
])
def test_responder_choice(text: str, expected: str | None) -> None:
    assert parse_choice(text, "responder") == expected


def test_choice_takes_synonyms_given_per_language_or_flat() -> None:
    options = {"red": ["röd", "rot"], "light_blue": {"sv": ["ljusblå"], "de": ["hellblau"]}}
    assert parse_choice("Rot!", options) == "red"
    assert parse_choice("hellblau", options) == "light_blue"
    assert parse_choice("light blue", options) == "light_blue"  # the option's own name counts
    assert parse_choice("röd och ljusblå", options) is None
    assert parse_choices("röd och ljusblå", options) == {"red", "light_blue"}
    assert parse_choice("green", options) is None


def test_unknown_choice_set_names_the_known_ones() -> None:
    with pytest.raises(UnknownNameError, match="responder"):
        parse_choice("me", "no-such-set")


@pytest.mark.parametrize("text, goals", [
    ("sales and brand awareness, some recruitment", {"sales", "brand", "recruitment"}),
    ("försäljning och kundservice", {"sales", "customer_service"}),
    ("salg og synlighed", {"sales", "brand"}),
    ("myynti ja asiakaspalvelu", {"sales", "customer_service"}),
    ("Verkauf und Bekanntheit", {"sales", "brand"}),
    ("verkope en werwing", {"sales", "recruitment"}),
    # as owners say them
    ("Fachkräfte! Und dass man uns kennt", {"recruitment", "brand"}),
    ("Bli mer synlig blant unge voksne, og flere boliglånskunder", {"brand"}),
    ("flere medlemmer, og at lokalavisen skriver om os", {"sales", "information_press"}),
])
def test_goal_choices(text: str, goals: set[str]) -> None:
    assert parse_choices(text, "goals") == goals


@pytest.mark.parametrize("text, purposes", [
    ("LinkedIn 2x die Woche für Stellenausschreibungen", {"recruitment"}),
    ("meestal vakatures", {"recruitment"}), ("Facebookiin lounaslista joka aamu", {"information"}),
    ("der legger vi ut driftsmeldinger og kampanjer", {"information", "sales"}),
    ("tips mostly, to keep in touch with clients", {"relationships"}),
])
def test_purposes_are_read_from_what_is_posted(text: str, purposes: set[str]) -> None:
    assert parse_choices(text, "purposes") == purposes


def test_purposes_share_the_goals_words() -> None:
    text = "information and customer service"
    assert parse_choices(text, "purposes") == {"information", "customer_service"}
    assert parse_choices(text, "goals") == {"information_press", "customer_service"}


# Response time and sales cycle

@pytest.mark.parametrize("text, hours", [
    ("within an hour", 1), ("immediately", 0.25), ("next day", 24), ("within 30 minutes", 0.5),
    ("2 days", 48), ("within 1-2 days", 36), ("2", 2),
    ("samma dag", 8), ("inom 24 timmar", 24), ("inom en timme", 1), ("en vecka", 168), ("genast", 0.25),
    ("samme dag", 8), ("næste dag", 24), ("inden for en time", 1),
    ("en uke", 168), ("innen en time", 1), ("dagen etter", 24),
    ("seuraavana päivänä", 24), ("tunnin sisällä", 1), ("heti", 0.25), ("viikon sisällä", 168),
    ("am selben Tag", 8), ("innerhalb einer Stunde", 1), ("sofort", 0.25), ("am nächsten Tag", 24),
    ("binne 'n uur", 1), ("dadelik", 0.25), ("die volgende dag", 24),
    ("within an hour, sometimes the next day", 1),
])
def test_response_time(text: str, hours: float) -> None:
    assert parse_response_time(text) == pytest.approx(hours)


@pytest.mark.parametrize("text", ["never", "when we have time", "", "vet inte", "lots"])
def test_response_time_none(text: str) -> None:
    assert parse_response_time(text) is None


@pytest.mark.parametrize("text, category", [
    ("on the spot", "instant"), ("a few days", "days"), ("2 weeks", "weeks"), ("2-3 months", "months"),
    ("over a year", "year+"), ("några veckor", "weeks"), ("6 månader", "months"), ("et par uger", "weeks"),
    ("flere måneder", "months"), ("muutama kuukausi", "months"), ("sofort", "instant"),
    ("'n paar weke", "weeks"),
])
def test_sales_cycle(text: str, category: str) -> None:
    cycle = parse_sales_cycle(text)
    assert cycle is not None and cycle.category == category


def test_sales_cycle_keeps_days_when_given() -> None:
    assert parse_sales_cycle("2 weeks") == SalesCycle("weeks", 14.0)
    assert parse_sales_cycle("lots") is None
    assert parse_sales_cycle("2 weeks or 3 months") is None


# The vocabulary file

def _labelled_sections() -> dict[str, dict[str, object]]:
    data = answer_words()
    keys = ("signals", "sales_model", "close_channels", "units", "durations", "periods", "response_times")
    sections = {key: data[key] for key in keys}
    sections |= {f"choices.{key}": table for key, table in data["choices"].items()}
    return sections


@pytest.mark.parametrize("section", sorted(_labelled_sections()))
def test_every_label_speaks_all_seven_languages(section: str) -> None:
    for label, node in _labelled_sections()[section].items():
        tables = node if isinstance(node, list) else [node]  # a list: shared words, then its own
        assert all(isinstance(t, dict) and set(t) == LANGS for t in tables), (section, label)


@pytest.mark.parametrize("section", sorted(_labelled_sections()) + ["channels"])
def test_no_phrase_has_two_labels(section: str) -> None:
    data = answer_words()["channels"] if section == "channels" else _labelled_sections()[section]
    seen: dict[str, str] = {}
    for label, node in data.items():
        for phrase in phrase_list(node):
            key = normalise(phrase)
            assert seen.setdefault(key, label) == label, (section, phrase, seen[key], label)


def test_the_same_number_word_means_the_same_number_everywhere() -> None:
    seen: dict[str, float] = {}
    for table in answer_words()["number_words"].values():
        for word, value in table.items():
            assert seen.setdefault(word, value) == value, word


def _bare_phrases(section: str, label: str) -> list[str]:
    return [p.strip("=*") for p in phrase_list(answer_words()[section][label])]


@pytest.mark.parametrize("label, expected", [("yes", True), ("no", False), ("maybe", None)])
def test_each_yes_no_phrase_alone_means_its_label(label: str, expected: bool | None) -> None:
    for phrase in _bare_phrases("signals", label):
        assert parse_yes_no(phrase) is expected, phrase
        assert parse_yes_no(phrase.upper() + "!") is expected, phrase


@pytest.mark.parametrize("label", ["skipped", "unknown", "refused"])
def test_each_skip_phrase_alone_means_its_label(label: str) -> None:
    for phrase in _bare_phrases("signals", label):
        assert parse_skip(phrase) == label, phrase


@pytest.mark.parametrize("channel", CHANNELS)
def test_each_channel_word_alone_names_its_channel(channel: str) -> None:
    for phrase in _bare_phrases("channels", channel):
        assert parse_channels(phrase) == {channel}, phrase


@pytest.mark.parametrize("text, channels", [
    ("Wir verkaufen zu 100 % online über unseren eigenen Shop, kein Laden", {"web_shop"}),
    ("Vi säljer bara online, via vår egen shop på Shopify", {"web_shop"}),
    ("Meillä on kolme SDR:ää jotka soittaa ja meilaa kylmiltään", {"cold_outreach"}),
    ("Salget skjer hos oss i showroomet", {"physical_shop"}),
    ("Die meisten schließen dann an der Theke ab", {"physical_shop"}),
    ("Die myne ken ons al 15 jaar, hulle bel ons vir shutdowns.", {"known_contacts"}),
    ("mest til firmaer der har været her før", {"known_contacts"}),
    ("people I already know or someone they sent my way", {"known_contacts", "referrals"}),
    ("fordi de kjenner meg fra før eller har fått meg anbefalt av noen", {"known_contacts", "referrals"}),
    ("Folk bestiller på nettsida vår, og når vi bygger ut nye felt har vi dørselgere ute.",
     {"web_shop", "field_sales"}),
])
def test_close_channels_as_owners_say_them(text: str, channels: set[str]) -> None:
    assert parse_close_channels(text) == channels


@pytest.mark.parametrize("label", CLOSE_CHANNELS)
def test_each_close_channel_word_alone_names_it(label: str) -> None:
    for phrase in _bare_phrases("close_channels", label):
        assert parse_close_channels(phrase) == {label}, phrase


@pytest.mark.parametrize("label", SALES_MODELS)
def test_each_sales_model_word_alone_names_it(label: str) -> None:
    for phrase in _bare_phrases("sales_model", label):
        assert parse_sales_model(phrase) == label, phrase


# Any text at all: never raises, always the promised type.

ANSWER_BITS = st.sampled_from([
    "2", "000", " ", "1,5", "2.000", "k", "tkr", "kr", "€", "$", "R", "-", "–", " to ", "mellan", " och ",
    "timmar", "h", "30", "min", "per", "a day", "i veckan", "päivässä", "x", "½", "1h30", ":-", ",", ".",
    "ja", "nej", "ei", "nie", "not", "facebook", "insta", "företag", "privatpersoner", "vet inte",
    "rather not say", "9" * 400, "\x00", "\u202f", "ʼn", "ß", "İ", "\n",
])
ANY_TEXT = st.one_of(st.text(max_size=20_000), st.lists(ANSWER_BITS, max_size=80).map("".join))


def _finite_non_negative(x: object) -> bool:
    return isinstance(x, float) and math.isfinite(x) and x >= 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT)
def test_every_parser_accepts_any_text(text: str) -> None:
    amount = parse_amount(text)
    assert amount is None or (isinstance(amount, Amount) and _finite_non_negative(amount.value)
                              and (amount.high is None or amount.high >= amount.value))
    hours = parse_hours(text)
    assert hours is None or (_finite_non_negative(hours) and hours <= 168)
    response = parse_response_time(text)
    assert response is None or _finite_non_negative(response)
    assert parse_yes_no(text) in (True, False, None)
    assert parse_skip(text) in ("skipped", "unknown", "refused", None)
    assert parse_channels(text) <= set(CHANNELS)
    assert parse_close_channels(text) <= set(CLOSE_CHANNELS)
    assert parse_sales_model(text) in (*SALES_MODELS, None)
    assert parse_choice(text, "responder") in ("owner", "staff", "agency", "nobody", None)
    assert parse_choices(text, "goals") <= set(answer_words()["choices"]["goals"])
    cycle = parse_sales_cycle(text)
    assert cycle is None or (cycle.category in CYCLES and (cycle.days is None or cycle.days >= 0))


# Posting frequency, counts, and where channels and rates are named.

@pytest.mark.parametrize("text, per_week", [
    ("3 times a week", 3), ("3x/week", 3), ("twice a month", 24 / 52), ("daily", 7), ("every day", 7),
    ("3-4 times a week", 3.5), ("tre gånger i veckan", 3), ("en gång i veckan", 1), ("to gange om ugen", 2),
    ("2 ganger i uka", 2), ("kolme kertaa viikossa", 3), ("kerran viikossa", 1), ("zweimal pro Woche", 2),
    ("drie keer per week", 3), ("5 posts a month", 60 / 52),
    ("nyhetsbrev hver torsdag", 1), ("uutiskirje joka tiistai", 1), ("varannan vecka", 0.5),
    ("alle zwei Wochen", 0.5), ("every other week", 0.5), ("'n maandelikse nuusbrief", 12 / 52),
    ("Newsletter alle 2 Wochen", 0.5), ("hver 14. dag", 0.5), ("every 3 weeks", 1 / 3),
    ("hver 3. uke", 1 / 3), ("var 3:e vecka", 1 / 3), ("every 2 days", 3.5), ("2 posts alle 2 Wochen", 1),
])
def test_posting_frequency(text: str, per_week: float) -> None:
    from bot.interview.fields import parse_frequency

    assert parse_frequency(text) == pytest.approx(per_week, rel=1e-3)


@pytest.mark.parametrize("text", ["5 hours a week", "we post on facebook", "in 2019", "3 a week and 5 a day",
                                  "TikTok. Ads: R2 000 p/m"])
def test_no_posting_frequency(text: str) -> None:
    from bot.interview.fields import parse_frequency

    assert parse_frequency(text) is None


@pytest.mark.parametrize("text, count", [
    ("about 800 subscribers", 800), ("2k", 2000), ("1 200", 1200), ("around 1,500 people", 1500), ("none", 0),
])
def test_counts(text: str, count: int) -> None:
    from bot.interview.fields import parse_count

    assert parse_count(text) == count


@pytest.mark.parametrize("text", ["500 €", "a few hundred", "200 per month"])
def test_no_count(text: str) -> None:
    from bot.interview.fields import parse_count

    assert parse_count(text) is None


def test_channels_and_periods_for_other_callers() -> None:
    from bot.interview.fields import channel_spans, periods

    assert [(label, start) for start, _, label in channel_spans("Facebook and Insta, but not TikTok")] == [
        ("facebook", 0), ("instagram", 13)]
    assert periods("5 hours a week and 100 € per month") == {"week", "month"}


@pytest.mark.parametrize(("text", "hours"), [
    ("Usually within a few hours.", 3.0), ("inom några timmar", 3.0), ("muutaman tunnin sisällä", 3.0),
    ("within 2 hours", 2.0),
])
def test_a_few_hours_reads_as_three(text: str, hours: float) -> None:
    assert parse_response_time(text) == hours


def test_the_small_words_come_from_grammar_yaml() -> None:
    """A word added to grammar.yaml reaches the parsers inside the override, and only there."""
    from bot import datafiles
    from bot.interview.fields import parse_amount, parse_frequency
    from bot.interview.phrases import grammar

    data = grammar().model_dump()
    data["range_words"]["fi"].append("zu")
    data["every_n"]["every"]["en"].append("each")
    data["krona"]["sv"] = "NOK"
    assert parse_hours("2 zu 4") is None and parse_frequency("each 2 weeks") is None
    assert parse_hours("2 zu 4 hours a week") == 4.0  # without the word: "4 hours"
    with datafiles.data_override("grammar.yaml", data):
        assert parse_hours("2 zu 4") == 3.0 and parse_hours("2 zu 4 hours a week") == 3.0
        assert parse_frequency("each 2 weeks") == 0.5
        assert parse_amount("500 kr", "sv") == Amount(500.0, "NOK")
    assert parse_hours("2 zu 4") is None and parse_amount("500 kr", "sv") == Amount(500.0, "SEK")
    assert parse_hours("2 zu 4 hours a week") == 4.0  # without the word: "4 hours"


@pytest.mark.parametrize(("text", "lang"), [
    ("Jeg bruger nok 3 timer om ugen på det", "da"),
    ("Det blir nok 2 timer i uka", "nb"),
])
def test_nok_before_a_number_is_probably_not_norwegian_crowns(text: str, lang: str) -> None:
    """In Danish and Norwegian "nok" is also "probably": 3 hours a week is no money."""
    assert parse_amount(text, lang) is None
    assert parse_amount("500 nok i mnd", lang) == Amount(500.0, "NOK", monthly=True)


@pytest.mark.parametrize(("text", "per_week"), [
    ("Facebookiin lounaslista joka aamu ma-pe", 5.0),
    ("menu on facebook every morning", 7.0),
    ("Dagens ret på Facebook hver morgen på hverdage", 5.0),
])
def test_every_morning_is_every_day_and_on_weekdays_five(text: str, per_week: float) -> None:
    from bot.interview.fields import parse_frequency

    assert parse_frequency(text) == per_week


@pytest.mark.parametrize("text", [
    "Insta zum Zeigen was wir können, und damit Bewerber sehen dass wir coole Sachen machen",
    "LinkedIn mostly so applicants can see what the work is like",
    "Facebook så att jobbsökande ser hur vi har det",
])
def test_posting_for_applicants_to_see_is_recruitment(text: str) -> None:
    assert "recruitment" in parse_choices(text, "purposes")


@pytest.mark.parametrize(("text", "count"), [
    ("honestly nobody's touched it since 2022", None),
    ("der ligger en facebook-side som en praktikant oprettede i 2019", None),
    ("since 2019 we have 800 on the list", 800),
    ("ca 2 019 adresser", 2019),
    ("2000 subscribers", 2000),
])
def test_a_year_is_no_count(text: str, count: int | None) -> None:
    from bot.interview.fields import parse_count

    assert parse_count(text, "en") == count


@pytest.mark.parametrize(("text", "low", "high"), [
    ("En catering brukar landa på 2-4000 kr.", 2000.0, 4000.0),
    ("3-400 kr", 300.0, 400.0),
    ("8-400 kr", 8.0, 400.0),
    ("10-15 000 kr", 10000.0, 15000.0),
])
def test_a_range_with_one_digit_for_the_tops_first_digit(text: str, low: float, high: float) -> None:
    amount = parse_amount(text, "sv")
    assert amount is not None and (amount.value, amount.high) == (low, high)


@pytest.mark.parametrize("text", ["emmä tiiä", "en mä tiedä", "emmä oo varma"])
def test_colloquial_finnish_dont_know_is_unknown(text: str) -> None:
    """Spoken Finnish fuses "en" and "minä": "emmä tiiä" is "en tiedä", not the owner naming themself."""
    from bot.interview.fields import parse_skip

    assert parse_skip(text) == "unknown"


@pytest.mark.parametrize(("text", "channels"), [
    ("Ons het ook n Google profiel vir die reviews", {"google_business"}),
    ("Sen har vi Google-profilen där folk lämnar recensioner", {"google_business"}),
    ("Googlen yritysprofiilia päivitän kun on pyhiä", {"google_business"}),
    ("Nyhedsmail en gang om måneden", {"email"}),
])
def test_a_google_profile_and_a_news_mail_are_channels(text: str, channels: set[str]) -> None:
    assert parse_channels(text) == channels
