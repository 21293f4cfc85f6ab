"""The ``gongzhi`` command: serve, migrate, demo, schema, tenant…

Every command ends with one of three exit codes (the README's command table says the same):

* ``EXIT_OK`` (0): done; a check passed.
* ``EXIT_CHECK_FAILED`` (1): it ran and found something wrong: an audit chain broken, a
  recount that differs from the stored result, rows of an import refused (nothing written).
* ``EXIT_BAD_INPUT`` (2): it could not start: an unknown street or vote, a taken code, a bad
  argument or file, a refused configuration (a weak secret key). Click's usage errors use 2
  too.

A command that writes what a running server keeps in memory (streets, roles) announces it the
way the API's mutations do (``_announce``).
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from core.settings import Env, Settings, SettingsError

T = TypeVar("T")

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _run(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    return asyncio.run(work())


async def _with_database(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    from tortoise import Tortoise

    from gongzhi.platform import database_config

    await Tortoise.init(config=database_config(settings))
    try:
        return await work()
    finally:
        await Tortoise.close_connections()


async def apply_migrations(settings: Settings, quiet: bool = False) -> None:
    """Tortoise's migrations, as the tables' owner; then, on PostgreSQL, the app's role and
    row security on every street-owned table (``docs/rls.md``)."""
    from tortoise import Tortoise
    from tortoise.migrations.api import migrate

    from gongzhi.platform import database_config, secure_database

    def progress(event: str, app_label: str, name: str) -> None:
        if not quiet and event == "apply_done":
            click.echo(f"  applied {app_label}.{name}")

    try:
        await migrate(config=database_config(settings, owner=True), progress=progress)
        note = await secure_database(settings)
        if note and not quiet:
            click.echo(f"  {note}")
    finally:
        await Tortoise.close_connections()


@click.group()
def main() -> None:
    """gongzhi (共治): one GraphQL API for grassroots governance, street by street."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--demo", is_flag=True, help="Dev mode: migrate and load the demo streets first.")
@click.option(
    "--migrate/--no-migrate",
    default=True,
    show_default=True,
    help="Apply migrations before serving (off where a one-shot job migrates: Compose, Helm).",
)
def serve(host: str, port: int, workers: int, demo: bool, migrate: bool) -> None:
    """Serve the GraphQL API (GraphiQL at /graphql in dev). SIGTERM stops it gracefully
    (docs/deployment.md); metrics on GONGZHI_METRICS_PORT when set."""
    import shutil

    from gongzhi.serving import metrics_directory

    if demo:
        os.environ["GONGZHI_ENV"] = Env.DEV.value
    own_metrics_dir = Settings().prometheus_multiproc_dir is None
    metrics_dir = metrics_directory(Settings())  # before anything imports prometheus-client
    settings = Settings()
    try:
        settings.require_safe_secret()
    except SettingsError as exc:
        _fail(str(exc))
    _audit_keys(settings, signing=True)  # no signing key in production: refuse to start
    if migrate or demo:
        _run(lambda: apply_migrations(settings))
    if demo:
        from gongzhi.platform import load_demo

        _run(lambda: _with_database(settings, lambda: load_demo(settings, echo=click.echo)))
    if settings.uses_sqlite and workers > 1:
        click.echo(
            "note: SQLite with several workers serializes writes; use PostgreSQL in production"
        )
    if workers > 1 and not settings.redis_url:
        click.echo(
            "note: without GONGZHI_REDIS_URL the workers cannot tell each other: a role taken "
            "away on one worker is still held on the others until they restart"
        )
    click.echo(
        f"gongzhi on http://{host}:{port}/graphql ({settings.env.value}, {workers} worker(s))"
    )
    from gongzhi.app import serve_options
    from gongzhi.serving import run, start_metrics_port

    if settings.metrics_port:
        start_metrics_port(host, settings.metrics_port)
        click.echo(f"metrics on http://{host}:{settings.metrics_port}/metrics")
    try:
        run(settings, host, port, workers, serve_options(settings))
    finally:
        if own_metrics_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)


@main.command()
def migrate() -> None:
    """Apply database migrations."""
    _run(lambda: apply_migrations(Settings()))
    click.echo("database is up to date")


@main.command()
@click.option("--name", default=None, help="Name for the new migration.")
def makemigrations(name: str | None) -> None:
    """Write a migration for model changes (developers)."""
    from tortoise.cli import cli as tortoise_cli

    ctx = tortoise_cli.CLIContext(config="gongzhi.platform.TORTOISE_ORM", config_file=None)
    _run(lambda: tortoise_cli.makemigrations(ctx, (), False, name))


