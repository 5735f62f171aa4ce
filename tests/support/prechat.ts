/** A pre-chat form the tests set on a queue: a nickname, a contract number with a pattern, a select, a hidden note, a box to tick and consent. @module */
import type { PrechatForm } from "@parley/protocol";

export const TEST_FORM: PrechatForm = {
  fields: [
    { key: "intro", kind: "info", mandatory: false, pattern: null, options: [], agentVisible: true, labels: { en: "Tell us who you are.", fr: "Dites-nous qui vous êtes." } },
    { key: "nickname", kind: "nickname", mandatory: true, pattern: null, options: [], agentVisible: true, labels: { en: "Your name", fr: "Votre nom" } },
    { key: "contract", kind: "name", mandatory: true, pattern: "C-[0-9]{6}", options: [], agentVisible: true, labels: { en: "Contract number", fr: "Numéro de contrat" } },
    {
      key: "topic",
      kind: "select",
      mandatory: true,
      pattern: null,
      options: [
        { value: "billing", labels: { en: "Billing", fr: "Facturation" } },
        { value: "tech", labels: { en: "Technical", fr: "Technique" } },
      ],
      agentVisible: true,
      labels: { en: "Topic", fr: "Sujet" },
    },
    { key: "birthday", kind: "date", mandatory: false, pattern: null, options: [], agentVisible: false, labels: { en: "Birthday", fr: "Anniversaire" } },
    { key: "newsletter", kind: "checkbox", mandatory: false, pattern: null, options: [], agentVisible: true, labels: { en: "Send me news", fr: "Envoyez-moi des nouvelles" } },
  ],
  consent: { privacyUrl: "https://example.com/privacy", labels: { en: "I agree to the privacy policy", fr: "J'accepte la politique de confidentialité" } },
};
