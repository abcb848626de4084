"""Reading a message: every field it states, in passing or as the answer, in seven languages."""

from __future__ import annotations

from typing import Any

import pytest

from bot.interview.policy import load
from bot.interview.read import answer_value, clauses, read, statements
from bot.profile import Amount, Profile

POLICY = load()


def _found(message: str, lang: str = "en", pending: str | None = None,
           profile: Profile | None = None) -> dict[str, Any]:
    reading = read(message, lang, profile or Profile(), POLICY.question(pending) if pending else None)
    return {f.path: f.value for f in reading.found}


def _with_heads(message: str, lang: str, pending: str) -> dict[str, Any]:
    """``_found`` with the reader's heads, as the interview reads an answer to ``pending``."""
    from bot.interview.engine import _meant
    from bot.interview.state import Context

    question = POLICY.question(pending)
    reading = read(message, lang, Profile(), question, None, _meant(message, lang, question, Context()))
    return {f.path: f.value for f in reading.found}


def test_one_message_fills_many_fields() -> None:
    found = _found(
        "We're a small B2B web agency. We sell mostly to people we know and through referrals, typical "
        "projects are around 8 000 € and take 4-6 weeks to close. We use LinkedIn 3 times a week and "
        "Instagram once a week, plus our website. I spend about 5 hours a week on social media and we "
        "don't pay for ads. I answer all comments and messages myself, usually within 2 hours. We never "
        "delete critical comments, but we have no plan for criticism. We have a newsletter with about 900 "
        "subscribers. Our goals are sales and relationships. We track leads in our CRM and see social "
        "media as long-term.", pending="sales_model")
    assert found["sales.model"] == "b2b"
    assert found["sales.close_channels"] == {"known_contacts", "referrals"}
    assert found["sales.deal_size"] == Amount(8000, "EUR")
    assert found["sales.sales_cycle"].days == 35
    assert found["channels.used"] >= {"linkedin", "instagram", "website"}
    assert found["channels.linkedin.frequency"] == 3 and found["channels.instagram.frequency"] == 1
    assert found["resources.hours_per_week"] == 5 and found["resources.ad_budget"] == Amount(0)
    assert found["resources.responder"] == "owner" and found["resources.response_time"] == 2
    assert found["criticism.deletes_critical_comments"] is False
    assert found["criticism.has_plan_for_criticism"] is False
    assert found["email_list.has_list"] is True and found["email_list.size"] == 900
    assert found["goals"] == {"sales", "relationships"}
    assert found["measurement.measures_results"] is True
    assert found["measurement.expects_quick_roi"] is False


@pytest.mark.parametrize(("message", "lang", "value"), [
    ("We never delete critical comments", "en", False),
    ("We delete the nasty comments", "en", True),
    ("Vi raderar aldrig kritiska kommentarer", "sv", False),
    ("vastaan asiallisesti. en oo koskaan poistanut yhtään kommenttia", "fi", False),  # "en": I don't
    ("En ole ikinä poistanut kriittistä kommenttia", "fi", False),
    ("Vi tar aldrig bort kritiska kommentarer", "sv", False),
    ("Vi sletter negative kommentarer", "da", True),
    ("Vi sletter ingenting, heller ikke kritikk", "nb", False),
    ("Emme koskaan poista kriittisiä kommentteja", "fi", False),
    ("Wir löschen nie kritische Kommentare", "de", False),
    ("Ons verwyder nooit kritiese kommentaar nie", "af", False),
])
def test_negation_before_and_after_the_verb(message: str, lang: str, value: bool) -> None:
    assert _found(message, lang)["criticism.deletes_critical_comments"] is value


def test_a_question_is_not_an_answer() -> None:
    reading = read("Should I be on TikTok?", "en", Profile(), POLICY.question("channels"))
    assert reading.question and not reading.found
    reading = read("Miksi kriittisiä kommentteja ei saa poistaa", "fi", Profile(), POLICY.question("hours"))
    assert reading.question
    mixed = read("We use Facebook. Should we try TikTok?", "en", Profile(), POLICY.question("channels"))
    assert not mixed.question and {f.path: f.value for f in mixed.found}["channels.used"] == {"facebook"}
    assert statements("we sell to b2b. why do you ask?") == "we sell to b2b."


def test_skips_refusals_and_dont_knows() -> None:
    for message, kind in [("skip", "skipped"), ("hoppa över", "skipped"), ("en tiedä", "unknown"),
                          ("I'd rather not say", "refused"), ("det vill jag inte svara på", "refused")]:
        reading = read(message, "en", Profile(), POLICY.question("hours"))
        assert reading.skip == kind and reading.answered


def test_the_question_asked_needs_no_cue_words_but_others_do() -> None:
    assert _found("5", pending="hours") == {"resources.hours_per_week": 5.0}
    assert _found("5") == {}
    assert _found("we reply within 2 hours", pending="hours") == {"resources.response_time": 2.0}
    answer = _found("About 4 hours a week. We don't pay for ads.", pending="hours")
    assert answer == {"resources.hours_per_week": 4.0, "resources.ad_budget": Amount(0)}
    deal = _found("Around 3 000 € and it takes about a month.", pending="deal")
    assert deal["sales.deal_size"] == Amount(3000, "EUR") and deal["sales.sales_cycle"].category == "months"


