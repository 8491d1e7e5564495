"""Drawing QR codes (ticket tokens, door links) in SVG for pages and PNG for download."""

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.svg import SvgPathFillImage


def make_qr(text: str) -> qrcode.QRCode:
    """Build the smallest QR code at error correction M that holds the text.

    Ticket tokens are upper-case base32, so they use QR's compact alphanumeric mode.
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(text)
    code.make(fit=True)
    return code


def qr_svg(text: str) -> str:
    """Return an inline <svg> element (no XML declaration) drawing the text.

    The library names its path `id="qr-path"`; a page shows one code per ticket, and ids
    must be unique in a page, so the id (which nothing refers to) is dropped.
    """
    image = make_qr(text).make_image(image_factory=SvgPathFillImage)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg"):].replace(' id="qr-path"', "")


def qr_png(token: str, box_size: int = 10) -> bytes:
    code = make_qr(token)
    code.box_size = box_size
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()
