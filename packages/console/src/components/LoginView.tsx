import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, login } from "../api.js";
import type { AgentLogin } from "../session.js";
import { preferredTenant, rememberTenant, TENANT_NAME, tenantOfToken } from "../tenant.js";

/** The login refusals in words; anything else shows the server's message and code. */
function refusal(failure: unknown, tenant: string): string {
  if (!(failure instanceof ApiError)) return String((failure as Error).message);
  switch (failure.code) {
    case "INVALID_CREDENTIALS":
      return "Wrong username or password.";
    case "TENANT_NOT_FOUND":
      return `There is no company named "${tenant}" here.`;
    case "TENANT_DISABLED":
      return "This company's account is disabled.";
    case "AGENT_DISABLED":
      return "Your account is disabled: ask an administrator of your company.";
    case "TENANT_MISMATCH":
      return "This address belongs to another company: leave Company empty, or use that company's address.";
    default:
      return `${failure.message} (${failure.code})`;
  }
}

export function LoginView({ onLogin, notice }: { onLogin: (login: AgentLogin) => void; notice: string }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  // A single-company install never shows the field: it hides behind "Other company" until a company is named.
  const [company, setCompany] = useState(preferredTenant);
  const [isCompanyShown, setCompanyShown] = useState(company !== "");
  const companyField = useRef<HTMLInputElement>(null);
  const [wasCompanyAsked, setCompanyAsked] = useState(false);
  useEffect(() => {
    if (wasCompanyAsked) companyField.current?.focus();
  }, [wasCompanyAsked]);
  const [error, setError] = useState("");
  const [isBusy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError("");
    // Left empty, the server decides: its host mapping, else `default`.
    const tenant = isCompanyShown ? company.trim().toLowerCase() : "";
    if (tenant !== "" && !TENANT_NAME.test(tenant)) {
      setBusy(false);
      setError("A company name has lowercase letters, digits and dashes only.");
      return;
    }
    try {
      const answer = await login(username.trim(), password, tenant === "" ? undefined : tenant);
      rememberTenant(tenantOfToken(answer.token));
      onLogin(answer);
    } catch (failure) {
      setError(refusal(failure, tenant));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <h1>Parley console</h1>
      {notice !== "" && <p class="notice">{notice}</p>}
      <form onSubmit={submit} aria-describedby={error === "" ? undefined : "login-error"}>
        {isCompanyShown && (
          <>
            <label for="login-company">Company</label>
            <input ref={companyField} id="login-company" name="tenant" autocomplete="organization" autocapitalize="none" spellcheck={false} value={company} onInput={(e) => setCompany(e.currentTarget.value)} />
          </>
        )}
        <label for="login-username">Username</label>
        <input id="login-username" name="username" autocomplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        <label for="login-password">Password</label>
        <input id="login-password" name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        <button type="submit" disabled={isBusy}>
          Log in
        </button>
        {!isCompanyShown && (
          <button type="button" class="link" onClick={() => {
              setCompanyShown(true);
              setCompanyAsked(true);
            }}>
            Other company
          </button>
        )}
        {error !== "" && (
          <p id="login-error" class="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
