// Decodes QR codes off the page's main thread. camera.js runs this file together with the
// vendored jsQR (static/vendor/jsqr) as one script, so the worker needs nothing from the
// network: it works offline whether or not the service worker serves worker scripts.
// Receives {width, height, pixels: ArrayBuffer of RGBA}; answers {text} or {text: null}.
/* global jsQR */

self.onmessage = (message) => {
  const { width, height, pixels } = message.data;
  const found = jsQR(new Uint8ClampedArray(pixels), width, height, {
    inversionAttempts: "dontInvert",
  });
  self.postMessage({ text: found ? found.data : null });
};