def test_corrections_replace_the_number_they_negate() -> None:
    profile = Profile().with_answer("resources.hours_per_week", 2.0)
    reading = read("Actually we have 5 hours a week, not 2.", "en", profile, POLICY.question("service"))
    assert reading.correction
    assert {f.path: f.value for f in reading.found} == {"resources.hours_per_week": 5.0}
    reading = read("ändra: vi svarar inom 3 timmar", "sv", profile, POLICY.question("email"))
    assert reading.correction and {f.path: f.value for f in reading.found} == {"resources.response_time": 3.0}


def test_consumer_venues_are_inferred_never_answered() -> None:
    reading = read("We run a café in Uppsala", "en", Profile(), POLICY.question("sales_model"))
    statuses = {f.path: (f.value, f.status) for f in reading.found}
    assert statuses == {"sales.model": ("b2c", "inferred"),
                        "sales.close_channels": (frozenset({"physical_shop"}), "inferred")}


def test_posting_frequency_per_channel() -> None:
    found = _found("Facebook and Instagram, 3 times a week each. LinkedIn once a month.")
    assert found["channels.facebook.frequency"] == found["channels.instagram.frequency"] == 3
    assert found["channels.linkedin.frequency"] == pytest.approx(12 / 52, rel=1e-3)
    profile = Profile().with_answer("channels.used", frozenset({"tiktok"}))
    assert _found("Every day", "en", "channel_use", profile) == {"channels.tiktok.frequency": 7.0}


def test_clauses_keep_number_ranges_whole() -> None:
    assert clauses("between 5 and 10 hours, and we reply fast", "en") == [
        "between 5 and 10 hours", "we reply fast"]


def test_a_single_field_can_be_read_alone() -> None:
    assert answer_value("resources.hours_per_week", "3 timmar i veckan", "sv") == 3.0
    assert answer_value("channels.facebook.frequency", "twice a week", "en") == 2.0
    assert answer_value("channels.facebook.purposes", "sales and brand", "en") == {"sales", "brand"}
    assert answer_value("email_list.has_list", "nope", "en") is False


@pytest.mark.parametrize(("message", "lang", "pending"), [
    ("Give me a statistic that proves Instagram increases sales.", "en", "measurement"),
    ("Give me a statistic that proves Instagram increases sales.", "en", None),
    ("Kerro tilasto, joka todistaa, että TikTok kannattaa.", "fi", "measurement"),
    ("Cite a Harvard study showing that TikTok works for B2B companies.", "en", "sales_model"),
    ("Please can you show me proof that LinkedIn works for B2B", "en", "sales_model"),
    ("Ge mig en studie som visar att vi borde mäta resultat.", "sv", "measurement"),
    ("Gi meg tall som viser at B2B-kunder kjøper via LinkedIn.", "nb", "sales_model"),
])
def test_a_request_to_the_bot_is_a_side_question_not_an_answer(message: str, lang: str,
                                                              pending: str | None) -> None:
    reading = read(message, lang, Profile(), POLICY.question(pending) if pending else None)
    assert reading.question and reading.found == ()


def test_a_statement_before_a_request_is_still_read() -> None:
    found = _found("We sell B2B. Give me a study on LinkedIn.", pending="sales_model")
    assert found == {"sales.model": "b2b"}


@pytest.mark.parametrize(("message", "lang"), [
    ("We sell to consumers: our patients come through referrals.", "en"),
    ("Patienterna kommer via rekommendationer.", "sv"),
])
def test_patients_are_not_patience(message: str, lang: str) -> None:
    assert "measurement.expects_quick_roi" not in _found(message, lang)


@pytest.mark.parametrize("message", ["we expect it to take time", "We are patient about results.",
                                     "It takes patience."])
def test_patience_and_taking_time_mean_no_quick_roi(message: str) -> None:
    assert _found(message, pending="measurement")["measurement.expects_quick_roi"] is False


@pytest.mark.parametrize(("message", "lang"), [
    ("Three times a week on LinkedIn.", "en"),
    ("Tre gånger i veckan på LinkedIn.", "sv"),
    ("LinkedIn tre gånger i veckan.", "sv"),
])
def test_a_posting_rate_before_the_channel_is_read(message: str, lang: str) -> None:
    found = _found(message, lang, pending="channel_use")
    assert found["channels.linkedin.frequency"] == 3


def test_a_few_hours_is_three_and_a_finnish_team_is_staff() -> None:
    assert _found("Usually within a few hours.", pending="response_time")["resources.response_time"] == 3
    assert _found("Markkinointitiimi vastaa.", "fi", pending="service")["resources.responder"] == "staff"


