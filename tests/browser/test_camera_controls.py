"""The torch button and the camera switch: shown only where the phone has them.

Chromium's fake camera has no torch, and plays a video file as one camera only; without a
file it offers as many generated cameras as asked (device-count). The torch test gives the
fake camera a torch by wrapping MediaStreamTrack's getCapabilities and applyConstraints.
"""

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect

from eventreg.checkin.doors import create_door_access
from eventreg.database import unit_of_work
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.fake_camera import camera_switches, write_y4m

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 2}
CAMERA_ON = "() => document.getElementById('camera-video').readyState >= 2"
CAMERA_ID = ("() => document.getElementById('camera-video').srcObject"
             ".getVideoTracks()[0].getSettings().deviceId")

#: A torch for the fake camera: capabilities say so, applyConstraints records each wish and
#: grants it (Chromium's fake camera itself refuses torch constraints).
TORCH = """
window.__torchWishes = [];
const realCapabilities = MediaStreamTrack.prototype.getCapabilities;
MediaStreamTrack.prototype.getCapabilities = function () {
  return { ...realCapabilities.call(this), torch: true };
};
const realApply = MediaStreamTrack.prototype.applyConstraints;
MediaStreamTrack.prototype.applyConstraints = function (constraints) {
  for (const wish of constraints?.advanced || []) {
    if ("torch" in wish) {
      window.__torchWishes.push(wish.torch);
      return Promise.resolve();
    }
  }
  return realApply.call(this, constraints);
};
"""


def english(text: str) -> str:
    with force_locale("en"):
        return gettext(text)


@pytest.fixture
def fake_cameras(tmp_path):
    """Launch Chromium with `count` generated fake cameras, or one playing a blank video."""
    from playwright.sync_api import sync_playwright

    launched = []
    playwright = sync_playwright().start()

    def launch(count=None):
        if count is None:
            video = tmp_path / "blank.y4m"
            write_y4m(video, [(None, 1.0)])
            camera = camera_switches(video)
        else:
            camera = ["--use-fake-ui-for-media-stream",
                      f"--use-fake-device-for-media-stream=device-count={count}"]
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=CHROMIUM_ARGS + camera)
        launched.append(browser)
        return browser

    yield launch
    for browser in launched:
        browser.close()
    playwright.stop()


@pytest.fixture
def door_token(db_session, make_event):
    make_event()  # another event, with no door
    with unit_of_work(db_session):
        _, token = create_door_access(db_session, make_event(), "Main gate")
    return token


def open_scanner(browser, live_server, token, init_script=None):
    context = browser.new_context(**PHONE)
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    page.goto(f"{live_server}/door/{token}")
    page.wait_for_function(CAMERA_ON)
    page.wait_for_timeout(300)  # the controls are set up after the camera started
    return page


def test_one_camera_without_torch_shows_neither_switch_nor_torch(
    live_server, fake_cameras, door_token
):
    page = open_scanner(fake_cameras(), live_server, door_token)
    assert page.locator("#camera-switch").is_hidden()
    assert page.locator("#camera-torch").is_hidden()


def test_camera_switch_moves_between_the_phones_two_cameras(
    live_server, fake_cameras, door_token, tmp_path
):
    page = open_scanner(fake_cameras(2), live_server, door_token)
    switch = page.get_by_role("button", name=english("Switch camera"))
    switch.wait_for(state="visible")
    page.screenshot(path=str(tmp_path / "camera-controls.png"))
    first = page.evaluate(CAMERA_ID)

    switch.click()
    page.wait_for_function(f"id => ({CAMERA_ID})() !== id", arg=first)
    second = page.evaluate(CAMERA_ID)
    page.wait_for_function(CAMERA_ON)
    assert page.evaluate("() => document.getElementById('camera-video').srcObject"
                         ".getVideoTracks()[0].readyState") == "live"
    switch.click()
    page.wait_for_function(f"id => ({CAMERA_ID})() !== id", arg=second)
    assert page.evaluate(CAMERA_ID) == first
    assert page.locator("#camera-torch").is_hidden()