@main.command()
def demo() -> None:
    """Load the three demo streets (idempotent). Every demo password is demo1234."""
    from gongzhi.platform import load_demo

    settings = Settings(env=Env.DEV) if not os.environ.get("GONGZHI_ENV") else Settings()
    _run(lambda: apply_migrations(settings))
    _run(lambda: _with_database(settings, lambda: load_demo(settings, echo=click.echo)))


@main.command()
def schema() -> None:
    """Print the GraphQL schema (SDL)."""
    from gongzhi.platform import make_schema

    click.echo(make_schema(Settings(env=Env.DEV)).as_str())


@main.command("possible-types")
def possible_types_command() -> None:
    """Print the schema's possibleTypes as JSON, for Apollo's and urql's caches (the
    committed copy is schema/possibleTypes.json)."""
    from gongzhi.platform import make_schema
    from schema.possible_types import possible_types_json

    click.echo(possible_types_json(make_schema(Settings(env=Env.DEV))._schema), nl=False)


@main.group()
def tenant() -> None:
    """Streets (tenants)."""


_OPTIONS = {"districtCode": "--district", "adminUsername": "--admin-username"}


async def _announce(settings: Settings, street_ids: list[int], user_ids: list[int]) -> None:
    """Tell the running servers what this process changed that they keep in memory: with
    Redis, the same messages the ``createStreet`` mutation publishes (their street directory
    forgets these streets, their authorizer reads these users' roles again, which also drops
    the users' kept sessions). With the embedded in-process broker no other process can be
    told: a server then finds a new street or role at the first request that misses it
    (``StreetDirectory.by_code``, ``Authorizer.recheck``)."""
    if not settings.redis_url:
        return
    from core.broker import make_broker
    from policies.enforcer import announce_role_change
    from tenants.streets import announce_street_change

    broker = make_broker(settings.redis_url, settings.redis_prefix)
    try:
        await announce_street_change(broker, street_ids)
        await announce_role_change(broker, user_ids)
    except Exception as exc:  # the change is committed; the servers find it on a miss
        click.echo(f"warning: could not tell the running servers ({exc})", err=True)
    finally:
        await broker.close()


@tenant.command("create")
@click.option("--code", required=True, help="Street code, e.g. wulidun")
@click.option("--name", required=True, help="Display name, e.g. 五里墩街道")
@click.option("--district", "district_code", required=True, help="District code, e.g. hanyang")
@click.option("--admin-username", required=True)
def tenant_create(code: str, name: str, district_code: str, admin_username: str) -> None:
    """Create a street and its first administrator; prints a one-time password."""
    from core.errors import Refused
    from core.i18n import EN, translate
    from core.security import Passwords
    from gongzhi.platform import street_hooks
    from tenants.registry import create_street, district_member_ids

    settings = Settings()

    async def work() -> Any:
        passwords = Passwords(settings.argon2_time_cost, settings.argon2_memory_kib)
        created = await create_street(
            passwords,
            hooks=street_hooks(),
            code=code,
            name=name,
            district_code=district_code,
            admin_username=admin_username,
            create_district=True,
        )
        district_members = await district_member_ids(created.street.district_id)
        await _announce(settings, [created.street.id], [created.admin.id, *district_members])
        return created

    _run(lambda: apply_migrations(settings, quiet=True))
    try:
        created = _run(lambda: _with_database(settings, work))
    except Refused as refusal:
        field = refusal.field
        option = _OPTIONS.get(field, f"--{field}") if field else None
        message = translate(refusal.message_key, EN, **refusal.params)
        _fail(f"{option}: {message}" if option else message)
    click.echo(f"street {created.street.code} ({created.street.name}) created")
    click.echo(f"administrator: {created.admin.username}")
    click.echo(f"one-time password: {created.admin_password}")


@main.group()
def audit() -> None:
    """The audit log (留痕): a Merkle tree per street, with signed checkpoints."""


def _audit_keys(settings: Settings, signing: bool = False) -> Any:
    from resolvers.audit.keys import load_keys

    try:
        return load_keys(settings, signing=signing)
    except SettingsError as exc:
        _fail(str(exc))


