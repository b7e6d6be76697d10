/**
 * A request the server refused or could not serve. `status` and `errorCode` come from the server's
 * `{"error_code", "message"}` answer; `attempts` says how many times the SDK tried before giving up.
 */
export class MnemoApiError extends Error {
  readonly status: number;
  readonly errorCode: string;
  readonly attempts: number;

  constructor(status: number, errorCode: string, message: string, attempts = 1) {
    super(message);
    this.name = 'MnemoApiError';
    this.status = status;
    this.errorCode = errorCode;
    this.attempts = attempts;
  }
}

/**
 * The server could not be reached, or the connection broke before an answer arrived, on every attempt. `url` is the
 * server address that was tried, so a caller can say where it looked.
 */
export class MnemoConnectionError extends Error {
  readonly attempts: number;
  readonly url: string | undefined;

  constructor(message: string, attempts: number, cause: unknown, url?: string) {
    super(message, { cause });
    this.name = 'MnemoConnectionError';
    this.attempts = attempts;
    this.url = url;
  }
}
