// Imported first by every page: tells GOV.UK Frontend's styles and components that
// scripts run here. Its page template does this with an inline script, which the
// console's Content-Security-Policy (no inline script) does not allow.
document.body.classList.add('js-enabled', 'govuk-frontend-supported');
