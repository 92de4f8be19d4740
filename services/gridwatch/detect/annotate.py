"""Evidence pictures: the frame with the zone and the box drawn. Drawing only, no decisions."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

ZONE_COLOUR = (0, 200, 255)  # BGR amber
BOX_COLOUR = (0, 0, 255)


def draw_evidence(
    frame: np.ndarray,
    zone_polygon: Sequence[tuple[float, float]] | None,
    box: tuple[float, float, float, float] | None,
    label: str,
) -> np.ndarray:
    """Return a copy of `frame` with the zone (0-1 coords) outlined and the box framed."""
    out = frame.copy()
    h, w = out.shape[:2]
    if zone_polygon:
        pts = (np.asarray(zone_polygon, dtype=np.float32) * [w, h]).astype(np.int32)
        overlay = out.copy()
        cv2.fillPoly(overlay, [pts], ZONE_COLOUR)
        cv2.addWeighted(overlay, 0.2, out, 0.8, 0, dst=out)
        cv2.polylines(out, [pts], isClosed=True, color=ZONE_COLOUR, thickness=2)
    if box:
        x1, y1, x2, y2 = (round(v) for v in box)
        cv2.rectangle(out, (x1, y1), (x2, y2), BOX_COLOUR, 2)
        (tw, th), _ = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, 0.5, 1)
        ty = y1 - 6 if y1 - th - 8 > 0 else y2 + th + 6
        x1 = max(0, min(x1, w - tw - 4))  # keep the label inside the picture
        cv2.rectangle(out, (x1, ty - th - 4), (x1 + tw + 4, ty + 4), BOX_COLOUR, -1)
        cv2.putText(
            out, label, (x1 + 2, ty), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1, cv2.LINE_AA
        )
    return out


def encode_jpeg(image: np.ndarray, quality: int = 85) -> bytes:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return bytes(buf)
