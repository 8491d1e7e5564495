// Finding people by hand at the door: by name, typed in either alphabet (spelling.js), or
// by the start of their ticket code; whole parties are shown, to check in together.

import { element } from "./dom.js";
import { finds, searchWords, spelling } from "./spelling.js";

/** The most parties a look-up shows. */
export const LOOKUP_PARTIES = 15;

const spelt = new WeakMap(); // row → its name's spelling, made once per row

/**
 * The parties (each a list of its members, by id) with someone whose name has every
 * word of `query`, or whose ticket code starts with it (4 characters or more).
 */
export function findParties(rows, query, limit = LOOKUP_PARTIES) {
  const words = searchWords(query);
  if (!words.length) return [];
  const code = query.toUpperCase().replace(/[^A-Z0-9]/g, "");
  const all = [...rows];
  const parties = new Set();
  for (const row of all) {
    if (!spelt.has(row)) spelt.set(row, spelling(row.name));
    const byName = finds(spelt.get(row), words);
    const byCode = code.length >= 4 && row.ticket_code.replace("-", "").startsWith(code);
    if (byName || byCode) parties.add(row.party);
    if (parties.size >= limit) break;
  }
  return [...parties].map((party) =>
    all.filter((row) => row.party === party).sort((a, b) => a.id - b.id));
}

/**
 * Show `parties` in `results`: each member ticked unless here, cancelled or not of this
 * place, marked child or adult and "no photos" where the list says so; a button checks the ticked ones in
 * (or out), and anyone who came can be undone.
 * `place(row)` is the row's place at this door (null: did not choose it), `stateAt(row)`
 * its state there ({checked_in_at, left_at}).
 */
export function showParties(results, parties, { say, showTime, place, stateAt, onTicked, onUndo }) {
  results.replaceChildren();
  if (!parties.length) {
    results.append(element("p", {}, say("no_matches")));
    return;
  }
  for (const members of parties) {
    const list = element("ul", { className: "party-members" });
    for (const row of members) {
      const usable = row.status === "valid" && place(row);
      const state = place(row) ? stateAt(row) : { checked_in_at: null, left_at: null };
      const here = state.checked_in_at && !state.left_at;
      const status = row.status === "cancelled" ? say("cancelled_short")
        : here ? say("checked_in_at", { time: showTime(state.checked_in_at) })
          : state.left_at ? say("went_out_at", { time: showTime(state.left_at) })
            : say("not_yet_here");
      const box = element("input", {
        type: "checkbox", value: row.id,
        checked: usable && !here ? "" : false,
        disabled: usable ? false : "",
      });
      const mark = row.no_photos
        ? element("strong", { className: "no-photos" }, say("no_photos")) : null;
      const age = row.age_group === "child" || row.age_group === "adult"
        ? element("span", { className: `age-group age-group-${row.age_group}` }, say(row.age_group))
        : null;
      const item = element("li", {}, element("label", { className: "check" }, box, " ",
        element("bdi", {}, row.name), age ? " " : null, age, mark ? " " : null, mark, " ",
        element("span", { className: "meta" },
          element("span", { dir: "ltr" }, row.ticket_code), ` · ${status}`)));
      if (state.checked_in_at) {
        const undo = element("button", {
          type: "button", className: "link-button", "aria-label": `${say("undo")}: ${row.name}`,
        }, say("undo"));
        undo.addEventListener("click", () => onUndo(row.id));
        item.append(undo);
      }
      list.append(item);
    }
    const button = element("button", { type: "button", className: "primary" }, say("check_in_ticked"));
    button.addEventListener("click", () => {
      const ticked = [...list.querySelectorAll("input:checked:not(:disabled)")]
        .map((box) => Number(box.value));
      if (ticked.length) onTicked(ticked);
    });
    results.append(element("div", { className: "party" }, list, button));
  }
}
