import { useState } from "preact/hooks";
import { ApiError, login } from "../api.js";
import type { AgentLogin } from "../session.js";

export function LoginView({ onLogin, notice }: { onLogin: (login: AgentLogin) => void; notice: string }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [isBusy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError("");
    try {
      onLogin(await login(username.trim(), password));
    } catch (failure) {
      setError(failure instanceof ApiError && failure.code === "INVALID_CREDENTIALS" ? "Wrong username or password." : String((failure as Error).message));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <h1>Parley console</h1>
      {notice !== "" && <p class="notice">{notice}</p>}
      <form onSubmit={submit} aria-describedby={error === "" ? undefined : "login-error"}>
        <label for="login-username">Username</label>
        <input id="login-username" name="username" autocomplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        <label for="login-password">Password</label>
        <input id="login-password" name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        <button type="submit" disabled={isBusy}>
          Log in
        </button>
        {error !== "" && (
          <p id="login-error" class="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
