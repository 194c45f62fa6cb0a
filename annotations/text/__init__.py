"""Text as claimtag stores and shows it: normalisation (once, at import), display safety, sentences,
tokens, search. Offsets everywhere are Python ``str`` indices into the stored text."""
