/** `notify:` in data.config.yaml: a command that reads the event's JSON on stdin, or a webhook that receives it. */
export type NotifyTarget = { command: string } | { webhook: string };

const TIMEOUT_MS = 10_000;

/**
 * Sends one event. Never throws: the deployment has already happened, so a
 * failed notification is reported in the returned sentence instead.
 */
export async function runNotification(target: NotifyTarget, event: unknown, cwd: string): Promise<string> {
  const body = `${JSON.stringify(event, null, 2)}\n`;
  if ('command' in target) {
    // Loaded here: execa is ~100 modules, and most deploys notify nobody.
    const { execa } = await import('execa');
    const result = await execa(target.command, { shell: true, cwd, input: body, reject: false, timeout: TIMEOUT_MS, all: true });
    if (result.exitCode === 0) return `notified: \`${target.command}\` exited 0`;
    const said = String(result.all ?? '').trim().split('\n').slice(-1)[0];
    return `notification FAILED: \`${target.command}\` ${result.timedOut ? `timed out after ${TIMEOUT_MS / 1000}s` : `exited ${result.exitCode}`}${said ? `: ${said}` : ''}`;
  }
  // Credentials in the URL go in an Authorization header (fetch refuses them in the URL);
  // only the host is ever printed, never the user, password, path or query.
  const url = new URL(target.webhook);
  const host = url.host;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (url.username || url.password) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  try {
    const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
    return response.ok ? `notified: webhook on ${host} answered ${response.status}` : `notification FAILED: webhook on ${host} answered ${response.status}`;
  } catch (error) {
    return `notification FAILED: webhook on ${host}: ${fetchFailure(error as Error)}`;
  }
}

/** Why a POST failed, without the URL (fetch puts the whole URL in some messages). */
function fetchFailure(error: Error): string {
  if (error.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000}s`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.code === 'ECONNREFUSED' ? ' (connection refused)' : ''}`;
  return `${error.message}${cause?.message ? `: ${cause.message}` : ''}`.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>');
}
