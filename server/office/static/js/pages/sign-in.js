// Sign in: user name and password (POST /v1/office/login with "cookie": true, so the
// hub keeps the session in an HttpOnly cookie), then, for a password the council's
// IT team reset, a new password in place (POST /v1/office/password). The "Sign in
// with your council account" button shows when the hub has OpenID Connect.
import '../boot.js';
import { initAll } from '/office/govuk/govuk-frontend.min.js';
import { api, ApiError, sentence, setCsrfToken } from '../api.js';
import { byId, setTitle } from '../dom.js';
import { busy, clearMessages, showErrors } from '../messages.js';
import { ready } from '../session.js';
import { checkNewPassword } from '../passwords.js';

const OIDC_REASONS = {
  refused: 'Your council account could not sign you in. Try again, or sign in with your password.',
  'no-account': 'There is no office account for your council account. Ask your council’s IT team to add your email address to your account.',
  disabled: 'Your account is disabled. Ask your council’s IT team.',
  unavailable: 'Your council’s sign-in service could not be reached. Try again later, or sign in with your password.',
};

let currentPassword = ''; // kept in memory only, for the forced new password

function refusal(error) {
  if (error.status === 401) return [{ field: 'username', text: 'Enter a correct user name and password' }];
  if (error.status === 429) {
    const minutes = Math.max(1, Math.ceil(Number(error.retryAfter ?? 60) / 60));
    return [{ field: 'username', text: `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}` }];
  }
  if (error.code === 'account_disabled') return [{ field: 'username', text: 'This account is disabled. Ask your council’s IT team' }];
  if (error.status === 403) return [{ field: 'username', text: 'This account cannot use the office console: field workers use the Doorstep app' }];
  return [{ field: null, text: sentence(error.message) }];
}

async function signIn(event) {
  event.preventDefault();
  const form = byId('sign-in-form');
  const username = byId('username').value.trim();
  const password = byId('password').value;
  const errors = [];
  if (!username) errors.push({ field: 'username', text: 'Enter your user name' });
  if (!password) errors.push({ field: 'password', text: 'Enter your password' });
  if (errors.length) return showErrors(errors, form);
  try {
    const answer = await busy(byId('sign-in-button'), 'Signing in…', () =>
      api('POST', '/v1/office/login', { username, password, cookie: true }),
    );
    setCsrfToken(answer.csrf_token);
    if (answer.password_change_required) {
      currentPassword = password;
      return askNewPassword();
    }
    location.assign('/office/');
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    showErrors(refusal(error), form);
  }
}

function askNewPassword() {
  clearMessages();
  byId('sign-in-section').hidden = true;
  byId('new-password-section').hidden = false;
  setTitle('Create a new password');
  byId('new-password-heading').focus();
}

async function saveNewPassword(event) {
  event.preventDefault();
  const form = byId('new-password-form');
  const next = byId('new-password').value;
  const errors = checkNewPassword(next, byId('confirm-password').value, byId('username').value.trim());
  if (errors.length) return showErrors(errors, form);
  try {
    await busy(byId('new-password-button'), 'Saving…', () =>
      api('POST', '/v1/office/password', { current_password: currentPassword, new_password: next }),
    );
    currentPassword = '';
    location.assign('/office/?password=changed');
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 401) return location.assign('/office/signed-out?reason=ended');
    showErrors([{ field: 'new-password', text: sentence(error.message).replace(/\.$/, '') }], form);
  }
}

async function start() {
  initAll();
  byId('sign-in-form').addEventListener('submit', signIn);
  byId('new-password-form').addEventListener('submit', saveNewPassword);
  const params = new URLSearchParams(location.search);
  try {
    await api('GET', '/v1/office/session');
    location.replace('/office/'); // signed in already
    return;
  } catch {
    // not signed in: stay here
  }
  try {
    const methods = await api('GET', '/v1/office/sign-in-methods');
    byId('oidc-section').hidden = !methods.oidc;
  } catch {
    byId('oidc-section').hidden = true;
  }
  const reason = params.get('oidc');
  if (reason) showErrors([{ field: null, text: OIDC_REASONS[reason] ?? OIDC_REASONS.refused }]);
  ready();
}

start();
