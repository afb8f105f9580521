"""Draws the demo's illustrations with Pillow, so the demo ships no third-party images."""

import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter

SIZE = (1200, 800)


def _hex(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def _gradient(size, top, bottom) -> Image.Image:
    width, height = size
    image = Image.new("RGB", size, top)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / max(height - 1, 1)
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    return image


def _patch(draw, rnd, fg, light):
    cx, cy = 600, 400
    draw.rounded_rectangle(
        [cx - 260, cy - 170, cx + 260, cy + 170], radius=70, fill=light, outline=fg, width=10
    )
    draw.rounded_rectangle([cx - 150, cy - 90, cx + 150, cy + 90], radius=40, fill=fg)
    draw.text((cx - 85, cy - 50), "B12", fill=light, font_size=90)


def _molecule(draw, rnd, fg, light):
    points = [(rnd.randint(200, 1000), rnd.randint(150, 650)) for _ in range(9)]
    for a, b in zip(points, points[1:], strict=False):
        draw.line([a, b], fill=fg, width=12)
    for x, y in points:
        r = rnd.randint(35, 60)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=light, outline=fg, width=8)


def _bones(draw, rnd, fg, light):
    for i in range(3):
        y = 220 + i * 180
        draw.rounded_rectangle(
            [260, y - 28, 940, y + 28], radius=28, fill=light, outline=fg, width=6
        )
        for x in (260, 940):
            for dy in (-34, 34):
                draw.ellipse(
                    [x - 50, y + dy - 42, x + 50, y + dy + 42], fill=light, outline=fg, width=6
                )


def _nerves(draw, rnd, fg, light):
    for _ in range(14):
        x, y = 600, 400
        angle = rnd.uniform(0, 2 * math.pi)
        for _ in range(12):
            nx = x + math.cos(angle) * 45
            ny = y + math.sin(angle) * 45
            draw.line([(x, y), (nx, ny)], fill=fg, width=7)
            x, y, angle = nx, ny, angle + rnd.uniform(-0.5, 0.5)
        draw.ellipse([x - 12, y - 12, x + 12, y + 12], fill=light)
    draw.ellipse([540, 340, 660, 460], fill=light, outline=fg, width=10)


def _food(draw, rnd, fg, light):
    for i, (x, y) in enumerate([(330, 300), (620, 260), (880, 360), (450, 560), (760, 560)]):
        r = 110 - i * 6
        draw.ellipse([x - r, y - r, x + r, y + r], fill=light, outline=fg, width=8)
        draw.ellipse([x - r // 3, y - r // 3, x + r // 3, y + r // 3], fill=fg)


def _stomach(draw, rnd, fg, light):
    draw.pieslice([300, 180, 900, 700], 200, 520, fill=light, outline=fg, width=12)
    draw.line([(520, 120), (560, 240)], fill=fg, width=40)
    draw.line([(820, 600), (980, 700)], fill=fg, width=40)


def _tongue(draw, rnd, fg, light):
    draw.ellipse([380, 160, 820, 700], fill=light, outline=fg, width=10)
    draw.line([(600, 220), (600, 600)], fill=fg, width=8)


def _leaf(draw, rnd, fg, light):
    draw.chord([300, 150, 900, 650], 200, 20, fill=light, outline=fg, width=10)
    draw.line([(330, 560), (880, 260)], fill=fg, width=10)


def _calendar(draw, rnd, fg, light):
    draw.rounded_rectangle([300, 160, 900, 680], radius=30, fill=light, outline=fg, width=10)
    draw.rectangle([300, 160, 900, 260], fill=fg)
    for row in range(4):
        for col in range(6):
            x, y = 340 + col * 92, 300 + row * 90
            draw.rounded_rectangle([x, y, x + 62, y + 56], radius=8, outline=fg, width=4)


def _chart(draw, rnd, fg, light):
    draw.line([(240, 660), (960, 660)], fill=fg, width=8)
    draw.line([(240, 660), (240, 160)], fill=fg, width=8)
    for i in range(6):
        h = rnd.randint(120, 440)
        x = 290 + i * 110
        draw.rectangle([x, 660 - h, x + 70, 656], fill=light, outline=fg, width=5)


MOTIFS = {
    "patch": _patch,
    "molecule": _molecule,
    "bones": _bones,
    "nerves": _nerves,
    "food": _food,
    "stomach": _stomach,
    "tongue": _tongue,
    "leaf": _leaf,
    "calendar": _calendar,
    "chart": _chart,
}


def draw_illustration(*, key: str, motif: str, palette: tuple[str, str]) -> bytes:
    """A JPEG illustration: a soft gradient in the palette with a simple motif drawn on top.
    The same key always draws the same picture."""
    fg, light = _hex(palette[0]), _hex(palette[1])
    rnd = random.Random(key)
    image = _gradient(SIZE, light, tuple(min(255, c + 40) for c in light))
    layer = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    MOTIFS.get(motif, _leaf)(draw, rnd, fg, tuple(min(255, c + 20) for c in light))
    image.paste(layer.filter(ImageFilter.SMOOTH), (0, 0), layer)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82, optimize=True)
    return buffer.getvalue()
