"""A real AI lane-occupation case (NanoDet on vtest.avi → lane_occupation → dispatch plan) taken
to enforcement documents: PDFs with the Chinese text, the case's facts and legal basis, numbered,
stored with the case and listed in its audit trail. On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import docx
import pypdf
import pytest

from gridwatch.config.schema import District
from gridwatch.detect.engine import shared_detector
from gridwatch.detect.stage import DetectStage
from gridwatch.dispatch.stage import DispatchStage
from gridwatch.domain.events import Event, Finding
from gridwatch.domain.tasks import Action, Actor, Role, State
from gridwatch.enforcement.catalogue import enforcement_duty_for
from gridwatch.enforcement.documents import DocumentError
from gridwatch.enforcement.issue import docx_key, issue_document
from gridwatch.ingest.video_file import VideoFileSource
from gridwatch.store.evidence import EvidenceStore
from gridwatch.store.repository import Store
from tests.conftest import VTEST

T0 = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)  # 08:30 in Chongqing
ISSUED = T0 + timedelta(minutes=40)
SQUAD = Actor("traffic-1", Role.SQUAD_MEMBER, squad="sq-traffic")


@pytest.fixture(scope="module")
def evidence(tmp_path_factory: pytest.TempPathFactory) -> EvidenceStore:
    return EvidenceStore(tmp_path_factory.mktemp("evidence"))


@pytest.fixture(scope="module")
def lane_finding(minimal_district: District, evidence: EvidenceStore) -> Finding:
    """The van parked in cam-0001's lane zone, found by the real detector and rule."""
    stage = DetectStage(minimal_district, shared_detector("nanodet", 2), evidence)
    src = VideoFileSource(
        "cam-0001", VTEST, 1.0, loop=False, realtime=False, start=T0, clock=lambda: T0
    )
    stop = threading.Event()
    for frame in src.frames(stop):
        found = [f for f in stage.process(frame) if f.algorithm == "lane_occupation"]
        if found:
            stop.set()
            return found[0]
    raise AssertionError("no lane occupation found in vtest.avi")


def open_accepted_case(district: District, store: Store, finding: Finding):
    dispatch = DispatchStage(district, store, None, lambda: T0 + timedelta(seconds=30))
    task = dispatch.handle_finding(finding)
    assert task is not None and task.assignee == "squad:sq-traffic"
    store.act(task.task_id, Action.ACCEPT, SQUAD, T0 + timedelta(minutes=5))
    return task


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))


def test_lane_occupation_case_gets_a_notice_to_rectify_with_its_facts_in_chinese(
    minimal_district: District, store: Store, evidence: EvidenceStore, lane_finding: Finding
):
    task = open_accepted_case(minimal_district, store, lane_finding)
    doc = issue_document(
        minimal_district, store, evidence, task.task_id, "rectify_notice", "traffic-1", ISSUED
    )
    data = evidence.path(doc.storage_key).read_bytes()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == doc.sha256
    text = pdf_text(data)

    catalogue = minimal_district.enforcement.responsibility
    assert catalogue is not None
    duty = enforcement_duty_for(catalogue, "lane_occupation")
    assert duty is not None and duty.matter is not None
    local = ISSUED.astimezone(ZoneInfo("Asia/Shanghai"))
    rectify_by = local.date() + timedelta(days=3)  # the 责令改正 duty's rectify_days

    assert "责令改正通知书" in text
    assert doc.number == "中梁山综执责改〔2026〕第0001号" and doc.number in text
    assert task.task_id in text  # case number
    assert "华福路与华岩大道交叉口(东向)" in text and "东向车道" in text  # location and zone
    assert "华岩村第1网格" in text
    assert duty.matter.violated in text  # 《中华人民共和国道路交通安全法》第五十六条
    assert "《中华人民共和国道路交通安全法》第五十六条" in text
    assert f"于{rectify_by.year}年{rectify_by.month:02d}月{rectify_by.day:02d}日前改正" in text
    assert "2026年03月02日08时" in text  # when the van was found, local time
    assert "执法证号" in text and "陈志强" in text

    reader = pypdf.PdfReader(io.BytesIO(data))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    embedded = [
        f.get_object()["/FontDescriptor"].get("/FontFile2")
        for f in fonts.values()
        if "WenQuanYi" in f.get_object()["/BaseFont"]
    ]
    assert embedded and all(x is not None for x in embedded)  # CJK font travels with the PDF
    images = [img for page in reader.pages for img in page.images]
    assert images, "the evidence picture is in the PDF"

    # The editable DOCX copy beside it says the same.
    copy = docx.Document(str(evidence.path(docx_key(doc.storage_key))))
    words = "".join(p.text for p in copy.paragraphs)
    assert doc.number in words and task.task_id in words and duty.matter.violated in words


