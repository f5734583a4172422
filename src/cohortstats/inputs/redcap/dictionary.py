"""The REDCap data dictionary: fields, their types, choices, and which identify a person."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from cohortstats.core.errors import OneLineError, shown_path

__all__ = ["RedcapError", "Field", "read_dictionary", "dictionary_from_text", "WEB_HEADERS", "API_HEADERS"]


class RedcapError(OneLineError, ValueError):
    """A REDCap export the bundle cannot read; one line naming the file, row and column."""


#: The data dictionary's 18 columns as REDCap's web page downloads them (REDCap 14).
WEB_HEADERS = ("Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
               "Choices, Calculations, OR Slider Labels", "Field Note",
               "Text Validation Type OR Show Slider Number", "Text Validation Min",
               "Text Validation Max", "Identifier?", "Branching Logic (Show field only if...)",
               "Required Field?", "Custom Alignment", "Question Number (surveys only)",
               "Matrix Group Name", "Matrix Ranking?", "Field Annotation")
#: The same columns as the API's metadata export names them.
API_HEADERS = ("field_name", "form_name", "section_header", "field_type", "field_label",
               "select_choices_or_calculations", "field_note",
               "text_validation_type_or_show_slider_number", "text_validation_min",
               "text_validation_max", "identifier", "branching_logic", "required_field",
               "custom_alignment", "question_number", "matrix_group_name", "matrix_ranking",
               "field_annotation")
_CHOICE_TYPES = ("radio", "dropdown", "checkbox", "yesno", "truefalse")
_FIXED = {"yesno": {"1": "Yes", "0": "No"}, "truefalse": {"1": "True", "0": "False"}}


@dataclass(frozen=True)
class Field:
    """One field of the dictionary.

    Attributes
    ----------
    name, form, type, validation : str
    choices : dict
        Code -> label, for radio, dropdown, checkbox, yes/no and true/false fields.
    identifier : bool
        Marked ``Identifier? = y``.
    """

    name: str
    form: str
    type: str
    validation: str
    choices: dict
    identifier: bool

    @property
    def is_date(self) -> bool:
        """A date, datetime or time field (validation ``date_*``, ``datetime_*``, ``time``)."""
        return self.validation.startswith(("date", "datetime", "time"))

    @property
    def left_out(self) -> bool:
        """Never read into anything the bundle writes: an identifier or a date."""
        return self.identifier or self.is_date


def _choices(text: str, ftype: str, where: str) -> dict:
    if ftype in _FIXED:
        return dict(_FIXED[ftype])
    if ftype not in _CHOICE_TYPES or not text.strip():
        return {}
    out = {}
    for part in text.split("|"):
        code, sep, label = part.partition(",")
        if not sep:
            raise RedcapError(f"{where}: choice {part.strip()!r} is not 'code, label'")
        out[code.strip()] = label.strip()
    return out


def read_dictionary(path) -> dict:
    """The data dictionary: field name -> :class:`Field`, in the dictionary's order.

    Raises
    ------
    RedcapError
        Not a data dictionary (neither header style), a choice that is not ``code, label``.
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RedcapError(f"{shown_path(path)}: cannot be read as UTF-8 text ({exc})") from None
    return dictionary_from_text(text, shown_path(path))


def dictionary_from_text(text: str, name: str) -> dict:
    """:func:`read_dictionary` of the dictionary's text; ``name`` names it in a message (shown as is)."""
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    if not rows:
        raise RedcapError(f"{name}: is empty; expected REDCap's data dictionary")
    header = [h.strip() for h in rows[0]]
    style = WEB_HEADERS if header[:1] == [WEB_HEADERS[0]] else API_HEADERS if header[:1] == [API_HEADERS[0]] else None
    if style is None:
        raise RedcapError(f"{name}, row 1: not a REDCap data dictionary (its first column "
                          f"is {header[0]!r}, expected {WEB_HEADERS[0]!r} or {API_HEADERS[0]!r})")
    col = {h: header.index(h) for h in style if h in header}
    fields = {}
    for i, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        get = lambda k: row[col[style[k]]].strip() if style[k] in col and col[style[k]] < len(row) else ""  # noqa: E731
        field_name, ftype = get(0), get(3).lower()
        where = f"{name}, row {i}, column {style[5]!r}"
        fields[field_name] = Field(name=field_name, form=get(1), type=ftype, validation=get(7).lower(),
                                   choices=_choices(get(5), ftype, where),
                                   identifier=get(10).lower() in ("y", "yes", "1"))
    return fields
