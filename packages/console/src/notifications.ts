/**
 * Telling the agent something happened while they look elsewhere: desktop
 * notifications (opt-in — permission is asked only when the agent clicks the
 * button, never on load), a short sound made with Web Audio (no file to
 * download; muted with a setting kept in localStorage), and the page title's
 * count of unread messages and new waiting chats.
 *
 * New waiting chats and offers ring whether or not the tab is in view;
 * desktop notifications, and the sound of a new message in one of the
 * agent's chats, only while the tab is hidden: in view, the console shows it.
 * @module
 */

/** Whether desktop notifications may be shown: the browser's permission, or `unsupported`. */
export type NotificationState = NotificationPermission | "unsupported";

const SOUND_KEY = "parley.console.sound";
const TITLE = "Parley console";

/** Whether the sound is on: on unless the agent muted it. */
export function loadSoundOn(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) !== "off";
  } catch {
    return true;
  }
}

export function saveSoundOn(on: boolean): void {
  try {
    localStorage.setItem(SOUND_KEY, on ? "on" : "off");
  } catch {
    // Storage blocked: the setting holds for this page only.
  }
}

/** The page title: the count of unread messages in my chats plus new waiting chats, when there are any. */
export function titleOf(unreadMessages: number, newChats: number): string {
  const count = unreadMessages + newChats;
  return count > 0 ? `(${count}) ${TITLE}` : TITLE;
}

/** The browser's notification permission now. */
export function notificationState(): NotificationState {
  return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
}

/** Asks the browser for permission (call from a click: browsers ignore or block it otherwise). */
export async function requestNotifications(): Promise<NotificationState> {
  if (typeof Notification === "undefined") return "unsupported";
  return Notification.requestPermission();
}

export const isTabHidden = (): boolean => document.visibilityState === "hidden";

/** What happened, for the agent. */
export interface Alert {
  title: string;
  body: string;
  /** One notification per tag: a second for the same chat replaces the first. */
  tag: string;
  /** A message in the agent's chats: rings only while the tab is hidden. */
  isQuiet?: boolean;
  /** Run when the agent clicks the notification (the tab comes to the front first). */
  onClick?: () => void;
}

/** Shows `alert` as a desktop notification while the tab is hidden (and allowed), and rings when `sound` is on. */
export function raise(alert: Alert, sound: boolean): void {
  const hidden = isTabHidden();
  if (sound && (hidden || alert.isQuiet !== true)) chime();
  if (!hidden || notificationState() !== "granted") return;
  try {
    const shown = new Notification(alert.title, { body: alert.body, tag: alert.tag });
    shown.onclick = () => {
      window.focus();
      alert.onClick?.();
      shown.close();
    };
  } catch {
    // Some browsers allow notifications only from a service worker: the title and the sound still tell.
  }
}

/** A short two-note chime, made in the browser: no sound file to ship. */
export function chime(): void {
  try {
    const audio = new AudioContext();
    for (const [i, frequency] of [660, 880].entries()) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.15, audio.currentTime + i * 0.15);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + i * 0.15 + 0.3);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(audio.currentTime + i * 0.15);
      oscillator.stop(audio.currentTime + i * 0.15 + 0.3);
    }
    // Let the device go once the chime has played.
    setTimeout(() => void audio.close().catch(() => undefined), 1_000);
  } catch {
    // No audio (autoplay policy, no device): the title count still tells.
  }
}
