"""``reader serve``: the app in a browser. ``access`` decides who may connect (no third-party
imports); ``server`` runs the app per browser tab with textual-serve, an optional dependency."""
