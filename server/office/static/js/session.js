// Every signed-in page starts here: who is signed in (GET /v1/office/session, which
// also gives the CSRF token), the navigation for their role, sign-out, and the
// idle-timeout warning. Not signed in: to the sign-in page. A password that must be
// changed: to the password page first.
import { initAll } from '/office/govuk/govuk-frontend.min.js';
import { api, ApiError, setCsrfToken } from './api.js';
import { byId, clear, h, setTitle } from './dom.js';
import { startTimeoutWarning } from './timeout.js';

const OFFICE_ROLES = ['admin', 'manager', 'monitor', 'auditor'];

// The pages that exist, and who may open them.
const NAVIGATION = [
  { page: 'home', href: '/office/', text: 'Home', roles: OFFICE_ROLES },
  { page: 'accounts', href: '/office/accounts', text: 'Accounts', roles: ['admin'] },
  { page: 'password', href: '/office/password', text: 'Your password', roles: OFFICE_ROLES },
];

export const ROLE_NAMES = {
  admin: 'Administrator',
  manager: 'Team manager',
  monitor: 'Safety monitor',
  auditor: 'Auditor',
  worker: 'Field worker',
};

const never = () => new Promise(() => {});

// Ends the session on the hub, then shows the signed-out page.
export async function signOut(reason = '') {
  try {
    await api('POST', '/v1/office/logout', {});
  } catch {
    // Ended already, or the hub is out of reach: the page below says to sign in again.
  }
  location.assign(`/office/signed-out${reason ? `?reason=${reason}` : ''}`);
}

function renderNavigation(session, current) {
  const list = byId('navigation');
  clear(list);
  for (const item of NAVIGATION) {
    if (!item.roles.includes(session.role)) continue;
    const active = item.page === current || (current === 'account' && item.page === 'accounts') ||
      (current === 'new-account' && item.page === 'accounts');
    list.append(
      h(
        'li',
        { class: `govuk-service-navigation__item${active ? ' govuk-service-navigation__item--active' : ''}` },
        h(
          'a',
          { class: 'govuk-service-navigation__link', href: item.href, 'aria-current': active ? 'true' : null },
          active ? h('strong', { class: 'govuk-service-navigation__active-fallback' }, item.text) : item.text,
        ),
      ),
    );
  }
  const out = h('a', { class: 'govuk-service-navigation__link', href: '/office/signed-out', id: 'sign-out' }, 'Sign out');
  out.addEventListener('click', (event) => {
    event.preventDefault();
    signOut();
  });
  list.append(h('li', { class: 'govuk-service-navigation__item' }, out));
  const who = byId('signed-in-as');
  if (who) {
    clear(who).append(
      'Signed in as ',
      h('strong', {}, session.username),
      ` (${ROLE_NAMES[session.role] ?? session.role}${session.teams?.length ? `: ${session.teams.join(', ')}` : ''})`,
    );
  }
}

// The page in place of one the role may not open.
export function showForbidden() {
  setTitle('You cannot open this page');
  const main = byId('content');
  clear(main).append(
    h('div', { id: 'messages' }),
    h('h1', { class: 'govuk-heading-l' }, 'You cannot open this page'),
    h('p', { class: 'govuk-body' }, 'Your role does not include this part of the office console.'),
    h('p', { class: 'govuk-body' }, 'If you need it for your work, ask your council’s IT team to change your role.'),
    h('p', { class: 'govuk-body' }, h('a', { class: 'govuk-link', href: '/office/' }, 'Go to your home page')),
  );
  ready();
}

// The page is drawn and waits for the user (browser tests wait for this).
export function ready() {
  document.body.dataset.ready = 'true';
}

// A failure the page cannot recover from: the hub unreachable, or answering 500.
export function showFailure(error) {
  setTitle('Sorry, there is a problem');
  clear(byId('content')).append(
    h('div', { id: 'messages' }),
    h('h1', { class: 'govuk-heading-l' }, 'Sorry, there is a problem with the office console'),
    h('p', { class: 'govuk-body' }, error.message),
    h('p', { class: 'govuk-body' }, 'Try again later. If it goes on, tell your council’s IT team.'),
  );
  ready();
}

// Opens a signed-in page. page: its name in NAVIGATION; roles: who may use it (the
// hub refuses the rest anyway). Returns the session, or null when the page was
// replaced by a refusal; never returns when the browser goes elsewhere.
export async function openPage(page, roles = OFFICE_ROLES) {
  let session;
  try {
    session = await api('GET', '/v1/office/session');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      location.replace('/office/sign-in');
      return never();
    }
    initAll();
    showFailure(error);
    return null;
  }
  setCsrfToken(session.csrf_token);
  if (session.password_change_required && page !== 'password') {
    location.replace('/office/password');
    return never();
  }
  renderNavigation(session, page);
  initAll();
  startTimeoutWarning(session.idle_timeout, signOut);
  if (!roles.includes(session.role)) {
    showForbidden();
    return null;
  }
  return session;
}

// What a page does with an ApiError it did not expect: an ended session goes to
// sign-in, a refusal shows the refusal page, anything else the failure page.
export function pageFailed(error) {
  if (error instanceof ApiError && error.status === 401) {
    location.assign('/office/signed-out?reason=ended');
    return;
  }
  if (error instanceof ApiError && error.status === 403 && error.code === 'forbidden') return showForbidden();
  showFailure(error);
}
