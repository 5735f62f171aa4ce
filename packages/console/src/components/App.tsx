/** The console: the login form, or the desk once logged in (the login survives a reload). */
import { useEffect, useState } from "preact/hooks";
import { Desk } from "../desk.js";
import { forgetLogin, loadLogin, saveLogin, type AgentLogin } from "../session.js";
import { DeskView } from "./DeskView.js";
import { LoginView } from "./LoginView.js";

export function App() {
  const [login, setLogin] = useState<AgentLogin | undefined>(() => loadLogin());
  const [desk, setDesk] = useState<Desk | undefined>(undefined);
  const [notice, setNotice] = useState("");

  useEffect(() => {
    if (login === undefined) return;
    const started = new Desk(login, () => {
      forgetLogin();
      setNotice("Your session has ended. Please log in again.");
      setLogin(undefined);
    });
    setDesk(started);
    started.start().catch(() => {
      // The stored token was refused (expired, or the server's secret changed).
      forgetLogin();
      setNotice("Your session has ended. Please log in again.");
      setLogin(undefined);
    });
    return () => {
      started.stop();
      setDesk(undefined);
    };
  }, [login]);

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
