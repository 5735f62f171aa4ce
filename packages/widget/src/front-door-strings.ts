/** The words of the offline form, the survey and the transcript download, by language (English when missing). @module */
import type { Language } from "./i18n.js";

const en = {
  offlineTitle: "We are away right now",
  offlineClosed: "Our team is not available at the moment. Leave us a message and we will answer by e-mail.",
  offlineName: "Your name",
  offlineEmail: "Your e-mail",
  offlineMessage: "Your message",
  offlineConsent: "I agree to be contacted about my message, as the privacy policy describes.",
  offlinePrivacy: "Privacy policy",
  offlineSend: "Send the message",
  offlineSending: "Sending…",
  offlineSent: "Thank you! Your message was sent; we will answer by e-mail.",
  offlineEmailInvalid: "Please enter a valid e-mail address.",
  offlineFailed: "The message could not be sent ({code}). Please try again.",
  surveyTitle: "How was this chat?",
  surveyRating: "Your rating, from {min} (worst) to {max} (best)",
  surveyComment: "A comment (optional)",
  surveyOptional: "(optional)",
  surveySend: "Send the rating",
  surveyThanks: "Thank you for your feedback!",
  surveyExpired: "The time to rate this chat has passed.",
  surveyFailed: "The rating could not be sent ({code}).",
  surveyPick: "Please choose a rating.",
  transcript: "Download the transcript",
  transcriptFailed: "The transcript could not be downloaded ({code}).",
};

export type FrontDoorStrings = { readonly [K in keyof typeof en]: string };

const fr: FrontDoorStrings = {
  offlineTitle: "Nous sommes absents pour le moment",
  offlineClosed: "Notre équipe n'est pas disponible pour le moment. Laissez-nous un message, nous vous répondrons par e-mail.",
  offlineName: "Votre nom",
  offlineEmail: "Votre e-mail",
  offlineMessage: "Votre message",
  offlineConsent: "J'accepte d'être contacté au sujet de mon message, comme le décrit la politique de confidentialité.",
  offlinePrivacy: "Politique de confidentialité",
  offlineSend: "Envoyer le message",
  offlineSending: "Envoi…",
  offlineSent: "Merci ! Votre message a été envoyé ; nous vous répondrons par e-mail.",
  offlineEmailInvalid: "Veuillez indiquer une adresse e-mail valide.",
  offlineFailed: "Le message n'a pas pu être envoyé ({code}). Veuillez réessayer.",
  surveyTitle: "Comment s'est passée cette discussion ?",
  surveyRating: "Votre note, de {min} (la pire) à {max} (la meilleure)",
  surveyComment: "Un commentaire (facultatif)",
  surveyOptional: "(facultatif)",
  surveySend: "Envoyer la note",
  surveyThanks: "Merci pour votre avis !",
  surveyExpired: "Le délai pour noter cette discussion est passé.",
  surveyFailed: "La note n'a pas pu être envoyée ({code}).",
  surveyPick: "Veuillez choisir une note.",
  transcript: "Télécharger la transcription",
  transcriptFailed: "La transcription n'a pas pu être téléchargée ({code}).",
};

const BY_LANGUAGE: Partial<Record<string, FrontDoorStrings>> = { en, fr };

/** The strings of `language`, English when it has none of its own yet. */
export function frontDoorStrings(language: Language | string): FrontDoorStrings {
  return BY_LANGUAGE[language] ?? en;
}
