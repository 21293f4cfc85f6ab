"""The message catalogues (消息目录) against the code: every key the code uses has a text in
zh-CN and en with the same parameters, every text is used, and a key belongs to one domain."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from core.i18n import EN, LOCALE_DIR, ZH, Catalogues, DuplicateMessageKey, translate

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PACKAGES = [p.rstrip("*") for p in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]]
LANGUAGES = ("zh_CN", "en")

BUILT_IN_CODE = {
    # key: (file, the code that builds or names it where the extractor cannot see it)
    "project.deadline_yellow": ("resolvers/projects/deadlines.py", 'f"project.deadline_{name}"'),
    "project.deadline_red": ("resolvers/projects/deadlines.py", 'f"project.deadline_{name}"'),
    "error.district_read_only": (
        "schema/extensions.py",
        'return ErrorCode.FORBIDDEN, "error.district_read_only"',
    ),
    **{
        f"{kind}_{part}": ("resolvers/votes/lifecycle.py", f'f"{{kind}}_{part}"')
        for kind in ("vote.opened", "vote.closing_soon", "vote.published", "vote.cancelled")
        for part in ("title", "body")
    },
}
"""Keys the code builds (f-strings) or returns bare: `pybabel extract` does not see them."""

UNUSED = {
    f"error.{code}": f"default text of ErrorCode.{code.upper()} (DomainError without a key); "
    "no code raises that code without its own key today"
    for code in (
        "query_too_complex",  # QUERY_TOO_COMPLEX keeps graphql-core's own message
        "not_on_electorate",  # the votes domain refuses with vote.* keys instead
        "vote_not_open",
        "vote_closed",
        "already_voted",
        "too_many_choices",
    )
}
"""Catalogue keys no code uses, each with the reason it is kept."""


def used_keys() -> dict[str, list[str]]:
    """Each message key the code uses, with where: by the extraction config in babel.cfg."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, list[str]] = {}
    for package in PACKAGES:
        for filename, line, message, _comments, _context in extract_from_dir(
            ROOT / package, method_map, options_map, keywords=DEFAULT_KEYWORDS
        ):
            key = message if isinstance(message, str) else message[0]
            found.setdefault(key, []).append(f"{package}/{filename}:{line}")
    return found


@pytest.fixture(scope="module")
def catalogues() -> Catalogues:
    return Catalogues.load(LOCALE_DIR)


@pytest.fixture(scope="module")
def used() -> dict[str, list[str]]:
    return used_keys()


