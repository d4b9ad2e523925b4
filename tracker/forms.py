"""Fields and validators shared by every feature's forms."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import pycountry
from babel import Locale
from flask_babel import get_locale
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms import DateField as PlainDateField
from wtforms import EmailField as PlainEmailField
from wtforms import Field, HiddenField, SelectField
from wtforms import IntegerField as PlainIntegerField
from wtforms import StringField as PlainStringField
from wtforms import URLField as PlainURLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, Optional, ValidationError
from wtforms.widgets import Select, html_params

from tracker.extensions import db
from tracker.i18n import _, _l
from tracker.inputs import MAX_ID, MAX_YEAR, MIN_YEAR, in_date_range, name_key, parse_int
from tracker.lru import LockedLRU
from tracker.models import Organisation
from tracker.timefmt import is_zone, zone_choices


def country_choices() -> list[tuple[str, str]]:
    """ISO 3166-1 alpha-2 codes with their names in the current language. English keeps
    pycountry's names, which differ from CLDR's ("Russian Federation", not "Russia"); other
    languages take Babel's (CLDR) names, falling back to pycountry's where CLDR has none."""
    locale = get_locale()
    return list(countries_in(str(locale) if locale is not None else "en"))


@lru_cache(maxsize=16)
def countries_in(locale_name: str) -> tuple[tuple[str, str], ...]:
    """country_choices for one locale, sorted once per process and language."""
    locale = Locale.parse(locale_name)
    if locale.language == "en":
        return tuple(
            sorted(
                ((c.alpha_2, f"{c.name} ({c.alpha_2})") for c in pycountry.countries),
                key=lambda pair: pair[1],
            )
        )
    names = locale.territories
    pairs = [
        (c.alpha_2, f"{names.get(c.alpha_2) or c.name} ({c.alpha_2})") for c in pycountry.countries
    ]
    return tuple(sorted(pairs, key=lambda pair: sort_key(pair[1], locale.language)))


# Letters that sort after z (Swedish) or in their own place (Serbian Cyrillic), mapped to
# characters beyond the basic Latin and Cyrillic blocks, in alphabetical order.
SWEDISH_LAST = {"å": "\u4e00", "ä": "\u4e01", "ö": "\u4e02"}
SERBIAN_CYRILLIC = "абвгдђежзијклљмнњопрстћуфхцчџш"


def sort_key(text: str, language: str = "") -> str:
    """text compared as a reader of language expects: case ignored, accents ignored except
    where the alphabet has them as letters of their own (Swedish å, ä, ö after z; Serbian
    Cyrillic in its own order)."""
    folded = text.casefold()
    if language == "sv":
        folded = "".join(SWEDISH_LAST.get(c, c) for c in unicodedata.normalize("NFC", folded))
    if language == "sr":
        folded = "".join(
            chr(0x4E10 + SERBIAN_CYRILLIC.index(c)) if c in SERBIAN_CYRILLIC else c
            for c in unicodedata.normalize("NFC", folded)
        )
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def organisation_choices() -> list[tuple[str, str]]:
    """(id, name) pairs of every organisation, by name."""
    rows = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.short_name).order_by(
            Organisation.name
        )
    ).all()
    return [(str(i), f"{name} ({short})") for i, name, short in rows]


def select_choices(
    pairs: Sequence[tuple[str, str | LazyString]], blank: str | LazyString | None = None
) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs, with an optional blank first option."""
    first = [SelectChoice("", blank)] if blank is not None else []
    return first + [SelectChoice(value, text) for value, text in pairs]


def valid_zone(form: FlaskForm, field: Field) -> None:
    """The field holds a real IANA zone name."""
    if not field.data or not is_zone(field.data):
        raise ValidationError(_("Choose a real IANA time zone, such as Europe/Sofia."))


def valid_country(form: FlaskForm, field: Field) -> None:
    """The field holds a real ISO 3166-1 alpha-2 country code."""
    code = (field.data or "").upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValidationError(_("Choose a real country (ISO 3166-1 code such as BG or RS)."))


def optional_url() -> list[Any]:
    """Validators for an optional http(s) URL."""
    return [
        Optional(),
        URL(require_tld=False, message=_l("Enter a full web address (https://...).")),
    ]


def safe_url(form: FlaskForm, field: Field) -> None:
    """Only http and https links: no javascript: or data: URLs."""
    if field.data and not str(field.data).lower().startswith(("http://", "https://")):
        raise ValidationError(_("Enter a web address that starts with https:// or http://."))


# Rendered option lists of the long selects, by their (value, label) pairs: one per language.
OPTIONS: LockedLRU[tuple[tuple[str, str], ...], tuple[list[str], dict[str, int]]] = LockedLRU(32)


class FixedOptionsSelect(Select):
    """A <select> whose options are rendered once per language and list of choices.

    WTForms renders every <option> of every select again on each page, about 40 ms for the
    400 time zones, and again for each of a meeting form's six participant and six agenda
    rows. This widget keeps the rendered options and marks the chosen one, so an edit form
    costs a list copy; the HTML is the same as WTForms' Select gives.
    """

    def __call__(self, field: Field, **kwargs: Any) -> Markup:
        choices = field.choices if isinstance(field, SelectField) else None
        if not isinstance(choices, list) or not all(
            isinstance(c, SelectChoice) and c.optgroup is None for c in choices
        ):
            return super().__call__(field, **kwargs)  # type: ignore[no-any-return]
        kwargs.setdefault("id", field.id)
        for name in self.validation_attrs:
            if name not in kwargs and getattr(field.flags, name, False):
                kwargs[name] = getattr(field.flags, name)
        options, positions = rendered_options(choices)
        data = field.data
        chosen = positions.get(data) if isinstance(data, str) else None
        if chosen is not None:
            options = options.copy()
            options[chosen] = options[chosen].replace("<option ", "<option selected ", 1)
        # Every value and label was escaped when its option was rendered; html_params escapes.
        return Markup(  # noqa: S704  # nosec B704
            f"<select {html_params(name=field.name, **kwargs)}>{''.join(options)}</select>"
        )


