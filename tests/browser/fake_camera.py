"""Fake camera footage for browser tests and benchmarks of the door scanner.

Chromium can play a video file as if it were the camera::

    chromium --use-fake-ui-for-media-stream --use-fake-device-for-media-stream \\
             --use-file-for-fake-video-capture=/tmp/camera.y4m

The file must be uncompressed YUV4MPEG2 ("y4m") with 4:2:0 planar frames. This module writes
such files from a list of still pictures, each shown for some seconds::

    write_y4m("/tmp/camera.y4m", [(qr_frame("HELLO-EVENTREG"), 1.0), (None, 1.0)])

Every frame that shows a code also has a solid black square in its top-left corner (the
"marker"); blank frames are white there. A page that reads that corner pixel from each video
frame knows the moment a code came on screen, so a benchmark can time decoding from it.

Things to know when using the file in Chromium (seen with Chromium 156):

- Chromium loops the file forever: the last segment is followed by the first again. Each pass
  lasts one frame longer than the file, and the first two frames of the first pass are never
  shown, so start with a blank segment if the first appearance of a code matters.
- Frames arrive at the file's frame rate (`fps`), whatever frame rate the page asks for. The
  first frame reaches the page about two frame intervals after getUserMedia is called. The page
  can ask for a smaller size (Chromium scales down) but not a larger one, and
  `facingMode: {exact: "environment"}` fails with OverconstrainedError.
- Frames are stored raw, so a file grows by width * height * 1.5 bytes per frame
  (320x240 at 10 fps: 1.15 MB per second of footage). Keep clips to a few seconds.
- The frames are greyscale: the picture becomes the Y (brightness) plane and the U and V
  (colour) planes are a flat 128.
"""

from collections.abc import Sequence
from pathlib import Path

import qrcode
from PIL import Image

#: Side in pixels of the black square in the top-left corner of every frame showing a code.
MARKER_SIZE = 12

#: Light modules around the code that QR readers need (the "quiet zone" of ISO/IEC 18004).
QUIET_ZONE_MODULES = 4

_WHITE = 255
_BLACK = 0
_NEUTRAL_CHROMA = 128



def camera_switches(video) -> list[str]:
    """Chromium's switches that play `video` as the camera, allowed without asking."""
    return ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"]

def blank_frame(size: tuple[int, int] = (320, 240)) -> Image.Image:
    """Return a plain white greyscale frame of `size` (width, height), without the marker."""
    return Image.new("L", size, _WHITE)


