"""Round 3 of the show-notes reader: the rules written after reading held-out set 3's per-file results
(tests/fixtures/real/README.md, "Held-out set 3"). Each pins, with a small example of its shape, a general
rule that was missing; none names a show."""

from __future__ import annotations

from sponsortrack.importers.shownotes import parse_show_notes


def found(text: str, **kw) -> list[tuple]:
    return [(p.name, p.promo_url, p.promo_code) for p in parse_show_notes(text, **kw)]


def test_sponsored_by_a_name_then_its_url_in_brackets_is_a_sentence_not_a_heading():
    # "sponsored by X" with a one-letter check made every short "Sponsored By Name" line a sponsor
    # heading, so the next paragraph's first line ("Become a paid subscriber") became a sponsor
    notes = ("Episode sponsored By Acme (https://acme.io/pod) 40% Discount!\n"
             "Episode sponsored By Globex (https://globex.dev)\n\n"
             "Become a paid subscriber on our patreon for the full episode.\n\n"
             "- https://www.patreon.com/ourshow\n")
    assert found(notes) == [("Acme", "https://acme.io/pod", None), ("Globex", "https://globex.dev", None)]


def test_the_colon_of_a_url_does_not_end_a_sponsored_by_heading():
    assert found("This episode is sponsored by Globex (https://globex.dev).") == [
        ("Globex", "https://globex.dev", None)]


def test_a_bullet_of_prose_that_mentions_sponsors_is_not_a_sponsor_heading():
    notes = ("* How do you balance sponsors and the community?\n"
             "    * Tend not to do sponsored talks\n"
             "    * [Big Hall](https://bighall.example.com/) - a great benefit to the group\n"
             "    * 1 minute slots for sponsors\n"
             "    * No sales pitches\n"
             "    * Meetup.com is useful\n")
    assert found(notes) == []
    # a bullet that is a heading by its form still opens a section
    assert found("- **Sponsors**\n- [Acme](https://acme.io/pod) - rockets\n") == [
        ("Acme", "https://acme.io/pod", None)]


def test_thank_x_with_an_appositive_for_sponsoring_and_x_has_sponsored():
    notes = ("- I would also like to thank Hired, a job marketplace for developers, for sponsoring this "
             "episode. Use the link [hired.com/pod](http://hired.com/pod) to double your bonus. Linode has "
             "also sponsored this episode and you can get a $10 credit using the link linode.com/pod to try "
             "their servers.\n")
    assert found(notes) == [("Hired", "http://hired.com/pod", None), ("Linode", "https://linode.com/pod", None)]


def test_a_closing_thanks_takes_the_code_of_the_sentence_before_it():
    notes = ("Get live site visibility today with real user monitoring. Go to the site right now for a free "
             "trial. Then, when you're ready to buy, use the code PODTEN at checkout to get 30% off. Thank you "
             "so much to Pingdom from SolarWinds for their support of this show. OK, on with the show.\n")
    assert found(notes) == [("Pingdom", None, "PODTEN")]


def test_a_read_runs_from_its_sponsor_sentence_to_the_closing_thanks_that_names_it_again():
    sentences = " ".join(f"Sentence {i} is about what the product does for your site." for i in range(10))
    notes = (f"Let's talk about our sponsor. This episode is brought to you by Pingdom. {sentences} Use code "
             "PODTEN at checkout to get 30% off. Thank you so much to Pingdom for their support. Now, the news.")
    assert found(notes) == [("Pingdom", None, "PODTEN")]
    # but a read does not run into the next sponsor's sentence
    notes2 = (f"This episode is brought to you by Pingdom. {sentences} This episode is also brought to you by "
              "Acme. Use code ACME at checkout. Thanks to Pingdom for their support.")
    assert dict((n, c) for n, _u, c in found(notes2)) == {"Pingdom": None, "Acme": "ACME"}


def test_a_hyphenated_brand_spelled_out_in_a_prose_entry_names_it():
    notes = ("### Sponsors ###\n\n"
             "- Mention the #ourshow hashtag and request your Acme-Lint one-month trial license here "
             "[https://acme-lint.com/try_free](https://acme-lint.com/try_free)\n")
    assert found(notes) == [("Acme-Lint", "https://acme-lint.com/try_free", "#ourshow")]


def test_an_entry_linking_to_an_earlier_sponsors_site_is_more_of_that_sponsor():
    # the second bullet is an article on the first sponsor's site, introduced by a colon on the line before
    notes = ("### Sponsors ###\n\n"
             "- Request your Acme-Lint one-month trial license here "
             "[https://acme-lint.com/try_free](https://acme-lint.com/try_free)\n"
             "- C++ tools evolution: static code analyzers:\n"
             "[https://acme-lint.com/0873](https://acme-lint.com/0873)\n")
    assert found(notes) == [("Acme-Lint", "https://acme-lint.com/try_free", None)]


