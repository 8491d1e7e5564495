// The phone's name spelling (static/js/door/spelling.js) on the table the server's spelling
// is held to (tests/cases/spelling.json; tests/registrations/test_search.py).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { finds as findsIn, searchWords, spelling } from "../../static/js/door/spelling.js";

const TABLE = JSON.parse(readFileSync(new URL("../cases/spelling.json", import.meta.url)));

const finds = (name, typed) => findsIn(spelling(name), searchWords(typed));

for (const { text, spelling: expected } of TABLE.spellings) {
  test(`${JSON.stringify(text)} is spelt ${JSON.stringify(expected)}`, () => {
    assert.equal(spelling(text), expected);
  });
}

for (const { name, typed } of TABLE.meet) {
  test(`${JSON.stringify(typed)} finds ${JSON.stringify(name)}`, () => {
    assert.ok(finds(name, typed));
  });
}

for (const { name, typed } of TABLE.miss) {
  test(`${JSON.stringify(typed)} does not find ${JSON.stringify(name)}`, () => {
    assert.ok(!finds(name, typed));
  });
}
