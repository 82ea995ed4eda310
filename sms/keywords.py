"""The SMS keywords people may send, per language, and the one we teach in each language.

Plain data shared by the inbound parser (``sms.commands``) and by the outbound templates, which
name keywords through ``%(kw_…)s`` placeholders so that a reply always teaches a keyword the
parser understands. Keywords are matched after folding case, accents and Arabic letter variants.
"""

from __future__ import annotations

STATUS = "status"
COMPLAIN = "complain"
TRACK = "track"
CALL = "call"
HELP = "help"
STOP = "stop"
START = "start"
LANGUAGE = "language"
PAYMENT = "payment"
WITHDRAW = "withdraw"

COMMANDS = (STATUS, COMPLAIN, TRACK, CALL, HELP, STOP, START, LANGUAGE, PAYMENT, WITHDRAW)

# language -> command -> keywords; the first keyword of each list is the one replies teach.
KEYWORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        STATUS: ("STATUS", "STATE"),
        COMPLAIN: ("COMPLAIN", "COMPLAINT"),
        TRACK: ("TRACK",),
        CALL: ("CALL", "CALLBACK"),
        HELP: ("HELP", "INFO"),
        STOP: ("STOP", "UNSUBSCRIBE"),
        START: ("START", "SUBSCRIBE"),
        LANGUAGE: ("LANGUAGE", "LANG"),
        PAYMENT: ("PAYMENT", "PAYMENTS", "PAY"),
        WITHDRAW: ("WITHDRAW",),
    },
    "fr": {
        STATUS: ("STATUT", "ÉTAT"),
        COMPLAIN: ("PLAINTE", "RÉCLAMATION"),
        TRACK: ("SUIVI", "SUIVRE"),
        CALL: ("APPEL", "RAPPEL"),
        HELP: ("AIDE",),
        STOP: ("STOP", "ARRÊT"),
        START: ("DÉBUT", "REPRENDRE"),
        LANGUAGE: ("LANGUE",),
        PAYMENT: ("PAIEMENT", "PAIEMENTS", "VERSEMENT"),
        WITHDRAW: ("RETRAIT", "RETIRER"),
    },
    "sw": {
        STATUS: ("HALI",),
        COMPLAIN: ("MALALAMIKO", "LALAMIKA"),
        TRACK: ("FUATILIA",),
        CALL: ("PIGA", "NIPIGIE"),
        HELP: ("MSAADA", "SAIDIA"),
        STOP: ("ACHA", "SIMAMISHA", "SITISHA"),
        START: ("ANZA",),
        LANGUAGE: ("LUGHA",),
        PAYMENT: ("MALIPO", "MALIPIO"),
        WITHDRAW: ("JITOE", "JIONDOE"),
    },
    "ar": {
        STATUS: ("حالة", "الحالة"),
        COMPLAIN: ("شكوى", "الشكوى"),
        TRACK: ("تتبع", "متابعة"),
        CALL: ("اتصال", "اتصل"),
        HELP: ("مساعدة", "المساعدة"),
        STOP: ("توقف", "إيقاف"),
        START: ("ابدأ", "بدء"),
        LANGUAGE: ("لغة", "اللغة"),
        PAYMENT: ("دفع", "الدفع", "مدفوعات"),
        WITHDRAW: ("انسحاب", "الانسحاب"),
    },
}

# Words that confirm a withdrawal of consent after the WITHDRAW keyword ("WITHDRAW YES"), any language.
CONFIRM_WORDS: tuple[str, ...] = ("YES", "OUI", "NDIYO", "NDIO", "نعم")

# Words people use to name a language after the LANGUAGE keyword, besides its code.
LANGUAGE_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("EN", "ENGLISH", "ANGLAIS", "KIINGEREZA", "انجليزي", "الإنجليزية"),
    "fr": ("FR", "FRENCH", "FRANÇAIS", "KIFARANSA", "فرنسي", "الفرنسية"),
    "sw": ("SW", "SWAHILI", "KISWAHILI", "سواحيلي", "السواحيلية"),
    "ar": ("AR", "ARABIC", "ARABE", "KIARABU", "عربي", "العربية"),
}


def taught_keyword(command: str, language: str) -> str:
    """The keyword replies in ``language`` teach for ``command`` (English when unknown)."""
    table = KEYWORDS.get(language) or KEYWORDS["en"]
    return table[command][0]


def keyword_context(language: str) -> dict[str, str]:
    """Placeholders ``kw_status``, ``kw_track``, … for templates rendered in ``language``."""
    return {f"kw_{command}": taught_keyword(command, language) for command in COMMANDS}
