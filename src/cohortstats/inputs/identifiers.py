"""Direct identifiers in column names and cell values: what the loader refuses.

A cohort file for this bundle must be de-identified. The checklist is the HIPAA
Safe Harbor list of 18 kinds of identifier (45 CFR 164.514(b)(2)(i)); the table
says which check of this module covers each. Both checks are deliberately
conservative: a harmless column or value that looks like an identifier is
refused with a message saying what it looks like, and can be renamed or
reworded; an identifier that gets through cannot be taken back.

====  =========================================  ===========================================  ======================================
 §    Safe Harbor category                       column names (:func:`identifier_column`)     cell values (:func:`identifier_value`)
====  =========================================  ===========================================  ======================================
 A    names                                      name, fname, lname, surname, initials,       two or more capitalised words in a
                                                 alias, maiden, nickname, signature, ...      row (Jane Doe, Doe, Jane); titles
                                                                                              (Dr. X, Mr, Mrs, Ms, Prof)
 B    geographic subdivisions smaller than a     address, addr, street, city, county, town,   street addresses (12 Elm Street,
      state (street, city, county, ZIP, ...)     zip, zip5, postal, postcode, lat/lon, gps,   3 Oak Rd), PO boxes, apartment/suite
                                                 residence, precinct, census, ...             numbers, ZIP (NC 27701, 27701-1234,
                                                                                              a lone 5-digit value), UK postcodes
 C    dates (except year) directly related to    date, dates, dt, datetime, timestamp, dob,   dates: 2004-05-06, 5/6/2004,
      an individual; ages over 89                yob, dod, doa, birth (not birth weight,      6.5.04, 6 May 2004, May 6, 2004,
                                                 order, ...), visit_dt, DeathDate, ...        March 2004, "DOB"; ages: the loader
                                                                                              refuses ``age_years`` above 90
 D    telephone numbers                          phone, cellphone, tel, telno, mobile,        555-1234, (919) 555-1234,
                                                 mobile_no, pager, ...                        +44 20 7946 0958, "tel 5551234"
 E    fax numbers                                fax, facsimile                               as telephone numbers
 F    electronic mail addresses                  email, e_mail, EmailAddr, mail, ...          anything with ``x@y``
 G    social security numbers                    ssn, social_security, nino, ...              123-45-6789, 123 45 6789, "SSN"
 H    medical record numbers                     mrn, MRN1, medical_record, MedicalRecordNo,  6 or more digits in a row; "MRN"
                                                 chart_no, hospital_number, ...
 I    health plan beneficiary numbers            beneficiary, subscriber, medicare,           as record numbers; "NHS"
                                                 medicaid, nhs, NHS_number, insurance_id, ...
 J    account numbers                            account, acct, iban, credit card, ...        as record numbers
 K    certificate/license numbers                license, licence, certificate, passport,     as record numbers; "passport"
                                                 npi, dea, ...
 L    vehicle identifiers, serial numbers,       vehicle, vin, license plate, number plate    as record numbers
      license plates
 M    device identifiers and serial numbers      imei, udi, serial number, device_id,         as record numbers
                                                 mac address
 N    web URLs                                   url, uri, website, webpage, homepage         http://, www., name.com/.org/...
 O    IP addresses                               ip, IPAddr, ip_address, ipv4, ipv6           192.168.1.10, IPv6 groups
 P    biometric identifiers                      biometric, fingerprint, voiceprint, retina   (not text)
                                                 scan, iris scan, ...
 Q    full-face photographs, comparable images   photo, photograph, picture, image, img,      (not text)
                                                 selfie, headshot, ...
 R    any other unique identifying number,       ``<anything>_number`` / ``_no`` / ``_num``   as record numbers; the loader
      characteristic or code                     (not visit/dose/cycle/... numbers),          checks ``patient_id`` with
                                                 national_id, member_id, id_number, ...       :func:`identifier_study_id`
====  =========================================  ===========================================  ======================================

Before matching, text is normalised so look-alikes count as what they look like:
Unicode NFKC (full-width ``ＮＡＭＥ`` -> ``NAME``), format characters removed
(category Cf: zero-width spaces and joiners, bidi controls, soft hyphens),
accents dropped, and Cyrillic and Greek letters that look like Latin ones folded
to them (``nаme`` with a Cyrillic ``а``). A column name is then split into words
at non-letters, at camelCase and at digits (``PatientName`` -> patient name,
``MRN1`` -> mrn 1, ``zip5`` -> zip 5), and the words and their run-together
form (``cellphone``, ``medicalrecordno``) are matched against the table above.

Values are matched by patterns, so only what a pattern can recognise is found:
a name in lower case (``jane doe``) is not. The name pattern also refuses
clinical terms written in Title Case (``Deep Vein Thrombosis``); write them in
lower case (``deep vein thrombosis``, ``Stevens-Johnson syndrome``).
"""
from __future__ import annotations

