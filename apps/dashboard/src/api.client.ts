// The dashboard's one way to the api: same-origin fetch with the session cookie, the CSRF header on changes, and
// problem+json errors turned into sentences a person can act on.

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  requestId?: string;
  errors?: Array<{ path: string; message: string }>;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }
  get status(): number {
    return this.problem.status;
  }
}

let csrfToken: string | null = null;
const signedOutListeners = new Set<() => void>();

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the api says the session is gone (expired, signed out elsewhere, token revoked). */
export function onSignedOut(fn: () => void): () => void {
  signedOutListeners.add(fn);
  return () => signedOutListeners.delete(fn);
}

export interface RequestOptions {
  body?: unknown;
  ifMatch?: string;
  ifNoneMatch?: string;
  signal?: AbortSignal;
}

/** Answer with its ETag (for conditional reads and If-Match on commands). */
export interface Tagged<T> {
  data: T;
  etag: string | null;
  notModified: boolean;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<Tagged<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (options.ifMatch) headers['if-match'] = options.ifMatch;
  if (options.ifNoneMatch) headers['if-none-match'] = options.ifNoneMatch;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError({ status: 0, title: 'Network error', detail: 'The api could not be reached. Check your connection; the page retries by itself.' });
  }
  const etag = res.headers.get('etag');
  if (res.status === 304) return { data: undefined as T, etag, notModified: true };
  const text = await res.text();
  const body: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const problem = { status: res.status, ...(typeof body === 'object' && body ? body : {}) } as Problem;
    if (res.status === 401 && path !== '/v1/session') for (const fn of signedOutListeners) fn();
    throw new ApiError(problem);
  }
  return { data: body as T, etag, notModified: false };
}

export async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  return (await request<T>('GET', path, { signal })).data;
}

export async function post<T>(path: string, body: unknown = {}, ifMatch?: string): Promise<T> {
  return (await request<T>('POST', path, { body, ifMatch })).data;
}

/** The sentence shown for a refused or failed call: what happened, then what to do. */
export function describeProblem(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const p = error.problem;
  const detail = p.detail ?? p.title ?? '';
  const fields = p.errors?.length ? ` (${p.errors.map((e) => `${e.path}: ${e.message}`).join('; ')})` : '';
  switch (p.status) {
    case 0:
      return detail;
    case 401:
      return `Not signed in: ${detail} Sign in again with your token.`;
    case 403:
      return `Not allowed: ${detail}`;
    case 404:
      return `Not found: ${detail}`;
    case 409:
      return `Refused, because of the deployment's current state: ${detail} The view shows its state now.`;
    case 412:
      return 'Someone changed this deployment after you loaded it, so nothing was done. The view has been refreshed: check it and try again.';
    case 422:
    case 400:
      return `Invalid input: ${detail}${fields}`;
    case 429:
      return `Too many attempts: ${detail}`;
    default:
      return `The api failed (${p.status}): ${detail}${p.requestId ? ` — request id ${p.requestId}` : ''}`;
  }
}
