// The answer to a scan, full screen over the camera and the buttons, so it is read at a
// glance in any language at 360 px: one answer at a time, always the newest. It goes back
// to "ready" by itself (sooner for a welcome than for a refusal, which needs a second
// look), or at once with a tap; while the volunteer works in it (a party's list) it waits.

/** How long an answer stays, by tone (ms). */
export const SHOWN_FOR_MS = Object.freeze({ ok: 3500, warn: 7000, bad: 7000 });
/** At a kiosk a family reads its party's names: a little longer. */
export const KIOSK_SHOWN_FOR_MS = Object.freeze({ ok: 6000, warn: 9000, bad: 9000 });

/**
 * What an answer shows besides its title and detail, each (result, container) => void,
 * called in order every time an answer is drawn (scanner.js adds the scanned ticket's
 * party). Other parts of the door add theirs here (a note for the door, a pick-up code, an
 * override), so that every answer, live or offline, shows them in one place.
 */
export const answerExtras = [];

export class AnswerPanel {
  /**
   * `panel` is the #result element; `showFor` the times by tone (tests shorten them);
   * `onReady()` is told when it went back to ready.
   */
  constructor(panel, { showFor = SHOWN_FOR_MS, onReady = () => {} } = {}) {
    this.panel = panel;
    this.showFor = showFor;
    this.onReady = onReady;
    this.readyTitle = panel.querySelector(".result-title").textContent;
    /** Which answer is on show (a number that only grows), 0 for none. */
    this.current = 0;
    this.shown = 0;
    this.timer = null;
    this.held = false;
    // What the volunteer opens in an answer (an override's reasons, the party) is fitted too.
    new MutationObserver(() => {
      if (this.current) this.fit();
    }).observe(panel, { childList: true, subtree: true });
    panel.addEventListener("click", (event) => {
      // A tap on the answer dismisses it; its own buttons and fields do what they say.
      if (event.target.closest("button, a, input, label, select, textarea")) return;
      if (this.current) this.dismiss();
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.current) this.dismiss();
    });
  }

  /** Put a new answer on show with `tone`; `fill(panel)` writes it. Answers its number. */
  show(tone, fill) {
    this.shown += 1;
    this.current = this.shown;
    this.held = false;
    this.panel.className = `result result-${tone} is-answer`;
    this.panel.dataset.state = "answer";
    fill(this.panel);
    this.fit();
    this.restartTimer(tone);
    return this.current;
  }

  /** An answer too long for the screen (a long note for the door, in a long language) is
   * drawn smaller, so that all of it and its choices are in sight. */
  fit() {
    this.panel.classList.remove("is-long");
    if (this.panel.scrollHeight > this.panel.clientHeight) this.panel.classList.add("is-long");
  }

  /**
   * Write answer `number` again (the server's answer to it came), if it is still on show;
   * while held (the volunteer works in it) only when `force`d (the answer changed).
   */
  replace(number, tone, fill, { force = false } = {}) {
    if (number !== this.current) return false;
    if (this.held && !force) return true;
    this.held = false;
    this.panel.className = `result result-${tone} is-answer`;
    fill(this.panel);
    this.fit();
    this.restartTimer(tone);
    return true;
  }

  isShowing(number) {
    return number !== 0 && number === this.current;
  }

  /** Keep the answer on show until dismissed (the volunteer is working in it). */
  hold() {
    this.held = true;
    clearTimeout(this.timer);
  }

  restartTimer(tone) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.dismiss(), this.showFor[tone] ?? this.showFor.bad);
  }

  /** Back to ready: the camera and the buttons again. */
  dismiss() {
    clearTimeout(this.timer);
    this.current = 0;
    this.held = false;
    this.panel.className = "result result-idle";
    this.panel.dataset.state = "ready";
    this.panel.querySelector(".result-title").textContent = this.readyTitle;
    this.panel.querySelector(".result-detail").textContent = "";
    for (const part of this.panel.querySelectorAll("[data-answer-part]")) {
      part.replaceChildren();
      part.hidden = true;
    }
    this.panel.querySelector(".result-photos").hidden = true;
    this.onReady();
  }
}
