// Home: where each role starts. Today it lists what the console already does for
// the role and what it does not do yet (those parts are in the office API,
// docs/api.md); the manager's and monitor's lists of alerts, conflicts and overdue
// visits come with their pages.
import '../boot.js';
import { byId, h } from '../dom.js';
import { showSuccess } from '../messages.js';
import { openPage, ready, ROLE_NAMES } from '../session.js';

const link = (href, text) => h('a', { class: 'govuk-link', href }, text);

function section(title, ...children) {
  return h('section', { class: 'doorstep-home-section', 'aria-labelledby': `${title.replace(/\W+/g, '-').toLowerCase()}-heading` },
    h('h2', { class: 'govuk-heading-m', id: `${title.replace(/\W+/g, '-').toLowerCase()}-heading` }, title),
    ...children);
}

function notYet(...items) {
  return h(
    'div',
    { class: 'govuk-inset-text' },
    h('p', { class: 'govuk-body' }, 'Not in the console yet (your council’s IT team can reach these through the office API):'),
    h('ul', { class: 'govuk-list govuk-list--bullet' }, items.map((i) => h('li', {}, i))),
  );
}

const SECTIONS = {
  admin: (s) => [
    section(
      'Accounts',
      h('p', { class: 'govuk-body' }, 'Create accounts for new staff, change a role or teams, reset a forgotten password, and disable a leaver’s account in one step.'),
      h('p', { class: 'govuk-body' }, link('/office/accounts', 'Manage accounts')),
    ),
    notYet('devices: retire or mark a device lost', 'forms: upload, check and publish', 'the audit log'),
  ],
  manager: (s) => [
    section(
      'Your teams',
      h('p', { class: 'govuk-body' }, s.teams.length ? `You manage: ${s.teams.join(', ')}.` : 'You do not manage any team yet. Ask your council’s IT team to add your teams.'),
    ),
    notYet(
      'safety alerts and visits past their expected end',
      'people and cases, allocation and handover',
      'conflicts, field reports and devices',
    ),
  ],
  monitor: (s) => [
    section(
      'Teams you watch',
      h('p', { class: 'govuk-body' }, s.teams.length ? `You watch: ${s.teams.join(', ')}.` : 'You do not watch any team yet. Ask your council’s IT team to add your teams.'),
    ),
    notYet('safety alerts of the teams you watch'),
  ],
  auditor: () => [notYet('the audit log: search, the “who looked at this record” report and CSV download')],
};

async function start() {
  const session = await openPage('home');
  if (!session) return;
  const out = byId('home-sections');
  out.append(
    h('p', { class: 'govuk-body-l' }, `${ROLE_NAMES[session.role] ?? session.role}: ${session.username}`),
    ...(SECTIONS[session.role]?.(session) ?? []),
    section('Your account', h('p', { class: 'govuk-body' }, link('/office/password', 'Change your password or sign out everywhere'))),
  );
  if (new URLSearchParams(location.search).get('password') === 'changed') showSuccess('Your new password is saved');
  ready();
}

start();
