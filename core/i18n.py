"""User-facing messages in zh-CN (default) and en, chosen by ``Accept-Language``.

The texts live in gettext catalogues, one text domain per gongzhi domain:
``core/locale/<lang>/LC_MESSAGES/<domain>.po`` (lang ``zh_CN`` or ``en``). The msgid of each
entry is the message key the code uses (``"vote.closed"``), the msgstr its text, with
``{name}`` parameters. A new domain adds its own two .po files; nothing here lists them.
See docs/messages.md.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

ZH = "zh-CN"
EN = "en"
SUPPORTED = (ZH, EN)

LOCALE_DIR = Path(__file__).with_name("locale")
"""Inside the ``core`` package, so the catalogues ship as its package data."""


class DuplicateMessageKey(ValueError):
    """One message key defined by two text domains (消息键重复)."""


def catalogue_language(locale: str) -> str:
    """The catalogue folder of a locale: ``zh-CN`` → ``zh_CN``, ``en`` → ``en``."""
    return locale.replace("-", "_")


class Catalogues:
    """Every domain's messages, read once from ``<root>/*/LC_MESSAGES/*.po``.

    ``texts[lang][key]`` is the text of a key in a catalogue language; ``domain_of[key]`` the
    text domain that defines it. A key defined by two domains is refused.
    """

    def __init__(self, texts: dict[str, dict[str, str]], domain_of: dict[str, str]) -> None:
        self.texts = texts
        self.domain_of = domain_of

    @classmethod
    def load(cls, root: Path = LOCALE_DIR) -> Catalogues:
        texts: dict[str, dict[str, str]] = {}
        domain_of: dict[str, str] = {}
        for path in sorted(root.glob("*/LC_MESSAGES/*.po")):
            lang, domain = path.parent.parent.name, path.stem
            with path.open("rb") as fileobj:
                catalog = read_po(fileobj, locale=lang, domain=domain)
            found = texts.setdefault(lang, {})
            for message in catalog:
                key = message.id
                if not key or not isinstance(key, str) or not message.string:
                    continue
                other = domain_of.setdefault(key, domain)
                if other != domain:
                    raise DuplicateMessageKey(
                        f"message key {key!r} is defined by two text domains: {other} and {domain}"
                    )
                found[key] = str(message.string)
        return cls(texts, domain_of)

    def template(self, key: str, locale: str) -> str | None:
        """The text of ``key`` in ``locale``, else in zh-CN, else None."""
        for lang in (catalogue_language(locale), catalogue_language(ZH)):
            text = self.texts.get(lang, {}).get(key)
            if text is not None:
                return text
        return None


@cache
def catalogues() -> Catalogues:
    """The installed catalogues, read on first use."""
    return Catalogues.load()


def negotiate(accept_language: str | None) -> str:
    """Pick zh-CN or en from an Accept-Language header (zh-CN when unsure)."""
    if not accept_language:
        return ZH
    ranked: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        lang, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        ranked.append((weight, lang.strip().lower()))
    for _, lang in sorted(ranked, key=lambda item: -item[0]):
        if lang.startswith("zh"):
            return ZH
        if lang.startswith("en"):
            return EN
    return ZH


def translate(key: str, locale: str = ZH, **params: Any) -> str:
    """The text of a message key in ``locale`` (zh-CN when it has none), or the key itself."""
    template = catalogues().template(key, locale)
    if template is None:
        return key
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template
