// Codes typed on a keyboard, or sent by a keyboard-wedge barcode scanner (it types the
// QR code's text and Enter): understood as a scan when no text field has the focus (a tick
// box or a button may), or in the search field. Keys are read by their place on the keyboard (event.code), so a phone or
// laptop set to a Cyrillic layout still reads a ticket's Latin letters and digits.

/** After this long without a key, what was typed before is forgotten (ms). */
const FORGET_AFTER_MS = 5000;

function characterOf(event) {
  const letter = /^Key([A-Z])$/.exec(event.code || "");
  if (letter) return letter[1];
  const digit = /^(?:Digit|Numpad)([0-9])$/.exec(event.code || "");
  if (digit) return digit[1];
  if (event.code === "Minus" || event.code === "NumpadSubtract") return "-";
  return event.key && event.key.length === 1 ? event.key.toUpperCase() : "";
}

/** Boxes and buttons take no text: keys sent while one has the focus are a code too. */
const NO_TEXT = new Set(["checkbox", "radio", "button", "submit", "reset", "file", "range",
                         "color"]);

function typingElsewhere(target, searchField) {
  if (!target || target === searchField || !target.closest) return false;
  if (target.closest("textarea, select, [contenteditable=''], [contenteditable=true]")) return true;
  return target.tagName === "INPUT" && !NO_TEXT.has(target.type);
}

/**
 * Call `onTyped(text, { inSearch })` for what is typed and ended with Enter, outside
 * fields or in `searchField` (`inSearch`), when `isCode(text, { inSearch })` says it is a
 * code (a ticket's QR token or ticket code); the search field is then emptied. Anything
 * else is left alone.
 */
export function listenForTypedCodes({ searchField, isCode, onTyped, now = () => Date.now() }) {
  let typed = "";
  let lastKeyAt = 0;
  document.addEventListener("keydown", (event) => {
    if (typingElsewhere(event.target, searchField)) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (now() - lastKeyAt > FORGET_AFTER_MS) typed = "";
    lastKeyAt = now();
    if (event.key === "Enter") {
      const text = typed.trim();
      typed = "";
      const where = { inSearch: event.target === searchField };
      if (!isCode(text, where)) return;
      event.preventDefault();
      if (where.inSearch) {
        searchField.value = "";
        searchField.dispatchEvent(new Event("input"));
      }
      onTyped(text, where);
      return;
    }
    if (event.key === "Backspace") typed = typed.slice(0, -1);
    else typed += characterOf(event);
  });
}