@audit.command("verify")
@click.option("--street", "street_code", default=None, help="Only this street (code).")
@click.option(
    "--checkpoint",
    "checkpoints",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A signed checkpoint you hold (repeatable): the log must still match it.",
)
def audit_verify(street_code: str | None, checkpoints: tuple[Path, ...]) -> None:
    """Recompute every street's tree from its entries and check it against every signed
    checkpoint: those given, those the platform stored, the district's log and the witness
    folder. Exit 1 naming the first entry that differs; 2 for a checkpoint that cannot be
    used (bad signature, unknown key, another street's) or an unknown street."""
    from resolvers.audit.settings import AuditSettings
    from resolvers.audit.verify import BadCheckpoint, verify

    settings = Settings()
    keys = _audit_keys(settings)
    section = settings.section(AuditSettings)

    async def work() -> Any:
        return await verify(keys, section, street_code, checkpoints)

    try:
        reports = _run(lambda: _with_database(settings, work))
    except LookupError:
        _fail(f"no street with code {street_code!r}")
    except BadCheckpoint as exc:
        _fail(str(exc))
    broken = 0
    for report in reports:
        street = report.street.code
        pending = f", {report.pending} pending" if report.pending else ""
        if report.intact:
            click.echo(
                f"{street}: intact ({report.entries} entries{pending}, "
                f"{report.checkpoints} checkpoints)"
            )
        else:
            broken += 1
            click.echo(
                f"{street}: BROKEN at entry {report.broken_sequence}: {report.reason}", err=True
            )
    sys.exit(EXIT_CHECK_FAILED if broken else EXIT_OK)


@audit.command("sequence")
def audit_sequence() -> None:
    """Sequence every committed entry and sign a checkpoint of every street that grew, now
    (the servers do it by themselves; for after a migration, or with them stopped). Needs
    the signing key."""
    from core.broker import MemoryBroker
    from gongzhi.platform import make_services
    from resolvers.audit.sequencer import audit_keys, sequence_now

    settings = Settings()
    _audit_keys(settings, signing=True)

    async def work() -> int:
        services = make_services(settings, MemoryBroker())
        audit_keys(services)
        return await sequence_now(services)

    _run(lambda: apply_migrations(settings, quiet=True))
    done = _run(lambda: _with_database(settings, work))
    click.echo(f"{done} entries sequenced")


@audit.command("checkpoint")
@click.option("--street", "street_code", required=True, help="Street code, e.g. wulidun")
def audit_checkpoint(street_code: str) -> None:
    """Print the street's latest signed checkpoint (a C2SP signed note), to keep."""
    from resolvers.audit.log import public_checkpoint

    settings = Settings()
    try:
        _, checkpoint = _run(
            lambda: _with_database(settings, lambda: public_checkpoint(street_code))
        )
    except LookupError:
        _fail(f"no street with code {street_code!r}")
    if checkpoint is None:
        _fail(f"street {street_code} has no signed checkpoint yet", EXIT_CHECK_FAILED)
    click.echo(checkpoint.note, nl=False)


