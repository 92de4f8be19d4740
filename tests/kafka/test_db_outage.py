"""PostgreSQL goes away from a dispatch worker for 12 s (a proxy cuts every connection and turns
new ones away) while clues keep coming. The worker is not restarted, its partitions wait and try
again, and once SQL is back every acknowledged clue has exactly one task: none lost, none
doubled, none refused."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import psycopg
import pytest
from sqlalchemy.engine import make_url

from gridwatch.streams.publisher import Publisher
from gridwatch.streams.tansu import TansuBroker
from tests.kafka.conftest import ClueStream, Pipeline, wait_for
from tests.kafka.tcp_proxy import TcpProxy

pytestmark = pytest.mark.kafka

CUT_S = 12.0


@pytest.fixture
def pg_proxy(pg_url: str) -> Iterator[tuple[TcpProxy, str]]:
    """A proxy in front of the test's database, and the database's URL through it."""
    url = make_url(pg_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    yield proxy, url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    proxy.stop()


def test_sql_outage_loses_and_doubles_no_clue(
    make_pipeline: Callable[..., Pipeline],
    broker: TansuBroker,
    pg_proxy: tuple[TcpProxy, str],
) -> None:
    proxy, proxied_url = pg_proxy
    p = make_pipeline()  # its store reads the database directly, past the proxy
    worker = p.spawn("dispatch", env={"GRIDWATCH_DB_URL": proxied_url})
    p.wait_assigned([worker], "clues", 2)
    publisher = Publisher(broker.url, p.prefix)

    def tasks() -> int:
        return int(p.sql("SELECT count(*) FROM tasks")[0][0])

    def step_failures() -> float:
        return worker.metric("gridwatch_step_failures_total", topic="events")

    stream = ClueStream(publisher, 0.1).start()
    sent, acked, failed = stream.sent, stream.acked, stream.failed
    try:
        wait_for(lambda: tasks() >= 10, 60, "tasks before the outage", on_timeout=p.tail_logs)
        acked_before = len(acked)
        proxy.cut()
        try:
            with pytest.raises(psycopg.OperationalError):  # the outage is real
                psycopg.connect(proxied_url, connect_timeout=5).close()
            time.sleep(CUT_S)
            acked_during = len(acked) - acked_before
        finally:
            proxy.restore()
        time.sleep(3)  # clues sent after the outage, too
    finally:
        stream.stop()
        publisher.flush(timeout=60)
        publisher.close()
    assert not failed, f"publisher gave up on records: {failed[:3]}"
    assert acked_during > 0, "clues kept coming while SQL was away"

    def described() -> set[str]:
        return {r[0] for r in p.sql("SELECT description FROM events")}

    wait_for(
        lambda: acked <= described() and tasks() >= len(acked),
        60,
        "a task per acknowledged clue",
        on_timeout=p.tail_logs,
    )
    per_clue = p.sql(
        "SELECT e.description, count(DISTINCT e.event_id), count(t.task_id) "
        "FROM events e LEFT JOIN tasks t ON t.event_id = e.event_id GROUP BY e.description"
    )
    doubled = [tuple(r) for r in per_clue if (r[1], r[2]) != (1, 1)]
    assert not doubled, f"clues without exactly one event and one task: {doubled[:5]}"
    assert {r[0] for r in per_clue} <= sent
    assert tasks() == len(per_clue)
    assert worker.alive(), "the worker rode the outage out without a restart"
    assert worker.metric("gridwatch_bad_records_total") == 0, "no record refused for it"
    assert step_failures() > 0, "the worker met the outage and tried again"
    print(
        f"acknowledged {len(acked)} clues ({acked_during} while SQL was away for {CUT_S:.0f} s); "
        f"tasks {tasks()}; retried steps {step_failures():.0f}"
    )
