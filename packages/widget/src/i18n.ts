/** The widget's words, in English and French; `data-language` picks one. @module */

const en = {
  open: "Open the chat",
  unread: "{count} new",
  close: "Close the chat",
  title: "Chat with us",
  greeting: "Hello! How can we help you today?",
  nickname: "Your name",
  email: "Your e-mail (optional)",
  start: "Start the chat",
  starting: "Starting…",
  message: "Message",
  send: "Send",
  attach: "Attach an image or a document",
  dropHere: "Drop the file to send it",
  joined: "{name} joined the chat",
  left: "{name} left the chat",
  transferred: "You are being transferred to another agent…",
  typing: "{name} is typing…",
  you: "You",
  pending: "Sending",
  sent: "Sent",
  received: "Delivered",
  seen: "Seen",
  failed: "Not sent",
  uploading: "Uploading {name}",
  offline: "You are offline. Messages will be sent when the connection is back.",
  reconnecting: "Reconnecting…",
  ended: "The chat has ended.",
  newChat: "Start a new chat",
  download: "Download {name}",
  openImage: "Open the image {name} full size",
  imageAlt: "Image {name}",
  closeImage: "Close the image",
  messages: "Messages",
  fileRefused: "{name} was not sent: {reason}",
  MEDIA_TOO_LARGE: "the file is too large.",
  MEDIA_TYPE_NOT_ALLOWED: "only PNG or JPEG images and PDF, Word, Excel or PowerPoint documents can be sent.",
  MEDIA_TYPE_MISMATCH: "the file is not what its name says.",
  MEDIA_CORRUPT: "the file is damaged.",
  MEDIA_EMPTY: "the file is empty.",
  IMAGE_TOO_MANY_PIXELS: "the image has too many pixels.",
  MEDIA_COMPRESSION_BOMB: "the document is not accepted.",
  FILE_NAME_INVALID: "the file name is not accepted.",
  UPLOAD_FAILED: "the upload failed; please try again.",
  otherError: "it was refused ({code}).",
  startFailed: "The chat could not start ({code}). Please try again.",
  unreachable: "The chat service could not be reached from this page. Please try again later.",
  unavailable: "The chat is not available at the moment ({code}).",
  busy: "All our agents are busy. Please try again in a few minutes.",
  nicknameInvalid: "Please enter your name.",
  rateLimited: "Too many chats started from here; please try again in a minute.",
} as const;

export type Strings = { readonly [K in keyof typeof en]: string };

const fr: Strings = {
  open: "Ouvrir la discussion",
  unread: "{count} nouveau(x)",
  close: "Fermer la discussion",
  title: "Discutons",
  greeting: "Bonjour ! Comment pouvons-nous vous aider ?",
  nickname: "Votre nom",
  email: "Votre e-mail (facultatif)",
  start: "Commencer la discussion",
  starting: "Démarrage…",
  message: "Message",
  send: "Envoyer",
  attach: "Joindre une image ou un document",
  dropHere: "Déposez le fichier pour l'envoyer",
  joined: "{name} a rejoint la discussion",
  left: "{name} a quitté la discussion",
  transferred: "Vous êtes transféré vers un autre conseiller…",
  typing: "{name} écrit…",
  you: "Vous",
  pending: "Envoi en cours",
  sent: "Envoyé",
  received: "Distribué",
  seen: "Lu",
  failed: "Non envoyé",
  uploading: "Envoi de {name}",
  offline: "Vous êtes hors ligne. Les messages partiront au retour de la connexion.",
  reconnecting: "Reconnexion…",
  ended: "La discussion est terminée.",
  newChat: "Commencer une nouvelle discussion",
  download: "Télécharger {name}",
  openImage: "Afficher l'image {name} en grand",
  imageAlt: "Image {name}",
  closeImage: "Fermer l'image",
  messages: "Messages",
  fileRefused: "{name} n'a pas été envoyé : {reason}",
  MEDIA_TOO_LARGE: "le fichier est trop volumineux.",
  MEDIA_TYPE_NOT_ALLOWED: "seules les images PNG ou JPEG et les documents PDF, Word, Excel ou PowerPoint sont acceptés.",
  MEDIA_TYPE_MISMATCH: "le fichier ne correspond pas à son nom.",
  MEDIA_CORRUPT: "le fichier est endommagé.",
  MEDIA_EMPTY: "le fichier est vide.",
  IMAGE_TOO_MANY_PIXELS: "l'image a trop de pixels.",
  MEDIA_COMPRESSION_BOMB: "le document n'est pas accepté.",
  FILE_NAME_INVALID: "le nom du fichier n'est pas accepté.",
  UPLOAD_FAILED: "l'envoi a échoué ; veuillez réessayer.",
  otherError: "il a été refusé ({code}).",
  startFailed: "La discussion n'a pas pu commencer ({code}). Veuillez réessayer.",
  unreachable: "Le service de discussion est injoignable depuis cette page. Veuillez réessayer plus tard.",
  unavailable: "La discussion n'est pas disponible pour le moment ({code}).",
  busy: "Tous nos conseillers sont occupés. Veuillez réessayer dans quelques minutes.",
  nicknameInvalid: "Veuillez indiquer votre nom.",
  rateLimited: "Trop de discussions ouvertes depuis ici ; réessayez dans une minute.",
};

export const LANGUAGES = { en, fr } as const;
export type Language = keyof typeof LANGUAGES;

/** Fills `{name}`-style placeholders. */
export function format(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/** The reason shown when a file is refused, by its error code. */
export function refusalReason(strings: Strings, code: string): string {
  const own = (strings as Record<string, string>)[code];
  return code.startsWith("MEDIA_") || code === "IMAGE_TOO_MANY_PIXELS" || code === "FILE_NAME_INVALID" || code === "UPLOAD_FAILED"
    ? (own ?? format(strings.otherError, { code }))
    : format(strings.otherError, { code });
}
