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
    out, plates = {}, {}
    for s in SPRITES.values():
        path = BUILD / "sprites" / f"{s.id}.png"
        if path.exists():
            im = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        else:
            im = render.cut(s, files, plates)
            path.parent.mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(path), im)
        aspect = im.shape[1] / im.shape[0]
        if abs(aspect - s.aspect) > ASPECT_TOLERANCE:
            raise ValueError(f"corpusgen/scenes.py: sprite {s.id}: the cut's aspect is "
                             f"{aspect:.2f}, the recipe says {s.aspect}; update it")  # fmt: skip
        out[s.id] = im
    return out


def render_clip(recipe: Recipe, seconds: int | None, out: Path) -> str:
    files = materialise(BUILD / "cache")
    cut = sprites(files)
    bg = render.plate(recipe.scene, files)
    occ = render.occluder_mask(recipe.scene, bg)
    if seconds:
        recipe = Recipe(recipe.id, recipe.scene, recipe.family, seconds, recipe.fps, recipe.seed,
                        recipe.actors, recipe.transforms)  # fmt: skip
    t0 = time.perf_counter()
    render.write(out, recipe, render.frames(recipe, bg, cut, occ))
    return (
        f"{out.name}: {recipe.duration_s * recipe.fps} frames in {time.perf_counter() - t0:.0f} s"
    )


def sheet(path: Path, per_clip: int = 4) -> None:
    """Frames with every rule's zones and labelled boxes drawn, for a look by eye."""
    tiles = []
    for r in recipes():
        cap = cv2.VideoCapture(str(BUILD / f"{r.id}.mp4"))
        evs = [(rule, e) for rule in RULES if FAMILY_OF[rule] == r.family for e in events(r, rule)]
        picks = [e for _, e in evs if e.box][:per_clip] or [e for _, e in evs][:per_clip]
        for e in picks:
            t = (e.start_s + e.end_s) / 2
            cap.set(cv2.CAP_PROP_POS_FRAMES, int(t * r.fps))
            ok, im = cap.read()
            if not ok:
                continue
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
                b = (np.array(e.box) * [w, h, w, h]).astype(int)
                cv2.rectangle(im, tuple(b[:2]), tuple(b[2:]), (0, 0, 255), 2)
            cv2.putText(im, f"{r.id} t={t:.0f} {e.note}"[:60], (4, 14), 0, 0.45, (0, 0, 255), 1)
            tiles.append(cv2.resize(im, (480, round(480 * h / w)))[:360])
    tiles = [cv2.copyMakeBorder(t, 0, 360 - t.shape[0], 0, 0, cv2.BORDER_CONSTANT) for t in tiles]
    while len(tiles) % 3:
        tiles.append(np.zeros_like(tiles[0]))
    rows = [np.hstack(tiles[i : i + 3]) for i in range(0, len(tiles), 3)]
    cv2.imwrite(str(path), np.vstack(rows))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--labels", action="store_true", help="only write the label files")
    ap.add_argument("--only", help="render only this clip id")
    ap.add_argument("--seconds", type=int, help="render only the first N seconds")
    ap.add_argument("--sheet", action="store_true", help="write build/sheet-*.png")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    for path, text in label_files().items():
        path.write_text(text)
    if args.labels:
        return
    if args.sheet:
        sheet(BUILD / "sheet.png")
        return
    todo = [r for r in recipes() if not args.only or r.id == args.only]
    materialise(BUILD / "cache")
    sprites(materialise(BUILD / "cache"))
    with ProcessPoolExecutor(args.jobs) as pool:
        futures = [pool.submit(render_clip, r, args.seconds, BUILD / f"{r.id}.mp4") for r in todo]
        for f in futures:
            print(f.result(), flush=True)


if __name__ == "__main__":
    main()
