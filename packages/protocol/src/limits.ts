/**
 * Default limits. Every limit is on by default; the server can be configured
 * with other values and announces the ones in force in its `welcome` frame.
 * `docs/limits.md` lists the same values.
 * @module
 */

/** The limits a server enforces; sent to clients in the `welcome` frame. */
export interface Limits {
  /** Maximum characters in a text message. */
  maxTextLength: number;
  /** Maximum characters in a link URL. */
  maxUrlLength: number;
  /** Maximum characters in a nickname. */
  maxNicknameLength: number;
  /** Largest frame answered with a coded `FRAME_TOO_LARGE` error; larger than 4× this closes the socket (1009). */
  maxFrameBytes: number;
  /** Messages (text, links, media) per second per connection, sustained. */
  messagesPerSecond: number;
  /** Messages a connection may send in a burst above the sustained rate. */
  messagesBurst: number;
  /** Typing frames accepted per chat per second from one connection; the rest are dropped. */
  typingPerSecond: number;
  /** Participants per chat, customer included. */
  maxParticipants: number;
  /** Chats one socket session may have joined at once. */
  maxContactsPerSession: number;
  /** Largest page of history a client may request. */
  maxHistoryPage: number;
  /**
   * Request budget per connection, sustained: units per second, each request
   * frame costing its weight (ping, typing, receipt 1; join, leave, end 2;
   * history, media, watchChats 10). `send` has its own limit, `messagesPerSecond`.
   */
  requestsPerSecond: number;
  /** Request units a connection may spend in a burst above the sustained rate. */
  requestsBurst: number;
  /** Bytes of answers (replies, and a join's replay) per connection per second, sustained. */
  replyBytesPerSecond: number;
  /** Bytes of answers a connection may take in a burst; history, media and watchChats are refused while it is spent. */
  replyBytesBurst: number;
  /** Joins and leaves per connection per second, sustained (the burst is twice `maxContactsPerSession`). */
  membershipChangesPerSecond: number;
  /** Leaves of one chat by one user per minute on a node: each leave, and the join after it, is a stored event. */
  leavesPerChatPerMinute: number;
  /** Open sockets per client address on a node; more are refused at the upgrade (429). */
  socketsPerAddress: number;
  /** Open sockets per token on a node; more are closed at `hello` (4430). */
  socketsPerToken: number;
  /** After this long without a refresh, a writer is reported as stopped (`bwrite: false`). */
  typingTimeoutMs: number;
  /** Interval of server heartbeats; a client that hears nothing for twice this reconnects. */
  heartbeatMs: number;
  /** Largest file (bytes) an image or document may be, as uploaded. */
  maxMediaBytes: number;
  /** Largest image in pixels (width × height); decoded images above it are refused. */
  maxImagePixels: number;
  /** Largest width or height of an uploaded image, in pixels; larger ones are refused from their header. */
  maxImageDimension: number;
  /** Most times an uploaded image's longer side may exceed its shorter one; longer strips are refused from their header. */
  maxImageAspectRatio: number;
  /** Maximum characters in a media caption. */
  maxCaptionLength: number;
  /** Maximum characters in a media file name. */
  maxFileNameLength: number;
  /**
   * Files up to this many bytes ride inline: in send frames (Base64) and in
   * `multimediaMessage` events. Larger files go through the HTTP upload and
   * come as metadata only.
   */
  maxInlineMediaBytes: number;
  /** Images whose longest side exceeds this are resized to fit it. */
  imageMaxSide: number;
  /** Images whose file exceeds this many bytes are resized until they fit it. */
  imageMaxBytes: number;
  /** Longest side of image thumbnails. */
  thumbnailSide: number;
  /** How long a signed download link stays valid. */
  mediaLinkTtlMs: number;
}

/** The defaults used when the operator configures nothing. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxTextLength: 10_000,
  maxUrlLength: 2_048,
  maxNicknameLength: 64,
  // An inline file of maxInlineMediaBytes is a third larger in Base64; leave room for the envelope.
  maxFrameBytes: 512 * 1024,
  messagesPerSecond: 20,
  messagesBurst: 40,
  typingPerSecond: 2,
  maxParticipants: 20,
  maxContactsPerSession: 200,
  maxHistoryPage: 200,
  // 100 units a second is a console receiving 50 messages a second across its chats (a delivery and a
  // read receipt each), or 10 history pages; the burst covers a console re-joining every chat at once.
  requestsPerSecond: 100,
  requestsBurst: 1_000,
  // A full history page of long messages is about 2 MiB: four at once, then one every two seconds.
  replyBytesPerSecond: 1024 * 1024,
  replyBytesBurst: 8 * 1024 * 1024,
  membershipChangesPerSecond: 5,
  leavesPerChatPerMinute: 6,
  // A contact center's floor behind one NAT is a few hundred people; a token is one person's tabs.
  socketsPerAddress: 200,
  socketsPerToken: 20,
  typingTimeoutMs: 10_000,
  heartbeatMs: 25_000,
  maxMediaBytes: 25 * 1024 * 1024,
  maxImagePixels: 40_000_000,
  // The cost of decoding and resizing follows the longest side as well as the pixel count: a strip of
  // 1 × 39,000,000 pixels is under the pixel cap and kept libvips busy for twenty seconds. Phone
  // panoramas (about 4:1 to 10:1) and long scrolling screenshots (about 20:1) stay well inside these.
  maxImageDimension: 16_384,
  maxImageAspectRatio: 50,
  maxCaptionLength: 1_000,
  maxFileNameLength: 255,
  maxInlineMediaBytes: 256 * 1024,
  imageMaxSide: 2_048,
  imageMaxBytes: 1024 * 1024,
  thumbnailSide: 320,
  mediaLinkTtlMs: 5 * 60_000,
});

/** Default number of messages in one page of history. */
export const DEFAULT_HISTORY_PAGE = 50;

/**
 * Call data: the key–value attributes of a chat (see `docs/rest.md`). Fixed
 * for every install; they bound what a customer may store with the chat it
 * starts, and what one update may hold.
 */
export const CALL_DATA_LIMITS = Object.freeze({
  /** Most keys one chat holds. */
  maxKeys: 30,
  /** Longest key, in characters (`[A-Za-z0-9_.-]`). */
  maxKeyLength: 64,
  /** Longest value, in characters. */
  maxValueLength: 1_024,
  /** Most bytes of the whole call data, keys and values in UTF-8 added up. */
  maxTotalBytes: 8 * 1024,
});

/** What a call-data key may be made of (the limit on its length is {@link CALL_DATA_LIMITS}). */
export const CALL_DATA_KEY_PATTERN = "^[A-Za-z0-9_.-]+$";
