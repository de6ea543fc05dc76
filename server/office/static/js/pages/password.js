// Your password: change it (POST /v1/office/password), or end every session of your
// account at once (POST /v1/office/accounts/{you}/sign-out-everywhere). The page every
// other page sends you to while a reset password is unchanged.
import '../boot.js';
import { api, ApiError, sentence } from '../api.js';
import { byId } from '../dom.js';
import { busy, showErrors, showSuccess } from '../messages.js';
import { checkNewPassword } from '../passwords.js';
import { openPage, pageFailed, ready, signOut } from '../session.js';

async function start() {
  const session = await openPage('password');
  if (!session) return;
  const forced = session.password_change_required;
  byId('password-reset-text').hidden = !forced;
  const form = byId('password-form');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const current = byId('current-password').value;
    const next = byId('new-password').value;
    const errors = current ? [] : [{ field: 'current-password', text: 'Enter your current password' }];
    errors.push(...checkNewPassword(next, byId('confirm-password').value, session.username));
    if (errors.length) return showErrors(errors, form);
    try {
      await busy(byId('password-button'), 'Saving…', () =>
        api('POST', '/v1/office/password', { current_password: current, new_password: next }),
      );
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 401 || error.status >= 500) return pageFailed(error);
      const text = sentence(error.message).replace(/\.$/, '');
      return showErrors([{ field: /current/i.test(error.message) ? 'current-password' : 'new-password', text }], form);
    }
    form.reset();
    if (forced) return location.assign('/office/?password=changed');
    showSuccess('Your new password is saved');
  });
  byId('sign-out-everywhere-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await busy(byId('sign-out-everywhere-button'), 'Signing out…', () =>
        api('POST', `/v1/office/accounts/${encodeURIComponent(session.username)}/sign-out-everywhere`, {}),
      );
    } catch (error) {
      return pageFailed(error);
    }
    signOut(); // this session ended with the rest: the signed-out page says so
  });
  ready();
}

start();
