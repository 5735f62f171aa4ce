/** The words of the pre-chat form around the admin's own labels, by language (English when missing). @module */
import type { PrechatProblem } from "@parley/protocol";
import type { Language } from "./i18n.js";

type Messages = Record<PrechatProblem["problem"], string> & { privacy: string; choose: string; mandatory: string; invalid: string };

const en: Messages = {
  required: "This field is required.",
  pattern: "This does not have the expected format.",
  tooLong: "This is too long.",
  notAnOption: "Please choose one of the options.",
  email: "Please enter a valid e-mail address.",
  phone: "Please enter a valid phone number.",
  date: "Please enter a valid date.",
  type: "This answer is not valid.",
  unknown: "This answer is not expected.",
  privacy: "Privacy policy",
  choose: "Choose…",
  mandatory: "(required)",
  invalid: "Please check the fields marked below.",
};

const fr: Messages = {
  required: "Ce champ est obligatoire.",
  pattern: "Ce n'est pas au format attendu.",
  tooLong: "C'est trop long.",
  notAnOption: "Veuillez choisir l'une des options.",
  email: "Veuillez indiquer une adresse e-mail valide.",
  phone: "Veuillez indiquer un numéro de téléphone valide.",
  date: "Veuillez indiquer une date valide.",
  type: "Cette réponse n'est pas valide.",
  unknown: "Cette réponse n'est pas attendue.",
  privacy: "Politique de confidentialité",
  choose: "Choisir…",
  mandatory: "(obligatoire)",
  invalid: "Veuillez vérifier les champs signalés ci-dessous.",
};

const it: Messages = {
  required: "Questo campo è obbligatorio.",
  pattern: "Il formato non è quello previsto.",
  tooLong: "Il testo è troppo lungo.",
  notAnOption: "Scegli una delle opzioni.",
  email: "Inserisci un indirizzo e-mail valido.",
  phone: "Inserisci un numero di telefono valido.",
  date: "Inserisci una data valida.",
  type: "Questa risposta non è valida.",
  unknown: "Questa risposta non è prevista.",
  privacy: "Informativa sulla privacy",
  choose: "Scegli…",
  mandatory: "(obbligatorio)",
  invalid: "Controlla i campi segnalati qui sotto.",
};

const es: Messages = {
  required: "Este campo es obligatorio.",
  pattern: "No tiene el formato esperado.",
  tooLong: "Es demasiado largo.",
  notAnOption: "Elija una de las opciones.",
  email: "Introduzca una dirección de correo válida.",
  phone: "Introduzca un número de teléfono válido.",
  date: "Introduzca una fecha válida.",
  type: "Esta respuesta no es válida.",
  unknown: "Esta respuesta no se esperaba.",
  privacy: "Política de privacidad",
  choose: "Elegir…",
  mandatory: "(obligatorio)",
  invalid: "Revise los campos señalados abajo.",
};

const de: Messages = {
  required: "Dieses Feld ist erforderlich.",
  pattern: "Das hat nicht das erwartete Format.",
  tooLong: "Das ist zu lang.",
  notAnOption: "Bitte wählen Sie eine der Optionen.",
  email: "Bitte geben Sie eine gültige E-Mail-Adresse ein.",
  phone: "Bitte geben Sie eine gültige Telefonnummer ein.",
  date: "Bitte geben Sie ein gültiges Datum ein.",
  type: "Diese Antwort ist ungültig.",
  unknown: "Diese Antwort wird nicht erwartet.",
  privacy: "Datenschutzerklärung",
  choose: "Bitte wählen…",
  mandatory: "(erforderlich)",
  invalid: "Bitte prüfen Sie die unten markierten Felder.",
};

const pt: Messages = {
  required: "Este campo é obrigatório.",
  pattern: "Não tem o formato esperado.",
  tooLong: "É demasiado longo.",
  notAnOption: "Escolha uma das opções.",
  email: "Indique um endereço de e-mail válido.",
  phone: "Indique um número de telefone válido.",
  date: "Indique uma data válida.",
  type: "Esta resposta não é válida.",
  unknown: "Esta resposta não era esperada.",
  privacy: "Política de privacidade",
  choose: "Escolher…",
  mandatory: "(obrigatório)",
  invalid: "Verifique os campos assinalados abaixo.",
};

const BY_LANGUAGE: Record<Language, Messages> = { en, fr, it, es, de, pt };

export type PrechatStrings = Readonly<Messages>;

/** The pre-chat form's words in `language`. */
export function prechatStrings(language: Language): PrechatStrings {
  return BY_LANGUAGE[language] ?? en;
}
