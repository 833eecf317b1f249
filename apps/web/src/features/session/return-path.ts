/**
 * Where the console sends a person whose session ended, and where it brings them back after they
 * log in again: always a path of this console, never another origin (no open redirect).
 */

export const LOGIN_PATH = '/login';
export const HOME_PATH = '/machines';

// Any origin works: only paths that stay on it are kept.
const BASE = 'http://console.invalid';

const isLoginPage = (pathname: string) => pathname === LOGIN_PATH || pathname.startsWith(`${LOGIN_PATH}/`);

/** `next` when it is a path of this console (not the login page itself), else the home page. */
export function safeNextPath(next: string | null | undefined): string {
  if (!next?.startsWith('/')) return HOME_PATH;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return HOME_PATH;
  }
  // `//host/…` and `/\host/…` leave the origin; the URL parser says so.
  if (url.origin !== BASE || isLoginPage(url.pathname)) return HOME_PATH;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The login page, remembering the page the person was on. */
export function loginPathFor(location: { pathname: string; search?: string; hash?: string }): string {
  if (isLoginPage(location.pathname)) return LOGIN_PATH;
  const here = safeNextPath(`${location.pathname}${location.search ?? ''}${location.hash ?? ''}`);
  return `${LOGIN_PATH}?next=${encodeURIComponent(here)}`;
}

/**
 * Operations whose UNAUTHENTICATED answer does not mean "your session just ended": `Me` is how
 * the console learns it has no session (the console layout then sends the person to log in),
 * `Login` answers it for a wrong password, and `Logout` ends the session anyway.
 */
const SESSION_OPERATIONS: ReadonlySet<string> = new Set(['Me', 'Login', 'Logout']);

/** Whether an UNAUTHENTICATED answer to this operation, on this page, means the session has ended. */
export function sessionEndedBy(operationName: string | undefined, pathname: string): boolean {
  if (isLoginPage(pathname)) return false;
  return !(operationName && SESSION_OPERATIONS.has(operationName));
}

/** graphql-ws close code the API uses when the session of a (re)connecting WebSocket is refused. */
export const WS_FORBIDDEN = 4403;