def rendered_options(choices: list[SelectChoice]) -> tuple[list[str], dict[str, int]]:
    """The <option> elements of choices (none selected) and each value's position."""
    pairs = tuple((str(c.value), str(c.label or c.value)) for c in choices)
    found = OPTIONS.get(pairs)
    if found is None:
        options = [
            f'<option value="{escape(value)}">{escape(label)}</option>' for value, label in pairs
        ]
        positions: dict[str, int] = {}
        for n, (value, _label) in enumerate(pairs):
            positions.setdefault(value, n)
        found = (options, positions)
        OPTIONS.put(pairs, found)
    return found


class ZoneField(SelectField):
    """A select of IANA zone names."""

    widget = FixedOptionsSelect()

    def __init__(self, label: str | LazyString | None = None, **kwargs: Any) -> None:
        # Fields are bound per form instance (per request), so the default label is translated here.
        label = _("Time zone") if label is None else label
        kwargs.setdefault("validators", [valid_zone])
        kwargs.setdefault("choices", select_choices(zone_choices(), _("Choose a time zone")))
        kwargs.setdefault("validate_choice", False)
        super().__init__(label, **kwargs)


class CountryField(SelectField):
    """A select of ISO 3166-1 alpha-2 countries."""

    widget = FixedOptionsSelect()

    def __init__(self, label: str | LazyString | None = None, **kwargs: Any) -> None:
        # Fields are bound per form instance (per request), so the default label is translated here.
        label = _("Country") if label is None else label
        kwargs.setdefault("validators", [valid_country])
        kwargs.setdefault("choices", select_choices(country_choices(), _("Choose a country")))
        kwargs.setdefault("validate_choice", False)
        super().__init__(label, **kwargs)


def name_taken(column: Any, value: str, exclude: tuple[Any, int] | None = None) -> bool:
    """Whether another row already has value in column, comparing by name_key (NFKC, case
    folded, invisible characters removed). exclude is (id column, id) of the row edited."""
    key = name_key(value)
    if not key:
        return False
    query = select(column)
    if exclude is not None:
        query = query.where(exclude[0] != exclude[1])
    return any(name_key(existing or "") == key for existing in db.session.scalars(query))


# Line breaks and tabs: kept in text areas, never in a one-line field.
LINE_BREAKS = str.maketrans("\t\r\n", "   ")


def one_line(value: Any) -> Any:
    """value with tabs and line breaks turned into spaces."""
    return value.translate(LINE_BREAKS) if isinstance(value, str) else value


class SingleLine:
    """A one-line text field: a tab, CR or LF sent in it becomes a space.

    A browser's <input> cannot hold them, but a crafted request can, and they would end up in
    page titles, CSV cells and calendar summaries. Text areas keep them.
    """

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Store the submitted text without tabs and line breaks."""
        super().process_formdata([one_line(value) for value in valuelist])  # type: ignore[misc]


class StringField(SingleLine, PlainStringField):
    """WTForms' StringField, one line only."""


class EmailField(SingleLine, PlainEmailField):
    """WTForms' EmailField, one line only."""


class URLField(SingleLine, PlainURLField):
    """WTForms' URLField, one line only."""


class DateField(PlainDateField):
    """WTForms' DateField, refusing years outside MIN_YEAR..MAX_YEAR next to the field."""

    def pre_validate(self, form: Any) -> None:
        """A date in year 1 or 9999 is a typing mistake that later overflows date arithmetic."""
        if self.data is not None and not in_date_range(self.data):
            raise ValidationError(
                _("Enter a date between %(first)s and %(last)s.", first=MIN_YEAR, last=MAX_YEAR)
            )


class IntegerField(PlainIntegerField):
    """A whole number of ASCII digits that a database integer column can hold.

    WTForms' own field passes any int() result on, so a 20-digit number reached validators
    that query the database (and overflowed there) after NumberRange had already refused it.
    Here such a value never becomes data: the field gets an error and data stays None.
    """

    data: Any

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Parse the submitted value, refusing files, non-ASCII digits and huge numbers."""
        if not valuelist:
            return
        raw = valuelist[0]
        text = raw.strip() if isinstance(raw, str) else ""
        if text == "":
            self.data = None
            if not isinstance(raw, str):
                raise ValueError(self.gettext("Not a valid integer value."))
            return
        negative = text.startswith("-")
        value = parse_int(text.removeprefix("-"), MAX_ID)
        if value is None:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value."))
        self.data = -value if negative else value


class VersionedForm(FlaskForm):
    """An edit form carrying the version of the record it was loaded from."""

    version = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Editing an existing record: a save must say which version it started from.
        self.editing = getattr(kwargs.get("obj"), "version", None) is not None

    def validate_version(self, field: HiddenField) -> None:
        """An edit without the version it was based on could overwrite someone's change."""
        sent = field.raw_data[0] if field.raw_data else None
        if self.editing and parse_int(sent) is None:
            raise ValidationError(
                _("This form lost track of the record's version; reload the page.")
            )

    def submitted_version(self) -> int | None:
        """The version the user started from, if the form carried one."""
        raw = self.version.raw_data[0] if self.version.raw_data else self.version.data
        return parse_int(raw) if raw else None
