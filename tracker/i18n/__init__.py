"""The partners' languages: the gettext helpers every module imports, and the language list.

Python code marks text with ``_`` (now), ``_l`` (lazy: module level, form labels, enum
labels), ``_n`` (plurals), ``_p``/``_lp`` (with a context, for words that read two ways).
Templates use ``_()``, ``ngettext()``, ``pgettext()`` and ``{% trans %}``.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from flask_babel import ngettext as _n
from flask_babel import pgettext as _p

# Each language in its own name, in the order the picker lists them. The codes are
# Babel's (and the catalog folders' under tracker/translations/).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "bg": "Български",
    "de": "Deutsch",
    "sr": "Српски",
    "sr_Latn": "Srpski",
    "sv": "Svenska",
}
DEFAULT_LANGUAGE = "en"

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "_", "_l", "_lp", "_n", "_p"]
