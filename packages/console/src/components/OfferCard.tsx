/**
 * The chats offered to this agent by an `auto` queue: one card each, with the
 * customer, the queue, the seconds left and Accept / Decline. The card goes
 * when the server withdraws the offer (taken, declined, lapsed, ended).
 */
import type { ChatOffer } from "@parley/protocol";
import type { Desk } from "../desk.js";
import { useNow } from "../hooks.js";

function secondsLeft(offer: ChatOffer, now: number): number {
  return Math.max(0, Math.ceil((Date.parse(offer.expiresAt) - now) / 1000));
}

export function OfferCards({ desk }: { desk: Desk }) {
  const now = useNow(500);
  const offers = [...desk.offers.values()];
  if (offers.length === 0) return null;
  return (
    <section class="offers" aria-labelledby="offers-heading">
      <h2 id="offers-heading">Offered to you</h2>
      <ul>
        {offers.map((offer) => (
          <OfferCard key={offer.chatId} offer={offer} left={secondsLeft(offer, now)} desk={desk} />
        ))}
      </ul>
    </section>
  );
}

export function OfferCard({ offer, left, desk }: { offer: ChatOffer; left: number; desk: Desk }) {
  const isBusy = desk.offersInFlight.has(offer.chatId);
  return (
    <li class="offer-card" role="alert" data-chat-id={offer.chatId}>
      <div class="offer-head">
        <strong class="who">{offer.nickname}</strong>
        <span class="countdown" aria-label={`${left} seconds left`}>
          {left}s
        </span>
      </div>
      <p class="muted">Queue {offer.queue}</p>
      <progress max={offer.offerSeconds} value={left} aria-hidden="true" />
      <div class="offer-actions">
        <button type="button" disabled={isBusy || left === 0} onClick={() => void desk.acceptOffer(offer.chatId)}>
          Accept
        </button>
        <button type="button" class="secondary" disabled={isBusy} onClick={() => void desk.declineOffer(offer.chatId)}>
          Decline
        </button>
      </div>
    </li>
  );
}