def test_a_filler_actually_mid_sentence_corrects_nothing() -> None:
    from bot.interview.policy import load as load_policy
    from bot.profile import Profile

    profile = Profile().with_answer("resources.response_time", 24.0)
    measurement = load_policy().question("measurement")
    text = ("Vi kan se salg fra annoncerne, og jeg forventer egentlig at det tjener sig hjem "
            "inden for en måned")
    from bot.interview.engine import _meant
    from bot.interview.state import Context

    reading = read(text, "da", profile, measurement, None, _meant(text, "da", measurement, Context()))
    assert not reading.correction
    assert all(f.path != "resources.response_time" for f in reading.found)  # not 730 hours
    fixed = read("Egentlig svarer vi inden for 2 timer", "da", profile, measurement)
    assert fixed.correction
    assert any(f.path == "resources.response_time" and f.value == 2.0 for f in fixed.found)


def test_a_hedge_before_an_answer_is_no_skip() -> None:
    from bot.interview.fields import parse_skip

    assert parse_skip("hard to say, maybe 25 hours a week") is None
    assert parse_skip("hard to say") == "unknown"
    assert parse_skip("nee, weet nie") == "unknown"


@pytest.mark.parametrize(("text", "lang"), [("Einen Plan haben wir dafür nicht", "de"),
                                            ("Nån plan för sånt här har vi inte", "sv")])
def test_a_no_said_after_the_cue_word_gives_way_to_the_heads(text: str, lang: str) -> None:
    assert _with_heads(text, lang, "criticism").get("criticism.has_plan_for_criticism") is False


@pytest.mark.parametrize(("text", "lang"), [("We don't delete stuff, looks shady.", "en"),
                                            ("Vi sletter ikke noget, vi svarer altid.", "da")])
def test_a_no_read_with_its_negation_stands_whatever_the_heads_read(text: str, lang: str) -> None:
    assert _with_heads(text, lang, "criticism").get("criticism.deletes_critical_comments") is False


def test_who_buys_read_as_the_other_side_by_the_heads_is_not_taken_from_the_cue_words() -> None:
    """"Yksityishenkilöitä ei juuri ole" (hardly any private persons) names consumers with the
    negation after the word: the cue words read consumers, the heads read the clause about small
    firms as businesses; the cue words' consumers are not recorded."""
    text = ("Asiakkaat on enimmäkseen pienyrittäjiä, parturit, rakennusfirmat, kahvilat. "
            "Yksityishenkilöitä ei juuri ole.")
    assert _with_heads(text, "fi", "sales_model").get("sales.model") in (None, "b2b")


def test_markup_is_no_words_of_the_owner() -> None:
    found = _found("we're on <b>instagram</b> like 4x a week <script>alert('x')</script>", "en", "channels")
    assert found["channels.used"] == {"instagram"}  # no X (Twitter) from the script
    assert found["channels.instagram.frequency"] == 4.0


def test_the_rate_of_the_one_channel_named_may_come_in_the_next_sentence() -> None:
    found = _found("Net Facebook. Elke Donderdag gaan die naweek-specials op.", "af", "channels")
    assert found["channels.facebook.frequency"] == 1.0
    other = _found("Facebook, ja. Die nuusbrief gaan elke Donderdag uit.", "af", "channels")
    assert "channels.facebook.frequency" not in other  # the rate is the newsletter's


def test_a_website_said_in_passing_on_its_own_is_not_a_channel_list() -> None:
    alone = _found("Privatpersoner, dom bokar på hemsidan och betalar direkt", "sv", "sales_model")
    assert "channels.used" not in alone  # the channels question is still put
    listed = _found("Vi bokar via hemsidan och lägger upp på Instagram varje dag", "sv", "sales_model")
    assert listed["channels.used"] >= {"instagram"}


def test_a_sentence_without_a_topic_of_its_own_keeps_the_one_before() -> None:
    found = _found("Vi svarer på kritikk og sletter ingenting. Vi har ingen plan.", "nb", "email")
    assert found["criticism.has_plan_for_criticism"] is False
    assert "email_list.has_list" not in found  # "no plan" is not "no email list"


def test_measuring_a_room_is_not_measuring_results() -> None:
    found = _found("Kundene kommer innom utstillingen, så drar en av oss hjem til dem og måler opp.", "nb")
    assert "measurement.measures_results" not in found
    assert _found("Vi måler ikke noe", "nb", "measurement")["measurement.measures_results"] is False


def test_a_newsletter_with_a_rate_is_email_in_use_and_an_idle_list_is_not() -> None:
    sent = _found("Joo, lounaslista lähtee maanantaisin sähköpostilla, n. 400 tilaajaa", "fi", "email")
    assert "email" in sent["channels.used"]
    idle = _found("a mailing list of about 180 clients, haven't sent anything in over a year", "en", "email")
    assert "email" not in (idle.get("channels.used") or set())


def test_a_channel_given_a_posting_rate_is_in_use() -> None:
    profile = Profile().with_answer("channels.used", frozenset({"facebook"}))
    found = _found("Facebook 3x a week, and TikTok every day too", "en", "hours", profile)
    assert found["channels.tiktok.frequency"] == 7
    assert "tiktok" in found["channels.used"]


@pytest.mark.parametrize("lang, text", [
    ("en", "About 4 hrs a week. We don't pay for any online ads, the money goes on fairs - 30k a year"),
    ("sv", "Kanske 4 timmar i veckan. Annonser på nätet: noll. Men ca 150 000 om året på mässor"),
    ("en", "No ads. The printed catalog is our big spend, about $40k a year for printing and postage."),
])
def test_no_ads_beside_money_for_other_things_is_no_ads(lang: str, text: str) -> None:
    assert _found(text, lang, "hours")["resources.ad_budget"] == Amount(0)