def test_the_link_on_a_list_entrys_name_is_its_promo_url():
    notes = ('<p>Sponsors:</p><ul><li><a href="https://info.acme.com/ourshow">Acme</a> – <strong>Query your '
             'code</strong>. See how teams use it at <a href="https://about.acme.com/insights">'
             'about.acme.com/insights</a></li></ul>')
    assert found(notes) == [("Acme", "https://info.acme.com/ourshow", None)]


def test_a_link_marked_rel_payment_is_the_shows_own_and_its_products_are_not_sponsors():
    # rel="payment" (HTML) marks the page owner's own funding link: that host is the show's
    notes = ('<p><a href="https://ourshow.fm/++" rel="payment">OurShow++</a> members skip the ads.</p>'
             '<p>Sponsors:</p><ul>'
             '<li><a href="https://acme.io/ourshow">Acme</a> – rockets</li>'
             '<li><a href="https://ourshow.fm/++">OurShow++</a> – make the ads disappear</li>'
             '</ul>')
    assert found(notes) == [("Acme", "https://acme.io/ourshow", None)]
    # without the mark, one product on a host is not evidence that the host is the show's
    assert len(found(notes.replace(' rel="payment"', ""))) == 2


def test_a_brand_named_like_a_domain_keeps_its_name_over_a_later_link_in_its_entry():
    notes = ('<p>Sponsors:</p><ul><li><a href="https://fly.io/ourshow">Fly.io</a> – <strong>Deploy apps</strong> '
             '— run your app all over the world, no ops required. Learn more at <a href="https://fly.io/ourshow">'
             'fly.io/ourshow</a> and check out <a href="https://fly.io/docs/speedrun/">the speedrun in their '
             'docs</a>.</li></ul>')
    assert found(notes) == [("Fly", "https://fly.io/ourshow", None)]


def test_the_shows_ref_slug_in_its_sponsors_urls_marks_its_own_products_in_the_list():
    # the sponsors' URLs carry the show's slug ("/ourshow", "utm_source=ourshow"): an entry on the
    # slug's own domain, named after it, is the show's product, not a sponsor
    notes = ('<p>Sponsors:</p><ul>'
             '<li><a href="https://acme.io/ourshow">Acme</a> – rockets</li>'
             '<li><a href="https://globex.com/?utm_source=ourshow">Globex</a> – search</li>'
             '<li><a href="https://ourshow.com/news">OurShow News</a> – a newsletter combo. '
             '<a href="https://ourshow.com/news">Subscribe today</a>.</li>'
             '</ul>')
    assert found(notes) == [("Acme", "https://acme.io/ourshow", None),
                            ("Globex", "https://globex.com/?utm_source=ourshow", None)]
    # one sponsor's slug is not evidence of the show's
    assert len(found(notes.replace("utm_source=ourshow", "utm_source=x"))) == 3


def test_a_banner_linking_to_the_promo_url_gives_the_code_written_below_it():
    notes = ("- Acme has also sponsored this episode: get a $10 credit using the link acme.io/ourshow.\n\n"
             '<div class="well">\n<a href="http://acme.io/ourshow"><img src="/images/acme.png" alt="Acme Banner">'
             "</a><br/>\n<p>Use the promo code <strong>ourshow10</strong> to get a $10 credit!</p>\n</div>\n")
    assert found(notes) == [("Acme", "https://acme.io/ourshow", "ourshow10")]
    # a feed's HTML on one line: the banner is still another link than the read's
    one_line = ("<p>Acme has also sponsored this episode: get a credit using the link acme.io/ourshow.</p>"
                '<div><a href="http://acme.io/ourshow"><img alt="Acme Banner"></a><br/><p>Use the promo code '
                "<strong>ourshow10</strong>!</p></div>")
    assert found(one_line) == [("Acme", "https://acme.io/ourshow", "ourshow10")]
    # a list of link entries: the next entry's code is not this one's
    listed = ('<p>Sponsors:</p><ul><li><a href="http://acme.io/ourshow">acme.io/ourshow</a></li>'
              '<li><a href="http://globex.tv/ourshow">globex.tv/ourshow</a> promo code OURSHOW30</li></ul>')
    assert found(listed) == [("Acme", "http://acme.io/ourshow", None), ("Globex", "http://globex.tv/ourshow",
                                                                        "OURSHOW30")]
