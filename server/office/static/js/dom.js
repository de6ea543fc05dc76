// Building the page's elements from data. Text goes in as text (textContent), never
// as HTML, so nothing a record holds can become markup or script.

// h('p', {class: 'govuk-body', id: 'x'}, 'text', otherNode, ...). Attributes whose
// value is null, undefined or false are left out; true gives an empty attribute.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

export const byId = (id) => document.getElementById(id);

// "2026-12-04T09:30:00Z" -> "4 December 2026 at 9:30am" (the GOV.UK style), "" when empty.
export function formatTime(text) {
  if (!text) return '';
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) return text;
  const date = d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
  let hours = d.getHours();
  const minutes = String(d.getMinutes()).padStart(2, '0');
  const half = hours >= 12 ? 'pm' : 'am';
  hours = hours % 12 || 12;
  return `${date} at ${hours}:${minutes}${half}`;
}

// Sets the page's title: "What – Doorstep office" (unique per page and state).
export function setTitle(what, error = false) {
  document.title = `${error ? 'Error: ' : ''}${what} – Doorstep office`;
}