import re
import unicodedata

from cohortstats.core.vocabulary import CLINICAL_WORDS

__all__ = ["SAFE_HARBOR", "identifier_column", "identifier_value", "identifier_study_id",
           "normalise", "looks_like"]

#: The 18 Safe Harbor categories (45 CFR 164.514(b)(2)(i)): letter -> (category, one of them).
#: :func:`identifier_column` and :func:`identifier_value` return a category name.
SAFE_HARBOR = {
    "A": ("names", "a person's name"),
    "B": ("geographic subdivisions", "an address or ZIP code"),
    "C": ("dates", "a date"),
    "D": ("telephone numbers", "a telephone number"),
    "E": ("fax numbers", "a fax number"),
    "F": ("email addresses", "an e-mail address"),
    "G": ("social security numbers", "a social security number"),
    "H": ("medical record numbers", "a medical record number"),
    "I": ("health plan beneficiary numbers", "a health plan number"),
    "J": ("account numbers", "an account number"),
    "K": ("certificate/license numbers", "a certificate or license number"),
    "L": ("vehicle identifiers", "a vehicle identifier"),
    "M": ("device identifiers", "a device identifier"),
    "N": ("web URLs", "a web address (URL)"),
    "O": ("IP addresses", "an IP address"),
    "P": ("biometric identifiers", "a biometric identifier"),
    "Q": ("full-face photographs", "a photograph"),
    "R": ("other unique identifying numbers", "an identifying number"),
}
_CAT = {letter: name for letter, (name, _) in SAFE_HARBOR.items()}
_ONE = {name: one for name, one in SAFE_HARBOR.values()}


def looks_like(category: str) -> str:
    """Words for one identifier of ``category``: ``looks_like("dates") == "a date"``."""
    message = f"`category` must be one of the SAFE_HARBOR category names; not {category!r}."
    if category not in _ONE:
        raise ValueError(message)
    return _ONE[category]


# --- normalisation ----------------------------------------------------------------

# Cyrillic and Greek letters that look like Latin ones (Unicode confusables, the
# letters of these scripts only). Applied after NFKC, before case folding.
_CONFUSABLES = str.maketrans({
    # Cyrillic lower case
    "а": "a", "в": "b", "е": "e", "ё": "e", "г": "r", "һ": "h", "і": "i", "ї": "i",
    "ј": "j", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ѵ": "v", "ь": "b",
    "ɩ": "i", "ӏ": "l", "п": "n", "и": "u", "ц": "u", "л": "n",
    # Cyrillic upper case
    "А": "A", "В": "B", "Е": "E", "Ё": "E", "Г": "F", "Һ": "H", "І": "I", "Ї": "I",
    "Ј": "J", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "У": "Y", "Х": "X", "Ѕ": "S", "Ԁ": "D", "Ԛ": "Q", "Ԝ": "W", "Ѵ": "V", "Ӏ": "I",
    "Ь": "b", "З": "3", "П": "N",
    # Greek lower case
    "α": "a", "β": "b", "γ": "y", "δ": "d", "ε": "e", "ζ": "z", "η": "n", "ι": "i",
    "κ": "k", "μ": "u", "ν": "v", "ο": "o", "ρ": "p", "σ": "o", "ς": "c", "τ": "t",
    "υ": "u", "χ": "x", "ω": "w",
    # Greek upper case
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Latin look-alikes NFKC leaves alone
    "ı": "i", "ȷ": "j", "ſ": "s", "ℓ": "l", "ß": "ss", "ł": "l", "Ł": "L", "ø": "o",
    "Ø": "O", "đ": "d", "Đ": "D", "ħ": "h", "Ɩ": "l",
})


