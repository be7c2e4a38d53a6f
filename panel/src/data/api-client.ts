/** The one place the panel talks HTTP: bearer token, JSON, typed errors, 401 handling. */
import { toUrl } from '../base.ts';
import { locale, t, tCode } from '../i18n/locale.ts';

export interface ErrorDetail { readonly path?: string; readonly message: string }

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: readonly ErrorDetail[];

  constructor(status: number, code: string, message: string, details: readonly ErrorDetail[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The first message about one input field, for showing it next to that field. */
  detailFor(path: string): string | undefined {
    return this.details.find((detail) => detail.path === path)?.message;
  }
}

export interface ApiClientOptions {
  readonly token: () => string | undefined;
  /** Called when the server answers 401 (a wrong password at login is not a lost session). */
  readonly onUnauthorized: () => void;
  readonly fetch?: typeof fetch;
}

export class ApiClient {
  readonly #options: ApiClientOptions;

  constructor(options: ApiClientOptions) {
    this.#options = options;
  }

  get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, undefined, signal);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  put<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  patch<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  delete<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('DELETE', path, body);
  }

  /** A GET whose answer is not JSON (a picture): the Response itself, after the same token and 401 handling. */
  async raw(path: string, signal?: AbortSignal): Promise<Response> {
    const token = this.#options.token();
    let response: Response;
    try {
      response = await (this.#options.fetch ?? fetch)(toUrl(path), { headers: token ? { authorization: `Bearer ${token}` } : {}, signal });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new ApiError(0, 'network', t('error.network'));
    }
    if (response.status === 401) this.#options.onUnauthorized();
    if (!response.ok) throw new ApiError(response.status, `http_${response.status}`, `${response.status} ${response.statusText}`);
    return response;
  }

  async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.#options.token();
    if (token) headers.authorization = `Bearer ${token}`;
    // A file (a database upload) travels as itself; everything else as JSON.
    const file = body instanceof Blob;
    if (body !== undefined) headers['content-type'] = file ? 'application/octet-stream' : 'application/json';
    let response: Response;
    try {
      response = await (this.#options.fetch ?? fetch)(toUrl(path), { method, headers, body: body === undefined ? undefined : file ? body : JSON.stringify(body), signal });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new ApiError(0, 'network', t('error.network'));
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string; details?: ErrorDetail[] } } | undefined)?.error;
      if (response.status === 401 && !path.startsWith('/api/auth/login')) this.#options.onUnauthorized();
      throw new ApiError(response.status, error?.code ?? `http_${response.status}`, error?.message ?? `${response.status} ${response.statusText}`, Array.isArray(error?.details) ? error.details : []);
    }
    return parsed as T;
  }
}

/**
 * What went wrong, in the panel's language: the server's stable code is worded here (the
 * server's own English text follows it, since it names the thing that failed).
 */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const details = error.details.filter((detail) => detail.message).map((detail) => (detail.path ? `${detail.path}: ${detail.message}` : detail.message));
    const message = details.length > 0 && !details.some((detail) => error.message.includes(detail)) ? `${error.message} (${details.join('; ')})` : error.message;
    if (error.code === 'network' || locale() === 'en') return message;
    const worded = tCode('error', error.code, '');
    return worded ? `${worded}: ${message}` : message;
  }
  return error instanceof Error ? error.message : String(error);
}