def qr_frame(payload: str, size: tuple[int, int] = (320, 240)) -> Image.Image:
    """Return a white greyscale frame showing the QR code of `payload`, plus the marker.

    The code uses error correction level M, is centred, and is drawn with the largest whole
    number of pixels per module for which the code and its quiet zone fit in the frame and the
    quiet zone stays clear of the marker. Raises ValueError if the code cannot fit with at
    least 2 pixels per module.
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M,
                         border=QUIET_ZONE_MODULES)
    code.add_data(payload)
    code.make(fit=True)
    modules = code.get_matrix()  # rows of booleans, quiet zone included
    width, height = size

    for module_px in range(min(width, height) // len(modules), 1, -1):
        side = module_px * len(modules)
        left, top = (width - side) // 2, (height - side) // 2
        if left >= MARKER_SIZE or top >= MARKER_SIZE:  # the marker sits outside the quiet zone
            break
    else:
        raise ValueError(f"a QR code of {len(payload)} characters does not fit in {width}x{height}")

    one_pixel_per_module = Image.new("L", (len(modules), len(modules)))
    one_pixel_per_module.putdata([_BLACK if is_dark else _WHITE
                                  for row in modules for is_dark in row])
    frame = blank_frame(size)
    frame.paste(one_pixel_per_module.resize((side, side), Image.Resampling.NEAREST), (left, top))
    frame.paste(_BLACK, (0, 0, MARKER_SIZE, MARKER_SIZE))
    return frame


def write_y4m(path: str | Path, segments: Sequence[tuple[Image.Image | None, float]], *,
              size: tuple[int, int] = (320, 240), fps: int = 10) -> None:
    """Write `segments` to `path` as a YUV4MPEG2 (C420jpeg) video Chromium can use as a camera.

    Each segment is `(image, seconds)`: the image is shown for round(seconds * fps) frames, at
    least one; None shows a blank frame. Images are converted to greyscale and must be `size`
    (width, height), which must be even because 4:2:0 halves the colour planes. Raises
    ValueError otherwise.
    """
    width, height = size
    if width % 2 or height % 2:
        raise ValueError(f"4:2:0 video needs an even width and height, not {width}x{height}")
    chroma_planes = bytes([_NEUTRAL_CHROMA]) * (2 * (width // 2) * (height // 2))

    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for image, seconds in segments:
            picture = blank_frame(size) if image is None else image.convert("L")
            if picture.size != size:
                raise ValueError(f"frame is {picture.size[0]}x{picture.size[1]}, "
                                 f"the video is {width}x{height}")
            frame = b"FRAME\n" + picture.tobytes() + chroma_planes
            for _ in range(max(1, round(seconds * fps))):
                video.write(frame)


# --- What phone cameras really see ------------------------------------------------------------
#
# Each case turns one or two ticket codes into the frames a phone camera at a door would give:
# a small code, a tilted one, a blurred one, a dim grey-on-grey one, one on another phone's
# screen with glare, a printed A4 sheet moving past, two codes of one family together. The
# randomness (hand shake, sensor noise) comes from a seed, so a case's video is the same every
# time. Frames carry the marker, so the benchmark can time them like qr_frame's.

#: Size of the cases' frames: a phone camera's stream scaled to what the scanner decodes.
CASE_SIZE = (640, 480)


def code_image(payload: str, module_px: int, *, dark: int = _BLACK,
               light: int = _WHITE) -> Image.Image:
    """Return the QR code of `payload` (level M, quiet zone included), `module_px` pixels per
    module, in the grey levels `dark` and `light`."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M,
                         border=QUIET_ZONE_MODULES)
    code.add_data(payload)
    code.make(fit=True)
    modules = code.get_matrix()
    small = Image.new("L", (len(modules), len(modules)))
    small.putdata([dark if is_dark else light for row in modules for is_dark in row])
    side = len(modules) * module_px
    return small.resize((side, side), Image.Resampling.NEAREST)


def _perspective_coefficients(frame_corners, image_corners) -> list[float]:
    """The 8 coefficients PIL's PERSPECTIVE transform needs to map frame points to image
    points, from four corner pairs (Gaussian elimination on the 8x8 system)."""
    rows = []
    for (x, y), (u, v) in zip(frame_corners, image_corners, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y, u])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y, v])
    for column in range(8):
        pivot = max(range(column, 8), key=lambda row: abs(rows[row][column]))
        rows[column], rows[pivot] = rows[pivot], rows[column]
        for row in range(8):
            if row != column:
                factor = rows[row][column] / rows[column][column]
                rows[row] = [a - factor * b for a, b in zip(rows[row], rows[column], strict=True)]
    return [rows[i][8] / rows[i][i] for i in range(8)]


def place(frame: Image.Image, picture: Image.Image, corners) -> None:
    """Paste `picture` into `frame` so that its corners (top-left, top-right, bottom-right,
    bottom-left) land on `corners`, as a camera sees a flat thing at an angle."""
    width, height = picture.size
    coefficients = _perspective_coefficients(
        corners, [(0, 0), (width, 0), (width, height), (0, height)])
    warped = picture.transform(frame.size, Image.Transform.PERSPECTIVE, coefficients,
                               Image.Resampling.BILINEAR)
    mask = Image.new("L", picture.size, _WHITE).transform(
        frame.size, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BILINEAR)
    frame.paste(warped, (0, 0), mask)


def _square(centre, side, degrees, *, tilt=0.0):
    """Corners of a square of `side` around `centre`, turned by `degrees`; `tilt` (0..1)
    shortens its top edge, as when the top of the thing leans away from the camera."""
    return _rectangle(centre, side, side, degrees, tilt=tilt)


def _rectangle(centre, width, height, degrees, *, tilt=0.0):
    """Corners of a `width` x `height` rectangle around `centre`, turned by `degrees`, its
    top edge shortened by `tilt` (0..1)."""
    import math

    cx, cy = centre
    top = width / 2 * (1 - tilt)
    points = [(-top, -height / 2), (top, -height / 2), (width / 2, height / 2),
              (-width / 2, height / 2)]
    turn = math.radians(degrees)
    cos, sin = math.cos(turn), math.sin(turn)
    return [(cx + x * cos - y * sin, cy + x * sin + y * cos) for x, y in points]