def normalise(text: str) -> str:
    """Text as it looks: NFKC, no format characters, no accents, Latin look-alikes folded.

    >>> normalise("Ｐａｔｉｅｎｔ\\u200bNаme")  # full-width, a zero-width space, a Cyrillic а
    'PatientName'
    """
    text = unicodedata.normalize("NFKC", str(text))
    if text.isascii():
        return text
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Mn", "Me"))
    return unicodedata.normalize("NFKC", text.translate(_CONFUSABLES))


def _words(name: str) -> list[str]:
    """Lower-case words of a column name: split at non-letters, camelCase and digits."""
    text = normalise(name)
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)          # patientName
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)    # IPAddr, MRNNumber
    text = re.sub(r"([A-Za-z])([0-9])|([0-9])([A-Za-z])",     # MRN1, zip5, 6mo
                  lambda m: " ".join(g for g in m.groups() if g), text)
    return [w for w in re.split(r"[^a-z0-9]+", text.lower()) if w]


# --- column names -----------------------------------------------------------------

# Exact words, per category letter.
_WORDS = {
    "A": {"name", "names", "initials", "surname", "surnames", "forename", "forenames", "alias",
          "maiden", "nickname", "signature", "fname", "lname", "mname"},
    "B": {"city", "county", "town", "village", "precinct", "zip", "zipcode", "postcode", "postal",
          "address", "addr", "street", "lat", "lon", "lng", "latitude", "longitude", "gps",
          "geocode", "geolocation", "neighborhood", "neighbourhood", "suburb", "borough",
          "residence", "domicile", "apt", "apartment", "census", "fips", "municipality"},
    "C": {"date", "dates", "dt", "dts", "datetime", "timestamp", "dob", "yob", "dod", "doa",
          "dos", "birthday", "birthdate", "bday"},
    "D": {"tel", "telno", "telnr", "phone", "phones", "mobile", "mob", "pager", "beeper",
          "landline", "cellular"},
    "E": {"fax", "facsimile"},
    "F": {"email", "emails", "mail", "mailto"},
    "G": {"ssn", "ssns", "nino", "socsec"},
    "H": {"mrn", "mrns", "emrn"},
    "I": {"beneficiary", "subscriber", "medicare", "medicaid", "nhs", "healthplan"},
    "J": {"account", "accounts", "acct", "iban"},
    "K": {"license", "licence", "licenses", "licences", "certificate", "cert", "passport",
          "passports", "npi", "dea"},
    "L": {"vehicle", "vehicles", "vin", "plate"},
    "M": {"imei", "udi", "serial", "serialno"},
    "N": {"url", "urls", "uri", "website", "webpage", "homepage", "http", "https"},
    "O": {"ip", "ips", "ipaddress", "ipv4", "ipv6"},
    "P": {"biometric", "biometrics", "fingerprint", "fingerprints", "voiceprint", "faceprint",
          "palmprint"},
    "Q": {"photo", "photos", "photograph", "photographs", "selfie", "headshot", "portrait",
          "mugshot", "picture", "pictures", "pic", "image", "images", "img", "jpeg", "jpg"},
    "R": {"nid", "idno", "idnumber", "nationalid"},
}
# Substrings of the run-together name (words joined), per category, most specific first.
_PHRASES = (
    ("L", ("licenseplate", "licenceplate", "numberplate", "registrationplate")),
    ("M", ("serialno", "serialnum", "serialnr", "deviceid", "deviceserial", "devicenumber",
           "macaddr", "imei")),
    ("O", ("ipaddr", "ipv4", "ipv6")),
    ("H", ("medicalrecord", "medrec", "recordnumber", "recordno", "chartnumber", "chartno",
           "hospitalnumber", "hospitalno", "hospno", "casenumber", "caseno", "patientnumber",
           "patientno", "mrn")),
    ("G", ("socialsecurity", "socialinsurance", "nationalinsurance", "ssn")),
    ("I", ("healthplan", "insuranceid", "insurancenumber", "insuranceno", "memberid",
           "membernumber", "memberno", "policyno", "policynumber", "nhs", "medicare",
           "medicaid")),
    ("J", ("account", "acct", "creditcard", "cardnumber", "cardno", "routingnumber")),
    ("K", ("licen", "passport", "certificat", "driverslicen")),
    ("N", ("website", "webpage", "homepage")),
    ("P", ("fingerprint", "voiceprint", "faceprint", "palmprint", "biometric", "retinascan",
           "irisscan", "retinalscan")),
    ("F", ("email", "mail")),
    ("E", ("fax",)),
    ("D", ("phone", "telno", "telnum", "cellno", "cellnum", "mobileno", "mobilenum")),
    ("B", ("address", "addr", "street", "postal", "postcode", "zipcode")),
    ("C", ("dateofbirth", "birthdate", "birthday", "dateofdeath", "deathdate")),
)
# Words that contain a phrase above but are not identifiers.
_HARMLESS = {"phonetic", "phonetics", "phoneme", "phonemes", "phonemic", "unnamed", "enamel",
             "ornament", "tournament", "filename", "accountable", "accountability",
             "emailed", "aphonia", "dysphonia"}
