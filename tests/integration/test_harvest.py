"""The ops centre's verdicts feed the corpus: a case confirmed and a case rejected as a false
alarm, from the real detect stage through dispatch and the task state machine, come back from
`algo harvest` as one positive and one negative that `algo eval` reads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import pytest

from gridwatch.config.schema import District
from gridwatch.detect.engine import Detector, shared_detector
from gridwatch.detect.evaluate import evaluate, load_labels
from gridwatch.detect.harvest import harvest, judged_cases
from gridwatch.detect.stage import DetectStage
from gridwatch.dispatch.stage import DispatchStage
from gridwatch.domain.events import Finding
from gridwatch.domain.kpis import kpis_by
from gridwatch.domain.tasks import Action, Actor, Role, State
from gridwatch.ingest.frames import Frame
from gridwatch.store.evidence import EvidenceStore, raw_frame_key
from gridwatch.store.kpi_queries import KpiQueries
from gridwatch.store.repository import Store, sqlite_url
from tests.conftest import VTEST

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
DUTY = Actor("duty", Role.DUTY_OFFICER)
ADMIN = Actor("admin", Role.ADMIN)  # answers for the assignee and the verifier alike


@pytest.fixture(scope="module")
def detector() -> Detector:
    return shared_detector("nanodet", 2)


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    store = Store(sqlite_url(tmp_path / "gw.db"))
    store.migrate()
    yield store
    store.engine.dispose()


def vtest_frames(start: datetime, seconds: int) -> list[Frame]:
    """cam-0001 of the minimal district watches vtest.avi: its first `seconds` at 1 frame/s."""
    cap = cv2.VideoCapture(str(VTEST))
    frames = []
    for i in range(seconds * 10):
        ok, image = cap.read()
        assert ok
        if i % 10 == 0:
            at = start + timedelta(seconds=i // 10)
            frames.append(Frame("cam-0001", i // 10, at, image, at))
    cap.release()
    return frames


def lane_finding(
    district: District, detector: Detector, evidence: EvidenceStore, start: datetime
) -> Finding:
    stage = DetectStage(district, detector, evidence)
    found = [f for fr in vtest_frames(start, 30) for f in stage.process(fr)]
    # The white van stands in the east lane for the whole clip: one lane_occupation finding.
    assert [(f.algorithm, f.zone_id) for f in found] == [("lane_occupation", "lane-east")]
    return found[0]


def test_a_confirmed_and_a_rejected_case_come_back_as_one_positive_and_one_negative(
    minimal_district: District, detector: Detector, sqlite_store: Store, tmp_path: Path
):
    evidence = EvidenceStore(tmp_path / "evidence")
    now = [T0]
    dispatch = DispatchStage(minimal_district, sqlite_store, None, lambda: now[0])

    # First case: the duty officer rejects it as a false alarm.
    first = lane_finding(minimal_district, detector, evidence, T0)
    assert first.evidence_path and evidence.path(raw_frame_key(first.evidence_path)).is_file()
    rejected = dispatch.handle_finding(first)
    assert rejected is not None and rejected.state is State.DISPATCHED
    now[0] = T0 + timedelta(minutes=5)
    sqlite_store.act(rejected.task_id, Action.REJECT, DUTY, now[0], "误报", verdict="false_alarm")

    # An hour later the camera reports again: a new case, which is handled and confirmed.
    now[0] = T0 + timedelta(hours=1)
    second = lane_finding(minimal_district, detector, evidence, now[0])
    confirmed = dispatch.handle_finding(second)
    assert confirmed is not None and confirmed.task_id != rejected.task_id
    for action, note, verdict in (
        (Action.ACCEPT, "", None),
        (Action.FEEDBACK, "车辆已驶离", None),
        (Action.VERIFY, "", "confirmed"),
    ):
        now[0] += timedelta(minutes=10)
        sqlite_store.act(confirmed.task_id, action, ADMIN, now[0], note, verdict=verdict)

    since, until = T0 - timedelta(hours=1), T0 + timedelta(days=1)
    # The harvest takes the cases the false-alarm KPI counts, no more, no fewer.
    facts = KpiQueries(sqlite_store).case_facts(since, until)
    kpi = kpis_by(facts, "algorithm", until)["lane_occupation"]
    assert (kpi.verdicts, kpi.false_alarms) == (2, 1)
    assert len(judged_cases(sqlite_store, since, until)) == kpi.verdicts

    out = tmp_path / "harvested"
    report = harvest(sqlite_store, evidence, minimal_district, since, until, out)
    assert (report.positives, report.negatives, dict(report.written)) == (
        1,
        1,
        {"lane_occupation": 2},
    )
    labels = load_labels(out / "lane_occupation")
    assert labels.algorithm == "lane_occupation"
    assert labels.params == minimal_district.algorithm("lane_occupation").params
    assert len(labels.clips) == 2
    yes = next(c for c in labels.clips if c.id.endswith(confirmed.task_id))
    no = next(c for c in labels.clips if c.id.endswith(rejected.task_id))
    assert (len(yes.events), len(no.events)) == (1, 0)
    for clip in (yes, no):
        assert (clip.split, clip.origin, clip.scene) == ("dev", "real", "cam-0001")
        assert [z.id for z in clip.zones] == ["lane-east"]
    # The confirmed box is the finding's, normalised to the 768 x 576 frame.
    x1, y1, x2, y2 = second.box or (0, 0, 0, 0)
    assert yes.events[0].box == pytest.approx((x1 / 768, y1 / 576, x2 / 768, y2 / 576), abs=1e-4)

    # Harvesting again adds nothing; eval reads the set back: the van found on the confirmed
    # still, and found again on the rejected one (the verifier's "no" is what the set keeps).
    again = harvest(sqlite_store, evidence, minimal_district, since, until, out)
    assert (sum(again.written.values()), again.already_there) == (0, 2)
    result = evaluate("lane_occupation", out / "lane_occupation", detector, split="dev")
    s = result.score
    assert (result.clips, result.scenes, s.positives) == (2, 1, 1)
    assert (s.true_positives, s.false_negatives, s.false_positives) == (1, 0, 1)


def test_a_case_without_a_kept_frame_is_skipped_and_said_so(
    minimal_district: District, detector: Detector, sqlite_store: Store, tmp_path: Path
):
    evidence = EvidenceStore(tmp_path / "evidence")
    dispatch = DispatchStage(minimal_district, sqlite_store, None, lambda: T0)
    finding = lane_finding(minimal_district, detector, evidence, T0)
    evidence.path(raw_frame_key(finding.evidence_path or "")).unlink()  # evidence of old
    task = dispatch.handle_finding(finding)
    assert task is not None
    sqlite_store.act(task.task_id, Action.REJECT, DUTY, T0, "误报", verdict="false_alarm")
    report = harvest(
        sqlite_store, evidence, minimal_district, T0 - timedelta(hours=1), T0 + timedelta(hours=1),
        tmp_path / "out", split="test",
    )  # fmt: skip
    assert sum(report.written.values()) == 0
    assert report.skipped == {"no undrawn frame kept (evidence from before frames were kept)": 1}
