// Registering people at the door: the walk-in form (one fieldset per person) and sending
// it. The server decides whether places are left, so it needs a connection.

const $ = (id) => document.getElementById(id);

/**
 * Make the walk-in form work. `unavailable()` says why it cannot be sent now (offline,
 * the door link refused) or null; `send(body)` posts it (POST /api/v1/door/walk-ins) and
 * answers {status, body}, or throws; `failed(error)` says what went wrong in words;
 * `registered(results)` shows the check-ins the server made; `refused()` is told when the
 * form shows why it was not sent (a scan's answer on show is older: it goes).
 */
export function setUpWalkIns({ say, language, unavailable, send, failed, registered,
                               refused = () => {} }) {
  const form = $("walk-in-form");
  const people = $("walk-in-people");

  function addPerson() {
    const number = people.children.length + 1;
    const person = $("walk-in-person").content.firstElementChild.cloneNode(true);
    person.querySelector("legend").textContent = say("person", { number });
    for (const input of person.querySelectorAll("input[name=age_group], input[name=sex]")) {
      input.name = `${input.name}-${number}`;
    }
    people.append(person);
    $("walk-in-remove").hidden = people.children.length < 2;
    person.querySelector("input[name=name]").focus();
  }

  function removePerson() {
    if (people.children.length > 1) people.lastElementChild.remove();
    $("walk-in-remove").hidden = people.children.length < 2;
    people.lastElementChild.querySelector("input[name=name]").focus();
  }

  function showError(text) {
    const error = $("walk-in-error");
    error.textContent = text;
    error.hidden = !text;
    if (text) refused();
  }

  function attendees() {
    return [...people.children].map((person) => {
      const entry = { name: person.querySelector("input[name=name]").value.trim() };
      const age = person.querySelector("input[name^=age_group]:checked");
      if (age) entry.age_group = age.value;
      const sex = person.querySelector("input[name^=sex]:checked");
      if (sex) entry.sex = sex.value;
      const year = person.querySelector("input[name=birth_year]");
      if (year) entry.birth_year = year.value ? Number(year.value) : null;
      entry.activities = [...person.querySelectorAll("input[name=activities]:checked")]
        .map((box) => Number(box.value));
      // No optional consent is asked at the door, so none is given: at an event that asks
      // photo consent the person is marked "no photos" (eventreg/consents/service.py).
      return entry;
    });
  }

  async function register(event) {
    event.preventDefault();
    const entered = attendees();
    const why = unavailable();
    if (why) return showError(why);
    if (entered.some((person) => !person.name)) return showError(say("walk_in_names"));
    if (!$("walk-in-consent").checked) return showError(say("walk_in_consent"));
    // The same id until it succeeds, so pressing the button again never registers twice.
    form.dataset.clientId = form.dataset.clientId || crypto.randomUUID();
    let answer;
    try {
      answer = await send({ client_id: form.dataset.clientId, consent: true, language,
                            attendees: entered });
    } catch (error) {
      return showError(failed(error));
    }
    const { status, body } = answer;
    if (status !== 201) {
      return showError([body.message, ...Object.values(body.fields || {})].join(" "));
    }
    showError("");
    delete form.dataset.clientId;
    form.reset();
    people.replaceChildren();
    addPerson();
    await registered(body.results);
  }

  $("walk-in-add").addEventListener("click", addPerson);
  $("walk-in-remove").addEventListener("click", removePerson);
  form.addEventListener("submit", register);
  addPerson();
}
