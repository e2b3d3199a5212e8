"""Names, emails and phone numbers: Faker pools drawn once with a fixed seed, then sampled.

Faker costs microseconds per value, so it fills small pools per locale; every row then samples
the pools with the generator's own `random.Random`, which keeps a large run fast and repeatable.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field

from faker import Faker

LOCALES: tuple[tuple[str, float], ...] = (
    ("en_US", 0.55), ("en_GB", 0.17), ("de_DE", 0.11), ("fr_FR", 0.09), ("nl_NL", 0.08))
TOP_LEVEL_DOMAINS = {"en_US": ".com", "en_GB": ".co.uk", "de_DE": ".de", "fr_FR": ".fr",
                     "nl_NL": ".nl"}
EMAIL_FORMATS = ("{first}.{last}", "{first}.{last}", "{f}{last}", "{first}_{last}",
                 "{f}.{last}")
POOL_SIZE = 400
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def ascii_slug(text: str, separator: str = "") -> str:
    """Lower-case ASCII letters and digits only ('Müller-Lüdenscheidt' -> 'mullerludenscheidt')."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _NOT_ALNUM.sub(separator, plain).strip(separator)


@dataclass
class LocalePool:
    """Values of one locale: first and last names, phone templates ('{}' per random digit)."""

    first_names: list[str]
    last_names: list[str]
    phone_templates: list[str]


def _phone_template(number: str) -> str:
    # Keep the country and area part of a Faker number; its last four digits vary per person.
    number = number.split("x")[0].strip()
    positions = [i for i, ch in enumerate(number) if ch.isdigit()][-4:]
    chars = list(number.replace("{", "(").replace("}", ")"))
    for i in positions:
        chars[i] = "{}"
    return "".join(chars)


def _draw_locale_pool(locale: str, seed: int) -> LocalePool:
    fake = Faker(locale)
    fake.seed_instance(seed)
    first = sorted({fake.first_name() for _ in range(POOL_SIZE)})
    last = sorted({fake.last_name() for _ in range(POOL_SIZE)})
    phones = sorted({_phone_template(fake.phone_number()) for _ in range(POOL_SIZE // 4)})
    return LocalePool(first, last, phones)


@dataclass
class People:
    """Draws unique people: name, email at a domain, phone, for a locale."""

    rng: random.Random
    seed: int
    pools: dict[str, LocalePool] = field(default_factory=dict)
    taken_emails: set[str] = field(default_factory=set)
    slugs: dict[str, str] = field(default_factory=dict)

    def pool(self, locale: str) -> LocalePool:
        """The locale's Faker pool (drawn on first use, seeded so the pool never varies)."""
        if locale not in self.pools:
            self.pools[locale] = _draw_locale_pool(locale, self.seed)
        return self.pools[locale]

    def name(self, locale: str) -> tuple[str, str]:
        """A (first name, last name) pair of the locale."""
        pool = self.pool(locale)
        return self.rng.choice(pool.first_names), self.rng.choice(pool.last_names)

    def email(self, first: str, last: str, domain: str, email_format: str) -> str:
        """A lower-case email at the domain that nobody has yet (a digit is added on a clash)."""
        first_slug, last_slug = self._slug(first), self._slug(last)
        local = email_format.format(first=first_slug, last=last_slug, f=first_slug[:1])
        email = f"{local}@{domain}"
        counter = 1
        while email in self.taken_emails:
            counter += 1
            email = f"{local}{counter}@{domain}"
        self.taken_emails.add(email)
        return email

    def _slug(self, name: str) -> str:
        slug = self.slugs.get(name)
        if slug is None:
            slug = self.slugs[name] = ascii_slug(name)
        return slug

    def phone(self, locale: str) -> str:
        """A phone number in one of the locale's Faker formats."""
        template = self.rng.choice(self.pool(locale).phone_templates)
        return template.format(*f"{self.rng.randint(0, 9_999):04d}")


def locale_choices(rng: random.Random, count: int) -> list[str]:
    """`count` locales drawn with their weights."""
    names, weights = zip(*LOCALES, strict=True)
    return rng.choices(names, weights=weights, k=count)