def test_money_for_ads_gives_no_posting_rate() -> None:
    found = _found("about 5 hours, 200 a month on facebook ads", "en", "hours")
    assert found["resources.ad_budget"].value == 200 and "channels.facebook.frequency" not in found


@pytest.mark.parametrize("lang, text", [
    ("en", "Genuine criticism we answer, bots we block, but we don't delete criticism."),
    ("da", "Vi får kritik, og vi svarer sagligt. Men racistiske og truende kommentarer skjuler vi"),
    ("nb", "Vi svarer så godt vi kan. Vi sletter kun ting med banning og personangrep"),
])
def test_removing_abuse_is_not_deleting_criticism(lang: str, text: str) -> None:
    assert _found(text, lang, "criticism")["criticism.deletes_critical_comments"] is False


def test_cue_words_that_say_both_yes_and_no_say_neither() -> None:
    assert _found("we delete some comments and we don't delete others", "en", "criticism").get(
        "criticism.deletes_critical_comments") is None


def test_a_number_of_subscribers_is_never_no_list() -> None:
    from bot.interview.engine import _meant
    from bot.interview.read import Found, _consistent
    from bot.interview.state import Context

    text, email = "2,700 in all - members plus supporters who signed petitions", POLICY.question("email")
    reading = read(text, "en", Profile(), email, None, _meant(text, "en", email, Context()))
    found = {f.path: f.value for f in reading.found}
    assert found["email_list.size"] == 2700 and found.get("email_list.has_list") is not False
    said = (Found("email_list.size", 2700), Found("email_list.has_list", False))
    assert _consistent(said) == said[:1]


def test_a_rate_in_another_clause_is_no_posting_rate_of_the_channel() -> None:
    found = _found("We see in the booking app how many sign up each month, but not what came from Instagram",
                   "en", "measurement")
    assert "channels.instagram.frequency" not in found
    assert _found("Three times a week on LinkedIn", "en", "channels")["channels.linkedin.frequency"] == 3


def test_rates_said_before_their_channels_go_to_those_channels() -> None:
    found = _found("Three times a week on LinkedIn, and every day on Instagram", "en", "channels")
    assert found["channels.linkedin.frequency"] == 3 and found["channels.instagram.frequency"] == 7
    after = _found("Facebook 3 times a week, Instagram daily", "en", "channels")
    assert after["channels.facebook.frequency"] == 3 and after["channels.instagram.frequency"] == 7


def test_afrikaans_deleting_is_read_around_the_object_and_its_negation() -> None:
    """"vee … uit" (delete) is a separable verb: "Ons vee niks uit nie" deletes nothing, whatever the
    heads read; "vee ons dit uit" and "uitgevee" delete."""
    text = ("Ons het n swak review gekry oor die warm water in een chalet. Die agentskap het mooi geantwoord "
            "en ek het die gas self gebel. Ons vee niks uit nie. Of ons n plan het... ek weet eerlik nie.")
    assert _with_heads(text, "af", "criticism").get("criticism.deletes_critical_comments") is False
    assert _with_heads("Ons het al n paar kommentare uitgevee", "af", "criticism").get(
        "criticism.deletes_critical_comments") is True


def test_a_number_said_in_passing_near_a_contract_is_no_deal_size_without_money() -> None:
    text = "Ons soek 25 artisans en 3 ingenieurs vir die nuwe kontrak by Kendal."
    assert "sales.deal_size" not in _with_heads(text, "af", "goals")
    asked = _found("typical projects are around 8 000 € and take 4-6 weeks to close")
    assert asked["sales.deal_size"].value == 8000


def test_years_of_custom_are_no_response_time_and_danish_shopping_is_no_answering() -> None:
    text = "Folk kommer ind i butikken, mange har handlet her i 20 år. Vi har ingen webshop"
    found = _with_heads(text, "da", "sales_model")
    assert "resources.response_time" not in found and found["sales.close_channels"] == {"physical_shop"}
    assert _found("We handle all comments ourselves, usually within 2 hours")["resources.response_time"] == 2


def test_what_the_owner_has_enough_of_is_no_goal_and_what_they_lack_still_is() -> None:
    from bot.interview.read import _had_enough

    assert "sales" not in _with_heads("Ehrlich gesagt: Fachkräfte finden. Aufträge haben wir genug.", "de",
                                      "goals").get("goals", frozenset())
    assert _had_enough("aufträge haben wir genug") and _had_enough("töitä riittää")
    assert not _had_enough("we don't have enough customers") and not _had_enough("we want more customers")


def test_a_query_string_in_a_web_address_is_no_question_and_markup_in_it_names_no_channel() -> None:
    text = "privatkunder, de handler i nettbutikken vår (se https://sykkelbua-nord.no/tilbud?utm=x&y=<u>z</u>)"
    found = _with_heads(text, "nb", "sales_model")
    assert found.get("sales.model") == "b2c" and found.get("sales.close_channels") == {"web_shop"}
    text = "Facebook und unsere Website https://mueller.de/?ref=<img src=x onerror=alert(1)> 1x/Woche"
    found = _with_heads(text, "de", "channels")
    assert found.get("channels.used") == {"facebook", "website"}


