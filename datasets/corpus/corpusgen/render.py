"""The image work: clean plates, cut-outs (GrabCut seeded by the hand-checked box, or the
difference to the clean plate for vtest's pedestrians), compositing along the recipes' paths and
H.264 encoding with the ffmpeg binary. Where things go comes from truth.pixel_box alone."""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path

import cv2
import numpy as np

from corpusgen.geometry import inside
from corpusgen.recipes import Actor, Recipe
from corpusgen.scenes import SPRITES, Scene, Sprite
from corpusgen.truth import SUBMERGED, pixel_box

Image = np.ndarray


def read_source(path: Path, frame: int | None) -> Image:
    if frame is None:
        im = cv2.imread(str(path))
        if im is None:
            raise ValueError(f"{path}: not a picture")
        return im
    cap = cv2.VideoCapture(str(path))
    frames = []
    i = 0
    while True:
        ok, im = cap.read()
        if not ok:
            break
        if (frame == -1 and i % 15 == 0) or i == frame:
            frames.append(im)
        i += 1
    cap.release()
    if not frames:
        raise ValueError(f"{path}: no frame {frame}")
    if frame == -1:  # the median of every 15th frame: people walk on, fixed things stay
        return np.median(np.stack(frames), axis=0).astype(np.uint8)
    return frames[0]


def plate(scene: Scene, files: dict[str, Path]) -> Image:
    im = read_source(files[scene.source], scene.frame)
    if scene.crop:
        h, w = im.shape[:2]
        x1, y1, x2, y2 = scene.crop
        im = im[round(y1 * h) : round(y2 * h), round(x1 * w) : round(x2 * w)]
    return cv2.resize(im, scene.size, interpolation=cv2.INTER_AREA)


def grabcut(im: Image, box: tuple[int, int, int, int]) -> Image:
    """Foreground mask (uint8 0/1) of the object in `box`; deterministic (seeded RNG)."""
    cv2.setRNGSeed(0)
    x1, y1, x2, y2 = box
    pad = 12
    X1, Y1 = max(0, x1 - pad), max(0, y1 - pad)
    X2, Y2 = min(im.shape[1], x2 + pad), min(im.shape[0], y2 + pad)
    roi = np.ascontiguousarray(im[Y1:Y2, X1:X2])
    mask = np.full(roi.shape[:2], cv2.GC_BGD, np.uint8)
    inner = (slice(y1 - Y1, y2 - Y1), slice(x1 - X1, x2 - X1))
    mask[inner] = cv2.GC_PR_FGD
    bg, fg = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.grabCut(roi, mask, None, bg, fg, 8, cv2.GC_INIT_WITH_MASK)
    full = np.zeros(im.shape[:2], np.uint8)
    full[Y1:Y2, X1:X2] = ((mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)).astype(np.uint8)
    return full


def _largest(mask: Image) -> Image:
    n, lab, stats, _ = cv2.connectedComponentsWithStats(mask)
    if n <= 1:
        return mask
    keep = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    return (lab == keep).astype(np.uint8)


