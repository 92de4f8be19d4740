"""Build the composited evaluation corpus.

    python datasets/corpus/build.py              # fetch, check, cut, render all, write labels
    python datasets/corpus/build.py --labels     # only regenerate datasets/*/clips-corpus.yaml
    python datasets/corpus/build.py --only vtest-people --seconds 60   # a short render
    python datasets/corpus/build.py --sheet      # contact sheet of labelled frames (PNG)

Packages are cached under datasets/corpus/build/cache (gitignored); clips land in
datasets/corpus/build/<clip>.mp4. Needs apt-get and dpkg-deb (Debian), pip and ffmpeg.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from corpusgen import render  # noqa: E402
from corpusgen.labels import label_files  # noqa: E402
from corpusgen.recipes import Recipe, recipes  # noqa: E402
from corpusgen.scenes import SPRITES  # noqa: E402
from corpusgen.sources import materialise  # noqa: E402
from corpusgen.truth import FAMILY_OF, RULES, events, pixel_box  # noqa: E402

BUILD = HERE / "build"
ASPECT_TOLERANCE = 0.02


def sprites(files: dict[str, Path]) -> dict[str, np.ndarray]:
    """Every cut-out, cut afresh (a few seconds) so a change of the cutting code always shows;
    also written to build/sprites/ for a look."""
    out: dict[str, np.ndarray] = {}
    plates: dict[str, np.ndarray] = {}
    for s in SPRITES.values():
        im = render.cut(s, files, plates)
        path = BUILD / "sprites" / f"{s.id}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(path), im)
        aspect = im.shape[1] / im.shape[0]
        if abs(aspect - s.aspect) > ASPECT_TOLERANCE:
            raise ValueError(
                f"corpusgen/scenes.py: sprite {s.id}: the cut's aspect is {aspect:.2f}, "
                f"the recipe says {s.aspect}; update it"
            )
        out[s.id] = im
    return out


def render_clip(
    recipe: Recipe,
    seconds: int | None,
    out: Path,
    files: dict[str, Path],
    cuts: dict[str, np.ndarray],
) -> str:
    bg = render.plate(recipe.scene, files)
    occ = render.occluder_mask(recipe.scene, bg)
    if seconds:
        recipe = Recipe(recipe.id, recipe.scene, recipe.family, seconds, recipe.fps, recipe.seed,
                        recipe.actors, recipe.transforms)  # fmt: skip
    t0 = time.perf_counter()
    render.write(out, recipe, render.frames(recipe, bg, cuts, occ))
    return (
        f"{out.name}: {recipe.duration_s * recipe.fps} frames in {time.perf_counter() - t0:.0f} s"
    )


def sheet(path: Path, per_clip: int = 3) -> None:
    """Frames at labelled moments with every area (yellow), every actor's box (blue) and the
    labelled box (red) drawn, for a look by eye; rendered directly, no video needed."""
    files = materialise(BUILD / "cache")
    cuts = sprites(files)
    tiles = []
    for r in recipes():
        bg = render.plate(r.scene, files)
        occ = render.occluder_mask(r.scene, bg)
        evs = [e for rule in RULES if FAMILY_OF[rule] == r.family for e in events(r, rule)]
        picks = [e for e in evs if e.box][:per_clip] + [e for e in evs if not e.box][:per_clip]
        for e in picks:
            t = round((e.start_s + e.end_s) / 2)
            im = render.frame_at(r, t, bg, cuts, occ)
            h, w = im.shape[:2]
            for a in r.scene.areas:
                pts = (np.array(a.polygon) * [w, h]).astype(np.int32)
                cv2.polylines(im, [pts], True, (0, 255, 255), 1)
            for actor in r.actors:
                p = actor.path.at(t)
                if p:
                    x1, y1, x2, y2 = pixel_box(r.scene, actor, p)
                    cv2.rectangle(im, (x1, y1), (x2, y2), (255, 128, 0), 1)
            if e.box:
                b = (np.array(e.box) * [w, h, w, h]).round().astype(int)
                cv2.rectangle(im, (int(b[0]), int(b[1])), (int(b[2]), int(b[3])), (0, 0, 255), 2)
            cv2.putText(im, f"{r.id} {t}s {e.zone}: {e.note}"[:70], (4, 14), 0, 0.45,
                        (0, 0, 255), 1)  # fmt: skip
            tile = cv2.resize(im, (480, round(480 * h / w)))[:372]
            tiles.append(cv2.copyMakeBorder(tile, 0, 372 - tile.shape[0], 0, 0, 0))
    while len(tiles) % 3:
        tiles.append(np.zeros_like(tiles[0]))
    for i in range(0, len(tiles), 12):
        page = tiles[i : i + 12]
        while len(page) % 3:
            page.append(np.zeros_like(tiles[0]))
        rows = [np.hstack(page[j : j + 3]) for j in range(0, len(page), 3)]
        cv2.imwrite(str(path.with_name(f"{path.stem}-{i // 12}.png")), np.vstack(rows))


DETECTED_AS = {  # COCO classes that count as seeing a cut-out of each kind
    "person": {"person"},
    "car": {"car", "bus", "truck"},
    "truck": {"car", "bus", "truck"},
    "bicycle": {"bicycle", "motorcycle"},
    "bag": {"backpack", "handbag", "suitcase"},
}


def detector_check(moments: int) -> None:
    """Run the shipped detector (as `algo eval` does: close look included) on composited frames
    at seeded moments and count, per kind of cut-out, how many it finds at their place
    (same class family, IoU >= 0.3). A plausibility check of the pictures, not a score."""
    import random

    from gridwatch.detect.engine import shared_detector
    from gridwatch.domain.detections import COCO_CLASSES, box_iou

    detector = shared_detector()
    files = materialise(BUILD / "cache")
    cuts = sprites(files)
    seen: dict[tuple[str, str], list[int]] = {}
    for r in recipes():
        bg = render.plate(r.scene, files)
        occ = render.occluder_mask(r.scene, bg)
        rng = random.Random(r.seed)
        evs = [e for rule in RULES if FAMILY_OF[rule] == r.family for e in events(r, rule)]
        times = [round((e.start_s + e.end_s) / 2) for e in rng.sample(evs, min(len(evs), moments))]
        w, h = r.scene.size
        for t in times:
            im = render.frame_at(r, t, bg, cuts, occ)
            det = detector.detect(im, close_look=True)
            names = [COCO_CLASSES[int(c)] for c in det.class_id]
            for actor in r.actors:
                p = actor.path.at(t)
                kind = SPRITES[actor.sprite].kind
                if p is None or kind not in DETECTED_AS:
                    continue
                box = pixel_box(r.scene, actor, p)
                if box[0] < 0 or box[1] < 0 or box[2] > w or box[3] > h:
                    continue  # cut by the frame edge
                ok = [i for i, n in enumerate(names) if n in DETECTED_AS[kind]]
                hit = (
                    bool(ok)
                    and float(box_iou(np.asarray([box], np.float32), det.xyxy[ok]).max()) >= 0.3
                )
                tally = seen.setdefault((r.scene.id, kind), [0, 0])
                tally[0] += 1
                tally[1] += int(hit)
    print(f"{'scene':12} {'kind':8} {'objects':>7} {'found':>6} {'share':>6}")
    totals: dict[str, list[int]] = {}
    for (scene, kind), (n, k) in sorted(seen.items()):
        print(f"{scene:12} {kind:8} {n:7d} {k:6d} {k / n:6.2f}")
        t = totals.setdefault(kind, [0, 0])
        t[0] += n
        t[1] += k
    for kind, (n, k) in sorted(totals.items()):
        print(f"{'all':12} {kind:8} {n:7d} {k:6d} {k / n:6.2f}")


def stats() -> str:
    """Markdown table: per rule and split, positives, places, camera-hours (originals; the
    transformed copies repeat them)."""
    rows = ["| rule | split | positives | places with positives / all | camera-hours | "
            "+ transformed copies (h) |", "|---|---|---|---|---|---|"]  # fmt: skip
    rs = recipes()
    for rule in RULES:
        for split in ("test", "dev"):
            mine = [
                r
                for r in rs
                if FAMILY_OF[rule] == r.family
                and r.scene.split == split
                and any(rule in a.roles for a in r.scene.areas)
            ]
            evs = {r.id: events(r, rule) for r in mine}
            places = {r.scene.place_id for r in mine}
            hit = {r.scene.place_id for r in mine if evs[r.id]}
            hours = sum(r.duration_s for r in mine) / 3600
            copies = sum(r.duration_s * len(r.transforms) for r in mine) / 3600
            rows.append(f"| {rule} | {split} | {sum(map(len, evs.values()))} | "
                        f"{len(hit)} / {len(places)} | {hours:.2f} | {copies:.2f} |")  # fmt: skip
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--labels", action="store_true", help="only write the label files")
    ap.add_argument("--only", action="append", help="render only this clip id (repeatable)")
    ap.add_argument("--seconds", type=int, help="render only the first N seconds")
    ap.add_argument("--sheet", action="store_true", help="write build/sheet-*.png")
    ap.add_argument("--detector-check", type=int, metavar="N",
                    help="run the shipped detector at N labelled moments per clip")  # fmt: skip
    ap.add_argument("--stats", action="store_true", help="print the counts table (Markdown)")
    ap.add_argument("--out", type=Path, default=BUILD, help="folder of the rendered clips")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    for path, text in label_files().items():
        path.write_text(text)
    if args.stats:
        print(stats())
        return
    if args.labels:
        return
    if args.sheet:
        sheet(BUILD / "sheet.png")
        return
    if args.detector_check:
        detector_check(args.detector_check)
        return
    if shutil.which("ffmpeg") is None:
        sys.exit("corpus: the ffmpeg binary is not on PATH (Debian: apt-get install ffmpeg)")
    todo = [r for r in recipes() if not args.only or r.id in args.only]
    files = materialise(BUILD / "cache")
    cuts = sprites(files)
    with ProcessPoolExecutor(args.jobs) as pool:
        futures = [
            pool.submit(render_clip, r, args.seconds, args.out / f"{r.id}.mp4", files, cuts)
            for r in todo
        ]
        for f in futures:
            print(f.result(), flush=True)


if __name__ == "__main__":
    main()
