// The note for the door ("needs an interpreter") with a scan's answer: the server's, or,
// for an answer the phone decided offline, the one in its downloaded list. Only this
// event's doors get notes (GET /api/v1/door/attendees, POST /api/v1/checkins `note`).

/** The note to show with `result`; `rows` are the phone's list rows by attendee id. */
export function noteFor(result, rows) {
  if (!result?.attendee) return "";
  if (typeof result.note === "string") return result.note; // the server's, the newest
  return rows?.get(result.attendee.id)?.note || "";
}

/** Show `note` in the answer panel (its `.result-note`), or hide it. */
export function showNote(panel, note, say) {
  const box = panel.querySelector(".result-note");
  if (!box) return;
  box.hidden = !note;
  box.querySelector(".result-note-label").textContent = note ? say("note") : "";
  box.querySelector(".result-note-text").textContent = note || "";
  panel.dataset.note = note || "";
}
