/** The `Authorization` header value of HTTP basic auth (RFC 7617), e.g. for the registry. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
