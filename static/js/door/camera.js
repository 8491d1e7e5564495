// The camera: find QR codes in the video and report each new one once.
//
// Uses the browser's BarcodeDetector where it exists, otherwise jsQR in a Web Worker.
// A code that stays in front of the camera is reported once; it is reported again only
// after it has been out of sight for REPEAT_AFTER_MS (a glare of a second does not count).

const REPEAT_AFTER_MS = 3000;
// Larger frames decode blurred codes worse and slower (measured with jsQR 1.4).
const MAX_SIDE = 480;

async function startDecoderWorker(scriptUrls) {
  const sources = await Promise.all(scriptUrls.map((url) => fetch(url).then((r) => r.text())));
  const script = new Blob([sources.join("\n;\n")], { type: "text/javascript" });
  return new Worker(URL.createObjectURL(script));
}

async function makeDetector(workerScripts) {
  if ("BarcodeDetector" in window) {
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats.includes("qr_code")) {
        const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return async (video) => {
          const codes = await detector.detect(video);
          return codes.length ? codes[0].rawValue : null;
        };
      }
    } catch (error) {
      // Fall through to jsQR.
    }
  }
  const worker = await startDecoderWorker(workerScripts);
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return (video) => new Promise((resolve) => {
    const scale = Math.min(1, MAX_SIDE / Math.max(video.videoWidth, video.videoHeight));
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const frame = context.getImageData(0, 0, canvas.width, canvas.height);
    worker.onmessage = (message) => resolve(message.data.text);
    worker.postMessage(
      { width: frame.width, height: frame.height, pixels: frame.data.buffer },
      [frame.data.buffer],
    );
  });
}

export class CameraProblem extends Error {
  constructor(kind) {
    super(kind);
    this.kind = kind; // "denied" or "missing"
  }
}

/**
 * Start the camera in `video` and call onCode(text) for every new code seen.
 * `workerScripts` are jsQR and decoder-worker.js, run together as the decoding worker.
 */
export async function startScanning(video, workerScripts, onCode) {
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: "environment", width: { ideal: 1280 }, height: { ideal: 720 } },
    });
  } catch (error) {
    const missing = error && (error.name === "NotFoundError" || error.name === "OverconstrainedError");
    throw new CameraProblem(missing ? "missing" : "denied");
  }
  video.srcObject = stream;
  await video.play();
  const detect = await makeDetector(workerScripts);
  const lastSeen = new Map();

  const nextFrame = (callback) => {
    if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(callback);
    else requestAnimationFrame(callback);
  };

  const scanFrame = async () => {
    if (video.readyState >= 2 && video.videoWidth > 0) {
      let text = null;
      try {
        text = await detect(video);
      } catch (error) {
        text = null;
      }
      const now = performance.now();
      if (text) {
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
  return stream;
}