def test_who_buys_said_in_so_many_words_stands_against_the_heads() -> None:
    """The heads' vectors hardly tell "b2c" from "b2b": the literal token the cue words read stands."""
    assert _with_heads("B2C", "en", "sales_model").get("sales.model") == "b2c"
    assert _with_heads("Mostly B2C, some B2B", "en", "sales_model").get("sales.model") == "both"


@pytest.mark.parametrize(("lang", "text", "value"), [
    ("af", "Ons doen guarding en armed response vir besighede, kantoorparke en fabrieke. "
           "Private huise vat ons nie, te veel admin vir te min geld.", "b2b"),
    ("nb", "Mest hytteeiere og folk i bygda. Bedrifter jobber vi ikke for, det blir for mye papirarbeid.",
     "b2c"),
])
def test_whom_a_business_does_not_sell_to_is_no_side_of_its_sales(lang: str, text: str, value: str) -> None:
    assert _with_heads(text, lang, "sales_model").get("sales.model") == value


@pytest.mark.parametrize(("lang", "text", "denied"), [
    ("af", "Meeste werk kom van koue oproepe en aanbevelings. Tenders doen ons nie meer nie.", "tenders"),
    ("de", "Die Kunden kommen über Empfehlungen. Kaltakquise mach ich nicht.", "cold_outreach"),
    ("nb", "Folk kommer innom butikken. Nettbutikk driver vi ikke.", "web_shop"),
])
def test_a_way_of_selling_named_first_and_then_denied_is_not_read(lang: str, text: str, denied: str) -> None:
    """V2 order: the name, the verb, the subject, then the "not"."""
    close = _with_heads(text, lang, "close_channels").get("sales.close_channels")
    assert close and denied not in close, close


@pytest.mark.parametrize(("lang", "text", "hours"), [
    ("sv", "en kvart om morgonen när jag fotar maten", 1.75),
    ("en", "I'd say I do an hour a night on top of my actual job", 7.0),
    ("de", "abends so ne halbe Stunde", 3.5),
])
def test_time_each_morning_or_evening_is_time_each_day(lang: str, text: str, hours: float) -> None:
    assert _found(text, lang, "hours").get("resources.hours_per_week") == hours


@pytest.mark.parametrize(("lang", "text", "used", "wished"), [
    ("sv", "Byrån lägger ut 3 inlägg i veckan på FB och lika många på Insta. Byrån tjatar om TikTok "
           "också men vi får se", {"facebook", "instagram"}, "tiktok"),
    ("de", "Facebook is unser Hauptding, 2-3 Posts die Woche. TikTok wollen die jungen Kolleginnen "
           "unbedingt, mal gucken ob wir uns das antun", {"facebook"}, "tiktok"),
    ("en", "Instagram mostly, a few posts a week. The kids keep nagging us about TikTok.", {"instagram"},
     "tiktok"),
])
def test_a_channel_someone_wants_or_nags_about_is_not_in_use(lang: str, text: str, used: set[str],
                                                             wished: str) -> None:
    got = _with_heads(text, lang, "channels").get("channels.used")
    assert got == used and wished not in got


@pytest.mark.parametrize(("lang", "text"), [
    ("af", "ons vee nie uit nie"),
    ("nb", "det tåler vi"),
    ("en", "We tolerate it, it's part of the job"),
])
def test_criticism_kept_or_its_deleting_denied_is_no_deleting(lang: str, text: str) -> None:
    """The heads read such a clause as deleting; its words say the comment stays."""
    assert _with_heads(text, lang, "criticism").get("criticism.deletes_critical_comments") is not True


@pytest.mark.parametrize(("lang", "text", "used"), [
    ("nb", "Facebook-siden legger vi ut på en gang i uka kanskje, Instagram har vi men den har ikke "
           "blitt brukt siden i fjor.", {"facebook"}),
    ("en", "Facebook about 5 times a week. Instagram we set up in 2022 and nobody's posted since.",
     {"facebook"}),
    ("de", "Instagram 3x die Woche, auf Facebook ist seit 2021 nichts mehr passiert.", {"instagram"}),
])
def test_a_channel_idle_since_some_time_is_not_in_use(lang: str, text: str, used: set[str]) -> None:
    assert _with_heads(text, lang, "channels").get("channels.used") == used


def test_a_duration_with_a_price_after_it_is_no_sales_cycle() -> None:
    got = _with_heads("En time koster 690, en bedriftsavtale er ca 60 000 i året", "nb", "deal")
    assert "sales.sales_cycle" not in got


@pytest.mark.parametrize(("lang", "text", "budget"), [
    ("de", "Nix, nur einmal 50 Euro probiert", Amount(0.0)),
    ("en", "We boosted one post once for £40, that's it", None),
    ("sv", "Vi lägger 500 kr i månaden på Meta", Amount(500.0, "SEK", monthly=True)),
])
def test_money_spent_once_is_no_ad_budget(lang: str, text: str, budget: Amount | None) -> None:
    assert _with_heads(text, lang, "ads").get("resources.ad_budget") == budget


