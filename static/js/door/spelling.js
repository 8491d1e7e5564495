// How the door's look-up finds a name typed in either alphabet: names and what the
// volunteer types are reduced to one Latin spelling, so that "kovalenko" finds
// "Коваленко", "Honcharenko" finds "Гончаренко" and "Daryna" finds "Дарина".
//
// The same spelling as `spelling` in eventreg/registrations/search.py (the server's search);
// both are held to one table of cases, tests/cases/spelling.json. Change them together.

// Bulgarian and Ukrainian letters in Latin (after accents are taken off й and ї).
export const LATIN = Object.freeze({
  а: "a", б: "b", в: "v", г: "g", ґ: "g", д: "d", е: "e", є: "ie", ж: "zh", з: "z", и: "i",
  і: "i", к: "k", л: "l", м: "m", н: "n", о: "o", п: "p", р: "r", с: "s", т: "t", у: "u",
  ф: "f", х: "h", ц: "ts", ч: "ch", ш: "sh", щ: "sht", ъ: "a", ы: "i", ь: "", э: "e",
  ю: "iu", я: "ia", "'": "", "’": "",
});

const FOLDS = [
  [/shch/g, "sht"],
  [/c(?!h)/g, "ts"],
  [/kh/g, "h"], // х
  [/(?<![zcs])h/g, "g"], // Ukrainian г is written h, х is h or kh: one letter
  [/[yj]/g, "i"],
  [/(.)\1+/gu, "$1"],
];

/** The text as compared: no accents or case, in one Latin spelling, spaces single. */
export function spelling(text) {
  // toLowerCase, not toLocaleLowerCase: a phone set to Turkish would make "I" a dotless ı.
  const plain = text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  let latin = [...plain].map((letter) => LATIN[letter] ?? letter).join("");
  for (const [pattern, replacement] of FOLDS) latin = latin.replace(pattern, replacement);
  return latin.split(/\s+/).filter(Boolean).join(" ");
}

/** A word that may be a ticket code typed without its dash (XWKQLZT3BM for XWKQL-ZT3BM). */
const CODE_WITHOUT_DASH = /^([a-z0-9]{5})([a-z0-9]{5})$/i;

/**
 * The words a search must all find, each as the spellings any of which will do: ten
 * letters and digits also as a ticket code written with its dash (a name or a phone
 * number is still found as typed).
 */
export function searchWords(query) {
  return query.split(/\s+/).filter(Boolean).map((typed) => [...new Set(
    [typed, typed.replace(CODE_WITHOUT_DASH, "$1-$2")].map(spelling).filter(Boolean))])
    .filter((forms) => forms.length);
}

/** Whether the spelt `text` holds every word, in one of its spellings. */
export function finds(text, words) {
  return words.every((forms) => forms.some((form) => text.includes(form)));
}
