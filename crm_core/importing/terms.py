"""The import's words and what they mean, in one place (the screens' help texts read them)."""

TERMS: dict[str, str] = {
    "source identity": "Where an imported record came from: the source system (Salesforce, "
                       "HubSpot or a plain file), the object there and its id. A later import "
                       "finds the record by it before any name.",
    "source CRM id": "A record's id in the CRM it was exported from (Salesforce's 15- and "
                     "18-character forms are one id).",
    "date order": "Whether a date like 03/04/2026 is day-first (3 April) or month-first "
                  "(4 March). Decided per column from all its values; never mixed.",
    "decimal mark": "The character before the cents of an amount: a point (1,234.56) or a "
                    "comma (1.234,56). Decided per column; an amount like 1.234 that could be "
                    "either is refused unless it is named.",
    "user from a name alone": "A user imported without an email (a rep in a spreadsheet): on "
                              "teams and owning relationships, but unable to sign in.",
    "value mapping": "Their stage and contact-role names mapped onto our stages and MEDDPICC "
                     "roles.",
}
