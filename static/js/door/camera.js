// The camera: find QR codes in the video and report each new one once; a torch button where
// the camera has one, a switch where the phone has more than one camera.
//
// Uses the browser's BarcodeDetector where it exists, otherwise a Web Worker: ZXing-C++ as
// WebAssembly once its .wasm arrived, jsQR until then (see decoder-worker.js).
// A code that stays in front of the camera is reported once; it is reported again only
// after it has been out of sight for REPEAT_AFTER_MS (a glare of a second does not count).

const REPEAT_AFTER_MS = 3000;
// Larger frames decode blurred codes worse and slower (measured with jsQR 1.4).
const JSQR_MAX_SIDE = 480;
// ZXing scans downscaled copies itself, so it gets enough pixels for a small code
// (bench/camera_cases.py: the "small" case).
const ZXING_MAX_SIDE = 960;

async function startDecoderWorker(scriptUrls, wasmUrl) {
  const sources = await Promise.all(scriptUrls.map((url) => fetch(url).then((r) => r.text())));
  const script = new Blob([sources.join("\n;\n")], { type: "text/javascript" });
  const worker = new Worker(URL.createObjectURL(script));
  const decoder = { worker, maxSide: JSQR_MAX_SIDE };
  if (wasmUrl && typeof WebAssembly !== "undefined") {
    // After the camera started, not with the page: the page stays light and jsQR reads
    // meanwhile. The page's fetch goes through the service worker, so this works offline.
    fetch(wasmUrl)
      .then((response) => (response.ok ? response.arrayBuffer() : Promise.reject(response)))
      .then((wasm) => worker.postMessage({ wasm }, [wasm]))
      .catch(() => {});
  }
  return decoder;
}

async function makeDetector(decoderFiles) {
  if ("BarcodeDetector" in window) {
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats.includes("qr_code")) {
        const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return async (video) => (await detector.detect(video)).map((code) => code.rawValue);
      }
    } catch (error) {
      // Fall through to the worker.
    }
  }
  const scripts = decoderFiles.filter((url) => url.endsWith(".js"));
  const wasmUrl = decoderFiles.find((url) => url.endsWith(".wasm"));
  const decoder = await startDecoderWorker(scripts, wasmUrl);
  let answer = () => {};
  decoder.worker.onmessage = (message) => {
    if (message.data.decoder) {
      decoder.maxSide = message.data.decoder === "zxing" ? ZXING_MAX_SIDE : JSQR_MAX_SIDE;
    } else {
      answer(message.data.texts);
    }
  };
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return (video) => new Promise((resolve) => {
    const scale = Math.min(1, decoder.maxSide / Math.max(video.videoWidth, video.videoHeight));
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const frame = context.getImageData(0, 0, canvas.width, canvas.height);
    answer = resolve;
    decoder.worker.postMessage(
      { width: frame.width, height: frame.height, pixels: frame.data.buffer },
      [frame.data.buffer],
    );
  });
}

export class CameraProblem extends Error {
  constructor(kind) {
    super(kind);
    // "denied", "missing", or "not_loaded": the decoder could not be fetched (offline
    // before the service worker kept it)
    this.kind = kind;
  }
}

async function openCamera(deviceId) {
  const size = { width: { ideal: 1280 }, height: { ideal: 720 } };
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: deviceId ? { deviceId: { exact: deviceId }, ...size }
        : { facingMode: "environment", ...size },
    });
  } catch (error) {
    const missing = error && (error.name === "NotFoundError" || error.name === "OverconstrainedError");
    throw new CameraProblem(missing ? "missing" : "denied");
  }
}

/** What the volunteer can do with the camera that is scanning. */
class Camera {
  constructor(video, stream) {
    this.video = video;
    this.stream = stream;
    this.torchOn = false;
  }

  get track() {
    return this.stream.getVideoTracks()[0];
  }

  /** Whether this camera has a torch the page may switch (Chrome on Android has). */
  hasTorch() {
    const capabilities = this.track?.getCapabilities ? this.track.getCapabilities() : {};
    return Boolean(capabilities.torch);
  }

  async setTorch(on) {
    await this.track.applyConstraints({ advanced: [{ torch: on }] });
    this.torchOn = on;
  }

  /** The phone's cameras (labels may be empty; ids are enough to switch). */
  async cameras() {
    const devices = await navigator.mediaDevices.enumerateDevices();
    return devices.filter((device) => device.kind === "videoinput");
  }

  /** Scan with the phone's next camera instead; the torch goes off. */
  async switchCamera() {
    const cameras = await this.cameras();
    const current = this.track?.getSettings().deviceId;
    const index = cameras.findIndex((camera) => camera.deviceId === current);
    const next = cameras[(index + 1) % cameras.length];
    // Many phones open one camera at a time: let go of this one first.
    for (const track of this.stream.getTracks()) track.stop();
    try {
      this.stream = await openCamera(next.deviceId);
    } catch (error) {
      this.stream = await openCamera(current); // that camera is busy or refused: keep this one
    }
    this.torchOn = false;
    this.video.srcObject = this.stream;
    await this.video.play();
  }
}

/**
 * Start the camera in `video` and call onCode(text) for every new code seen; return the
 * Camera. `decoderFiles` are the worker's scripts (jsQR, the zxing-wasm reader,
 * decoder-worker.js) and the zxing reader's .wasm.
 */
export async function startScanning(video, decoderFiles, onCode) {
  // The decoder first: without it an open camera would read nothing.
  let detect;
  try {
    detect = await makeDetector(decoderFiles);
  } catch (error) {
    throw new CameraProblem("not_loaded");
  }
  const stream = await openCamera(null);
  video.srcObject = stream;
  await video.play();
  const camera = new Camera(video, stream);
  const lastSeen = new Map();

  const nextFrame = (callback) => {
    if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(callback);
    else requestAnimationFrame(callback);
  };

  const scanFrame = async () => {
    if (video.readyState >= 2 && video.videoWidth > 0) {
      let texts = [];
      try {
        texts = await detect(video);
      } catch (error) {
        texts = [];
      }
      const now = performance.now();
      for (const text of texts) {
        const seen = lastSeen.get(text);
        lastSeen.set(text, now);
        if (seen === undefined || now - seen > REPEAT_AFTER_MS) onCode(text);
      }
      for (const [code, seenAt] of lastSeen) {
        if (now - seenAt > REPEAT_AFTER_MS * 10) lastSeen.delete(code);
      }
    }
    nextFrame(scanFrame);
  };
  nextFrame(scanFrame);
  return camera;
}

/**
 * Show the torch button only where the camera has a torch and the switch only where the
 * phone has more than one camera; `say(key)` gives their labels (torch_on, torch_off,
 * switch_camera). Switching hides the torch button until the new camera says it has one.
 */
export async function bindCameraControls(camera, torchButton, switchButton, say) {
  const showTorch = () => {
    torchButton.hidden = !camera.hasTorch();
    // The label says what a tap does (no aria-pressed: a toggle's label must not change).
    torchButton.textContent = say(camera.torchOn ? "torch_off" : "torch_on");
  };
  torchButton.addEventListener("click", async () => {
    try {
      await camera.setTorch(!camera.torchOn);
    } catch (error) {
      torchButton.hidden = true; // the camera refused after all
      return;
    }
    showTorch();
  });
  switchButton.textContent = say("switch_camera");
  switchButton.addEventListener("click", async () => {
    switchButton.disabled = true;
    try {
      await camera.switchCamera();
    } finally {
      switchButton.disabled = false;
      showTorch();
    }
  });
  showTorch();
  switchButton.hidden = (await camera.cameras()).length < 2;
}
