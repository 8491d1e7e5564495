"""Drawing a ticket token as a QR code, in SVG for the page and PNG for download."""

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.svg import SvgPathFillImage


def make_qr(token: str) -> qrcode.QRCode:
    """Build the smallest QR code at error correction M that holds the token."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(token.upper())
    code.make(fit=True)
    return code


def qr_svg(token: str) -> str:
    """Return an inline <svg> element (no XML declaration) drawing the token."""
    image = make_qr(token).make_image(image_factory=SvgPathFillImage)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg"):]


def qr_png(token: str, box_size: int = 10) -> bytes:
    code = make_qr(token)
    code.box_size = box_size
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()