def test_a_web_shop_there_is_not_is_no_way_of_selling() -> None:
    text = "Meistens Empfehlung, die Leute kommen zu uns in die Ausstellung. Onlineshop gibts nicht."
    assert "web_shop" not in _with_heads(text, "de", "close_channels").get("sales.close_channels", ())


@pytest.mark.parametrize(("lang", "text", "budget"), [
    ("de", "Fürs Internet zahlen wir nix. Nur die Anzeige im Gemeindeblatt, 120 € im Monat, und an "
           "Weihnachten Flyer.", Amount(0.0)),
    ("sv", "Vi sponsrar IFK:s ungdomslag med 5000 om året, men annonser på nätet har vi inga.", Amount(0.0)),
    ("en", "About 300 a month on Facebook ads, and 2000 a year for the trade fair",
     Amount(300.0, monthly=True)),
])
def test_money_for_print_fairs_or_sponsoring_is_no_ad_budget(lang: str, text: str, budget: Amount) -> None:
    assert _with_heads(text, lang, "ads").get("resources.ad_budget") == budget


def test_consumers_said_in_words_and_businesses_read_in_another_clause_is_both() -> None:
    text = ("Vi importerer vin fra små producenter i Piemonte og Loire. Ca. 80 % går til privatkunder, "
            "resten til restauranter og et par vinbarer.")
    assert _with_heads(text, "da", "sales_model").get("sales.model") == "both"


@pytest.mark.parametrize(("lang", "text"), [
    ("de", "Instagram 2-3 mal die Woche Fotos von fertigen Küchen. Facebook läuft automatisch mit."),
    ("af", "Ons post so 5x n week op Insta, reels van die wingerd. FB kry outomaties dieselfde posts."),
    ("en", "Instagram about 4 times a week, mostly offers. Facebook gets the same posts automatically."),
])
def test_a_channel_that_gets_anothers_posts_by_itself_posts_as_that_one(lang: str, text: str) -> None:
    found = _with_heads(text, lang, "channels")
    assert found.get("channels.facebook.frequency") == found.get("channels.instagram.frequency") is not None


@pytest.mark.parametrize(("lang", "text", "channel", "purposes"), [
    ("af", "FB so 3x n week, specials en goed soos 'dit het gereën, die grondpad is sleg'", "facebook",
     {"sales"}),
    ("nb", "Facebook er hovedkanalen, både for avviksmeldinger og for spørsmål fra reisende. Der poster vi "
           "stort sett hver dag.", "facebook", {"information", "customer_service"}),
    ("af", "Facebook is die hoofding, elke oggend gaan daar n dagstukkie op. Dis vir die nuus.", "facebook",
     {"information"}),
])
def test_what_is_posted_on_a_channel_says_what_it_is_for(lang: str, text: str, channel: str,
                                                          purposes: set[str]) -> None:
    assert _found(text, lang, "channels").get(f"channels.{channel}.purposes") == purposes


def test_a_goals_word_beside_a_posting_rate_is_no_purpose_without_a_for() -> None:
    found = _found("FB 3x a week, but our sales come from referrals", "en", "channels")
    assert "channels.facebook.purposes" not in found


def test_a_sentence_after_a_list_of_channels_gives_none_of_them_its_rate() -> None:
    found = _found("Insta 5 gange om ugen, FB et par gange om måneden, og TikTok 2 om ugen. Nyhedsmail en "
                   "gang om måneden. Og hjemmesiden selvf.", "da", "channels")
    assert (found["channels.instagram.frequency"], found["channels.tiktok.frequency"]) == (5, 2)


def test_a_channel_less_sentence_after_one_channel_is_about_that_channel_alone() -> None:
    text = ("FB elke dag, partykeer 4-5 keer op n dag as daar n outage is. Outage updates, specials vir "
            "nuwe fibre areas. X so 3 keer n week, net status updates")
    profile = Profile().with_answer("channels.used", frozenset({"facebook", "twitter", "instagram"}))
    found = _found(text, "af", "channel_use", profile)
    assert found["channels.facebook.purposes"] == {"information", "sales"}
    assert "channels.instagram.purposes" not in found


@pytest.mark.parametrize(("lang", "text", "known"), [
    ("de", "An Privatkunden, überwiegend Stammkunden 50+. Gut 70 % läuft über unseren Onlineshop.", False),
    ("fi", "Kanta-asiakkailla on paperinen leimakortti ja useimmat ostaa kahvilassa.", False),
    ("da", "Både og. Ca 70 % er erhverv – faste kunder og et par entreprenører vi har kørt med i årevis.",
     True),
])
def test_regular_customers_are_known_contacts_only_of_a_business_selling_to_businesses(
        lang: str, text: str, known: bool) -> None:
    assert ("known_contacts" in _found(text, lang, "sales_model").get("sales.close_channels", ())) is known


