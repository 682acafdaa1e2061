"""マイナちゃん's LINE rich menu: generate the image and JSON, validate, register.

    python -m maina_rasa.channels.line.richmenu generate [--font FONT] [--out-dir DIR] [--compact]
    python -m maina_rasa.channels.line.richmenu validate [--json richmenu.json] [--image richmenu.png]
    python -m maina_rasa.channels.line.richmenu register [--json ...] [--image ...] [--replace] [--no-default]

``generate`` draws six labelled tiles (2 rows × 3 on 2500×1686, or on 2500×843
with ``--compact``) into ``richmenu.png`` beside this file and writes
``richmenu.json`` whose tappable areas match the tiles, each a postback
action with a Rasa intent payload. It needs a Japanese font: ``--font PATH``,
else ``$MAINA_CJK_FONT``, else the first Japanese font ``fc-list :lang=ja``
reports, else a few well-known paths (Noto Sans CJK, IPAex, Takao, VL Gothic).
On Debian/Ubuntu: ``apt-get install fonts-noto-cjk``.

``validate`` checks what LINE cannot see in the JSON alone: every tappable area
lies inside the menu, and the image is a PNG/JPEG of exactly the menu's size and
at most 1 MB. (The JSON itself is checked by LINE: ``register`` asks LINE's
validate endpoint first; the tests check the committed menu against LINE's
OpenAPI files, tests/unit/line_openapi.py.)

``register`` validates, asks LINE to validate the JSON, then calls the Messaging API: create the rich menu,
upload the image, set it as the default for all users (unless
``--no-default``), and with ``--replace`` delete older rich menus of the same
name. Token: ``$LINE_CHANNEL_ACCESS_TOKEN``; API base: ``$LINE_API_BASE_URL``
(default https://api.line.me; images go to https://api-data.line.me, or
``$LINE_DATA_API_BASE_URL``).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from maina import topics
from maina_rasa.channels.line.api import API_BASE_URL, LineApiClient, default_data_api_base

DEFAULT_DIR = Path(__file__).resolve().parent
DEFAULT_JSON = DEFAULT_DIR / "richmenu.json"
DEFAULT_IMAGE = DEFAULT_DIR / "richmenu.png"

WIDTH = 2500
HEIGHT_FULL = 1686
HEIGHT_COMPACT = 843
MAX_IMAGE_BYTES = 1024 * 1024

MENU_NAME = "maina-main-menu"
CHAT_BAR_TEXT = "メニューをひらく"  # ≤ 14 characters


# The tiles: the main menu of every channel (maina/topics.yml ``menu:``: Japanese label drawn
# on the tile and used as action label and displayText (≤ 20 characters), intent payload sent as
# postback data, icon and colour).
TILES: Tuple[topics.MenuItem, ...] = topics.menu()
COLUMNS = 3
ROWS = 2

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/takao-gothic/TakaoGothic.ttf",
    "/usr/share/fonts/truetype/vlgothic/VL-Gothic-Regular.ttf",
    "/System/Library/Fonts/ヒラギノ角ゴシック W6.ttc",
    "C:/Windows/Fonts/meiryob.ttc",
)


class RichMenuError(RuntimeError):
    """A clear, user-facing failure (exit code 2)."""


# --------------------------------------------------------------------------
# Layout and JSON


def tile_boxes(height: int = HEIGHT_FULL) -> List[Tuple[int, int, int, int]]:
    """(x, y, width, height) of each tile; together they cover the image exactly."""
    xs = [round(WIDTH * c / COLUMNS) for c in range(COLUMNS + 1)]
    ys = [round(height * r / ROWS) for r in range(ROWS + 1)]
    return [
        (xs[c], ys[r], xs[c + 1] - xs[c], ys[r + 1] - ys[r])
        for r in range(ROWS)
        for c in range(COLUMNS)
    ]


def build_rich_menu(height: int = HEIGHT_FULL) -> Dict[str, Any]:
    """The rich menu object (LINE's RichMenuRequest) for ``TILES``."""
    areas = []
    for tile, (x, y, w, h) in zip(TILES, tile_boxes(height)):
        areas.append(
            {
                "bounds": {"x": x, "y": y, "width": w, "height": h},
                "action": {
                    "type": "postback",
                    "label": tile.ja,
                    "data": tile.payload,
                    "displayText": tile.ja,
                },
            }
        )
    return {
        "size": {"width": WIDTH, "height": height},
        "selected": True,
        "name": MENU_NAME,
        "chatBarText": CHAT_BAR_TEXT,
        "areas": areas,
    }


# --------------------------------------------------------------------------
# Font and drawing


def _fc_list_japanese() -> List[str]:
    if not shutil.which("fc-list"):
        return []
    try:
        output = subprocess.run(
            ["fc-list", ":lang=ja", "file"], capture_output=True, text=True, timeout=20
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    files = sorted({line.split(":")[0].strip() for line in output.splitlines() if line.strip()})
    # Prefer bold sans faces: they read best on a phone.
    files.sort(key=lambda f: (("Bold" not in f and "bold" not in f),
                              ("Sans" not in f and "Gothic" not in f and "gothic" not in f), f))
    return files


def find_font(explicit: Optional[str] = None) -> str:
    """Path of a font with Japanese glyphs, or ``RichMenuError`` saying how to get one."""
    if explicit:
        if not Path(explicit).is_file():
            raise RichMenuError(f"--font {explicit}: no such file")
        return explicit
    env = os.environ.get("MAINA_CJK_FONT")
    if env and Path(env).is_file():
        return env
    for path in _fc_list_japanese() + list(FONT_CANDIDATES):
        if Path(path).is_file():
            return path
    raise RichMenuError(
        "No Japanese font found. Install one (Debian/Ubuntu: "
        "`apt-get install fonts-noto-cjk`) or pass --font /path/to/font.ttf|ttc "
        "(or set MAINA_CJK_FONT)."
    )


def load_font(path: str, size: int) -> Any:
    """A Pillow font; for a .ttc collection the Japanese (JP) face if there is one."""
    from PIL import ImageFont

    if path.lower().endswith(".ttc"):
        for index in range(16):
            try:
                font = ImageFont.truetype(path, size, index=index)
            except OSError:
                break
            if "JP" in " ".join(font.getname()) or "Japanese" in " ".join(font.getname()):
                return font
    return ImageFont.truetype(path, size)


def _has_glyphs(font: Any, text: str) -> bool:
    """False if the font draws ``text`` with its 'missing glyph' box."""
    missing = font.getmask("\uffff").getbbox()
    return all(font.getmask(ch).getbbox() != missing for ch in text if not ch.isspace())


def _wrap(label: str, font: Any, max_width: int) -> List[str]:
    """One line if it fits, else two lines split at ・ or in the middle."""
    if font.getlength(label) <= max_width:
        return [label]
    if "・" in label:
        head, tail = label.split("・", 1)
        return [head + "・", tail]
    middle = (len(label) + 1) // 2
    return [label[:middle], label[middle:]]


def _draw_icon(draw: Any, kind: str, cx: int, cy: int, s: int,
               fg: Tuple[int, int, int], bg: Tuple[int, int, int]) -> None:
    """Simple pictograms from primitives (no emoji font needed). ``s`` = half size."""
    w = max(6, s // 9)
    if kind == "card":
        draw.rounded_rectangle((cx - s, cy - s * 0.62, cx + s, cy + s * 0.62), radius=s // 6, outline=fg, width=w)
        draw.rectangle((cx - s * 0.75, cy - s * 0.3, cx - s * 0.25, cy + s * 0.15), fill=fg)
        for i, dy in enumerate((-0.25, 0.0, 0.25)):
            draw.line((cx + s * 0.0, cy + s * dy, cx + s * (0.75 - 0.2 * i), cy + s * dy), fill=fg, width=w)
    elif kind == "calendar":
        draw.rounded_rectangle((cx - s * 0.85, cy - s * 0.7, cx + s * 0.85, cy + s * 0.85),
                               radius=s // 8, outline=fg, width=w)
        draw.rectangle((cx - s * 0.85, cy - s * 0.7, cx + s * 0.85, cy - s * 0.35), fill=fg)
        for dx in (-0.45, 0.45):
            draw.line((cx + s * dx, cy - s * 0.95, cx + s * dx, cy - s * 0.55), fill=fg, width=w)
        for row in range(2):
            for col in range(3):
                x = cx + s * (-0.5 + 0.5 * col)
                y = cy + s * (0.05 + 0.4 * row)
                draw.ellipse((x - w, y - w, x + w, y + w), fill=fg)
    elif kind == "lock":
        draw.arc((cx - s * 0.5, cy - s * 1.0, cx + s * 0.5, cy + s * 0.1), 180, 360, fill=fg, width=w)
        draw.line((cx - s * 0.5 + w / 2, cy - s * 0.45, cx - s * 0.5 + w / 2, cy - s * 0.1), fill=fg, width=w)
        draw.line((cx + s * 0.5 - w / 2, cy - s * 0.45, cx + s * 0.5 - w / 2, cy - s * 0.1), fill=fg, width=w)
        draw.rounded_rectangle((cx - s * 0.8, cy - s * 0.15, cx + s * 0.8, cy + s * 0.9), radius=s // 8, fill=fg)
        draw.ellipse((cx - s * 0.14, cy + s * 0.15, cx + s * 0.14, cy + s * 0.43), fill=bg)
        draw.rectangle((cx - s * 0.05, cy + s * 0.35, cx + s * 0.05, cy + s * 0.65), fill=bg)
    elif kind == "document":
        draw.rounded_rectangle((cx - s * 0.65, cy - s * 0.9, cx + s * 0.65, cy + s * 0.9),
                               radius=s // 10, outline=fg, width=w)
        for i in range(4):
            y = cy + s * (-0.5 + 0.3 * i)
            draw.line((cx - s * 0.4, y, cx + s * (0.4 - 0.15 * (i == 3)), y), fill=fg, width=w)
        draw.ellipse((cx + s * 0.2, cy + s * 0.45, cx + s * 0.55, cy + s * 0.8), outline=fg, width=w)
    elif kind == "house":
        draw.polygon([(cx - s, cy - s * 0.05), (cx, cy - s * 0.95), (cx + s, cy - s * 0.05)], fill=fg)
        draw.rectangle((cx - s * 0.7, cy - s * 0.1, cx + s * 0.7, cy + s * 0.85), fill=fg)
        draw.rectangle((cx - s * 0.2, cy + s * 0.3, cx + s * 0.2, cy + s * 0.85), fill=bg)
    elif kind == "phone":
        draw.rounded_rectangle((cx - s * 0.5, cy - s * 0.95, cx + s * 0.5, cy + s * 0.95),
                               radius=s // 5, outline=fg, width=w)
        draw.line((cx - s * 0.15, cy - s * 0.75, cx + s * 0.15, cy - s * 0.75), fill=fg, width=w)
        draw.ellipse((cx - s * 0.1, cy + s * 0.62, cx + s * 0.1, cy + s * 0.82), fill=fg)
        for r in (0.35, 0.6):
            draw.arc((cx + s * 0.4 - s * r, cy - s * 0.45 - s * r, cx + s * 0.4 + s * r, cy - s * 0.45 + s * r),
                     300, 30, fill=fg, width=w)


def render_image(font_path: str, height: int = HEIGHT_FULL) -> bytes:
    """PNG bytes of the menu: one coloured tile per entry of ``TILES``."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, height), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    boxes = tile_boxes(height)
    tile_h = boxes[0][3]
    font_size = max(40, int(tile_h * (0.13 if height >= HEIGHT_FULL else 0.17)))
    font = load_font(font_path, font_size)
    all_labels = "".join(t.ja for t in TILES)
    if not _has_glyphs(font, all_labels):
        raise RichMenuError(
            f"font {font_path} has no Japanese glyphs; pass --font with a CJK font "
            "(e.g. Noto Sans CJK JP from fonts-noto-cjk)"
        )
    white = (255, 255, 255)
    gap = max(6, WIDTH // 250)
    for tile, (x, y, w, h) in zip(TILES, boxes):
        draw.rounded_rectangle(
            (x + gap, y + gap, x + w - gap, y + h - gap), radius=h // 12, fill=tile.color
        )
        lines = _wrap(tile.ja, font, int(w * 0.88))
        line_h = int(font_size * 1.25)
        text_h = line_h * len(lines)
        icon_half = int(min(w, h) * (0.2 if height >= HEIGHT_FULL else 0.16))
        block = icon_half * 2 + int(h * 0.07) + text_h
        top = y + (h - block) // 2
        _draw_icon(draw, tile.icon, x + w // 2, top + icon_half, icon_half, white, tile.color)
        text_y = top + icon_half * 2 + int(h * 0.07)
        for i, line in enumerate(lines):
            draw.text((x + w / 2, text_y + i * line_h), line, font=font, fill=white, anchor="mt")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def generate(out_dir: Path, font: Optional[str] = None, compact: bool = False) -> Tuple[Path, Path]:
    height = HEIGHT_COMPACT if compact else HEIGHT_FULL
    font_path = find_font(font)
    png = render_image(font_path, height)
    if len(png) > MAX_IMAGE_BYTES:
        raise RichMenuError(f"generated image is {len(png)} bytes; LINE accepts at most 1 MB")
    out_dir.mkdir(parents=True, exist_ok=True)
    image_path = out_dir / "richmenu.png"
    json_path = out_dir / "richmenu.json"
    image_path.write_bytes(png)
    rich_menu = build_rich_menu(height)
    json_path.write_text(json.dumps(rich_menu, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return json_path, image_path


# --------------------------------------------------------------------------
# Validation and registration


def image_size(data: bytes) -> Optional[Tuple[int, int]]:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG"):
                return None
            return image.size
    except Exception:  # noqa: BLE001 - any decoding problem means "not an image"
        return None


def validate_files(json_path: Path, image_path: Optional[Path]) -> Tuple[Dict[str, Any], Optional[bytes]]:
    """Loads the menu JSON and checks its areas against its size and, if given, its image."""
    try:
        rich_menu = json.loads(Path(json_path).read_text("utf-8"))
        size = rich_menu["size"]
        bounds = [area["bounds"] for area in rich_menu["areas"]]
        outside = [b for b in bounds
                   if b["x"] < 0 or b["y"] < 0 or b["x"] + b["width"] > size["width"]
                   or b["y"] + b["height"] > size["height"]]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise RichMenuError(f"{json_path}: not a rich menu JSON ({error!r})") from error
    if not bounds:
        raise RichMenuError(f"{json_path}: the menu has no areas")
    if outside:
        raise RichMenuError(f"{json_path}: area {outside[0]} lies outside the menu {size}")
    image = None
    if image_path is not None:
        try:
            image = Path(image_path).read_bytes()
        except OSError as error:
            raise RichMenuError(f"{image_path}: {error}") from error
        if len(image) > MAX_IMAGE_BYTES:
            raise RichMenuError(f"{image_path}: {len(image)} bytes; LINE accepts at most 1 MB")
        actual = image_size(image)
        expected = (size["width"], size["height"])
        if actual != expected:
            raise RichMenuError(
                f"{image_path}: image is {actual or 'not a PNG/JPEG'}, the menu says {expected}"
            )
    return rich_menu, image


async def register(
    rich_menu: Dict[str, Any],
    image: bytes,
    client: LineApiClient,
    set_default: bool = True,
    replace: bool = False,
) -> str:
    """LINE validates the menu; creates it, uploads the image, sets it as default; its id."""
    checked = await client.validate_rich_menu(rich_menu)
    if not checked.ok:
        raise RichMenuError(f"LINE says the rich menu is invalid: HTTP {checked.status} "
                            f"{checked.error}")
    created = await client.create_rich_menu(rich_menu)
    rich_menu_id = (created.data or {}).get("richMenuId") if created.ok else None
    if not rich_menu_id:
        raise RichMenuError(f"create rich menu failed: HTTP {created.status} {created.error}")
    content_type = "image/png" if image[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"
    uploaded = await client.upload_rich_menu_image(rich_menu_id, image, content_type)
    if not uploaded.ok:
        await client.delete_rich_menu(rich_menu_id)
        raise RichMenuError(f"image upload failed: HTTP {uploaded.status} {uploaded.error}")
    if set_default:
        made_default = await client.set_default_rich_menu(rich_menu_id)
        if not made_default.ok:
            raise RichMenuError(
                f"set default failed: HTTP {made_default.status} {made_default.error} "
                f"(rich menu {rich_menu_id} was created)"
            )
    if replace:
        listed = await client.list_rich_menus()
        for menu in (listed.data or {}).get("richmenus", []) if listed.ok else []:
            old_id = menu.get("richMenuId")
            if old_id and old_id != rich_menu_id and menu.get("name") == rich_menu.get("name"):
                await client.delete_rich_menu(old_id)
    return rich_menu_id


def client_from_env(api_base: Optional[str] = None) -> LineApiClient:
    token = os.environ.get("LINE_CHANNEL_ACCESS_TOKEN", "").strip()
    if not token:
        raise RichMenuError("LINE_CHANNEL_ACCESS_TOKEN is not set")
    base = (api_base or os.environ.get("LINE_API_BASE_URL") or API_BASE_URL).strip()
    data_base = os.environ.get("LINE_DATA_API_BASE_URL", "").strip() or default_data_api_base(base)
    return LineApiClient(token, base, data_api_base_url=data_base, timeout=30.0)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="マイナちゃん LINE rich menu")
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="draw richmenu.png and write richmenu.json")
    gen.add_argument("--font", help="a .ttf/.otf/.ttc with Japanese glyphs")
    gen.add_argument("--out-dir", type=Path, default=DEFAULT_DIR)
    gen.add_argument("--compact", action="store_true", help="2500x843 instead of 2500x1686")

    for name, text in (("validate", "check JSON and image"), ("register", "upload to LINE")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--json", type=Path, default=DEFAULT_JSON)
        p.add_argument("--image", type=Path, default=DEFAULT_IMAGE)
        if name == "register":
            p.add_argument("--api-base", help="default $LINE_API_BASE_URL or https://api.line.me")
            p.add_argument("--no-default", action="store_true", help="do not make it the default menu")
            p.add_argument("--replace", action="store_true", help="delete older menus with the same name")

    args = parser.parse_args(argv)
    try:
        if args.command == "generate":
            json_path, image_path = generate(args.out_dir, args.font, args.compact)
            validate_files(json_path, image_path)
            print(f"wrote {json_path} and {image_path}")
        elif args.command == "validate":
            validate_files(args.json, args.image)
            print(f"ok: the areas of {args.json} lie inside the menu and {args.image} fits it")
        else:
            rich_menu, image = validate_files(args.json, args.image)
            client = client_from_env(args.api_base)
            rich_menu_id = asyncio.run(
                register(rich_menu, image or b"", client, not args.no_default, args.replace)
            )
            print(f"registered rich menu {rich_menu_id}" + ("" if args.no_default else " (default)"))
    except RichMenuError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
