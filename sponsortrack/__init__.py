"""sponsortrack: host-read podcast sponsorships, from the recording to the invoice."""

__version__ = "0.1.0"
USER_AGENT = f"sponsortrack/{__version__} (+promo link checker)"
