// The Content-Security-Policy of the renderer, sent as a header by the
// Electron session and by the browser bridge, and repeated as a <meta> in
// renderer/index.html (csp.test.ts checks they agree). No unsafe-* anywhere:
// React sets styles through the CSSOM, which style-src does not govern.
const DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

/** frame-ancestors only works as a header (browsers ignore it in <meta>). */
export const CONTENT_SECURITY_POLICY = [...DIRECTIVES, "frame-ancestors 'none'"].join('; ');

/** The same policy, minus what a <meta> cannot carry. */
export const CONTENT_SECURITY_POLICY_META = DIRECTIVES.join('; ');
