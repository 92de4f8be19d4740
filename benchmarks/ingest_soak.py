"""Ingest soak at district scale: 350 devices over real protocols on 127.0.0.1.

- 49 video cameras: HTTP MJPEG at 5 frames/s (768x576, a camera's sub-stream), analysed at
  1 frame/s (the sampling the algorithms need): every part is read, one in five decoded.
- 231 viewing-only cameras: HTTP JPEG snapshots polled every 5 s (thumbnail + health).
- 70 sensors: MQTT readings every 5 s through Mosquitto, 1 in 100 payloads malformed on
  purpose (dead-lettered, must not stop intake).
The camera server and the MQTT publisher run in a second process, so the ingest process's
CPU and memory are its own. Halfway through, the server of 3 video cameras is stopped for
5 s and started again (a switch reboot); reconnect time = restart → first frame.

Before the soak, a side-by-side baseline on 5 streams for `--baseline-s` each: decoding every
MJPEG part (what a plain VideoCapture reader does) against decoding only the sampled ones.

    flock /tmp/gridwatch-bench.lock python benchmarks/ingest_soak.py --minutes 10

Uses Redis at GRIDWATCH_REDIS_URL (default redis://127.0.0.1:6379/14, flushed) and MQTT at
127.0.0.1:1883.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import cv2
import paho.mqtt.client as mqtt
import psutil
import redis
from paho.mqtt.enums import CallbackAPIVersion

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "services"))

from gridwatch.config.schema import Camera, Sensor  # noqa: E402
from gridwatch.domain.device_liveness import Backoff  # noqa: E402
from gridwatch.ingest.dead_letters import DeadLetters  # noqa: E402
from gridwatch.ingest.frames import Frame  # noqa: E402
from gridwatch.ingest.health import IngestHealth  # noqa: E402
from gridwatch.ingest.loopback import LoopbackCameras  # noqa: E402
from gridwatch.ingest.mjpeg import MjpegSource  # noqa: E402
from gridwatch.ingest.mqtt_intake import MqttIntake  # noqa: E402
from gridwatch.ingest.reading_intake import ReadingIntake  # noqa: E402
from gridwatch.ingest.sources import open_camera  # noqa: E402
from gridwatch.ingest.supervisor import CameraSupervisor, Reconnect, bad_frame_sink  # noqa: E402
from gridwatch.runtime.clock import utc_now  # noqa: E402
from gridwatch.runtime.thumbnails import Thumbnails  # noqa: E402
from gridwatch.store.hot_state import HotState  # noqa: E402

N_VIDEO, N_SNAPSHOT, N_SENSOR = 49, 231, 70
STREAM_FPS, SAMPLE_FPS, SNAPSHOT_S, SENSOR_S = 5.0, 1.0, 5.0, 5.0
KILLED = 3  # video cameras behind the server that is restarted
DOWN_S = 5.0
BACKOFF = Backoff(base_s=1.0, cap_s=8.0, jitter=0.5)


def pictures() -> list[bytes]:
    cap = cv2.VideoCapture(str(ROOT / "media" / "vtest.avi"))
    out = []
    for i in range(100):
        ok, img = cap.read()
        if not ok:
            break
        if i % 10 == 0:
            out.append(cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 80])[1].tobytes())
    cap.release()
    return out


def harness(
    ports: Any,
    restart: Any,
    ready: Any,
    go: Any,
    done: Any,
    sent: Any,
    minutes: float,
    mqtt_port: int,
) -> None:
    """The other side of the wire: camera servers and sensor publishers. `sent` counts the
    readings published (good, bad), so accepted and dead-lettered can be checked exactly."""
    pics = pictures()
    main = LoopbackCameras(pics, default_fps=STREAM_FPS).start()
    flaky = LoopbackCameras(pics, default_fps=STREAM_FPS).start()
    ports[0], ports[1] = main.port, flaky.port
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"soak-pub-{os.getpid()}")
    client.connect("127.0.0.1", mqtt_port)
    client.loop_start()
    ready.set()
    go.wait(120)  # the intake has subscribed: nothing is published into the void
    rng = random.Random(7)
    t0 = time.monotonic()
    killed = False
    step = 0
    while not done.is_set():
        for k in range(N_SENSOR):
            value: Any = round(2 + rng.gauss(0, 0.05), 3)
            body = json.dumps({"quantity": "water_level", "value": value, "unit": "m"})
            bad = (step * N_SENSOR + k) % 100 == 99
            if bad:
                body = body[:-5]  # malformed on purpose
            topic = f"gridwatch/sensors/sen-{k:03d}/reading"
            client.publish(topic, body, qos=1).wait_for_publish()
            with sent.get_lock():
                sent[1 if bad else 0] += 1
        step += 1
        if not killed and time.monotonic() - t0 > minutes * 30:
            flaky.stop()
            time.sleep(DOWN_S)
            flaky.start()
            restart.value = time.monotonic()
            killed = True
        done.wait(SENSOR_S)
    client.loop_stop()
    main.stop()
    flaky.stop()


def camera(i: int, kind: str, url: str, fps: float) -> Camera:
    src: dict[str, Any] = {"kind": kind, "url": url}
    if kind == "snapshot":
        src["interval_s"] = SNAPSHOT_S
    return Camera.model_validate(
        {
            "id": f"cam-{i:04d}",
            "kind": "camera",
            "name": f"cam {i}",
            "grid": "g1",
            "location": {"lon": 106.4, "lat": 29.4},
            "source": src,
            "sample_fps": fps,
            "algorithms": ["lane_occupation"] if kind == "mjpeg" else [],
        }
    )


def baseline(pics: list[bytes], seconds: float) -> dict[str, float]:
    """CPU-seconds per stream-second: decode every part vs decode the sampled ones."""
    server = LoopbackCameras(pics, default_fps=STREAM_FPS).start()
    out = {}
    proc = psutil.Process()
    for label, fps in (("decode every part", 1000.0), ("decode sampled (1/s)", SAMPLE_FPS)):
        stop = threading.Event()
        frames = Counter[str]()

        def run(
            i: int,
            fps: float = fps,
            stop: threading.Event = stop,
            frames: Counter[str] = frames,
        ) -> None:
            src = MjpegSource(f"b{i}", server.url("mjpeg", f"b{i}"), fps, clock=utc_now)
            for f in src.frames(stop):
                frames[f.device_id] += 1

        threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(5)]
        c0 = sum(proc.cpu_times()[:2])
        for t in threads:
            t.start()
        time.sleep(seconds)
        stop.set()
        for t in threads:
            t.join(5)
        cpu = sum(proc.cpu_times()[:2]) - c0
        out[label] = cpu / (5 * seconds) * 100
        out[label + " frames/s"] = sum(frames.values()) / (5 * seconds)
    server.stop()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--baseline-s", type=float, default=20.0)
    ap.add_argument("--mqtt-port", type=int, default=1883)
    ap.add_argument("--json", type=Path, help="also write the numbers here")
    args = ap.parse_args()

    redis_url = os.environ.get("GRIDWATCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    redis.Redis.from_url(redis_url).flushdb()
    hot = HotState(redis_url)
    proc = psutil.Process()

    base = baseline(pictures(), args.baseline_s) if args.baseline_s > 0 else {}

    ctx = mp.get_context("spawn")  # the harness shares no threads or sockets with ingest
    ports = ctx.Array("i", 2)
    restart = ctx.Value("d", 0.0)
    ready, go, done = ctx.Event(), ctx.Event(), ctx.Event()
    sent = ctx.Array("i", 2)
    side = ctx.Process(
        target=harness,
        args=(ports, restart, ready, go, done, sent, args.minutes, args.mqtt_port),
    )
    side.start()
    ready.wait(60)

    health = IngestHealth(hot, utc_now)
    dead = DeadLetters(hot)
    thumbs = Thumbnails(hot)
    delivered: Counter[str] = Counter()
    lock = threading.Lock()

    def on_frame(frame: Frame) -> None:
        thumbs.offer(frame)
        with lock:
            delivered[frame.device_id] += 1

    stop = threading.Event()
    cams: list[Camera] = []
    for i in range(N_VIDEO):
        port = ports[1] if i < KILLED else ports[0]
        cams.append(camera(i, "mjpeg", f"http://127.0.0.1:{port}/mjpeg/v{i}", SAMPLE_FPS))
    for i in range(N_VIDEO, N_VIDEO + N_SNAPSHOT):
        url = f"http://127.0.0.1:{ports[0]}/snapshot/s{i}.jpg"
        cams.append(camera(i, "snapshot", url, 1 / SNAPSHOT_S))
    policy = Reconnect(backoff=BACKOFF, max_age=timedelta(seconds=10))
    sups: dict[str, CameraSupervisor] = {}
    threads = []
    for cam in cams:
        sink = bad_frame_sink(health, dead, cam.source.kind, utc_now)
        health.wants(cam.id, cam.sample_fps)

        def opener(cam: Camera = cam, sink: Any = sink) -> Any:
            return open_camera(cam, ROOT, utc_now, realtime=True, stall_s=10, on_bad_frame=sink)

        sup = CameraSupervisor(cam.id, opener, on_frame, health, policy=policy)
        sups[cam.id] = sup
        t = threading.Thread(target=sup.run, args=(stop,), name=cam.id, daemon=True)
        threads.append(t)

    readings = Counter[str]()
    sensors = [
        Sensor.model_validate(
            {
                "id": f"sen-{k:03d}",
                "kind": "sensor",
                "name": f"sensor {k}",
                "grid": "g1",
                "location": {"lon": 106.4, "lat": 29.4},
                "quantity": "water_level",
                "unit": "m",
                "source": {"kind": "mqtt", "topic": f"gridwatch/sensors/sen-{k:03d}/reading"},
            }
        )
        for k in range(N_SENSOR)
    ]
    intake = ReadingIntake(sensors, lambda r: readings.update([r.device_id]), dead, health)
    mqtt_in = MqttIntake(intake, port=args.mqtt_port).start()
    mqtt_in.subscribed.wait(10)
    go.set()

    rss0_boot = proc.memory_info().rss
    t_start = time.monotonic()
    for t in threads:
        t.start()
    warm = min(60.0, args.minutes * 60 / 10)
    time.sleep(warm)
    rss_start = proc.memory_info().rss
    cpu0 = sum(proc.cpu_times()[:2])
    with lock:
        d0 = Counter(delivered)
    r0 = sum(readings.values())
    sent0 = sent[0]
    t0 = time.monotonic()
    rss_samples = []
    end_at = t_start + args.minutes * 60
    while time.monotonic() < end_at:
        time.sleep(min(10.0, max(0.0, end_at - time.monotonic())))
        rss_samples.append(proc.memory_info().rss)
    span = time.monotonic() - t0
    cpu = sum(proc.cpu_times()[:2]) - cpu0
    rss_end = proc.memory_info().rss
    with lock:
        d1 = Counter(delivered)
    done.set()  # the publisher stops; what it sent until then is counted on both sides
    side.join(30)
    time.sleep(1.0)  # readings published just before the end are still on the wire
    sent1 = sent[0]
    r1 = sum(readings.values())
    stop.set()
    mqtt_in.stop()

    video_ids = [c.id for c in cams[:N_VIDEO]]
    snap_ids = [c.id for c in cams[N_VIDEO:]]
    v_fps = sum(d1[i] - d0[i] for i in video_ids) / span
    s_fps = sum(d1[i] - d0[i] for i in snap_ids) / span
    reconnect = []
    for cam in cams[:KILLED]:
        after = [t for t in sups[cam.id].connected_at if t >= restart.value > 0]
        reconnect.append(after[0] - restart.value if after else float("nan"))
    failures_bound = BACKOFF.cap_s  # the longest any retry may wait
    counts = dead.counts()
    res = {
        "minutes": args.minutes,
        "video_fps": v_fps,
        "video_wanted": N_VIDEO * SAMPLE_FPS,
        "snapshot_fps": s_fps,
        "snapshot_wanted": N_SNAPSHOT / SNAPSHOT_S,
        "readings_per_s": (r1 - r0) / span,
        "readings_wanted": (sent1 - sent0) / span,
        "bad_readings_sent": sent[1],
        "cpu_core_pct": cpu / span * 100,
        "cpu_per_device_pct": cpu / span * 100 / (N_VIDEO + N_SNAPSHOT + N_SENSOR),
        "rss_boot_mb": rss0_boot / 2**20,
        "rss_start_mb": rss_start / 2**20,
        "rss_end_mb": rss_end / 2**20,
        "rss_max_mb": max(rss_samples) / 2**20,
        "reconnect_s": reconnect,
        "reconnect_bound_s": failures_bound,
        "dead_letters": counts,
        "bad_readings_rejected": intake.rejected,
        "stale_frames": sum(health.snapshot(i)["stale"] for i in video_ids + snap_ids),
        "load_avg": os.getloadavg(),
        **{f"baseline {k}": v for k, v in base.items()},
    }
    print_table(res)
    if args.json:
        args.json.write_text(json.dumps(res, indent=2, default=str))


def print_table(r: dict[str, Any]) -> None:
    flat = r["rss_end_mb"] <= r["rss_start_mb"] * 1.10
    rec = [x for x in r["reconnect_s"] if x == x]
    rows = [
        (
            "video frames/s delivered (49 MJPEG @ 1/s)",
            f"{r['video_fps']:.2f}",
            f"{r['video_wanted']:.2f} wanted",
        ),
        (
            "snapshot frames/s (231 @ 1/5 s)",
            f"{r['snapshot_fps']:.2f}",
            f"{r['snapshot_wanted']:.2f} wanted",
        ),
        (
            "sensor readings/s accepted (70 @ 1/5 s)",
            f"{r['readings_per_s']:.2f}",
            f"{r['readings_wanted']:.2f} good ones published",
        ),
        (
            "bad payloads dead-lettered",
            str(r["bad_readings_rejected"]),
            f"{r['bad_readings_sent']} published",
        ),
        ("ingest CPU, % of one core", f"{r['cpu_core_pct']:.1f}", "—"),
        ("CPU per device, % of one core", f"{r['cpu_per_device_pct']:.3f}", "—"),
        (
            "RSS after warm-up → end (MB)",
            f"{r['rss_start_mb']:.1f} → {r['rss_end_mb']:.1f} (max {r['rss_max_mb']:.1f})",
            f"end ≤ {r['rss_start_mb'] * 1.1:.1f}: {'flat' if flat else 'GREW'}",
        ),
        (
            "reconnect after server restart (s)",
            ", ".join(f"{x:.2f}" for x in r["reconnect_s"]),
            f"≤ {r['reconnect_bound_s']:.0f} (backoff cap)"
            + ("" if rec and max(rec) <= r["reconnect_bound_s"] else " MISSED"),
        ),
        ("stale frames dropped", str(r["stale_frames"]), "—"),
    ]
    for k in ("decode every part", "decode sampled (1/s)"):
        if f"baseline {k}" in r:
            rows.append(
                (
                    f"baseline, 5 MJPEG streams at 5/s: {k}",
                    f"{r[f'baseline {k}']:.2f} % core/stream",
                    f"{r[f'baseline {k} frames/s']:.2f} frames/s/stream",
                )
            )
    print(f"\ningest soak: {r['minutes']} min, 350 devices, load avg {r['load_avg'][0]:.1f}")
    print("| measure | measured | target / baseline |")
    print("|---|---|---|")
    for a, b, c in rows:
        print(f"| {a} | {b} | {c} |")


if __name__ == "__main__":
    main()
