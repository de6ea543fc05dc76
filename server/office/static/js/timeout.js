// The GOV.UK timeout warning: a minute before the hub would end an idle session, a
// modal dialog says so and offers to stay signed in (which asks the hub, starting its
// idle clock again) or to sign out. When the minute runs out the page signs out.
// Every answer from the hub restarts the count (api.js onActivity), in this tab and,
// through a BroadcastChannel, in the console's other tabs: they share one session, so
// a quiet tab must not sign out someone working in another.
import { api, onActivity } from './api.js';
import { h } from './dom.js';

const WARN_BEFORE_S = 60;

function minutes(seconds) {
  if (seconds >= 60) return '1 minute';
  return seconds === 1 ? '1 second' : `${seconds} seconds`;
}

export function startTimeoutWarning(idleSeconds, signOut) {
  if (!idleSeconds) return;
  const countdown = h('span', {}, minutes(WARN_BEFORE_S));
  const stay = h('button', { type: 'button', class: 'govuk-button', 'data-module': 'govuk-button' }, 'Stay signed in');
  const leave = h('a', { class: 'govuk-link', href: '/office/signed-out' }, 'Sign out');
  const dialog = h(
    'dialog',
    { class: 'doorstep-timeout-warning', id: 'timeout-warning', 'aria-labelledby': 'timeout-heading', 'aria-describedby': 'timeout-text' },
    h('h2', { class: 'govuk-heading-m', id: 'timeout-heading' }, 'You’re about to be signed out'),
    h('p', { class: 'govuk-body', id: 'timeout-text' }, 'For your security, we will sign you out in ', countdown, '.'),
    h('div', { class: 'govuk-button-group' }, stay, leave),
  );
  document.body.append(dialog);

  let warnTimer = 0;
  let endTimer = 0;
  let tick = 0;
  let endsAt = 0;

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    clearInterval(tick);
    endsAt = Date.now() + idleSeconds * 1000;
    warnTimer = setTimeout(warn, Math.max(0, idleSeconds - WARN_BEFORE_S) * 1000);
    endTimer = setTimeout(() => signOut('idle'), idleSeconds * 1000);
  }

  function warn() {
    const left = () => Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    countdown.textContent = minutes(left());
    tick = setInterval(() => {
      countdown.textContent = minutes(left());
    }, 1000);
    if (!dialog.open) dialog.showModal();
    stay.focus();
  }

  stay.addEventListener('click', async () => {
    clearInterval(tick);
    dialog.close();
    try {
      await api('GET', '/v1/office/session'); // restarts the count (onActivity)
    } catch {
      signOut('ended');
    }
  });
  leave.addEventListener('click', (event) => {
    event.preventDefault();
    signOut();
  });
  // Escape would close the dialog without telling the hub: treat it as "stay".
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    stay.click();
  });
  const tabs = typeof BroadcastChannel === 'function' ? new BroadcastChannel('doorstep-office-activity') : null;
  onActivity(() => {
    tabs?.postMessage('active');
    if (!dialog.open) schedule();
  });
  tabs?.addEventListener('message', () => {
    clearInterval(tick);
    if (dialog.open) dialog.close();
    schedule();
  });
  schedule();
}
