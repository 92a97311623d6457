// Error messages end up in logs, bug reports and telemetry: the secrets a URL can carry must not.

// Query parameters that carry credentials in the URL schemes people use for model files (signed
// S3/GCS/Azure URLs, token-in-URL CDNs).
const secretNames = [
  'access_token',
  'token',
  'auth',
  'authorization',
  'api[_-]?key',
  'key',
  'sig',
  'signature',
  'password',
  'secret',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
  'x-goog-signature',
  'x-goog-credential',
];
const secretParams = new RegExp(`([?&](?:${secretNames.join('|')})=)[^&#\\s'"]*`, 'gi');
// `scheme://user:password@host`: the userinfo part, up to the last '@' before the path.
const userinfo = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#\s@'"]+@/gi;

/** `text` with URL credentials (userinfo, secret query parameters) replaced by `***`. */
export function redactSecrets(text: string): string {
  return text.replace(userinfo, '$1***@').replace(secretParams, '$1***');
}

/** True when `url` carries a user name or password, which fetch() refuses to request. */
export function hasUserinfo(url: URL): boolean {
  return url.username !== '' || url.password !== '';
}
