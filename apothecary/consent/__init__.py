"""Cookie consent: the banner on every public page, the /consent/ page, and the records that
prove each choice (see core.consent for the cookie and the test other code asks)."""
