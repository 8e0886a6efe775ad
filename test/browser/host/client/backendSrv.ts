/**
 * A fetch-based BackendSrv that behaves as Grafana's does where a plugin can tell: URLs are
 * relative to the app root (a leading `/` is dropped), `params` become the query string,
 * object bodies are sent as JSON, answers are parsed as JSON when they say so, anything but
 * 2xx (304 included) is an error `{status, statusText, data, config}`, unsubscribing aborts
 * the request, a newer request with the same requestId cancels the older one, and errors
 * raise an error alert unless `showErrorAlert: false`.
 */
import { Observable } from 'rxjs';
import { AppEvents } from '@grafana/data';
import { type BackendSrv, type BackendSrvRequest, type FetchResponse, getAppEvents } from '@grafana/runtime';

function buildUrl(options: BackendSrvRequest): string {
  let url = options.url.replace(/^\/+/, '');
  const params = Object.entries(options.params ?? {}).filter(([, v]) => v !== undefined && v !== null);
  if (params.length > 0) {
    const query = new URLSearchParams();
    for (const [k, v] of params) {
      (Array.isArray(v) ? v : [v]).forEach((x) => query.append(k, String(x)));
    }
    url += (url.includes('?') ? '&' : '?') + query.toString();
  }
  return url;
}

function body(data: unknown): BodyInit | undefined {
  if (data === undefined || data === null) {
    return undefined;
  }
  if (typeof data === 'string' || data instanceof FormData || data instanceof Blob) {
    return data;
  }
  return JSON.stringify(data);
}

async function parse(res: Response, type: BackendSrvRequest['responseType']): Promise<unknown> {
  if (type === 'text') {
    return res.text();
  }
  if (type === 'blob') {
    return res.blob();
  }
  if (type === 'arraybuffer') {
    return res.arrayBuffer();
  }
  const text = await res.text();
  if (text === '') {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const inFlight = new Map<string, AbortController>();

function alertError(options: BackendSrvRequest, err: { status: number; data: any; statusText?: string }) {
  if (options.showErrorAlert === false) {
    return;
  }
  const message = err.data?.message ?? err.statusText ?? `Request failed (${err.status})`;
  getAppEvents().publish({ type: AppEvents.alertError.name, payload: [message] });
}

function fetchObservable<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
  return new Observable<FetchResponse<T>>((subscriber) => {
    const controller = new AbortController();
    if (options.requestId) {
      inFlight.get(options.requestId)?.abort('cancelled');
      inFlight.set(options.requestId, controller);
    }
    options.abortSignal?.addEventListener('abort', () => controller.abort(options.abortSignal?.reason));
    const headers: Record<string, string> = {
      Accept: 'application/json, text/plain, */*',
      'X-Grafana-Org-Id': '1',
      ...options.headers,
    };
    const sent = body(options.data);
    if (typeof sent === 'string' && typeof options.data !== 'string' && !headers['Content-Type']) {
      headers['Content-Type'] = 'application/json';
    }
    const method = (options.method ?? 'GET').toUpperCase();
    (async () => {
      try {
        const res = await fetch(buildUrl(options), {
          method,
          headers,
          body: method === 'GET' || method === 'HEAD' ? undefined : sent,
          signal: controller.signal,
          credentials: options.credentials ?? 'same-origin',
        });
        const data = (await parse(res, options.responseType)) as T;
        const response: FetchResponse<T> = {
          data,
          status: res.status,
          statusText: res.statusText,
          ok: res.ok,
          headers: res.headers,
          redirected: res.redirected,
          type: res.type,
          url: res.url,
          config: options,
        };
        if (!res.ok) {
          const err = { status: res.status, statusText: res.statusText, data, config: options };
          alertError(options, err);
          subscriber.error(err);
          return;
        }
        subscriber.next(response);
        subscriber.complete();
      } catch (e) {
        if (controller.signal.aborted) {
          subscriber.error({
            status: -1,
            statusText: 'Request was aborted',
            cancelled: true,
            data: { message: 'Request was aborted' },
            config: options,
          });
          return;
        }
        const err = { status: 0, statusText: String((e as Error).message), data: {}, config: options };
        alertError(options, err);
        subscriber.error(err);
      } finally {
        if (options.requestId && inFlight.get(options.requestId) === controller) {
          inFlight.delete(options.requestId);
        }
      }
    })();
    return () => controller.abort('unsubscribed');
  });
}

function request<T>(options: BackendSrvRequest): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    fetchObservable<T>(options).subscribe({ next: (r) => resolve(r.data), error: reject });
  });
}

export const backendSrv: BackendSrv = {
  fetch: fetchObservable,
  request,
  get: (url, params, requestId, options) => request({ ...options, url, params, requestId, method: 'GET' }),
  delete: (url, data, options) => request({ ...options, url, data, method: 'DELETE' }),
  post: (url, data, options) => request({ ...options, url, data, method: 'POST' }),
  patch: (url, data, options) => request({ ...options, url, data, method: 'PATCH' }),
  put: (url, data, options) => request({ ...options, url, data, method: 'PUT' }),
  datasourceRequest: (options) =>
    new Promise((resolve, reject) => fetchObservable(options).subscribe({ next: resolve, error: reject })),
  chunked: () => {
    throw new Error('chunked requests are not supported by the test host');
  },
} as BackendSrv;
