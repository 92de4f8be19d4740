"""Issuing an enforcement document for a case: resolve the case's facts (event, place, evidence,
legal duty, officers), draw the next number, render the PDF, store it with the case's evidence
and record it in the task's audit trail. A case gets at most one document of each kind: asking
again returns the one issued."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from gridwatch.config.schema import Camera, District
from gridwatch.domain.events import stable_id
from gridwatch.domain.tasks import Action, AuditRecord, Role, State, Task
from gridwatch.enforcement.catalogue import LegalDuty, enforcement_duty_for
from gridwatch.enforcement.config import DocumentKind, Officer
from gridwatch.enforcement.documents import (
    TITLES,
    UNKNOWN_PARTY,
    CaseFacts,
    DocumentError,
    compose,
    document_number,
)
from gridwatch.enforcement.documents import Officer as SignedBy
from gridwatch.enforcement.docx_render import render_docx
from gridwatch.enforcement.legal_duty import route_legal_duties
from gridwatch.enforcement.pdf import render_pdf
from gridwatch.store.enforcement_repository import EnforcementStore
from gridwatch.store.enforcement_tables import EnforcementDocumentRow
from gridwatch.store.evidence import EvidenceStore
from gridwatch.store.repository import Store
from gridwatch.store.tables import EventRow

ISSUABLE = frozenset(
    {State.ACCEPTED, State.HANDLING, State.HANDLED, State.VERIFIED, State.CLOSED, State.EVALUATED}
)


@dataclass(frozen=True)
class IssuedDocument:
    doc_id: str
    task_id: str
    kind: str
    number: str
    storage_key: str
    sha256: str
    issued_at: datetime
    issued_by: str
    created: bool  # False: it had been issued before


def docx_key(pdf_key: str) -> str:
    """The editable DOCX copy lies beside the PDF."""
    return pdf_key.removesuffix(".pdf") + ".docx"


def _issued(row: EnforcementDocumentRow, created: bool) -> IssuedDocument:
    return IssuedDocument(
        row.doc_id,
        row.task_id,
        row.kind,
        row.number,
        row.storage_key,
        row.sha256,
        row.issued_at,
        row.issued_by,
        created,
    )


def legal_duty_of(district: District, task: Task, event_type: str, kind: DocumentKind) -> LegalDuty:
    """The duty the document rests on: the matched plan's duty items if it names any, else the
    catalogue's lead duty for the event type; notices and decisions need an enforcement matter."""
    catalogue = district.enforcement.responsibility
    if catalogue is None:
        raise DocumentError("the district has no responsibility list (权责清单)")
    from_plan = route_legal_duties(district, event_type, task.route_id)
    with_matter = [d for d in from_plan if d.matter is not None]
    if with_matter:
        return with_matter[0]
    if kind != "inspection_record" or not from_plan:
        found = enforcement_duty_for(catalogue, event_type)
        if found is not None:
            return found
    if from_plan and kind == "inspection_record":
        return from_plan[0]
    raise DocumentError(f"no duty item with an enforcement matter covers {event_type!r}")


def officers_for(district: District, task: Task, officer_id: str) -> tuple[Officer, ...]:
    """The issuing officer and a second one of the same squad (two officers act together)."""
    officers = district.enforcement.settings.officers
    me = next((o for o in officers if o.id == officer_id), None)
    if me is None:
        raise DocumentError(f"unknown officer {officer_id!r}")
    kind, _, ref = task.assignee.partition(":")
    if kind == "squad" and me.squad != ref:
        raise DocumentError(
            f"officer {officer_id} is in {me.squad}; task {task.task_id} is assigned to {ref}"
        )
    if kind == "grid_force":
        raise DocumentError(
            f"task {task.task_id} is with {task.assignee}: enforcement documents are issued by "
            "squads; dispatch it to a squad first"
        )
    partner = next((o for o in officers if o.squad == me.squad and o.id != me.id), None)
    return (me,) if partner is None else (me, partner)


def place_of(district: District, event: EventRow) -> str:
    grid = district.grid(event.grid)
    community = district.community(grid.community).name
    # Grid names usually start with their community's (华岩村第1网格); don't say it twice.
    local = grid.name if grid.name.startswith(community) else f"{community}{grid.name}"
    where = f"{district.organisation.district}{local}"
    if event.device_id:
        device = district.device(event.device_id)
        zone = ""
        if isinstance(device, Camera) and event.zone_id:
            zone = next((z.name for z in device.zones if z.id == event.zone_id and z.name), "")
        return f"{where}{device.name}" + (f"（{zone}）" if zone else "")
    return where


