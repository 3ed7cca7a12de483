"""Draw the integration's brand images (a heart with an HRV trace) as PNG, standard library only.

Run once after changing the design: `python3 scripts/make_brand.py`. Writes icon.png (256 px),
icon@2x.png (512 px), logo.png and logo@2x.png into custom_components/recovery_readiness/brand/.
"""

from __future__ import annotations

import itertools
import math
import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "custom_components" / "recovery_readiness" / "brand"
RED = (220, 53, 69)
WHITE = (255, 255, 255)


def _heart(x: float, y: float) -> bool:
    """Inside the classic heart curve, in a unit box centred on 0 (y up)."""
    x, y = x * 1.25, y * 1.25 + 0.15
    return (x * x + y * y - 1) ** 3 - x * x * y**3 <= 0


TRACE = (
    (-0.72, 0.05),
    (-0.3, 0.05),
    (-0.18, 0.18),
    (-0.08, -0.25),
    (0.04, 0.55),
    (0.16, -0.35),
    (0.26, 0.05),
    (0.72, 0.05),
)
"""An ECG-like trace across the heart (unit box, y up)."""


def _segment_distance(
    px: float, py: float, a: tuple[float, float], b: tuple[float, float]
) -> float:
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _pixel(u: float, v: float, _size: int) -> tuple[int, int, int, int]:
    if not _heart(u, v):
        return (0, 0, 0, 0)
    if min(_segment_distance(u, v, a, b) for a, b in itertools.pairwise(TRACE)) < 0.045:
        return (*WHITE, 255)
    return (*RED, 255)


def _png(width: int, height: int, rows: list[bytes]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + row for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def draw(size: int, width: int | None = None) -> bytes:
    """A square heart of `size` px, centred in an image `width` px wide (logo)."""
    width = width or size
    offset = (width - size) // 2
    rows = []
    for j in range(size):
        row = bytearray()
        for i in range(width):
            k = i - offset
            if 0 <= k < size:
                row.extend(_pixel(2 * (k + 0.5) / size - 1, 1 - 2 * (j + 0.5) / size, size))
            else:
                row.extend((0, 0, 0, 0))
        rows.append(bytes(row))
    return _png(width, size, rows)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "icon.png").write_bytes(draw(256))
    (OUT / "icon@2x.png").write_bytes(draw(512))
    (OUT / "logo.png").write_bytes(draw(128, 256))
    (OUT / "logo@2x.png").write_bytes(draw(256, 512))


if __name__ == "__main__":
    main()