# Words ending in "date" that are not dates.
_NOT_DATES = {"update", "updates", "validate", "invalidate", "revalidate", "candidate",
              "candidates", "mandate", "accommodate", "consolidate", "liquidate", "intimidate",
              "sedate", "dilapidate"}
# "birth" means a date unless it is about something else born.
_BIRTH_OTHER = {"weight", "wt", "length", "height", "order", "control", "defect", "defects",
                "mode", "type", "gestation", "ga", "rate", "history", "complication",
                "complications", "sex", "cohort", "country", "state", "year"}
# "<x>_number" is an identifying number unless x counts something.
_NUMBER_WORDS = {"number", "no", "num", "nr", "nbr", "numero", "nos"}
_COUNTED = {"visit", "visits", "dose", "doses", "cycle", "cycles", "episode", "episodes", "flare",
            "flares", "infusion", "infusions", "pregnancy", "pregnancies", "admission",
            "admissions", "treatment", "treatments", "course", "courses", "line", "lines", "week",
            "weeks", "day", "days", "month", "months", "year", "years", "attempt", "attempts",
            "sibling", "siblings", "lesion", "lesions", "tablet", "tablets", "ulcer", "ulcers",
            "event", "events", "drug", "drugs", "of", "total", "count"}
# "<x>_id" is an identifier when x names something outside the study.
_ID_OWNERS = {"national": "R", "person": "R", "personal": "R", "citizen": "R", "resident": "R",
              "tax": "R", "voter": "R", "employee": "R", "student": "R", "user": "R",
              "login": "R", "social": "G", "member": "I", "subscriber": "I", "insurance": "I",
              "insurer": "I", "policy": "I", "nhs": "I", "medicare": "I", "medicaid": "I",
              "account": "J", "bank": "J", "license": "K", "licence": "K", "driver": "K",
              "drivers": "K", "passport": "K", "vehicle": "L", "device": "M", "hospital": "H",
              "medical": "H", "chart": "H", "mrn": "H", "email": "F"}


def _column_letter(words: list[str]) -> str | None:
    joined = "".join(words)
    if not words:
        return None
    if joined in ("cell", "cellno", "cellnumber", "cellnum"):
        return "D"
    for letter, phrases in _PHRASES[:3]:                # license plate before license
        if any(p in joined for p in phrases):
            return letter
    for w in words:
        for letter, vocab in _WORDS.items():
            if w in vocab:
                return letter
    for i, w in enumerate(words):                       # birth: a date, not birth weight
        if "birth" in w and not any(o in v for v in words[i:] for o in _BIRTH_OTHER):
            return "C"
    for w in words:
        if w in _HARMLESS:
            continue
        if (w.startswith("date") or w.endswith("date")) and w not in _NOT_DATES:
            return "C"                                  # visitdate, dateofbirth
        if len(w) > 2 and w.endswith("dt"):
            return "C"                                  # visitdt, admitdt
        if "name" in w:
            return "A"                                  # fname, patientname, surname
        if w.startswith("city") or (w.endswith("city") and (len(w) == 4 or w[-5] not in "aiour")):
            return "B"                                  # homecity (not ethnicity, toxicity)
        if w.startswith("zip"):
            return "B"
        if w.endswith(("photo", "photos", "photograph")):
            return "Q"                                  # facephoto (not photosensitivity)
        if w.endswith("url"):
            return "N"
    for letter, phrases in _PHRASES:
        if any(p in joined for p in phrases):
            hits = [w for w in words if any(p in w for p in phrases)]
            if not (hits and all(w in _HARMLESS for w in hits)):
                return letter
    for i, w in enumerate(words):
        if w in ("id", "ids") and i > 0 and words[i - 1] in _ID_OWNERS:
            return _ID_OWNERS[words[i - 1]]
    if len(words) >= 2 and words[-1] in _NUMBER_WORDS and words[-2] not in _COUNTED \
            and not words[-2].isdigit():
        return "R"                                      # hospital_number, ref_no
    return None


