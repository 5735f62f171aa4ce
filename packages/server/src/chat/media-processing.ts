/**
 * The processing of images sent inline, after their message has committed.
 *
 * The sender is acknowledged and the message delivered (with the original,
 * stripped of metadata) before the image is re-encoded, so no text of the
 * chat waits for image work. Each job runs in its turn among the image jobs;
 * when it is done, `multimediaMessageStored` is appended with the formats, or
 * with `MEDIA_PROCESSING_FAILED` when it cannot be finished.
 *
 * A job is durable as its `pending` media row (its clean original is in the
 * blob store): a crash between the commit and the end of the processing
 * leaves the row pending, and {@link MediaProcessing.resume} finishes it at
 * the next start. With several nodes, two may work on one file; the store
 * records only the first result (an update of a pending row) and the notice's
 * client id makes a second append a duplicate, so both sides hear once.
 * @module
 */
import { ERRORS } from "@parley/protocol";
import type { Logger } from "pino";
import { newEventId } from "../ids.js";
import type { ImageJobPlace } from "../media/image-jobs.js";
import type { MediaLibrary } from "../media/library.js";
import type { MediaRecord, Store } from "../store/types.js";
import { storedNotice } from "./payloads.js";
import type { CommitPipeline } from "./pipeline.js";

/** Pending files read per round when resuming. */
const RESUME_PAGE = 50;

export interface MediaProcessingOptions {
  store: Store;
  pipeline: CommitPipeline;
  media: MediaLibrary;
  logger: Logger;
}

export class MediaProcessing {
  private readonly store: Store;
  private readonly pipeline: CommitPipeline;
  private readonly media: MediaLibrary;
  private readonly logger: Logger;
  /** Jobs of this node by media id, so a retried send or a resume never runs one twice here. */
  private readonly inProgress = new Map<string, Promise<void>>();

  constructor(options: MediaProcessingOptions) {
    ({ store: this.store, pipeline: this.pipeline, media: this.media, logger: this.logger } = options);
  }

  /** Starts processing a pending image whose message committed; does not wait for it. Releases `place`. */
  start(tenant: string, media: MediaRecord, chatId: string, messageId: string | null, place: ImageJobPlace): void {
    if (this.inProgress.has(media.id)) {
      place.release();
      return;
    }
    const job = this.run(tenant, media, chatId, messageId, place)
      .catch((error: unknown) => {
        // Not the file's fault (the store or blob store unavailable): it stays pending, resumed at the next start.
        this.logger.warn({ err: error, mediaId: media.id }, "image processing interrupted; resumed at next start");
      })
      .finally(() => this.inProgress.delete(media.id));
    this.inProgress.set(media.id, job);
  }

  /**
   * Finishes the jobs a crash left pending, one at a time (they then add at
   * most one job to the image queue), until none is left that this node has
   * not tried.
   */
  async resume(): Promise<number> {
    const tried = new Set<string>();
    let resumed = 0;
    for (;;) {
      const pending = (await this.store.pendingMedia(RESUME_PAGE)).filter(({ media }) => !tried.has(media.id));
      if (pending.length === 0) return resumed;
      for (const { tenant, media, messageId } of pending) {
        tried.add(media.id);
        const running = this.inProgress.get(media.id);
        if (running === undefined) {
          this.start(tenant, media, media.chatId, messageId, this.media.resumedPlace());
          await this.inProgress.get(media.id);
          resumed += 1;
        } else {
          await running;
        }
      }
    }
  }

  /** Resolves once every job running on this node has ended. */
  async idle(): Promise<void> {
    while (this.inProgress.size > 0) await Promise.all(this.inProgress.values());
  }

  private async run(tenant: string, pending: MediaRecord, chatId: string, messageId: string | null, place: ImageJobPlace): Promise<void> {
    const media = await this.media.process(tenant, pending, place);
    // A file whose message never committed (a crash in between, a refused send) has nobody to tell.
    if (messageId === null || media.state === "pending") return;
    const ts = new Date().toISOString();
    const data = storedNotice(media, chatId, messageId, ts);
    if (media.state === "failed") {
      data.error = { code: "MEDIA_PROCESSING_FAILED", message: ERRORS.MEDIA_PROCESSING_FAILED.message, details: { reason: media.failure } };
    }
    const result = await this.pipeline.append(tenant, {
      chatId,
      id: newEventId(),
      name: "multimediaMessageStored",
      userId: media.userId,
      ts,
      data,
      clientId: `${messageId}.stored`,
    });
    if (result.status !== "appended" && result.status !== "duplicate") {
      // The chat ended meanwhile: the file is stored and served, there is no one left to tell.
      this.logger.info({ mediaId: media.id, chatId, status: result.status }, "image processed after its chat ended");
    }
  }
}
