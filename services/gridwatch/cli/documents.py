"""`gridwatch documents`: enforcement documents (执法文书) for a case, as PDF."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from gridwatch.cli.inspections import DEFAULT_CONFIG, open_store
from gridwatch.config.errors import ConfigError
from gridwatch.config.loader import load_district
from gridwatch.config.settings import Settings
from gridwatch.enforcement.config import DOCUMENT_KINDS
from gridwatch.enforcement.documents import DocumentError
from gridwatch.enforcement.pdf import FontMissing
from gridwatch.runtime.clock import utc_now
from gridwatch.store.enforcement_repository import EnforcementStore
from gridwatch.store.evidence import EvidenceStore
from gridwatch.store.repository import NotFound

app = typer.Typer(
    help="Enforcement documents of the simple procedure: 现场检查笔录 (inspection_record), "
    "责令改正通知书 (rectify_notice), 当场行政处罚决定书 (penalty_decision). PDFs are numbered per "
    "enforcement.yaml, stored with the case's evidence and listed in its audit trail.",
    no_args_is_help=True,
)
err = Console(stderr=True, soft_wrap=True)


def evidence_store() -> EvidenceStore:
    return EvidenceStore(Settings().data_dir.resolve() / "evidence")


@app.command("issue")
def issue_cmd(
    task_id: Annotated[str, typer.Argument(help="The case (task id), e.g. tsk-1a2b….")],
    kind: Annotated[
        str, typer.Option(help="inspection_record | rectify_notice | penalty_decision")
    ],
    officer: Annotated[str, typer.Option(help="Issuing officer id (enforcement.yaml).")],
    party: Annotated[
        str | None, typer.Option(help="当事人 (person or unit); default: to be verified.")
    ] = None,
    fine: Annotated[
        int | None, typer.Option(help="penalty_decision: fine in yuan (default: a warning).")
    ] = None,
    config: Annotated[Path, typer.Option(help="District config directory.")] = DEFAULT_CONFIG,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Issue a document for a case the officer's squad has accepted.

    The legal basis comes from the duty item (履职事项) of the matched dispatch plan, or the
    responsibility list's lead duty for the event type, and its enforcement matter (执法事项).
    Issuing the same kind again for the case prints the document already issued.
    """
    from gridwatch.enforcement.issue import docx_key, issue_document

    if kind not in DOCUMENT_KINDS:
        err.print(f"unknown kind {kind!r}: use {', '.join(DOCUMENT_KINDS)}")
        raise typer.Exit(2)
    try:
        district = load_district(config)
    except ConfigError as e:
        err.print(str(e), markup=False)
        raise typer.Exit(1) from None
    store = open_store()
    evidence = evidence_store()
    try:
        doc = issue_document(
            district,
            store,
            evidence,
            task_id,
            kind,
            officer,
            utc_now(),
            party=party,
            fine_yuan=fine,
        )
    except (DocumentError, FontMissing) as e:
        err.print(str(e), markup=False)
        raise typer.Exit(1) from None
    except NotFound:
        err.print(f"no task {task_id}")
        raise typer.Exit(1) from None
    finally:
        store.engine.dispose()
    path = evidence.path(doc.storage_key)
    docx = evidence.path(docx_key(doc.storage_key))
    if as_json:
        out = {
            **doc.__dict__,
            "issued_at": doc.issued_at.isoformat(),
            "path": str(path),
            "docx": str(docx),
        }
        typer.echo(json.dumps(out, ensure_ascii=False))
    else:
        state = "issued" if doc.created else "already issued"
        typer.echo(f"{doc.number} {state}: {path} (editable copy {docx.name})")


@app.command("list")
def list_cmd(
    task_id: Annotated[str, typer.Argument(help="The case (task id).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The documents issued for a case, with their numbers and files."""
    store = open_store()
    try:
        rows = EnforcementStore(store).documents(task_id)
    finally:
        store.engine.dispose()
    evidence = evidence_store()
    items = [
        {
            "kind": r.kind,
            "number": r.number,
            "issued_at": r.issued_at.isoformat(),
            "issued_by": r.issued_by,
            "path": str(evidence.path(r.storage_key)),
            "sha256": r.sha256,
        }
        for r in rows
    ]
    if as_json:
        typer.echo(json.dumps(items, ensure_ascii=False))
        return
    table = Table(title=f"documents of {task_id}")
    for col in ("kind", "number", "issued", "by", "file"):
        table.add_column(col)
    for i in items:
        table.add_row(i["kind"], i["number"], i["issued_at"][:16], i["issued_by"], i["path"])
    Console().print(table)
