/** The logged-in console: header, the chat lists, the chat on screen and the live region. */
import { useEffect, useState } from "preact/hooks";
import type { ChatListItem } from "@parley/protocol";
import type { Desk } from "../desk.js";
import { useDesk } from "../hooks.js";
import { Conversation } from "./Conversation.js";
import { CustomerPanel } from "./CustomerPanel.js";
import { EndedChats } from "./EndedChats.js";
import { MyChats } from "./MyChats.js";
import { NotificationSettings } from "./NotificationSettings.js";
import { OfflineMessagesView } from "./OfflineMessagesView.js";
import { OfferCards } from "./OfferCard.js";
import { PrivacyView } from "./PrivacyView.js";
import { Queue } from "./Queue.js";
import { ReadOnlyChat } from "./ReadOnlyChat.js";
import { StatusSwitch } from "./StatusSwitch.js";
import { SupervisorView } from "./SupervisorView.js";
import { ReportsView } from "./ReportsView.js";
import { TenantsView, useIsSuperAdmin } from "./TenantsView.js";
import { AdminView, useIsAdmin } from "./AdminView.js";
import { CannedView } from "./CannedView.js";
import { ShortcutHelp } from "./ShortcutHelp.js";
import { DEFAULT_TENANT, tenantOfToken } from "../tenant.js";

