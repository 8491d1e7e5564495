// The scanner's choices after an answer (the door's rule decides, rules.js): let a person
// in despite an amber or red answer that allows it, with a reason from the short list (a
// recorded override); give the reason an undo from another door or after the undo window
// needs; and, once the door link has expired, send or discard the scans the phone holds.
// The choices are drawn into the answer itself (answer.js's answerExtras, not at a kiosk:
// nobody there may override); the page (scanner.js) calls `renderHeld` on each render.

import { element } from "./dom.js";
import { CHECK_IN, OVERRIDABLE, OVERRIDE_REASONS, UNDO_REASONS } from "./rules.js";

/**
 * Set the choices up. `extra(result, container)` draws them into an answer (answer.js's
 * answerExtras); `renderHeld()` draws the held scans below `problem` (the door link's
 * problem). `scan(fields)` sends or decides a scan as the page does and shows its answer;
 * `hold()` keeps the answer on show while the volunteer chooses; `door` is the DoorState;
 * `render()` redraws the page; `showTime(iso)` writes a time.
 */
export function setUpDoorChoices({ say, problem, scan, hold, door, render, showTime,
                                   confirm = (text) => window.confirm(text) }) {
  const held = element("section", { id: "held-scans", className: "held-scans", role: "status",
                                    hidden: true });
  problem.after(held);
  let heldNote = "";

  function choose(box, legend, reasons, prefix, cancelText, chosen) {
    hold();
    const buttons = reasons.map((code) => {
      const button = element("button", { type: "button", className: "reason",
                                         "data-reason": code }, say(`${prefix}${code}`));
      button.addEventListener("click", () => chosen(code));
      return button;
    });
    const cancel = element("button", { type: "button", className: "link-button" }, cancelText);
    cancel.addEventListener("click", () => box.replaceChildren());
    box.replaceChildren(element("fieldset", { className: "reasons" },
                                element("legend", {}, legend), ...buttons), cancel);
    buttons[0].focus();
  }

  /** What the volunteer may do about `result`, drawn into its answer. */
  function extra(result, container) {
    const box = element("div", { id: "door-choice", className: "door-choice" });
    const person = result.attendee
      ? { attendee_id: result.attendee.id, ...(result.activity ? { activity: result.activity } : {}) }
      : null;
    if (result.flag === "overridden") {
      box.append(element("p", { className: "overridden" }, say("overridden", {
        reason: say(`override_reason_${result.reason}`) })));
    }
    if (result.status === "too_early") {
      const startsAt = door.list.doorRules.activityStarts.get(result.activity);
      if (startsAt) {
        box.append(element("p", {}, say("too_early_detail", {
          time: showTime(new Date(startsAt).toISOString()) })));
      }
    }
    if (person && result.action === CHECK_IN && OVERRIDABLE.has(result.status)) {
      const letIn = element("button", { type: "button", className: "let-in" }, say("let_in"));
      letIn.addEventListener("click", () => choose(
        box, say("let_in_why"), OVERRIDE_REASONS, "override_reason_", say("cancel_choice"),
        (code) => scan({ ...person, action: CHECK_IN, override: code })));
      box.append(letIn);
    }
    if (person && result.status === "undo_needs_reason") {
      const why = element("button", { type: "button", className: "let-in" },
                          say("choose_reason"));
      why.addEventListener("click", () => choose(
        box, say("undo_why"), UNDO_REASONS, "undo_reason_", say("cancel_undo"),
        (code) => scan({ ...person, action: "undo", reason: code })));
      box.append(why);
    }
    if (box.childElementCount) container.append(box);
  }

  /** The scans an expired link still holds: how many, Send, Discard. */
  function renderHeld() {
    const count = door.heldScans;
    held.dataset.held = String(count);
    if (!count && !heldNote) {
      held.hidden = true;
      return;
    }
    const parts = [];
    if (count) {
      const send = element("button", { type: "button", className: "primary", id: "send-held" },
                           say("send_held"));
      const discard = element("button", { type: "button", className: "danger",
                                          id: "discard-held" }, say("discard_held"));
      send.addEventListener("click", async () => {
        send.disabled = discard.disabled = true;
        const outcome = await door.sendHeld();
        heldNote = say({ sent: "held_sent", too_late: "held_too_late" }[outcome]
                       ?? "no_connection");
        render();
      });
      discard.addEventListener("click", async () => {
        if (!confirm(say("discard_confirm"))) return;
        await door.discardHeld();
        heldNote = say("held_discarded");
        render();
      });
      parts.push(element("p", {}, say("held_scans", { count })),
                 element("p", { className: "held-buttons" }, send, " ", discard));
    }
    if (heldNote) parts.push(element("p", { className: "held-note" }, heldNote));
    held.replaceChildren(...parts);
    held.hidden = false;
  }

  return { extra, renderHeld };
}
