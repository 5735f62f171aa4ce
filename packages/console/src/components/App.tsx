/** The console: the login form, or the desk once logged in (the login survives a reload). */
import { useEffect, useState } from "preact/hooks";
import { LiveChatError } from "@parley/sdk";
import { Desk } from "../desk.js";
import { forgetLogin, loadLogin, saveLogin, type AgentLogin } from "../session.js";
import { DeskView } from "./DeskView.js";
import { LoginView } from "./LoginView.js";

export function App() {
  const [login, setLogin] = useState<AgentLogin | undefined>(() => loadLogin());
  const [desk, setDesk] = useState<Desk | undefined>(undefined);
  const [notice, setNotice] = useState("");
  /** The server could not be reached with a login that may still be good: offer to try again. */
  const [unreachable, setUnreachable] = useState(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (login === undefined) return;
    const started = new Desk(login, () => {
      forgetLogin();
      setNotice("Your session has ended. Please log in again.");
      setLogin(undefined);
    });
    setDesk(started);
    setUnreachable(false);
    started.start().catch((error: unknown) => {
      if (error instanceof LiveChatError && (error.code.startsWith("AUTH_") || error.code === "AGENT_DISABLED")) {
        // The stored token was refused (expired, the server's secret changed, or the agent was disabled).
        forgetLogin();
        setNotice("Your session has ended. Please log in again.");
        setLogin(undefined);
      } else {
        started.stop();
        setUnreachable(true);
      }
    });
    return () => {
      started.stop();
      setDesk(undefined);
    };
  }, [login, attempt]);

  if (login !== undefined && unreachable) {
    return (
      <main class="login">
        <h1>Parley console</h1>
        <p class="notice" role="alert">
          The server cannot be reached.
        </p>
        <button type="button" onClick={() => setAttempt((n) => n + 1)}>
          Try again
        </button>
      </main>
    );
  }

  if (login === undefined || desk === undefined) {
    return (
      <LoginView
        notice={notice}
        onLogin={(next) => {
          saveLogin(next);
          setNotice("");
          setLogin(next);
        }}
      />
    );
  }
  return (
    <DeskView
      desk={desk}
      onLogout={() => {
        forgetLogin();
        setLogin(undefined);
      }}
    />
  );
}
