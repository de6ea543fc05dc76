// Create an account (admin): POST /v1/office/accounts with a random password nobody
// sees, then POST …/reset-password for the one-time password shown here once, so the
// new account chooses its own password at its first sign-in.
import '../boot.js';
import { api, ApiError, sentence } from '../api.js';
import { byId, setTitle } from '../dom.js';
import { busy, clearMessages, showErrors } from '../messages.js';
import { checkRole, fieldOfRefusal, roleFields } from '../role-fields.js';
import { openPage, pageFailed, ready } from '../session.js';

function randomPassword() {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, 'x');
}

async function start() {
  const session = await openPage('new-account', ['admin']);
  if (!session) return;
  const fields = roleFields(byId('role-fields'));
  const form = byId('new-account-form');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const username = byId('username').value.trim();
    const email = byId('email').value.trim();
    const value = fields.read();
    const errors = [];
    if (!username) errors.push({ field: 'username', text: 'Enter a user name' });
    else if (!/^[A-Za-z0-9._-]{1,64}$/.test(username))
      errors.push({ field: 'username', text: 'A user name can only have letters, digits, full stops, hyphens and underscores, up to 64' });
    errors.push(...checkRole(value));
    if (email && !/^[^@\s]+@[^@\s]+$/.test(email)) errors.push({ field: 'email', text: 'Enter an email address like name@council.gov.uk' });
    if (errors.length) return showErrors(errors, form);
    const body = { username, password: randomPassword(), role: value.role };
    if (value.role === 'manager' || value.role === 'monitor') body.teams = value.teams;
    if (value.role === 'worker' && value.team) body.team = value.team;
    if (email) body.email = email;
    let once;
    try {
      once = await busy(byId('create-button'), 'Creating…', async () => {
        await api('POST', '/v1/office/accounts', body);
        return api('POST', `/v1/office/accounts/${encodeURIComponent(username)}/reset-password`, {});
      });
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 401 || error.status >= 500) return pageFailed(error);
      const text = error.code === 'already_exists' ? `There is already an account called ${username}` : sentence(error.message).replace(/\.$/, '');
      return showErrors([{ field: fieldOfRefusal(error.message, value, 'username'), text }], form);
    }
    clearMessages();
    byId('new-account-section').hidden = true;
    byId('created-section').hidden = false;
    byId('created-password').textContent = once.password;
    byId('created-text').textContent = `The account ${username} is ready.`;
    byId('created-link').href = `/office/account?name=${encodeURIComponent(username)}`;
    byId('created-link').textContent = `View ${username}’s account`;
    setTitle(`Account ${username} created`);
    byId('created-heading').focus();
  });
  ready();
}

start();
