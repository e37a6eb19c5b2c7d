"""Papers from the web: arXiv's API, DOI content negotiation and PDF downloads.

``add.add_things`` (``reader add``), ``add.fetch_pdfs`` (``reader fetch-pdf``) and
``enrich.enrich_library`` (``reader enrich``) are the front door, for the CLI and for the app's
worker threads alike. Importing this package, ``add`` or ``enrich`` fetches nothing and imports
neither ``requests`` nor ``arxiv``: they load when a lookup starts, so no other command pays
for them.
"""