def params(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def test_every_key_the_code_uses_has_a_text_in_both_languages(
    catalogues: Catalogues, used: dict[str, list[str]]
) -> None:
    assert "vote.closed" in used and "error.not_found" in used  # literal, and DomainError's own
    missing = [
        f"{key} ({lang}) used at {', '.join(where)}"
        for key, where in sorted(used.items())
        for lang in LANGUAGES
        if key not in catalogues.texts.get(lang, {})
    ]
    assert not missing, "message keys without a text:\n" + "\n".join(missing)


def test_every_catalogue_key_has_both_languages_with_the_same_parameters(
    catalogues: Catalogues,
) -> None:
    wrong = []
    for key, domain in sorted(catalogues.domain_of.items()):
        texts = {lang: catalogues.texts.get(lang, {}).get(key) for lang in LANGUAGES}
        if None in texts.values():
            absent = [lang for lang, text in texts.items() if text is None]
            wrong.append(f"{key} ({domain}.po): no text in {', '.join(absent)}")
        elif params(texts["zh_CN"]) != params(texts["en"]):
            wrong.append(f"{key} ({domain}.po): parameters differ: {texts}")
    assert not wrong, "\n".join(wrong)
    assert set(catalogues.texts) == set(LANGUAGES)


def test_every_domain_has_its_catalogue_in_each_language() -> None:
    domains = {
        lang: {p.stem for p in (LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")}
        for lang in LANGUAGES
    }
    assert domains["zh_CN"] == domains["en"]
    assert {"core", "accounts", "tenancy", "people", "projects", "votes"} <= domains["en"]


def test_no_catalogue_key_is_unused(catalogues: Catalogues, used: dict[str, list[str]]) -> None:
    for key, (path, code) in BUILT_IN_CODE.items():
        assert code in (ROOT / path).read_text(encoding="utf-8"), f"{key}: {path} changed"
    unused = set(catalogues.domain_of) - set(used) - set(BUILT_IN_CODE) - set(UNUSED)
    assert not unused, "catalogue keys no code uses:\n" + "\n".join(sorted(unused))
    listed = set(BUILT_IN_CODE) | set(UNUSED)
    assert listed <= set(catalogues.domain_of), "listed keys without a catalogue entry"
    assert not set(UNUSED) & set(used), "a key listed as unused is used: drop it from UNUSED"


@pytest.mark.parametrize(
    ("key", "params", "zh", "en"),
    [
        (
            "error.forbidden",
            {"resource": "member", "action": "grant"},
            "您没有权限执行此操作（member:grant）。",
            "You are not allowed to do this (member:grant).",
        ),
        (
            "auth.too_many_attempts",
            {"seconds": 30},
            "尝试次数过多，请 30 秒后再试。",
            "Too many attempts; try again in 30 seconds.",
        ),
        ("vote.closed", {}, "投票已截止或已取消。", "The vote is closed or cancelled."),
        (
            "project.over_budget",
            {"spent": "1200.00", "budget": "1000.00"},
            "此笔支出将使累计支出（1200.00）超过预算（1000.00），请说明超支原因。",
            "This payment brings spending (1200.00) over the budget (1000.00): give a reason.",
        ),
        (
            "import.rejected",
            {"count": 3},
            "有 3 行无效，未导入任何数据。",
            "3 rows are invalid: nothing was imported.",
        ),
    ],
)
def test_translate_gives_the_texts_it_always_gave(
    key: str, params: dict[str, object], zh: str, en: str
) -> None:
    assert translate(key, **params) == zh
    assert translate(key, ZH, **params) == zh
    assert translate(key, EN, **params) == en
    assert translate(key, "fr", **params) == zh


def test_translate_falls_back_to_the_key_and_to_the_bare_text() -> None:
    assert translate("no.such_key", EN) == "no.such_key"
    assert translate("error.page_size", EN) == "At most {max} items per page."


def write_po(root: Path, lang: str, domain: str, entries: dict[str, str]) -> None:
    folder = root / lang / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    body = "".join(f'msgid "{key}"\nmsgstr "{text}"\n\n' for key, text in entries.items())
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
    (folder / f"{domain}.po").write_text(header + body, encoding="utf-8")


def test_a_new_domain_needs_only_its_own_files(tmp_path: Path) -> None:
    write_po(tmp_path, "zh_CN", "core", {"error.not_found": "未找到该记录。"})
    write_po(tmp_path, "zh_CN", "parking", {"parking.full": "车位已满。", "parking.zh": "仅中文"})
    write_po(tmp_path, "en", "parking", {"parking.full": "No free parking space."})
    found = Catalogues.load(tmp_path)
    assert found.domain_of == {
        "error.not_found": "core",
        "parking.full": "parking",
        "parking.zh": "parking",
    }
    assert found.template("parking.full", EN) == "No free parking space."
    assert found.template("parking.full", ZH) == "车位已满。"
    assert found.template("parking.zh", EN) == "仅中文"  # no en text: zh-CN's
    assert found.template("parking.nothing", EN) is None


def test_a_key_defined_in_two_domains_is_refused(tmp_path: Path) -> None:
    write_po(tmp_path, "en", "projects", {"vote.closed": "Closed."})
    write_po(tmp_path, "en", "votes", {"vote.closed": "The vote is closed."})
    with pytest.raises(DuplicateMessageKey, match=r"'vote.closed'.*projects and votes"):
        Catalogues.load(tmp_path)


def test_the_catalogues_ship_as_package_data_of_core() -> None:
    globs = PYPROJECT["tool"]["setuptools"]["package-data"]["core"]
    files = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))
    assert files
    for path in files:
        inside = path.relative_to(ROOT / "core").as_posix()
        assert any(fnmatch.fnmatch(inside, g) for g in globs), f"{inside} not in package data"