export function DeskView({ desk, onLogout }: { desk: Desk; onLogout: () => void }) {
  useDesk(desk);
  const [readOnly, setReadOnly] = useState<ChatListItem | undefined>(undefined);
  const readOnlyId = readOnly?.id;
  const closeReadOnly = () => setReadOnly(undefined);
  const [showPrivacy, setShowPrivacy] = useState(false);
  const [showOffline, setShowOffline] = useState(false);
  const tenant = tenantOfToken(desk.login.token);
  const isSuperAdmin = useIsSuperAdmin(desk.login);
  const [isTenantsShown, setTenantsShown] = useState(false);
  const [isSupervising, setSupervising] = useState(false);
  const [isReportsShown, setReportsShown] = useState(false);
  const isAdmin = useIsAdmin(desk.login);
  const [isAdminShown, setAdminShown] = useState(false);
  const [isCannedShown, setCannedShown] = useState(false);
  // Opening a chat leaves the companies, admin, offline-message and supervision views.
  useEffect(() => {
    setTenantsShown(false);
    setAdminShown(false);
    setShowOffline(false);
    setSupervising(false);
    setCannedShown(false);
    setReportsShown(false);
  }, [desk.selectedId, readOnlyId]);
  const room = readOnlyId === undefined ? desk.selected : undefined;
  // A chat that ends here belongs in the ended list at once.
  const endedHere = [...desk.rooms.values()].filter((r) => r.hasEnded).length;

  return (
    <div class="desk">
      {/* data-companies: whether the companies view is offered, once the server said so. */}
      <header class="topbar" data-companies={isSuperAdmin === undefined ? "checking" : isSuperAdmin ? "shown" : "hidden"}>
        <h1>Parley console</h1>
        <span class="who">
          Logged in as <strong>{desk.login.agent.nickname}</strong>
          {tenant !== DEFAULT_TENANT && (
            <span class="tenant">
              {" "}
              at <strong data-tenant={tenant}>{tenant}</strong>
            </span>
          )}
        </span>
        {isSuperAdmin === true && (
          <button type="button" class="secondary" aria-pressed={isTenantsShown} onClick={() => {
              setShowPrivacy(false);
              setAdminShown(false);
              setReportsShown(false);
              setTenantsShown(!isTenantsShown);
            }}>
            Companies
          </button>
        )}
        {desk.maySupervise && (
          <button type="button" class="secondary" aria-pressed={isSupervising} onClick={() => {
              setShowPrivacy(false);
              setTenantsShown(false);
              setAdminShown(false);
              setReportsShown(false);
              setSupervising(!isSupervising);
            }}>
            Supervision
          </button>
        )}
        {desk.maySupervise && (
          <button type="button" class="secondary" aria-pressed={isReportsShown} onClick={() => {
              setShowPrivacy(false);
              setTenantsShown(false);
              setAdminShown(false);
              setSupervising(false);
              setReportsShown(!isReportsShown);
            }}>
            Reports
          </button>
        )}
        {isAdmin === true && (
          <button type="button" class="secondary" aria-pressed={isAdminShown} onClick={() => {
              setShowPrivacy(false);
              setTenantsShown(false);
              setSupervising(false);
              setReportsShown(false);
              setAdminShown(!isAdminShown);
            }}>
            Admin
          </button>
        )}
        <span class={`state state-${desk.connectionState}`}>{desk.connectionState === "connected" ? "Online" : "Reconnecting…"}</span>
        <StatusSwitch desk={desk} />
        <NotificationSettings desk={desk} />
        <button type="button" aria-pressed={showOffline} onClick={() => {
            setShowPrivacy(false);
            setReportsShown(false);
            setShowOffline(!showOffline);
          }}>
          Offline messages
        </button>
        <button type="button" aria-pressed={isCannedShown} onClick={() => setCannedShown(!isCannedShown)}>
          Canned responses
        </button>
        <button type="button" onClick={() => setShowPrivacy(true)}>
          Customer data
        </button>
        <ShortcutHelp desk={desk} />
        <button type="button" onClick={onLogout}>
          Log out
        </button>
      </header>
      <div class="columns">
        <nav class="sidebar" aria-label="Chats">
          <OfferCards desk={desk} />
          <Queue
            desk={desk}
            onJoined={() => {
              setShowPrivacy(false);
              closeReadOnly();
            }}
          />
          <MyChats
            desk={desk}
            onSelect={(id) => {
              setShowPrivacy(false);
              closeReadOnly();
              desk.select(id);
            }}
          />
          <EndedChats
            token={desk.login.token}
            onOpen={(chat) => {
              setShowPrivacy(false);
              setReadOnly(chat);
            }}
            selectedId={readOnlyId}
            endedHere={endedHere}
          />
        </nav>
        <main class="main" id="main">
          {isCannedShown ? (
            <CannedView token={desk.login.token} maySupervise={desk.maySupervise} onClose={() => setCannedShown(false)} />
          ) : showPrivacy ? (
            <PrivacyView token={desk.login.token} onClose={() => setShowPrivacy(false)} />
          ) : isReportsShown ? (
            <ReportsView token={desk.login.token} onClose={() => setReportsShown(false)} />
          ) : isSupervising ? (
            <SupervisorView
              desk={desk}
              onOpen={() => {
                closeReadOnly();
                setSupervising(false);
              }}
              onClose={() => setSupervising(false)}
            />
          ) : isAdminShown ? (
            <AdminView token={desk.login.token} onClose={() => setAdminShown(false)} />
          ) : showOffline ? (
            <OfflineMessagesView token={desk.login.token} onClose={() => setShowOffline(false)} />
          ) : isTenantsShown ? (
            <TenantsView token={desk.login.token} onClose={() => setTenantsShown(false)} />
          ) : readOnlyId !== undefined ? (
            <ReadOnlyChat key={readOnlyId} chatId={readOnlyId} outline={readOnly} login={desk.login} onClose={closeReadOnly} />
          ) : room !== undefined ? (
            <>
              <Conversation key={room.id} desk={desk} room={room} />
              <CustomerPanel key={`customer-${room.id}`} chatId={room.id} callData={room.contact.callData} login={desk.login} />
            </>
          ) : (
            <p class="empty">Join a waiting chat, or open one of yours.</p>
          )}
        </main>
      </div>
      <div class="sr-only" aria-live="polite" aria-atomic="true" id="announcements">
        {desk.announcement}
      </div>
    </div>
  );
}
