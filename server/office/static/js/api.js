// The office API (docs/api.md) as the console calls it: same origin, the session in
// its HttpOnly cookie (the page never sees the token), the session's CSRF token on
// every change, JSON both ways. A refusal becomes an ApiError carrying the hub's
// error code and message.

let csrfToken = '';
const activityListeners = [];

export function setCsrfToken(token) {
  csrfToken = token ?? '';
}

// fn() after every answer from the hub: the session's idle clock started again.
export function onActivity(fn) {
  activityListeners.push(fn);
}

export class ApiError extends Error {
  constructor(status, code, message, retryAfter = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

export async function api(method, path, body = undefined) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network', 'The hub could not be reached. Check your connection and try again.');
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (response.status !== 401) for (const fn of activityListeners) fn();
  if (!response.ok) {
    throw new ApiError(
      response.status,
      data?.error ?? 'error',
      data?.message ?? `The hub answered ${response.status}.`,
      response.headers.get('Retry-After'),
    );
  }
  return data;
}

// The hub's message as a sentence: "a password needs …" -> "A password needs ….".
export function sentence(text) {
  const t = String(text ?? '').trim();
  if (!t) return t;
  const s = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}