@audit.command("check-receipt")
@click.argument("receipt", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--key",
    "keys",
    multiple=True,
    help="A verifier key to trust (name+keyid+base64, repeatable); else the configured ones.",
)
def audit_check_receipt(receipt: Path, keys: tuple[str, ...]) -> None:
    """Check a ballot receipt (RECEIPT.json, from checkVoteReceipt's receiptDocument) offline:
    the ballot is a leaf of the street's log under a checkpoint signed with a trusted key.
    Exit 0 when it verifies, 1 when it does not, 2 for an unreadable file or no key."""
    import json

    from core import notes
    from resolvers.audit.keys import parse_verifiers
    from resolvers.votes.receipts import ReceiptError, check_receipt

    try:
        document = json.loads(receipt.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        _fail(f"{receipt}: {exc}")
    try:
        verifiers = parse_verifiers(" ".join(keys))
    except notes.NoteError as exc:
        _fail(f"--key: {exc}")
    if not verifiers:
        verifiers = list(
            _audit_keys(
                Settings(env=Env.DEV) if not os.environ.get("GONGZHI_ENV") else Settings()
            ).verifiers
        )
    try:
        checked = check_receipt(document, verifiers)
    except ReceiptError as exc:
        click.echo(f"RECEIPT DOES NOT VERIFY: {exc}", err=True)
        sys.exit(EXIT_CHECK_FAILED)
    click.echo(
        f"receipt verified: ballot {checked.receipt_hash[:16]}… is entry {checked.sequence} of "
        f"{checked.origin}, included in the checkpoint of {checked.tree_size} entries signed by "
        f"{checked.signed_by}"
    )


@audit.command("keygen")
@click.option("--name", required=True, help="The key's name, e.g. gongzhi.example.cn/audit")
def audit_keygen(name: str) -> None:
    """Make a checkpoint signing key: set it as GONGZHI_AUDIT_SIGNING_KEY (a secret, never in
    the database) and publish its verifier key."""
    from core import notes

    try:
        signer = notes.generate_signer(name)
    except notes.NoteError as exc:
        _fail(str(exc))
    click.echo(f"signing key (secret): {signer.text}")
    click.echo(f"verifier key (publish): {signer.verifier.text}")


@main.group()
def votes() -> None:
    """Online votes (网上票决)."""


def _vote_pk(raw: str) -> int | None:
    from core.errors import DomainError
    from core.ids import from_global_id, parse_key

    if raw.isdigit():
        try:
            return parse_key(raw)
        except ValueError:
            return None
    try:
        kind, pk = from_global_id(raw)
    except DomainError:
        return None
    return pk if kind == "Vote" else None


@votes.command("recount")
@click.argument("vote_id")
def votes_recount(vote_id: str) -> None:
    """Count a closed or published vote again from its stored ballots, and check each ballot
    against the audit chain. Exit 0 when it matches the stored result, 1 when not, 2 when
    there is no such counted vote."""  # EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT
    from resolvers.votes.board import recount_vote

    pk = _vote_pk(vote_id)
    settings = Settings()
    try:
        if pk is None:
            raise LookupError(vote_id)
        vote, found = _run(lambda: _with_database(settings, lambda: recount_vote(pk)))
    except LookupError:
        _fail(f"no closed or published vote {vote_id!r}")
    recomputed = found.recomputed
    click.echo(
        f"vote {vote.id} ({vote.title}): {recomputed['turnout']} ballots counted of "
        f"{recomputed['electorateSize']}, quorum {'met' if recomputed['quorumMet'] else 'not met'}"
    )
    stored_items = {i["item"]: i for i in (found.stored or {}).get("items", [])}
    for item in recomputed["items"]:
        stored = stored_items.get(item["item"], {})
        same = "ok" if stored == item else "DIFFERS"
        average = "" if item["averageScore"] is None else f"avg {item['averageScore']} "
        click.echo(
            f"  {item['label']}: yes {item['yes']} no {item['no']} abstain {item['abstain']} "
            f"{average}-> {item['outcome']} [{same}]"
        )
    for problem in found.unmatched:
        what = f"ballot {problem[:16]}…" if len(problem) == 64 else problem
        click.echo(f"  {what} does not match the audit chain", err=True)
    if not found.published_matches:
        click.echo("  the stored result is not the one published (audit chain)", err=True)
    if found.matches:
        click.echo("recount matches the stored result")
        sys.exit(EXIT_OK)
    click.echo("RECOUNT DIFFERS from the stored result", err=True)
    sys.exit(EXIT_CHECK_FAILED)


@main.group("import")
def import_() -> None:
    """Bulk imports (批量导入)."""


@import_.command("residents")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--street", "street_code", required=True, help="Street code, e.g. wulidun")
@click.option("--skip-invalid", is_flag=True, help="Write the valid rows, report the others.")
def import_residents(file: str, street_code: str, skip_invalid: bool) -> None:
    """Import residents from a CSV file in UTF-8 or GB18030 (as Excel saves it; columns: name,
    id_number, phone, grid, building, household, address, tags). Idempotent: known ID numbers
    are left as they are. Exit 1 when rows are refused (nothing written without
    --skip-invalid), 2 for an unknown street or an unreadable file."""
    from pathlib import Path

    from core.i18n import EN, translate
    from core.validators import CODE_RE
    from gongzhi.platform import make_services
    from models.tenancy import Street
    from resolvers.people.importing import decode_csv
    from resolvers.people.importing import import_residents as run_import
    from tenants.scoping import street_scope

    settings = Settings(env=Env.DEV) if not os.environ.get("GONGZHI_ENV") else Settings()
    text = decode_csv(Path(file).read_bytes())
    if text is None:
        _fail(translate("import.not_utf8", EN))

    def progress(phase: str, done: int, total: int) -> None:
        click.echo(f"  {phase} {done}" + (f"/{total}" if total else ""), err=True)

    async def work() -> Any:
        from core.broker import make_broker

        code = street_code.strip().lower()
        street = await Street.get_or_none(code=code) if CODE_RE.match(code) else None
        if street is None:
            raise LookupError(street_code)
        services = make_services(settings, make_broker(None, settings.redis_prefix))
        with street_scope(street.id):
            return await run_import(services, text, skip_invalid=skip_invalid, progress=progress)

    _run(lambda: apply_migrations(settings, quiet=True))
    try:
        report = _run(lambda: _with_database(settings, work))
    except LookupError:
        _fail(f"no street with code {street_code!r}")
    if report.file_error:
        e = report.file_error
        _fail(translate(e.message_key, EN, **e.params))
    for e in report.errors:
        where = f" [{e.field}]" if e.field else ""
        click.echo(f"line {e.line}{where}: {translate(e.message_key, EN, **e.params)}", err=True)
    invalid = len({e.line for e in report.errors})
    if not report.written:
        click.echo(
            f"rows: {report.rows}, {invalid} invalid: nothing written "
            "(correct them, or pass --skip-invalid)"
        )
        sys.exit(EXIT_CHECK_FAILED)
    click.echo(
        f"rows: {report.rows}, {report.unchanged} already present, {report.created} written"
        + (f", {invalid} invalid skipped" if invalid else "")
    )


if __name__ == "__main__":
    main()
