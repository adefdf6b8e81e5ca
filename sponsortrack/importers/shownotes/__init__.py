"""Read sponsors out of an episode's show notes (plain text, Markdown, HTML, or Markdown with HTML in it).

``parse_show_notes(text)`` returns, in the order they appear, one ``ParsedSponsor`` per sponsor
read it finds, each with the rule that found it and its line (``ParsedSponsor.why``, shown in the
import preview). The rules, found by structure and wording rather than one fixed list of headings:

* a sponsor section: a heading in any of its many wordings ("Sponsors:", "Sponsored by",
  "Thanks to Our Sponsors", "Episode sponsors", "Offers From Today's Sponsors", any line ending
  "...our sponsors:"), whose entries follow the list structure the notes use: ``Name – blurb. Learn
  more at URL.``, ``- Name: URL``, ``[Name](url): blurb``, ``<li><a href>Name</a>: blurb``, a link whose
  text is the name inside a sentence ("Go to <a>Belay Solutions</a> or text ..."), or a link or URL
  alone, where the URL *is* the identification ("capterra.com/twit  promo code TWIT30");
* a heading that names one sponsor, its read below it: "## LogRocket - Sponsor", "## Sponsor -
  Sanity", "Sponsored by Sentry:";
* sponsor sentences anywhere ("This episode is brought to you by X", "Thanks to our sponsor X",
  "a word from our sponsors. X is ...", "X is sponsoring us", in transcripts too); "X and Y" is judged
  (one link over both is one name; a name followed by prose is not a sponsor; "our partners Linode
  Fastly and LaunchDarkly" is three names only when each word is spoken of alone later); a lowercase
  brand is a name when the read goes on about it ("sponsored by elmah io. elmah io is ..."); a read
  without its own URL takes a later one on the sponsor's host ("... Learn more at Fastly.com");
* chapter lines ``12:34 Sponsor: Name`` (the timestamps give the read's start and length);
* with ``known`` sponsors, a promo-style link to a known sponsor's domain or promo URL.

Promo URLs are link targets (not link text), taken after a cue ("Learn more at", "Visit", ...),
from a link on the sponsor's name, or when the host carries the sponsor's name, vanity paths first;
the show's own site (``exclude_domains``) counts only as a redirect path naming the sponsor
("pythonbytes.fm/sentry"); social links and spoken URLs ("linode.com slash changelog") never. A
domain written as an entry's name ("CloudFree.shop") names it by its brand; a prose entry under a
sponsor heading is named by its link's brand spelled out in the text ("NUTRISENSE are offering ...").
Codes: "use code X", "promo code: X", "(code X)", "Code X" in link text, "enter X". The show's own
products listed among its sponsors are dropped.

``SponsorMatcher`` maps parsed names to known sponsors ignoring case, a leading "The" and trailing
product words ("The Brave Browser" -> "Brave"), by aliases, domains and known promo URLs.

Everything here is linear-time regex work on bounded input: no input makes it crash or hang
(tests count executed lines, never time).

The package is laid out by phase (``parse`` runs them in order): ``lines`` (notes to lines), ``reader`` (one
walk over the lines), ``sections`` (sponsor headings and the entries under them), ``sentences`` (sponsor
sentences, "X and Y"), ``chapters``, ``entry`` (an entry's name, promo URL, code and offer), ``known``
(known sponsors, the show's own products); ``model`` holds what they share.
"""

from __future__ import annotations

from .entry import _host_of, name_key
from .known import NameMatch, SponsorMatcher
from .model import (
    MAX_BLURB,
    MAX_INPUT,
    MAX_SPONSORS,
    RULE_CHAPTER,
    RULE_KNOWN_DOMAIN,
    RULE_LINK,
    RULE_NAMED_HEADING,
    RULE_SECTION,
    RULE_SENTENCE,
    RULES,
    SOURCE_CHAPTER,
    SOURCE_SECTION,
    SOURCE_SENTENCE,
    ParsedSponsor,
)
from .parse import parse_show_notes

__all__ = [
    "MAX_BLURB",
    "MAX_INPUT",
    "MAX_SPONSORS",
    "RULES",
    "RULE_CHAPTER",
    "RULE_KNOWN_DOMAIN",
    "RULE_LINK",
    "RULE_NAMED_HEADING",
    "RULE_SECTION",
    "RULE_SENTENCE",
    "SOURCE_CHAPTER",
    "SOURCE_SECTION",
    "SOURCE_SENTENCE",
    "NameMatch",
    "ParsedSponsor",
    "SponsorMatcher",
    "_host_of",
    "name_key",
    "parse_show_notes",
]
