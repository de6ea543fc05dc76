// The hub's password rules (hub/password_rules.h) as the pages check them before
// asking: at least 10 characters, not the user name; the deny-list of common
// passwords is the hub's to check.
export const MIN_PASSWORD = 10;

export function checkNewPassword(next, again, username) {
  if (!next) return [{ field: 'new-password', text: 'Enter a new password' }];
  if (next.length < MIN_PASSWORD)
    return [{ field: 'new-password', text: `Your new password must be ${MIN_PASSWORD} characters or more` }];
  if (username && next.toLowerCase() === username.toLowerCase())
    return [{ field: 'new-password', text: 'Your new password must not be your user name' }];
  if (next !== again) return [{ field: 'confirm-password', text: 'The two passwords are not the same' }];
  return [];
}
