// The note for the door ("needs an interpreter") with a scan's answer: the server's, or,
// for an answer the phone decided offline, the one in its downloaded list. Only this
// event's doors get notes (GET /api/v1/door/attendees, POST /api/v1/checkins `note`), and
// a kiosk none.

import { element } from "./dom.js";

/** The note to show with `result`; `rows` are the phone's list rows by attendee id. */
export function noteFor(result, rows) {
  if (!result?.attendee) return "";
  if (typeof result.note === "string") return result.note; // the server's, the newest
  return rows?.get(result.attendee.id)?.note || "";
}

/** An answer extra (answer.js's answerExtras): the note, prominent, under the answer.
 * `rows()` answers the phone's list rows by attendee id. */
export function noteExtra({ say, rows }) {
  return (result, extras) => {
    const note = noteFor(result, rows());
    if (!note) return;
    extras.append(element("p", { className: "result-note" },
      element("strong", { className: "result-note-label" }, say("note")), " ",
      element("span", { className: "result-note-text own-direction" }, note)));
  };
}