def test_documents_are_numbered_per_kind_stored_once_and_audited(
    minimal_district: District, store: Store, evidence: EvidenceStore, lane_finding: Finding
):
    task = open_accepted_case(minimal_district, store, lane_finding)
    record = issue_document(
        minimal_district, store, evidence, task.task_id, "inspection_record", "traffic-1", ISSUED
    )
    notice = issue_document(
        minimal_district, store, evidence, task.task_id, "rectify_notice", "traffic-1", ISSUED
    )
    again = issue_document(
        minimal_district, store, evidence, task.task_id, "rectify_notice", "traffic-2", ISSUED
    )
    assert record.number == "中梁山综执检〔2026〕第0001号"
    assert (again.created, again.number, again.doc_id) == (False, notice.number, notice.doc_id)

    # A second case gets the next notice number. It comes from another camera: a second finding
    # of the same camera joins the open case (plan grouping by device and event type).
    other = dataclasses.replace(
        lane_finding, device_id="cam-0002", incident_key=lane_finding.incident_key + "-2"
    )
    task2 = open_accepted_case(minimal_district, store, other)
    notice2 = issue_document(
        minimal_district, store, evidence, task2.task_id, "rectify_notice", "traffic-2", ISSUED
    )
    assert notice2.number == "中梁山综执责改〔2026〕第0002号"

    trail = store.audit_trail(task.task_id)
    issued = [a for a in trail if a.action is Action.ISSUE_DOCUMENT]
    assert [(a.note, a.attachment, a.actor) for a in issued] == [
        (f"现场检查笔录 {record.number}", record.storage_key, "traffic-1"),
        (f"责令改正通知书 {notice.number}", notice.storage_key, "traffic-1"),
    ]
    assert all(a.from_state is a.to_state is State.ACCEPTED for a in issued)
    assert store.get_task(task.task_id).state is State.ACCEPTED


def test_on_the_spot_decision_states_the_fine_and_the_appeal_route(
    minimal_district: District, store: Store, evidence: EvidenceStore, lane_finding: Finding
):
    task = open_accepted_case(minimal_district, store, lane_finding)
    with pytest.raises(DocumentError, match=r"outside 1\.\.200"):
        issue_document(
            minimal_district,
            store,
            evidence,
            task.task_id,
            "penalty_decision",
            "traffic-1",
            ISSUED,
            fine_yuan=500,
        )
    doc = issue_document(
        minimal_district,
        store,
        evidence,
        task.task_id,
        "penalty_decision",
        "traffic-1",
        ISSUED,
        party="张某（渝A·12345机动车驾驶人）",
        fine_yuan=200,
    )
    text = pdf_text(evidence.path(doc.storage_key).read_bytes())
    assert "当场行政处罚决定书" in text and "罚款人民币200元" in text
    assert "张某（渝A·12345机动车驾驶人）" in text
    assert "《中华人民共和国行政处罚法》第五十一条" in text
    assert "重庆市九龙坡区人民政府申请行政复议" in text


def test_only_the_assigned_squad_may_issue_and_only_after_accepting(
    minimal_district: District, store: Store, evidence: EvidenceStore, lane_finding: Finding
):
    dispatch = DispatchStage(minimal_district, store, None, lambda: T0)
    task = dispatch.handle_finding(lane_finding)
    assert task is not None and task.state is State.DISPATCHED
    with pytest.raises(DocumentError, match="accept it first"):
        issue_document(
            minimal_district, store, evidence, task.task_id, "rectify_notice", "traffic-1", ISSUED
        )
    store.act(task.task_id, Action.ACCEPT, SQUAD, T0 + timedelta(minutes=5))
    with pytest.raises(DocumentError, match="is in sq-river"):
        issue_document(
            minimal_district, store, evidence, task.task_id, "rectify_notice", "river-1", ISSUED
        )
    assert not [a for a in store.audit_trail(task.task_id) if a.action is Action.ISSUE_DOCUMENT]
    issue_document(
        minimal_district, store, evidence, task.task_id, "rectify_notice", "traffic-1", ISSUED
    )
    with pytest.raises(DocumentError, match="is in sq-river"):  # not even a copy of it
        issue_document(
            minimal_district, store, evidence, task.task_id, "rectify_notice", "river-1", ISSUED
        )


def test_a_case_without_an_enforcement_matter_gets_no_notice(
    minimal_district: District, store: Store, evidence: EvidenceStore
):
    ev = Event(
        event_id="evt-water",
        event_type="water_level",
        source="ai",
        occurred_at=T0,
        grid="g002",
        community="c01",
        severity="major",
        title="河道水位超警",
        device_id="wl-001",
        algorithm="water_level",
    )
    dispatch = DispatchStage(minimal_district, store, None, lambda: T0)
    task = dispatch.handle_event(ev)
    store.act(task.task_id, Action.ACCEPT, Actor("r", Role.SQUAD_MEMBER, squad="sq-river"), T0)
    with pytest.raises(DocumentError, match="enforcement matter"):
        issue_document(
            minimal_district, store, evidence, task.task_id, "rectify_notice", "river-1", ISSUED
        )
    # An inspection record rests on the duty item alone.
    doc = issue_document(
        minimal_district, store, evidence, task.task_id, "inspection_record", "river-1", ISSUED
    )
    assert "对河道水位超警戒的巡查预警与群众转移" in pdf_text(
        evidence.path(doc.storage_key).read_bytes()
    )
