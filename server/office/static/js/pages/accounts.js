// Accounts (admin): one page of at most 100 accounts from the hub
// (GET /v1/office/accounts?after=NAME), by user name, with a link to each.
import '../boot.js';
import { api } from '../api.js';
import { byId, formatTime, h } from '../dom.js';
import { openPage, pageFailed, ready, ROLE_NAMES } from '../session.js';

function status(a) {
  const tags = [];
  tags.push(a.enabled ? h('strong', { class: 'govuk-tag govuk-tag--green' }, 'Active') : h('strong', { class: 'govuk-tag govuk-tag--grey' }, 'Disabled'));
  if (a.password_change_required) tags.push(' ', h('strong', { class: 'govuk-tag govuk-tag--yellow' }, 'New password due'));
  return tags;
}

function teams(a) {
  if (a.role === 'worker') return a.team || '—';
  return a.teams?.length ? a.teams.join(', ') : '—';
}

function table(accounts) {
  const head = ['User name', 'Role', 'Teams', 'Status', 'Last sign-in'];
  return h(
    'table',
    { class: 'govuk-table doorstep-stacked-table', id: 'accounts-table' },
    h('caption', { class: 'govuk-table__caption govuk-table__caption--m' }, 'All accounts'),
    h('thead', { class: 'govuk-table__head' }, h('tr', { class: 'govuk-table__row' }, head.map((t) => h('th', { scope: 'col', class: 'govuk-table__header' }, t)))),
    h(
      'tbody',
      { class: 'govuk-table__body' },
      accounts.map((a) =>
        h(
          'tr',
          { class: 'govuk-table__row' },
          h('th', { scope: 'row', class: 'govuk-table__header' }, h('a', { class: 'govuk-link', href: `/office/account?name=${encodeURIComponent(a.username)}` }, a.username)),
          h('td', { class: 'govuk-table__cell', 'data-label': 'Role' }, ROLE_NAMES[a.role] ?? a.role),
          h('td', { class: 'govuk-table__cell', 'data-label': 'Teams' }, teams(a)),
          h('td', { class: 'govuk-table__cell', 'data-label': 'Status' }, status(a)),
          h('td', { class: 'govuk-table__cell', 'data-label': 'Last sign-in' }, a.last_sign_in ? formatTime(a.last_sign_in) : 'Never'),
        ),
      ),
    ),
  );
}

function pagination(after, next) {
  if (!after && !next) return null;
  const parts = [];
  if (after)
    parts.push(h('div', { class: 'govuk-pagination__prev' }, h('a', { class: 'govuk-link govuk-pagination__link', href: '/office/accounts', rel: 'prev' },
      h('span', { class: 'govuk-pagination__link-title' }, 'First page'))));
  if (next)
    parts.push(h('div', { class: 'govuk-pagination__next' }, h('a', { class: 'govuk-link govuk-pagination__link', href: `/office/accounts?after=${encodeURIComponent(next)}`, rel: 'next' },
      h('span', { class: 'govuk-pagination__link-title' }, 'Next', h('span', { class: 'govuk-visually-hidden' }, ' page')))));
  return h('nav', { class: 'govuk-pagination govuk-pagination--block', 'aria-label': 'Pages of accounts' }, parts);
}

async function start() {
  const session = await openPage('accounts', ['admin']);
  if (!session) return;
  const after = new URLSearchParams(location.search).get('after') ?? '';
  let page;
  try {
    page = await api('GET', `/v1/office/accounts${after ? `?after=${encodeURIComponent(after)}` : ''}`);
  } catch (error) {
    return pageFailed(error);
  }
  const out = byId('accounts-list');
  if (page.accounts.length === 0) out.append(h('p', { class: 'govuk-body' }, 'There are no more accounts.'));
  else out.append(table(page.accounts));
  const nav = pagination(after, page.next);
  if (nav) out.append(nav);
  ready();
}

start();