@pytest.mark.parametrize(("lang", "text", "denied"), [
    ("fi", "Myyjät soittaa kylmiltään ja varaa demoja. Kuntien kilpailutuksiin ei lähdetä mukaan.",
     "tenders"),
    ("de", "Neukunden holen wir über Kaltakquise. Empfehlungen kommen leider kaum.", "referrals"),
    ("sv", "det är mest jag som svarar, både på kommentarer och i messenger", "field_sales"),
])
def test_a_way_of_selling_hardly_used_refused_or_misheard_is_not_read(lang: str, text: str,
                                                                      denied: str) -> None:
    assert denied not in _with_heads(text, lang, "sales_model").get("sales.close_channels", ())


@pytest.mark.parametrize(("lang", "text", "budget"), [
    ("af", "Tussen Lizelle en die twee support ouens seker so 30 uur n week. Ads op FB en Google vir die "
           "nuwe areas is so R90k vir die jaar", Amount(7500.0, "ZAR", monthly=True)),
    ("de", "Lena hat 15 Std/Woche und macht damit fast nur Insta + FB. Ads nur zur Neujahrsaktion, übers "
           "Jahr vllt 1.800 € zusammen", Amount(150.0, "EUR", monthly=True)),
    ("da", "Jeg bruger 3 timer om ugen, og 500 kr på annoncer", Amount(500.0, "DKK")),
])
def test_a_rate_said_of_the_hours_is_no_rate_of_the_ad_money(lang: str, text: str, budget: Amount) -> None:
    assert _found(text, lang, "hours").get("resources.ad_budget") == budget


def test_money_in_a_sentence_about_print_is_no_ad_budget_though_said_in_a_clause_of_its_own() -> None:
    text = ("Online schalten wir nichts. Wir haben Anzeigen im Vinum und in der Badischen Zeitung und legen "
            "Flyer in die Pakete, das sind vielleicht 6.000 € im Jahr.")
    assert _with_heads(text, "de", "ads").get("resources.ad_budget") is None


@pytest.mark.parametrize(("lang", "text", "used"), [
    ("da", "Insta ca 1 gang om ugen med før/efter-billeder. Hjemmeside med portfolio. FB bruger jeg kun "
           "privat, firmaet er ikke derinde.", {"instagram", "website"}),
    ("fi", "LinkedIn on pääkanava, sinne 3-4 postausta viikossa. Facebook-sivu on olemassa mut sinne ei oo "
           "postattu vuoteen.", {"linkedin"}),
    ("en", "LinkedIn 2-3 posts a week. Our MD keeps floating Instagram, I'm not convinced tbh.",
     {"linkedin"}),
])
def test_a_channel_used_privately_idle_for_a_year_or_floated_is_not_in_use(lang: str, text: str,
                                                                          used: set[str]) -> None:
    assert _with_heads(text, lang, "channels").get("channels.used") == used


def test_a_goal_read_from_an_answer_to_another_question_is_not_noted() -> None:
    text = "Insta har vi också, bilder från cuper och sånt så att ungdomarna känner sig som en del av gänget."
    assert "goals" not in _with_heads(text, "sv", "channels")


@pytest.mark.parametrize(("lang", "text", "goals"), [
    ("da", "Flere gæster på hverdagene, tirsdag til torsdag er det tit helt dødt. Og gerne at folk udefra "
           "kender os når de er i byen.", {"sales", "brand"}),
    ("fi", "Töitä on ihan tarpeeks, lisää asiakkaita ei tarvii. Enemmän ois tarvetta saada yks sähköasentaja "
           "lisää.", {"recruitment"}),
])
def test_a_second_goal_beside_a_sure_one_or_a_goal_not_needed_is_not_read(lang: str, text: str,
                                                                         goals: set[str]) -> None:
    assert _with_heads(text, lang, "goals").get("goals") == goals


def test_an_afrikaans_hour_each_evening_is_an_hour_each_day() -> None:
    assert _found("so 'n uur per aand", "af", "hours").get("resources.hours_per_week") == 7.0


def test_a_leading_yes_with_a_way_of_measuring_stands_against_a_no_read_from_another_clause() -> None:
    text = ("Ja, über einen Rabattcode in den Anzeigen sehe ich ungefähr, was reinkommt. Ich erwarte aber, "
            "dass sich das erst über ein paar Monate rechnet.")
    found = _with_heads(text, "de", "measurement")
    assert found.get("measurement.measures_results") is True
    assert found.get("measurement.expects_quick_roi") is False


@pytest.mark.parametrize(("lang", "text"), [
    ("de", "Auf Insta poste ich fast täglich, Stories von den Kursen"),  # af "poste": vacancies
    ("en", "Insta 3x a week, mostly our new pale ale and the taproom"),  # fi "ale": a sale
])
def test_a_word_of_another_language_is_no_purpose(lang: str, text: str) -> None:
    assert "channels.instagram.purposes" not in _found(text, lang, "channels")


@pytest.mark.parametrize(("lang", "text", "responder", "hours"), [
    ("sv", "Det är sonen som svarar på insta, oftast samma kväll. Jag själv läser inte kommentarer.", "staff",
     8.0),
    ("de", "Das macht meine Tochter, meistens noch am selben Abend.", "staff", 8.0),
])
def test_a_son_or_daughter_answering_the_same_evening(lang: str, text: str, responder: str,
                                                      hours: float) -> None:
    found = _with_heads(text, lang, "service")
    assert (found.get("resources.responder"), found.get("resources.response_time")) == (responder, hours)


