// One account (admin): what it is (GET /v1/office/accounts/{name}) and what can be
// done to it: change its role and teams (PUT), reset its password (the one-time
// password shown once), sign it out everywhere, disable or enable it. Each action
// ends in a success banner or an error summary.
import '../boot.js';
import { api, ApiError, sentence } from '../api.js';
import { byId, clear, formatTime, h, setTitle } from '../dom.js';
import { busy, showErrors, showSuccess } from '../messages.js';
import { checkRole, fieldOfRefusal, roleFields } from '../role-fields.js';
import { openPage, pageFailed, ready, ROLE_NAMES } from '../session.js';

const name = new URLSearchParams(location.search).get('name') ?? '';
const path = `/v1/office/accounts/${encodeURIComponent(name)}`;
let fields = null;

function row(key, ...value) {
  return h('div', { class: 'govuk-summary-list__row' }, h('dt', { class: 'govuk-summary-list__key' }, key), h('dd', { class: 'govuk-summary-list__value' }, ...value));
}

function devices(list) {
  if (!list?.length) return 'None';
  return h(
    'ul',
    { class: 'govuk-list' },
    list.map((d) => {
      const state = d.wipe === 'pending' ? ' (erase pending)' : d.wipe === 'wiped' ? ' (erased)' : '';
      return h('li', {}, `${d.name || d.device_id}${state}`, d.last_seen ? `, last seen ${formatTime(d.last_seen)}` : '');
    }),
  );
}

function render(a) {
  setTitle(`Account ${a.username}`);
  byId('account-heading').textContent = a.username;
  const details = clear(byId('account-details'));
  details.append(
    h(
      'dl',
      { class: 'govuk-summary-list', id: 'account-summary' },
      row('Role', ROLE_NAMES[a.role] ?? a.role),
      row(a.role === 'worker' ? 'Team' : 'Teams', a.role === 'worker' ? a.team || 'None' : a.teams?.length ? a.teams.join(', ') : 'None'),
      row('Email', a.email || 'None'),
      row('Status', a.enabled ? 'Active' : 'Disabled'),
      row('Password', a.password_change_required ? 'One-time password: a new one is due at the next sign-in' : 'Set by them'),
      row('Created', formatTime(a.created_at)),
      row('Last sign-in', a.last_sign_in ? formatTime(a.last_sign_in) : 'Never'),
      row('Devices', devices(a.devices)),
    ),
  );
  fields = roleFields(byId('change-role-fields'), a);
  byId('disable-section').hidden = !a.enabled;
  byId('enable-section').hidden = a.enabled;
  byId('account-actions').hidden = false;
}

async function reload() {
  render(await api('GET', path));
}

// Runs an action; a refusal of the hub goes in the error summary (on field, when it
// names one), an ended session or an outage to their pages.
async function act(button, label, work, field = null) {
  try {
    return await busy(button, label, work);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status === 401 || error.status >= 500) pageFailed(error);
    else showErrors([{ field: field?.(error) ?? null, text: sentence(error.message).replace(/\.$/, '') }]);
    return null;
  }
}

function wire() {
  byId('change-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = fields.read();
    const errors = checkRole(value);
    if (errors.length) return showErrors(errors, byId('change-form'));
    const body = { role: value.role, teams: value.role === 'manager' || value.role === 'monitor' ? value.teams : [] };
    body.team = value.role === 'worker' ? value.team : '';
    const done = await act(byId('change-button'), 'Saving…', () => api('PUT', path, body), (e) => fieldOfRefusal(e.message, value, 'role'));
    if (!done) return;
    render(done.devices ? done : await api('GET', path));
    showSuccess(`Role and teams saved for ${name}`);
  });
  byId('reset-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const done = await act(byId('reset-button'), 'Resetting…', () => api('POST', `${path}/reset-password`, {}));
    if (!done) return;
    await reload();
    showSuccess(
      `${name}’s password is reset`,
      h('p', { class: 'govuk-body' }, 'One-time password: ', h('strong', { class: 'doorstep-one-time-password', id: 'one-time-password' }, done.password)),
      h('p', { class: 'govuk-body' }, 'It is shown once. Give it to them in person or by phone. They choose a new password when they next sign in.'),
    );
  });
  byId('sign-out-everywhere-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const done = await act(byId('sign-out-everywhere-button'), 'Signing out…', () => api('POST', `${path}/sign-out-everywhere`, {}));
    if (!done) return;
    const n = done.sessions_ended;
    showSuccess(`${name} is signed out everywhere`, h('p', { class: 'govuk-body' }, `${n} session${n === 1 ? '' : 's'} ended.`));
  });
  byId('disable-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const done = await act(byId('disable-button'), 'Disabling…', () => api('POST', `${path}/disable`, {}));
    if (!done) return;
    await reload();
    const d = done.devices_retired;
    showSuccess(`${name}’s account is disabled`, h('p', { class: 'govuk-body' }, `Sessions ended: ${done.sessions_ended}. Devices retired: ${d}.`));
  });
  byId('enable-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const done = await act(byId('enable-button'), 'Enabling…', () => api('POST', `${path}/enable`, {}));
    if (!done) return;
    await reload();
    showSuccess(`${name}’s account is enabled`);
  });
}

async function start() {
  const session = await openPage('account', ['admin']);
  if (!session) return;
  try {
    await reload();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      setTitle('No such account');
      byId('account-heading').textContent = 'No such account';
      byId('account-details').append(h('p', { class: 'govuk-body' }, `There is no account called ${name}. `, h('a', { class: 'govuk-link', href: '/office/accounts' }, 'Back to accounts')));
      return ready();
    }
    return pageFailed(error);
  }
  wire();
  ready();
}

start();
