/**
 * The widget's words (packages/widget/src/i18n.ts) and its front door's
 * (front-door-strings.ts) in each of its six languages: every language has
 * every key, none left empty or in English by mistake, and each keeps the
 * placeholders (`{name}`) the English text has, so nothing is shown unfilled.
 */
import { describe, expect, it } from "vitest";
import { FRONT_DOOR_LANGUAGES } from "../packages/widget/src/front-door-strings.js";
import { LANGUAGES } from "../packages/widget/src/i18n.js";

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!).sort();

describe.each([
  ["the widget", LANGUAGES as Record<string, Record<string, string>>],
  ["the front door", FRONT_DOOR_LANGUAGES as Record<string, Record<string, string>>],
])("%s's words", (_name, byLanguage) => {
  it("exist in English, French, Italian, Spanish, German and Portuguese", () => {
    expect(Object.keys(byLanguage).sort()).toEqual(["de", "en", "es", "fr", "it", "pt"]);
  });

  it.each(["fr", "it", "es", "de", "pt"])("in %s: every key, not empty, the same placeholders as in English", (language) => {
    const en = byLanguage.en!;
    const own = byLanguage[language]!;
    expect(Object.keys(own).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      expect(own[key]!.trim(), `${language}.${key}`).not.toBe("");
      expect(placeholders(own[key]!), `${language}.${key}`).toEqual(placeholders(text));
    }
    // Translated, not copied: most sentences differ from the English ones.
    const same = Object.keys(en).filter((key) => own[key] === en[key]);
    expect(same.length, `${language} keeps in English: ${same.join(", ")}`).toBeLessThan(Object.keys(en).length / 4);
  });
});
