/**
 * Confusable skeletons of names: two names with the same skeleton look alike
 * to a reader, so a customer may not take a nickname whose skeleton is an
 * agent's. A small, fixed version of Unicode's confusables idea (UTS #39):
 * enough for the Cyrillic, Greek and digit look-alikes of Latin letters that
 * impersonation uses, linear in the name's length.
 * @module
 */

/**
 * Letters that render like a Latin letter, mapped case by case before case
 * folding: capital Greek Eta looks like H, small eta like n.
 */
const HOMOGLYPHS: Readonly<Record<string, string>> = {
  // Cyrillic capitals
  А: "A", В: "B", Е: "E", Ѕ: "S", І: "I", Ј: "J", К: "K", М: "M", Н: "H", О: "O", Р: "P", С: "C", Т: "T", Х: "X", У: "Y", Ү: "Y", Ԛ: "Q", Ԝ: "W", Һ: "H", Ӏ: "l",
  // Cyrillic small letters
  а: "a", в: "b", е: "e", ѕ: "s", і: "i", ј: "j", к: "k", м: "m", н: "h", о: "o", р: "p", с: "c", т: "t", х: "x", у: "y", ү: "y", ԛ: "q", ԝ: "w", һ: "h", ԁ: "d", ɡ: "g", ь: "b", п: "n", г: "r", ӏ: "l",
  // Greek capitals
  Α: "A", Β: "B", Ε: "E", Ζ: "Z", Η: "H", Ι: "I", Κ: "K", Μ: "M", Ν: "N", Ο: "O", Ρ: "P", Τ: "T", Υ: "Y", Χ: "X",
  // Greek small letters
  α: "a", β: "b", γ: "y", ε: "e", η: "n", ι: "i", κ: "k", ν: "v", ο: "o", ρ: "p", τ: "t", υ: "u", χ: "x", ω: "w", ϲ: "c", ϳ: "j",
};

/** After case folding: characters read as another Latin letter (digits and bars for o, l, …). */
const LATIN_LOOKALIKES: Readonly<Record<string, string>> = {
  "0": "o", "1": "l", i: "l", "|": "l", "!": "l", "3": "e", "5": "s", "$": "s", "@": "a", "8": "b",
};

/** Spacing and joining punctuation a reader skips over when reading a name. */
const IGNORED = /[\s._\-·'’`"]/gu;
const MARKS = /\p{M}/gu;

/**
 * The skeleton of a name: NFKC (full-width and styled letters become plain
 * ones), homoglyphs mapped to Latin, case-folded, accents dropped, digit and
 * letter look-alikes merged (`rn` reads as `m`, `vv` as `w`), spacing ignored.
 */
export function skeleton(name: string): string {
  let mapped = "";
  for (const char of name.normalize("NFKC")) mapped += HOMOGLYPHS[char] ?? char;
  let folded = "";
  for (const char of mapped.toLowerCase().normalize("NFD").replace(MARKS, "").replace(IGNORED, "")) {
    folded += LATIN_LOOKALIKES[char] ?? char;
  }
  return folded.replaceAll("rn", "m").replaceAll("vv", "w");
}
