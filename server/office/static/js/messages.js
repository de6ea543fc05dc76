// What every action ends in: a success banner, or an error summary that names each
// field (GOV.UK error summary and error messages). Both take the focus, so a screen
// reader says what happened; the page title starts with "Error: " while errors show.
import { ErrorSummary, NotificationBanner } from '/office/govuk/govuk-frontend.min.js';
import { byId, clear, h } from './dom.js';

// The messages slot at the top of the page's main column.
const slot = () => byId('messages');

function titleError(on) {
  const t = document.title.replace(/^Error: /, '');
  document.title = on ? `Error: ${t}` : t;
}

export function clearMessages(form = null) {
  clear(slot());
  titleError(false);
  const scope = form ?? document;
  for (const m of scope.querySelectorAll('.govuk-error-message')) m.remove();
  for (const g of scope.querySelectorAll('.govuk-form-group--error')) g.classList.remove('govuk-form-group--error');
  for (const i of scope.querySelectorAll('.govuk-input--error')) i.classList.remove('govuk-input--error');
  for (const el of scope.querySelectorAll('[aria-describedby]')) {
    const ids = el.getAttribute('aria-describedby').split(' ').filter((id) => !id.endsWith('-error'));
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
    else el.removeAttribute('aria-describedby');
  }
}

// errors: [{field: 'username' (an element id) or null, text: 'Enter a user name'}]
export function showErrors(errors, form = null) {
  clearMessages(form);
  const list = h('ul', { class: 'govuk-list govuk-error-summary__list' });
  for (const e of errors) {
    const field = e.field ? byId(e.field) : null;
    list.append(h('li', {}, field ? h('a', { href: `#${e.field}` }, e.text) : e.text));
    if (field) markField(field, e.text);
  }
  const summary = h(
    'div',
    { class: 'govuk-error-summary', 'data-module': 'govuk-error-summary' },
    h(
      'div',
      { role: 'alert' },
      h('h2', { class: 'govuk-error-summary__title' }, 'There is a problem'),
      h('div', { class: 'govuk-error-summary__body' }, list),
    ),
  );
  slot().append(summary);
  titleError(true);
  new ErrorSummary(summary); // focuses the summary; its links focus their fields
}

function markField(field, text) {
  const group = field.closest('.govuk-form-group');
  if (!group || group.querySelector(`#${field.id}-error`)) return;
  group.classList.add('govuk-form-group--error');
  const message = h(
    'p',
    { class: 'govuk-error-message', id: `${field.id}-error` },
    h('span', { class: 'govuk-visually-hidden' }, 'Error: '),
    text,
  );
  const fieldset = field.type === 'radio' ? field.closest('fieldset') : null;
  const described = fieldset ?? field;
  if (fieldset) {
    const legend = fieldset.querySelector('legend');
    const hint = fieldset.querySelector(':scope > .govuk-hint');
    (hint ?? legend).after(message);
  } else {
    const before = field.closest('.govuk-input__wrapper') ?? field;
    before.before(message);
    field.classList.add('govuk-input--error');
  }
  const ids = (described.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
  ids.push(message.id);
  described.setAttribute('aria-describedby', ids.join(' '));
}

// A green banner: heading (text) and any further nodes, focused.
export function showSuccess(heading, ...body) {
  clearMessages();
  const banner = h(
    'div',
    {
      class: 'govuk-notification-banner govuk-notification-banner--success',
      role: 'alert',
      'aria-labelledby': 'success-title',
      'data-module': 'govuk-notification-banner',
    },
    h(
      'div',
      { class: 'govuk-notification-banner__header' },
      h('h2', { class: 'govuk-notification-banner__title', id: 'success-title' }, 'Success'),
    ),
    h('div', { class: 'govuk-notification-banner__content' }, h('p', { class: 'govuk-notification-banner__heading' }, heading), ...body),
  );
  slot().append(banner);
  new NotificationBanner(banner); // role=alert: it takes the focus
}

// An important (blue) banner, not focused: a state the page is in.
export function showNotice(text) {
  slot().append(
    h(
      'div',
      { class: 'govuk-notification-banner', role: 'region', 'aria-labelledby': 'notice-title', 'data-module': 'govuk-notification-banner' },
      h('div', { class: 'govuk-notification-banner__header' }, h('h2', { class: 'govuk-notification-banner__title', id: 'notice-title' }, 'Important')),
      h('div', { class: 'govuk-notification-banner__content' }, h('p', { class: 'govuk-notification-banner__heading' }, text)),
    ),
  );
}

// The submit button says the hub is working and cannot be pressed twice meanwhile.
export async function busy(button, label, work) {
  const text = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-disabled', 'true');
  button.textContent = label;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-disabled');
    button.textContent = text;
  }
}