def add_noise(picture: Image.Image, rng, strength: int) -> Image.Image:
    """Return `picture` with sensor noise: each pixel moves by up to about ±`strength` grey
    levels (a sum of two uniform draws, so small moves are likelier, as in a real sensor)."""
    from PIL import ImageChops

    if strength <= 0:
        return picture
    noise = [Image.frombytes("L", picture.size, rng.randbytes(picture.width * picture.height))
             .point(lambda value: 128 + (value - 128) * strength // 256) for _ in range(2)]
    return ImageChops.add(ImageChops.add(picture, noise[0], offset=-128), noise[1], offset=-128)


def _marked(frame: Image.Image) -> Image.Image:
    frame.paste(_BLACK, (0, 0, MARKER_SIZE, MARKER_SIZE))
    return frame


def _small_frames(payloads, rng, count, size):
    """The code small in the frame (about 2 px per module), away from the centre."""
    from PIL import ImageFilter

    code = code_image(payloads[0], 4)
    code = code.resize((code.width // 2 + 4,) * 2, Image.Resampling.BILINEAR)
    frames = []
    for _ in range(count):
        frame = Image.new("L", size, 205)
        left, top = 400 + rng.randint(-3, 3), 250 + rng.randint(-3, 3)
        frame.paste(code, (left, top))
        frame = add_noise(frame.filter(ImageFilter.GaussianBlur(0.6)), rng, 10)
        frames.append(_marked(frame))
    return frames


def _perspective_frames(payloads, rng, count, size):
    """A card with the code turned by about 30 degrees and its top leaning away."""
    frames = []
    code = code_image(payloads[0], 6)
    for _ in range(count):
        frame = Image.new("L", size, 120)
        corners = _square((330 + rng.randint(-3, 3), 245 + rng.randint(-3, 3)), 290,
                          28 + rng.uniform(-1.5, 1.5), tilt=0.22)
        place(frame, code, corners)
        frames.append(_marked(add_noise(frame, rng, 10)))
    return frames


def _blurred_frames(payloads, rng, count, size):
    """The code slightly out of focus: blurred by about half a module."""
    from PIL import ImageFilter

    frames = []
    code = code_image(payloads[0], 5)
    for _ in range(count):
        frame = Image.new("L", size, 235)
        frame.paste(code, ((size[0] - code.width) // 2 + rng.randint(-2, 2),
                           (size[1] - code.height) // 2 + rng.randint(-2, 2)))
        frame = frame.filter(ImageFilter.GaussianBlur(2.1 + rng.uniform(-0.2, 0.2)))
        frames.append(_marked(add_noise(frame, rng, 8)))
    return frames


def _dim_frames(payloads, rng, count, size):
    """An evening tent or a phone screen at low brightness: grey on grey, dark and noisy."""
    from PIL import ImageFilter

    frames = []
    code = code_image(payloads[0], 5, dark=62, light=104)
    for _ in range(count):
        frame = Image.new("L", size, 78)
        corners = _square((320 + rng.randint(-3, 3), 240 + rng.randint(-3, 3)), code.width,
                          4 + rng.uniform(-1, 1))
        place(frame, code, corners)
        frame = frame.filter(ImageFilter.GaussianBlur(0.8))
        frames.append(_marked(add_noise(frame, rng, 36)))
    return frames


def _glare_frames(payloads, rng, count, size):
    """The ticket shown on another phone's screen: a dark bezel, a screen that is not quite
    white, faint pixel rows, and a bright reflection drifting across part of the code."""
    from PIL import ImageChops, ImageDraw, ImageFilter

    code = code_image(payloads[0], 5, dark=38, light=225)
    phone = Image.new("L", (code.width + 40, code.height + 190), 28)
    phone.paste(225, (12, 60, phone.width - 12, phone.height - 60))
    phone.paste(code, (20, 95))
    pixel_rows = Image.new("L", phone.size, _WHITE)
    for y in range(0, phone.height, 3):
        ImageDraw.Draw(pixel_rows).line([(0, y), (phone.width, y)], fill=232)
    phone = ImageChops.multiply(phone, pixel_rows)
    glare = Image.new("L", (200, 140), 0)
    ImageDraw.Draw(glare).ellipse((20, 20, 180, 120), fill=120)
    glare = glare.filter(ImageFilter.GaussianBlur(22))
    frames = []
    for index in range(count):
        frame = Image.new("L", size, 95)
        width = 250  # a portrait phone, turned a little and leaning back
        corners = _rectangle((320 + rng.randint(-2, 2), 240), width,
                             width * phone.height / phone.width, -8 + rng.uniform(-1, 1),
                             tilt=0.08)
        place(frame, phone, corners)
        light = Image.new("L", size, 0)
        light.paste(glare, (230 + index * 3, 170 + index))
        frame = ImageChops.add(frame, light)
        frames.append(_marked(add_noise(frame, rng, 8)))
    return frames


def _a4_frames(payloads, rng, count, size):
    """A printed A4 ticket sheet on a table, moving slowly: text, the code in one corner,
    slightly turned, and smeared a little by the movement."""
    from PIL import ImageDraw, ImageFilter

    sheet = Image.new("L", (420, 594), 240)  # A4's proportions
    draw = ImageDraw.Draw(sheet)
    for y in range(40, 560, 22):
        if not 320 < y < 560:
            draw.rectangle((36, y, 36 + rng.randint(150, 340), y + 8), fill=120)
    sheet.paste(code_image(payloads[0], 5, dark=25, light=240), (24, 330))
    smear = ImageFilter.Kernel((5, 5), [0] * 10 + [1] * 5 + [0] * 10, 5)
    frames = []
    for index in range(count):
        frame = Image.new("L", size, 70)
        centre = (290 + index * 3, 250 - index)
        corners = _rectangle(centre, 300, 424, 6 + index * 0.2)
        place(frame, sheet, corners)
        frames.append(_marked(add_noise(frame.filter(smear), rng, 10)))
    return frames


def _two_codes_frames(payloads, rng, count, size):
    """Two tickets of one family held side by side in one frame."""
    frames = []
    codes = [code_image(payload, 5) for payload in payloads[:2]]
    for _ in range(count):
        frame = Image.new("L", size, 200)
        for code, centre, turn in zip(codes, ((168, 245), (472, 235)), (-4, 5), strict=True):
            place(frame, code, _square((centre[0] + rng.randint(-2, 2), centre[1]), 280,
                                       turn + rng.uniform(-1, 1)))
        frames.append(_marked(add_noise(frame, rng, 8)))
    return frames


#: Each realistic case: (what it shows, how many codes, the function making its frames).
CASES = {
    "small": ("code small in the frame", 1, _small_frames),
    "perspective": ("rotated with perspective", 1, _perspective_frames),
    "blurred": ("slightly out of focus", 1, _blurred_frames),
    "dim": ("noisy and dim, grey on grey", 1, _dim_frames),
    "phone_glare": ("on another phone's screen with glare", 1, _glare_frames),
    "a4_moving": ("printed A4 sheet moving slowly", 1, _a4_frames),
    "two_codes": ("two codes of one family in one frame", 2, _two_codes_frames),
}


def case_frames(case: str, payloads: Sequence[str], *, seconds: float = 3.0, fps: int = 10,
                seed: int = 14, size: tuple[int, int] = CASE_SIZE) -> list[Image.Image]:
    """Return the frames of realistic `case` (a key of CASES) showing `payloads`, for
    `seconds` at `fps`; the same arguments give the same frames. Raises ValueError for an
    unknown case or too few payloads."""
    import random

    if case not in CASES:
        raise ValueError(f"unknown camera case {case!r}; known: {', '.join(CASES)}")
    _, codes, make = CASES[case]
    if len(payloads) < codes:
        raise ValueError(f"camera case {case!r} shows {codes} codes, got {len(payloads)}")
    return make(list(payloads), random.Random(f"{case}-{seed}"), max(1, round(seconds * fps)),
                size)


def write_case_video(path: str | Path, case: str, payloads: Sequence[str], *,
                     seconds: float = 3.0, lead_in: float = 1.0, gap: float = 1.5,
                     fps: int = 10, seed: int = 14) -> list[Image.Image]:
    """Write a video of `lead_in` blank seconds, the case's frames, then `gap` blank seconds
    (640x480 at `fps`) and return the case's frames."""
    frames = case_frames(case, payloads, seconds=seconds, fps=fps, seed=seed)
    segments = [(None, lead_in)] + [(frame, 1 / fps) for frame in frames] + [(None, gap)]
    write_y4m(path, segments, size=CASE_SIZE, fps=fps)
    return frames
