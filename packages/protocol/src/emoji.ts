/**
 * The small built-in set of emoji both composers offer (the console's and the
 * widget's pickers): common faces, hands and symbols of a support chat, each
 * with a name for screen readers. No emoji library: this is all of it.
 * @module
 */

/** One emoji of the picker: the character and its name. */
export interface EmojiChoice {
  emoji: string;
  name: string;
}

/** The picker's emoji, in its order. */
export const EMOJI_CHOICES: readonly EmojiChoice[] = [
  { emoji: "😀", name: "grinning face" },
  { emoji: "😊", name: "smiling face" },
  { emoji: "🙂", name: "slightly smiling face" },
  { emoji: "😉", name: "winking face" },
  { emoji: "😂", name: "face with tears of joy" },
  { emoji: "😍", name: "smiling face with heart-eyes" },
  { emoji: "🤔", name: "thinking face" },
  { emoji: "😅", name: "grinning face with sweat" },
  { emoji: "😢", name: "crying face" },
  { emoji: "😮", name: "face with open mouth" },
  { emoji: "🙁", name: "frowning face" },
  { emoji: "😴", name: "sleeping face" },
  { emoji: "👍", name: "thumbs up" },
  { emoji: "👎", name: "thumbs down" },
  { emoji: "👋", name: "waving hand" },
  { emoji: "🙏", name: "folded hands" },
  { emoji: "👏", name: "clapping hands" },
  { emoji: "💪", name: "flexed biceps" },
  { emoji: "👌", name: "OK hand" },
  { emoji: "✌️", name: "victory hand" },
  { emoji: "❤️", name: "red heart" },
  { emoji: "🎉", name: "party popper" },
  { emoji: "✅", name: "check mark" },
  { emoji: "❌", name: "cross mark" },
  { emoji: "⭐", name: "star" },
  { emoji: "🔥", name: "fire" },
  { emoji: "💡", name: "light bulb" },
  { emoji: "📦", name: "package" },
  { emoji: "📧", name: "e-mail" },
  { emoji: "📞", name: "telephone receiver" },
  { emoji: "⏰", name: "alarm clock" },
  { emoji: "☕", name: "hot beverage" },
];