#: Columns REDCap writes into every export, which identify no one: the event and repeat keys
#: that join a patient's visits, the data access group, each instrument's completion status
#: (REDCap data export documentation). Survey timestamps (``*_timestamp``) are dates: not here.
_REDCAP_OWN = re.compile(r"redcap_(?:event_name|repeat_instrument|repeat_instance|data_access_group)"
                         r"|[a-z][a-z0-9_]*_complete")


def identifier_column(name: str) -> str | None:
    """The Safe Harbor category a column name matches, or None.

    Parameters
    ----------
    name : str
        A column name as written in the file's header.

    Returns
    -------
    str or None
        A category name of :data:`SAFE_HARBOR` (``"names"``, ``"dates"``, ...).

    Examples
    --------
    >>> identifier_column("PatientName"), identifier_column("MRN1"), identifier_column("visit_dt")
    ('names', 'medical record numbers', 'dates')
    >>> identifier_column("patient_id"), identifier_column("esr_mm_hr_6mo")
    (None, None)
    """
    if _REDCAP_OWN.fullmatch(name.strip()):
        return None
    letter = _column_letter(_words(name))
    return None if letter is None else _CAT[letter]


# --- cell values ------------------------------------------------------------------

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_NAME_WORD = r"[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)*"
_STREET = (r"street|avenue|road|boulevard|lane|drive|court|terrace|parkway|highway|crescent"
           r"|place|square")
_STREET_ABBR = r"St|Ave|Rd|Blvd|Ln|Dr|Ct|Pkwy|Hwy|Pl|Ter|Sq|Cres"
# (letter, pattern), tried in order; the first that matches names the category.
_VALUE_PATTERNS = [
    ("F", re.compile(r"\S@\S")),
    ("N", re.compile(r"(?i)\b(?:https?|ftp)://|\bwww\.|\b[a-z0-9-]+\.(?:com|org|net|edu|gov|io|info"
                     r"|biz)\b")),
    ("O", re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])"
                     r"|(?i:\b(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}\b|\bip address\b)")),
    ("G", re.compile(r"(?<!\d)\d{3}([ -])\d{2}\1\d{4}(?!\d)|(?i:\bssn\b|\bsocial security\b)")),
    ("C", re.compile(
        r"(?<!\d)(?:19|20)\d\d[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])(?!\d)"  # 2004-05-06
        r"|(?<![\d.])\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})(?![\d.])"                    # 5/6/2004
        rf"|(?i:\b\d{{1,2}}(?:st|nd|rd|th)?[ -]?{_MONTH}\.?,?[ -]?(?:\d{{4}}|\d{{2}})\b)"  # 6 May 04
        rf"|(?i:\b{_MONTH}\.?[ -]\d{{1,2}}(?:st|nd|rd|th)?,?[ -](?:\d{{4}}|\d{{2}})\b)"   # May 6, 2004
        rf"|(?i:\b{_MONTH}\.?,?[ ](?:19|20)\d\d\b)"                                        # March 2004
        r"|(?i:\bd\.?o\.?b\b|\bdate of (?:birth|death)\b)")),
    ("D", re.compile(
        r"(?<![\w.])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,5}\)[ .-]?|\d{2,5}[ .-])\d{3,4}[ .-]?\d{4}(?![\w.])"
        r"|(?<![\w.])\d{3}[ .-]\d{4}(?![\w.])"                                     # 555-1234
        r"|(?<![\w.])\+\d[\d ().-]{7,}\d"                                         # +44 ...
        r"|(?i:\b(?:tel|phone|mobile|cell|fax)\b[.:#]?\s*\+?\d)")),
    ("B", re.compile(
        rf"(?i:\b\d{{1,6}}[a-z]?\s+(?:[a-z][\w'.-]*\s+){{1,4}}(?:{_STREET})\b)"
        rf"|\b\d{{1,6}}[A-Za-z]?\s+(?:[A-Z][\w'.-]*\s+){{1,3}}(?:{_STREET_ABBR})\b"
        r"|(?i:\bp\.?\s?o\.?\s+box\b|\b(?:apt|apartment|suite)\.?\s*#?\s*\d)"
        r"|\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b|(?<!\d)\d{5}-\d{4}(?!\d)"                # NC 27701
        r"|\b[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}\b"                                   # SW1A 1AA
        r"|(?i:\b(?:zip|postcode|postal code)\b)")),
    ("B", re.compile(r"^\s*\d{5}\s*$")),                                          # a lone ZIP code
    ("H", re.compile(r"\d{6,}|(?i:\bmrn\b|\bmedical record\b)")),
    ("I", re.compile(r"(?i:\bnhs\b)")),
    ("K", re.compile(r"(?i:\bpassport\b)")),
    ("A", re.compile(
        rf"\b{_NAME_WORD}(?:[ \t]+(?:[A-Z]\.?[ \t]+)?{_NAME_WORD})+\b"               # Jane Doe
        rf"|\b{_NAME_WORD},[ \t]*{_NAME_WORD}\b"                                     # Doe, Jane
        r"|\b(?:Dr|Mr|Mrs|Ms|Mx|Miss|Prof)\b\.?[ \t]*[A-Z]")),                      # Dr. X
]


