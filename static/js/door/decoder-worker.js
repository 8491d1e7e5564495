// Decodes QR codes off the page's main thread. camera.js runs this file together with the
// vendored jsQR (static/vendor/jsqr) and the zxing-wasm reader's script
// (static/vendor/zxing-wasm) as one script, so the worker needs nothing from the network.
//
// ZXing-C++ (WebAssembly) reads what phone cameras really see (dim, noisy, small, tilted,
// several codes at once) far better than jsQR, but its .wasm weighs about 400 KB gzipped:
// the page fetches it after the camera started (through the service worker, so offline too)
// and hands it over with {wasm: ArrayBuffer}. Until it is ready, or where WebAssembly is
// missing or refused, jsQR decodes.
//
// Receives {width, height, pixels: ArrayBuffer of RGBA}; answers {texts: [...]} (maybe
// empty). Receives {wasm}; answers {decoder: "zxing"} once ready or {decoder: "jsqr"} if
// the .wasm cannot be used.
/* global jsQR, ZXingWASM */

const ZXING_OPTIONS = {
  formats: ["QRCode"],
  tryHarder: true,
  tryRotate: false, // QR finder patterns are found at any angle without it
  tryInvert: false, // tickets are dark on light; inverting doubles the work
  tryDownscale: true,
  tryDenoise: true, // dim, noisy frames (an evening tent, a screen at low brightness)
  maxNumberOfSymbols: 4, // a family's tickets held up together
};

let zxingReady = false;

function prepareZxing(wasmBinary) {
  if (typeof ZXingWASM === "undefined" || typeof WebAssembly === "undefined") {
    self.postMessage({ decoder: "jsqr" });
    return;
  }
  ZXingWASM.prepareZXingModule({ overrides: { wasmBinary }, fireImmediately: true })
    .then(() => {
      zxingReady = true;
      self.postMessage({ decoder: "zxing" });
    })
    .catch(() => self.postMessage({ decoder: "jsqr" }));
}

async function readWithZxing(width, height, pixels) {
  try {
    const results = await ZXingWASM.readBarcodes(new ImageData(pixels, width, height),
      ZXING_OPTIONS);
    return results.filter((result) => result.isValid && result.text).map((result) => result.text);
  } catch (error) {
    return [];
  }
}

function readWithJsqr(width, height, pixels) {
  const found = jsQR(pixels, width, height, { inversionAttempts: "dontInvert" });
  return found ? [found.data] : [];
}

self.onmessage = async (message) => {
  if (message.data.wasm) {
    prepareZxing(message.data.wasm);
    return;
  }
  const { width, height } = message.data;
  const pixels = new Uint8ClampedArray(message.data.pixels);
  const texts = zxingReady
    ? await readWithZxing(width, height, pixels)
    : readWithJsqr(width, height, pixels);
  self.postMessage({ texts });
};