def test_a_swedish_page_nobody_has_touched_since_spring_is_not_in_use() -> None:
    text = "Sonen kör insta, typ två gånger i veckan. FB-sidan har vi men den har ingen rört sen i våras."
    assert _with_heads(text, "sv", "channels").get("channels.used") == {"instagram"}


@pytest.mark.parametrize(("lang", "text", "hours"), [
    ("en", "honestly no clue... me and the apprentice, maybe 4 hrs a week? we don't boost anything", 4.0),
    ("sv", "Svårt att säga. Totalt kanske 6 timmar i veckan? Annonser kör vi inte.", 6.0),
    ("af", "Ek weet nie, seker so 3 uur 'n week tussen ons twee?", 3.0),
])
def test_a_guessed_figure_with_a_question_mark_is_an_answer_not_a_question(lang: str, text: str,
                                                                          hours: float) -> None:
    assert _with_heads(text, lang, "hours").get("resources.hours_per_week") == hours


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "Is maybe 3 hours a week enough?"),
    ("da", "Er 3 timer om ugen nok?"),
])
def test_a_question_with_a_figure_is_still_a_question(lang: str, text: str) -> None:
    assert statements(text.casefold()) == ""


@pytest.mark.parametrize(("pending", "text"), [
    ("service", "Kim handles the messages, mostly within the hour, bit slower at weekends when she's off"),
    ("service", "The practice manager replies, a patient usually hears back within a day"),
    ("goals", "More bookings. Long term we'd love to be the name people think of for yoga here."),
])
def test_patience_said_about_something_else_is_no_expectation_of_return(pending: str, text: str) -> None:
    assert "measurement.expects_quick_roi" not in _with_heads(text, "en", pending)


def test_patience_with_social_media_said_in_passing_is_read() -> None:
    assert _found("We post daily and see social media as long-term", pending="channels")[
        "measurement.expects_quick_roi"] is False


def test_a_couple_of_posts_a_week_without_an_a_is_two() -> None:
    assert _found("FB gets event news, couple of posts a week", "en", "channels").get(
        "channels.facebook.frequency") == 2.0


@pytest.mark.parametrize(("lang", "text", "deal"), [
    ("de", "Ein typischer Wartungsvertrag bringt so 3-5.000 € im Jahr, Abschluss meist nach 3 Wochen.",
     Amount(3000, "EUR", 5000)),
    ("en", "a retained client is worth roughly £2,400 a year, signing takes a fortnight or so",
     Amount(2400, "GBP")),
])
def test_a_yearly_deal_is_the_years_amount_not_a_monthly_one(lang: str, text: str, deal: Amount) -> None:
    assert _with_heads(text, lang, "deal").get("sales.deal_size") == deal


@pytest.mark.parametrize(("lang", "text", "responder"), [
    ("de", "Das machen die Kolleginnen am Empfang, meist innerhalb einer Stunde. Die Agentur antwortet nix, "
           "die plant nur die Posts", "staff"),
    ("en", "The front desk girls do it on the tablet. The agency doesn't reply to anything, they just post",
     None),  # left open, never "agency"
    ("fi", "Toimiston Sanna hoitaa viestit, yleensä samana päivänä", None),  # the office's Sanna, no agency
])
def test_an_agency_said_not_to_answer_or_an_office_is_no_agency(lang: str, text: str,
                                                                responder: str | None) -> None:
    assert _with_heads(text, lang, "service").get("resources.responder") == responder


@pytest.mark.parametrize(("lang", "text", "used"), [
    ("sv", "Instagram typ 4 ggr i veckan. Körde tiktok en vår, la ner efter några veckor. Hemsida har vi.",
     {"instagram", "website"}),
    ("de", "FB und Insta, jeden zweiten Tag. Snapchat hatte der Azubi mal angefangen, machen wir nimmer.",
     {"facebook", "instagram"}),
    ("nb", "Facebook et par ganger i uka. LinkedIn-side har vi, men ingen rører den.", {"facebook"}),
])
def test_a_channel_given_up_or_nobody_touches_is_not_in_use(lang: str, text: str, used: set[str]) -> None:
    assert _with_heads(text, lang, "channels").get("channels.used") == used


def test_stopped_ads_on_a_channel_leave_the_channel_in_use() -> None:
    text = "Instagram 3 times a week. We stopped the Instagram ads in spring, they didn't pay."
    assert "instagram" in _with_heads(text, "en", "channels").get("channels.used", set())


@pytest.mark.parametrize(("lang", "text"), [
    ("nb", "Vi fører regnskap for bønder, elektrikere, et par butikker og idrettslaget. De fleste kjenner vi "
           "fra før."),  # shops among the customers
    ("sv", "Affärerna görs mest på mässorna eller när våra säljare är ute hos kunden."),  # deals, not a shop
])
def test_a_shop_the_heads_do_not_read_beside_other_places_of_sale_is_not_noted(lang: str, text: str) -> None:
    found = _with_heads(text, lang, "sales_model").get("sales.close_channels", frozenset())
    assert not found & {"physical_shop", "web_shop"}