def test_torch_button_turns_the_torch_on_and_off_where_the_camera_has_one(
    live_server, fake_cameras, door_token
):
    page = open_scanner(fake_cameras(), live_server, door_token, init_script=TORCH)
    torch = page.locator("#camera-torch")
    torch.wait_for(state="visible")
    expect(torch).to_have_accessible_name(english("Turn the torch on"))
    assert page.locator("#camera-switch").is_hidden()

    torch.click()
    expect(torch).to_have_accessible_name(english("Turn the torch off"))
    torch.click()
    expect(torch).to_have_accessible_name(english("Turn the torch on"))
    assert page.evaluate("() => window.__torchWishes") == [True, False]


def test_torch_button_goes_away_when_the_camera_refuses_the_torch_after_all(
    live_server, fake_cameras, door_token
):
    claims_a_torch = TORCH.replace("return Promise.resolve();", "")  # the real camera refuses
    page = open_scanner(fake_cameras(), live_server, door_token, init_script=claims_a_torch)
    torch = page.get_by_role("button", name=english("Turn the torch on"))
    torch.click()
    expect(torch).to_be_hidden()
    assert page.evaluate("() => window.__torchWishes") == [True]


#: The phone's second camera is busy (another app holds it): opening it fails.
SECOND_CAMERA_BUSY = """
const realGetUserMedia = MediaDevices.prototype.getUserMedia;
MediaDevices.prototype.getUserMedia = async function (constraints) {
  const wanted = constraints?.video?.deviceId?.exact;
  const cameras = (await this.enumerateDevices()).filter((d) => d.kind === "videoinput");
  if (wanted && wanted === cameras[1]?.deviceId) {
    throw new DOMException("Could not start video source", "NotReadableError");
  }
  return realGetUserMedia.call(this, constraints);
};
"""


def test_switching_to_a_busy_camera_keeps_scanning_with_the_first(
    live_server, fake_cameras, door_token
):
    page = open_scanner(fake_cameras(2), live_server, door_token,
                        init_script=SECOND_CAMERA_BUSY)
    switch = page.get_by_role("button", name=english("Switch camera"))
    first = page.evaluate(CAMERA_ID)
    switch.click()
    expect(switch).to_be_enabled()
    page.wait_for_function(CAMERA_ON)
    assert page.evaluate(CAMERA_ID) == first
    assert page.evaluate("() => document.getElementById('camera-video').srcObject"
                         ".getVideoTracks()[0].readyState") == "live"
    assert page.locator("#camera-problem").is_hidden()


def test_a_scanner_opened_as_the_network_went_says_so_and_starts_once_online(
    live_server, fake_cameras, door_token, tmp_path
):
    """The first visit's decoder comes over the network: offline before the service
    worker kept it, the page says why it cannot scan (not "the camera is blocked") and
    starts the camera by itself when the phone is online again."""
    context = fake_cameras().new_context(**PHONE)
    page = context.new_page()
    page.route("**/static/js/door/decoder-worker.js", lambda route: route.abort())
    page.goto(f"{live_server}/door/{door_token}")
    page.wait_for_function("() => document.getElementById('door').dataset.camera")
    assert page.locator("#door").get_attribute("data-camera") == "not_loaded"
    problem = page.locator("#camera-problem")
    assert problem.inner_text() == english(
        "The scanner could not load without a connection. It starts by itself once the "
        "phone is online; meanwhile, find people by name below.")
    assert english("The camera is blocked") not in problem.inner_text()
    page.screenshot(path=str(tmp_path / "scanner-not-loaded.png"))
    page.unroute("**/static/js/door/decoder-worker.js")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("() => document.getElementById('door').dataset.camera === 'scanning'")
    page.wait_for_function(CAMERA_ON)
    assert problem.is_hidden()
