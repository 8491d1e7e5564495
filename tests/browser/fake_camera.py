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
