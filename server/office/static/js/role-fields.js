// The role of an account and its teams, as GOV.UK radios with conditionally revealed
// questions: managers and monitors have a list of teams, a field worker has one team.
// Used by the new-account and account pages.
//
// The reveal is done here, not by GOV.UK Frontend's Radios component: that one puts
// aria-expanded on the radio inputs, which ARIA does not allow on a radio (axe-core
// counts it a critical violation). A revealed question follows its radio, so a
// screen reader meets it next.
import { clear, h } from './dom.js';

const byIdIn = (root, id) => root.querySelector(`[id="${id}"]`);

export const ROLES = [
  { value: 'admin', label: 'Administrator', hint: 'Accounts, devices, forms and settings: everything' },
  { value: 'manager', label: 'Team manager', hint: 'The people, cases, visits and conflicts of their teams', teams: true },
  { value: 'monitor', label: 'Safety monitor', hint: 'Safety alerts of the teams they watch; no notes or forms', teams: true },
  { value: 'auditor', label: 'Auditor', hint: 'Reads and exports the audit log; changes nothing' },
  { value: 'worker', label: 'Field worker', hint: 'Visits people with the Doorstep app on a device', team: true },
];

// "children-south, wardens-central" -> ["children-south", "wardens-central"]
export function parseTeams(text) {
  return String(text ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

// Builds the fields into container; returns read() -> {role, teams, team} and the ids
// of the fields for error messages.
export function roleFields(container, current = null) {
  clear(container);
  const items = [];
  ROLES.forEach((r, i) => {
    const id = i === 0 ? 'role' : `role-${r.value}`;
    const conditional = r.teams || r.team ? `${id}-conditional` : null;
    items.push(
      h(
        'div',
        { class: 'govuk-radios__item' },
        h('input', {
          class: 'govuk-radios__input',
          id,
          name: 'role',
          type: 'radio',
          value: r.value,
          checked: current?.role === r.value,
          'aria-describedby': `${id}-item-hint`,
        }),
        h('label', { class: 'govuk-label govuk-radios__label', for: id }, r.label),
        h('div', { id: `${id}-item-hint`, class: 'govuk-hint govuk-radios__hint' }, r.hint),
      ),
    );
    if (r.teams) {
      const field = `teams-${r.value}`;
      items.push(
        h(
          'div',
          { class: 'govuk-radios__conditional govuk-radios__conditional--hidden', id: conditional },
          h(
            'div',
            { class: 'govuk-form-group' },
            h('label', { class: 'govuk-label', for: field }, 'Teams'),
            h('div', { class: 'govuk-hint', id: `${field}-hint` }, 'Separate teams with commas, for example children-south, children-north'),
            h('input', {
              class: 'govuk-input govuk-!-width-two-thirds',
              id: field,
              name: field,
              type: 'text',
              spellcheck: 'false',
              autocomplete: 'off',
              'aria-describedby': `${field}-hint`,
              value: current?.role === r.value ? (current.teams ?? []).join(', ') : null,
            }),
          ),
        ),
      );
    }
    if (r.team) {
      items.push(
        h(
          'div',
          { class: 'govuk-radios__conditional govuk-radios__conditional--hidden', id: conditional },
          h(
            'div',
            { class: 'govuk-form-group' },
            h('label', { class: 'govuk-label', for: 'team' }, 'Team'),
            h('div', { class: 'govuk-hint', id: 'team-hint' }, 'The team whose cases they can be given, for example children-south'),
            h('input', {
              class: 'govuk-input govuk-!-width-one-half',
              id: 'team',
              name: 'team',
              type: 'text',
              spellcheck: 'false',
              autocomplete: 'off',
              'aria-describedby': 'team-hint',
              value: current?.role === 'worker' ? current.team ?? '' : null,
            }),
          ),
        ),
      );
    }
  });
  const radios = h('div', { class: 'govuk-radios' }, items);
  container.append(
    h(
      'div',
      { class: 'govuk-form-group' },
      h(
        'fieldset',
        { class: 'govuk-fieldset', 'aria-describedby': 'role-hint' },
        h('legend', { class: 'govuk-fieldset__legend govuk-fieldset__legend--s' }, 'Role'),
        h('div', { class: 'govuk-hint', id: 'role-hint' }, 'What they do decides what they can see and change'),
        radios,
      ),
    ),
  );
  const reveal = () => {
    for (const input of radios.querySelectorAll('input[name="role"]')) {
      const shown = byIdIn(radios, `${input.id}-conditional`);
      if (shown) shown.classList.toggle('govuk-radios__conditional--hidden', !input.checked);
    }
  };
  radios.addEventListener('change', reveal);
  reveal();

  return {
    read() {
      const checked = container.querySelector('input[name="role"]:checked');
      const role = checked?.value ?? '';
      const teamsInput = container.querySelector(`#teams-${role}`);
      return {
        role,
        teams: teamsInput ? parseTeams(teamsInput.value) : [],
        team: role === 'worker' ? container.querySelector('#team').value.trim() : '',
        teamsField: teamsInput ? teamsInput.id : null,
      };
    },
  };
}

// What is wrong with the role fields before asking the hub: [{field, text}].
export function checkRole(value) {
  if (!value.role) return [{ field: 'role', text: 'Select a role' }];
  if (value.role === 'manager' && value.teams.length === 0)
    return [{ field: value.teamsField, text: 'Enter the teams they manage' }];
  if (value.role === 'monitor' && value.teams.length === 0)
    return [{ field: value.teamsField, text: 'Enter the teams they watch' }];
  if (value.teams.some((t) => t.length > 64)) return [{ field: value.teamsField, text: 'A team name is at most 64 characters' }];
  if (value.team.length > 64) return [{ field: 'team', text: 'A team name is at most 64 characters' }];
  return [];
}

// Which field a refusal of the hub is about, from its message.
export function fieldOfRefusal(message, value, fallback) {
  const m = String(message).toLowerCase();
  if (m.includes('user name') || m.includes('already exists') || m.includes('exists')) return 'username';
  if (m.includes('email')) return 'email';
  if (m.includes('team')) return value.role === 'worker' ? 'team' : value.teamsField ?? 'role';
  if (m.includes('role') || m.includes('devices')) return 'role';
  return fallback;
}
