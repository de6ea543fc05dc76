// After sign-out: says why the session ended (signed out, idle too long, ended elsewhere).
import '../boot.js';
import { initAll } from '/office/govuk/govuk-frontend.min.js';
import { byId, setTitle } from '../dom.js';
import { ready } from '../session.js';

const REASONS = {
  idle: {
    heading: 'You have been signed out',
    text: 'We signed you out because you had not used the office console for a while. Nothing you saved is lost.',
  },
  ended: {
    heading: 'Your session has ended',
    text: 'Your session ended: it was signed out somewhere else, it ran out of time, or your account was changed. Sign in again to go on.',
  },
};

initAll();
const reason = REASONS[new URLSearchParams(location.search).get('reason')];
if (reason) {
  byId('signed-out-heading').textContent = reason.heading;
  byId('signed-out-text').textContent = reason.text;
  setTitle(reason.heading);
}
ready();
