// A scanned ticket's party on its answer: the other people of the same registration, each
// with child or adult and whether they are here, one tap each to check them in. A kiosk
// shows its own family's names the server sent with the answer, and no buttons.

import { element } from "./dom.js";

/** The other people of `result`'s party in the phone's list (by id order), valid or not. */
export function otherMembers(rows, result) {
  const party = result.attendee?.party;
  if (party === undefined || party === null) return [];
  return [...rows].filter((row) => row.party === party && row.id !== result.attendee.id)
    .sort((a, b) => a.id - b.id);
}

function ageText(say, ageGroup) {
  return ageGroup === "child" ? say("child") : ageGroup === "adult" ? say("adult") : "";
}

/**
 * A volunteer's list of the party in `container`: each member's name, age group and state,
 * and a "Check in" button for those who may come in and are not here.
 * `member(row)` answers {usable, here, status} for a row; `onCheckIn(row)` checks one in
 * and answers a promise (the list is drawn again after it).
 */
export function showPartyList(container, rows, { say, member, onCheckIn }) {
  const list = element("ul", { className: "party-list" });
  for (const row of rows) {
    const { usable, here, status } = member(row);
    const age = ageText(say, row.age_group);
    const item = element("li", { "data-attendee": row.id },
      element("span", { className: "party-name" }, element("bdi", {}, row.name)),
      age ? element("span", { className: `age-group age-group-${row.age_group}` }, age) : null,
      element("span", { className: "party-state" }, status));
    if (usable && !here) {
      const button = element("button", { type: "button", className: "party-check-in",
                                         "aria-label": `${say("check_in")}: ${row.name}` },
      say("check_in"));
      button.addEventListener("click", async () => {
        button.disabled = true;
        await onCheckIn(row);
      });
      item.append(button);
    }
    list.append(item);
  }
  container.replaceChildren(list);
}

/** A kiosk's welcome: its party's names (from the server's answer) and who is in. */
export function showKioskParty(container, members, { say }) {
  const list = element("ul", { className: "party-list" });
  for (const member of members) {
    const age = ageText(say, member.age_group);
    list.append(element("li", {},
      element("span", { className: "party-name" }, element("bdi", {}, member.name)),
      age ? element("span", { className: `age-group age-group-${member.age_group}` }, age) : null,
      element("span", { className: "party-state" },
        member.checked_in_at ? say("kiosk_in") : say("kiosk_not_yet"))));
  }
  container.replaceChildren(list);
}
