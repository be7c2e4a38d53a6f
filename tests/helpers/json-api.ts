/**
 * One JSON call to an app running in its own process (tests that cannot use the in-process
 * TestApp): bearer token optional, a non-2xx answer throws with the status and body.
 */
export async function jsonApi(base: string, method: string, path: string, token?: string, body?: unknown): Promise<any> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}