def _clinical(phrase: str) -> bool:
    """A Title Case phrase whose every word is a clinical or category word of data/vocabulary.yml
    (``Deep Vein Thrombosis``, ``Not Hispanic``): not a person's name."""
    words = [w for w in re.split(r"[\s,.'’-]+", phrase.casefold()) if w]
    return bool(words) and all(w in CLINICAL_WORDS for w in words)


def _value_letter(text: str, patterns=_VALUE_PATTERNS) -> str | None:
    text = normalise(text)
    for letter, pattern in patterns:
        if letter == "A":  # a name: unless every capitalised phrase is clinical words
            if any(not _clinical(m.group()) or re.match(r"(?:Dr|Mr|Mrs|Ms|Mx|Miss|Prof)\b", m.group())
                   for m in pattern.finditer(text)):
                return letter
        elif pattern.search(text):
            return letter
    return None


def identifier_value(text: str) -> str | None:
    """The Safe Harbor category a free-text value looks like, or None.

    Dates in common formats, e-mail addresses, telephone numbers, social security
    numbers, street addresses and ZIP codes, URLs, IP addresses, runs of six or
    more digits (record, account, licence numbers) and personal names as far as a
    pattern can say: two or more capitalised words in a row, or a title
    (``Dr. X``, ``Mr``, ``Mrs``).

    Parameters
    ----------
    text : str
        One cell.

    Returns
    -------
    str or None
        A category name of :data:`SAFE_HARBOR`.

    Examples
    --------
    >>> identifier_value("grade 2 neutropenia"), identifier_value("Stevens-Johnson syndrome")
    (None, None)
    >>> identifier_value("call 919-555-1234"), identifier_value("Jane Doe")
    ('telephone numbers', 'names')
    """
    letter = _value_letter(text)
    return None if letter is None else _CAT[letter]


_ID_PATTERNS = [(letter, p) for letter, p in _VALUE_PATTERNS
                if letter != "H" and p.pattern != r"^\s*\d{5}\s*$"] + [
    ("H", re.compile(r"^[\s#-]*(?:\d[\s-]*){6,}$|(?i:\bmrn)")),      # the whole id is a record number
    ("A", re.compile(r"^\s*[A-Za-z][a-z]{2,}(?:['’ -][A-Za-z][a-z]+)*\s*$")),  # Smith, smith
]


def identifier_study_id(text: str) -> str | None:
    """The Safe Harbor category a ``patient_id`` value looks like, or None.

    A study id is a code (``P001``, ``S0000001``, ``17``). Refused: ids that look
    like a date, an e-mail, a telephone or social security number, an address, a
    name (two capitalised words, or one word of letters such as ``Smith``), or a
    record number (six or more digits and nothing else).

    >>> identifier_study_id("S0000001"), identifier_study_id("R01")
    (None, None)
    >>> identifier_study_id("00123456"), identifier_study_id("Smith")
    ('medical record numbers', 'names')
    """
    letter = _value_letter(text, _ID_PATTERNS)
    return None if letter is None else _CAT[letter]


#: Study ids that are certainly codes (letters then digits, or a few digits); the
#: loader checks only the other ids one by one.
PLAIN_STUDY_ID = r"(?:(?![Mm][Rr][Nn]|[Ss][Ss][Nn]|[Nn][Hh][Ss])[A-Za-z]{1,3}[_-]?\d{1,8}|\d{1,5})"
