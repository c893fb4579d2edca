// The HTML template depends on puppeteer for its PDF option, which these tests do not use: its
// install step downloads no browser (the same as PUPPETEER_SKIP_DOWNLOAD=1, for any `npm ci`).
module.exports = { skipDownload: true };