def _thin(im: Image, sprite: Sprite) -> Image:
    """Mask of a thin-framed object (a bicycle): saturated red or locally dark pixels in the
    box, without the excluded ellipses and specks under 40 pixels."""
    x1, y1, x2, y2 = sprite.box
    roi = im[y1:y2, x1:x2]
    hsv = cv2.cvtColor(roi, cv2.COLOR_BGR2HSV)
    red = ((hsv[..., 0] < 10) | (hsv[..., 0] > 170)) & (hsv[..., 1] > 90) & (hsv[..., 2] > 60)
    g = cv2.cvtColor(roi, cv2.COLOR_BGR2GRAY).astype(np.float32)
    m = (red | (g < cv2.blur(g, (25, 25)) - 25)).astype(np.uint8)
    for a, b, c, d in sprite.exclude:
        cv2.ellipse(m, ((a + c) // 2, (b + d) // 2), ((c - a) // 2, (d - b) // 2), 0, 0, 360, 0, -1)
    m = cv2.morphologyEx(m, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    _, lab, stats, _ = cv2.connectedComponentsWithStats(m)
    small = np.nonzero(stats[:, cv2.CC_STAT_AREA] < 40)[0]
    m[np.isin(lab, small)] = 0
    full = np.zeros(im.shape[:2], np.uint8)
    full[y1:y2, x1:x2] = m
    return full


def cut(sprite: Sprite, files: dict[str, Path], plates: dict[str, Image]) -> Image:
    """The sprite as a BGRA picture tight around its mask, edges feathered."""
    key = f"{sprite.source}@{sprite.frame}"
    if key not in plates:
        plates[key] = read_source(files[sprite.source], sprite.frame)
    im = plates[key]
    x1, y1, x2, y2 = sprite.box
    if sprite.cut == "rect":  # a crate of produce: the picture's whole rectangle
        mask = np.zeros(im.shape[:2], np.uint8)
        mask[y1:y2, x1:x2] = 1
    elif sprite.cut == "thin":
        mask = _thin(im, sprite)
    elif sprite.source == "vtest" and sprite.frame not in (None, -1):
        if "vtest@-1" not in plates:
            plates["vtest@-1"] = read_source(files["vtest"], -1)
        clean = plates["vtest@-1"]
        diff = np.abs(im.astype(np.int16) - clean.astype(np.int16)).max(axis=2) > 32
        mask = np.zeros(im.shape[:2], np.uint8)
        mask[y1:y2, x1:x2] = diff[y1:y2, x1:x2]
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    else:
        mask = grabcut(im, sprite.box)
    if sprite.cut != "thin":
        mask = _largest(mask)
    ys, xs = np.nonzero(mask)
    a, b, c, d = xs.min(), ys.min(), xs.max() + 1, ys.max() + 1
    alpha = cv2.GaussianBlur(mask.astype(np.float32), (5, 5), 0)[b:d, a:c]
    return np.dstack([im[b:d, a:c], (alpha * 255).astype(np.uint8)])


def occluder_mask(scene: Scene, bg: Image) -> Image:
    h, w = bg.shape[:2]
    mask = np.zeros((h, w), np.float32)
    for x1, y1, x2, y2 in scene.occluders:
        box = (round(x1 * w), round(y1 * h), round(x2 * w), round(y2 * h))
        m = grabcut(bg, box) if (x2 - x1) * (y2 - y1) < 0.5 else np.ones((h, w), np.uint8)
        if (x2 - x1) < 0.12:  # a thin pillar at the frame edge: keep the whole strip
            m = np.zeros((h, w), np.uint8)
            m[box[1] : box[3], box[0] : box[2]] = 1
        mask = np.maximum(mask, cv2.GaussianBlur(m.astype(np.float32), (3, 3), 0))
    return mask


def _paste(frame: Image, sprite: Image, box: tuple[int, int, int, int], flip: bool,
           keep_rows: int | None = None) -> None:  # fmt: skip
    x1, y1, x2, y2 = box
    w, h = x2 - x1, y2 - y1
    sp = cv2.resize(
        sprite, (w, h), interpolation=cv2.INTER_AREA if h < sprite.shape[0] else cv2.INTER_LINEAR
    )
    if flip:
        sp = sp[:, ::-1]
    if keep_rows is not None:
        sp = sp[:keep_rows]
        y2 = y1 + keep_rows
    H, W = frame.shape[:2]
    X1, Y1, X2, Y2 = max(x1, 0), max(y1, 0), min(x1 + w, W), min(y2, H)
    if X2 <= X1 or Y2 <= Y1:
        return
    part = sp[Y1 - y1 : Y2 - y1, X1 - x1 : X2 - x1].astype(np.float32)
    region = frame[Y1:Y2, X1:X2]
    # match the cut-out's brightness part way to the place it stands in
    gain = np.clip((region.mean() + 1) / (part[..., :3].mean() + 1), 0.8, 1.25) ** 0.4
    a = part[..., 3:] / 255.0
    frame[Y1:Y2, X1:X2] = region * (1 - a) + np.clip(part[..., :3] * gain, 0, 255) * a


def _shadow(frame: Image, box: tuple[int, int, int, int]) -> None:
    x1, y1, x2, y2 = box
    w = x2 - x1
    h = max(2, (y2 - y1) // 12)
    mask = np.zeros(frame.shape[:2], np.float32)
    cv2.ellipse(mask, ((x1 + x2) // 2, y2 - h // 3), (max(2, int(w * 0.55)), h), 0, 0, 360, 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), max(1.0, h / 2))[..., None] * 0.35
    frame[:] = frame * (1 - mask)


def frame_at(recipe: Recipe, t: float, bg: Image, sprites: dict[str, Image], occ: Image) -> Image:
    """The picture at `t` seconds: every present actor pasted farthest first, then what stands
    in front of the ground (occluders) put back."""
    scene = recipe.scene
    water = scene.area(scene.water).polygon if scene.water else None
    frame = bg.astype(np.float32)
    here = [(a, p) for a in recipe.actors if (p := a.path.at(t)) is not None]
    for actor, p in sorted(here, key=lambda ap: ap[1][1]):
        s = SPRITES[actor.sprite]
        box = pixel_box(scene, actor, p)
        if water is not None and s.kind == "person" and inside(p, water):
            # the visible box ends at the waterline: paste the whole body, keep its top rows
            full = (box[0], box[1], box[2], box[1] + round((box[3] - box[1]) / (1 - SUBMERGED)))
            _paste(frame, sprites[actor.sprite], full, _flip(s, actor, t), box[3] - box[1])
        else:
            _shadow(frame, box)
            _paste(frame, sprites[actor.sprite], box, _flip(s, actor, t))
    if occ.any():
        frame = frame * (1 - occ[..., None]) + bg.astype(np.float32) * occ[..., None]
    return np.clip(frame, 0, 255).astype(np.uint8)


def frames(recipe: Recipe, bg: Image, sprites: dict[str, Image], occ: Image) -> Iterator[Image]:
    for k in range(recipe.duration_s * recipe.fps):
        yield frame_at(recipe, k / recipe.fps, bg, sprites, occ)


def _flip(s: Sprite, actor: Actor, t: float) -> bool:
    heading = actor.path.heading(t)
    return heading != s.facing if s.facing else heading < 0


def write(path: Path, recipe: Recipe, images: Iterable[Image]) -> None:
    w, h = recipe.scene.size
    path.parent.mkdir(parents=True, exist_ok=True)
    cmd = ["ffmpeg", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24",
           "-s", f"{w}x{h}", "-r", str(recipe.fps), "-i", "-", "-c:v", "libx264",
           "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-threads", "1",
           "-g", str(120 * recipe.fps), "-bitexact", str(path)]  # fmt: skip
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    assert proc.stdin is not None
    for im in images:
        proc.stdin.write(im.tobytes())
    proc.stdin.close()
    if proc.wait() != 0:
        raise RuntimeError(f"ffmpeg failed writing {path}")