def found_by(district: District, event: EventRow) -> str:
    if event.source == "ai" and event.algorithm:
        algo = district.algorithm(event.algorithm).name
        conf = f"，置信度{event.confidence:.2f}" if event.confidence is not None else ""
        model = f"，模型{event.model_version}" if event.model_version else ""
        return f"智能感知设备AI算法“{algo}”自动识别（{event.device_id}{model}{conf}）"
    if event.source == "inspection":
        return f"执法人员{event.reporter or ''}入企检查"
    if event.source == "grid_leader":
        return f"网格长{event.reporter or ''}巡查上报"
    return {"citizen": "群众举报", "system": "平台监测"}.get(event.source, event.source)


def issue_document(
    district: District,
    store: Store,
    evidence: EvidenceStore,
    task_id: str,
    kind: DocumentKind,
    officer_id: str,
    now: datetime,
    *,
    party: str | None = None,
    fine_yuan: int | None = None,
) -> IssuedDocument:
    es = EnforcementStore(store)
    task = store.get_task(task_id)
    officers = officers_for(district, task, officer_id)  # may this officer act on the case?
    existing = es.document(task_id, kind)
    if existing is not None:
        return _issued(existing, created=False)
    if task.state not in ISSUABLE:
        raise DocumentError(f"task {task_id} is {task.state}: the squad must accept it first")
    event = store.get_event(task.event_id)
    settings = district.enforcement.settings.documents
    zone = ZoneInfo(settings.timezone)
    duty = legal_duty_of(district, task, event.event_type, kind)
    catalogue = district.enforcement.responsibility
    assert catalogue is not None  # legal_duty_of checked it
    rectify = next(
        (
            d.deadline.rectify_days
            for d in catalogue.duties_of.get(event.event_type, [])
            if d.enforcement_matter == (duty.matter.code if duty.matter else None)
            and d.deadline.rectify_days
        ),
        duty.duty.deadline.rectify_days or 7,
    )
    picture = None
    if event.evidence_path:
        path = evidence.path(event.evidence_path)
        picture = str(path) if path.is_file() else None
    local_now = now.astimezone(zone)
    facts = CaseFacts(
        case_number=task.task_id,
        event_type=event.event_type,
        what=event.title,
        place=place_of(district, event),
        occurred_at=event.occurred_at.astimezone(zone),
        issued_at=local_now,
        issuer=settings.issuer,
        duty=duty.duty,
        matter=duty.matter,
        officers=tuple(SignedBy(o.name, o.certificate) for o in officers),
        party=party or UNKNOWN_PARTY,
        found_by=found_by(district, event),
        # An algorithm's summary is for engineers (English, ids); people's reports are facts.
        description="" if event.source == "ai" else event.description,
        evidence=picture,
        rectify_days=rectify,
        fine_yuan=fine_yuan,
        review_body=settings.review_body,
        court=settings.court,
    )
    for _ in range(5):  # another writer may take the number between drawing and storing it
        seq = es.next_seq(kind, local_now.year)
        number = document_number(settings.numbering, kind, local_now.year, seq)
        document = compose(kind, facts, number)
        pdf = render_pdf(document, author=settings.issuer)
        key = evidence.put(f"documents/{task_id}/{kind}-{local_now.year}-{seq:04d}.pdf", pdf)
        evidence.put(docx_key(key), render_docx(document))
        row = EnforcementDocumentRow(
            doc_id=stable_id("doc", task_id, kind),
            task_id=task_id,
            kind=kind,
            year=local_now.year,
            seq=seq,
            number=number,
            storage_key=key,
            sha256=hashlib.sha256(pdf).hexdigest(),
            issued_at=now,
            issued_by=officer_id,
        )
        if es.add_document(row):
            break
        evidence.path(key).unlink(missing_ok=True)
        evidence.path(docx_key(key)).unlink(missing_ok=True)
        taken = es.document(task_id, kind)
        if taken is not None:  # the same document was issued concurrently
            return _issued(taken, created=False)
    else:
        raise DocumentError(f"could not draw a free {kind} number for {local_now.year}")
    store.record_audit(
        AuditRecord(
            task_id=task_id,
            action=Action.ISSUE_DOCUMENT,
            actor=officer_id,
            role=Role.SQUAD_MEMBER,
            at=now,
            from_state=task.state,
            to_state=task.state,
            note=f"{TITLES[kind]} {number}",
            attachment=key,
        )
    )
    return _issued(row, created=True)
