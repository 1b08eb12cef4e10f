"""The ministry's column names, as ``parsing.normalise`` writes them, mapped to our field names.

Several spellings map to one field: municipal files say "Voix 3", presidential ones "Voix"
repeated, older ones "N°Panneau". The French label after each field is the one errors quote.
"""

from __future__ import annotations

# Candidate lists: one row per candidate of a list; we keep the lists and their heads.
LISTS_FIXED = {
    "code departement": "department",
    "code circonscription": "commune",
    "code commune": "commune",
    "numero de panneau": "panel",
    "n°panneau": "panel",
    "libelle abrege de liste": "short_label",
    "libelle de la liste": "label",
    "libelle de liste": "label",
    "code nuance de liste": "nuance_code",
    "nuance de liste": "nuance",
    "tete de liste": "head",
    "ordre": "order",
    "sexe": "sex",
    "nom sur le bulletin de vote": "last_name",
    "prenom sur le bulletin de vote": "first_name",
}
LISTS_REQUIRED = {
    "commune": "Code circonscription",
    "panel": "Numéro de panneau",
    "head": "Tête de liste",
    "last_name": "Nom sur le bulletin de vote",
    "first_name": "Prénom sur le bulletin de vote",
}

RESULTS_FIXED = {
    "code departement": "department",
    "code du departement": "department",
    "code commune": "commune",
    "code de la commune": "commune",
    "libelle commune": "commune_name",
    "libelle de la commune": "commune_name",
    "code b.vote": "station",
    "code bv": "station",
    "code du b.vote": "station",
    "inscrits": "registered",
    "votants": "voters",
    "abstentions": "abstentions",
    "exprimes": "expressed",
    "blancs": "blank",
    "nuls": "null",
    "% votants": "pct_voters",
    "% vot/ins": "pct_voters",
    "% abstentions": "pct_abstentions",
    "% abs/ins": "pct_abstentions",
    "% exprimes/inscrits": "pct_expressed_registered",
    "% exp/ins": "pct_expressed_registered",
    "% exprimes/votants": "pct_expressed_voters",
    "% exp/vot": "pct_expressed_voters",
    "% blancs/inscrits": "pct_blank_registered",
    "% blancs/ins": "pct_blank_registered",
    "% blancs/votants": "pct_blank_voters",
    "% blancs/vot": "pct_blank_voters",
    "% nuls/inscrits": "pct_null_registered",
    "% nuls/ins": "pct_null_registered",
    "% nuls/votants": "pct_null_voters",
    "% nuls/vot": "pct_null_voters",
}
RESULTS_REQUIRED = {
    "department": "Code département",
    "commune": "Code commune",
    "registered": "Inscrits",
    "voters": "Votants",
    "abstentions": "Abstentions",
    "expressed": "Exprimés",
    "blank": "Blancs",
    "null": "Nuls",
}
COUNTS = ("registered", "voters", "abstentions", "expressed", "blank", "null")

RESULTS_BLOCK = {
    "numero de panneau": "panel",
    "n°panneau": "panel",
    "n panneau": "panel",
    "nuance liste": "nuance_code",
    "code nuance": "nuance_code",
    "nuance": "nuance_code",
    "libelle abrege de liste": "short_label",
    "libelle abrege liste": "short_label",
    "libelle de liste": "label",
    "libelle liste": "label",
    "nom candidat": "last_name",
    "nom": "last_name",
    "prenom candidat": "first_name",
    "prenom": "first_name",
    "sexe candidat": "sex",
    "sexe": "sex",
    "voix": "votes",
    "% voix/inscrits": "pct_registered",
    "% voix/ins": "pct_registered",
    "% voix/exprimes": "pct_expressed",
    "% voix/exp": "pct_expressed",
    "elu": "elected",
    "sieges au cm": "seats",
    "sieges au cc": "seats_cc",
}
BLOCK_REQUIRED = {"panel": "Numéro de panneau", "votes": "Voix"}

# Percentages the ministry writes and the counts they come from: (numerator, denominator).
FIXED_PERCENTS = {
    "pct_voters": ("voters", "registered"),
    "pct_abstentions": ("abstentions", "registered"),
    "pct_expressed_registered": ("expressed", "registered"),
    "pct_expressed_voters": ("expressed", "voters"),
    "pct_blank_registered": ("blank", "registered"),
    "pct_blank_voters": ("blank", "voters"),
    "pct_null_registered": ("null", "registered"),
    "pct_null_voters": ("null", "voters"),
}
BLOCK_PERCENTS = {"pct_registered": "registered", "pct_expressed": "expressed"}

# The ministry rounds to two decimals; anything further off is worth an editor's look.
PERCENT_TOLERANCE = 0.006
