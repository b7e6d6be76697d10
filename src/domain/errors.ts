/**
 * Error codes shared by every API surface. The names are MLflow's so the MLflow adapter can pass them through
 * unchanged; the HTTP status for each code is decided in api/, not here.
 */
export type ErrorCode =
  | 'INVALID_PARAMETER_VALUE'
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'INVALID_STATE'
  | 'PERMISSION_DENIED'
  | 'UNAUTHENTICATED'
  | 'RESOURCE_EXHAUSTED';

export class MnemoError extends Error {
  /** Fields an API answer carries beside `error_code` and `message` (every violation of a rule, say). */
  details?: Record<string, unknown>;

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MnemoError';
  }
}

export const invalid = (message: string) => new MnemoError('INVALID_PARAMETER_VALUE', message);
export const notFound = (message: string) => new MnemoError('RESOURCE_DOES_NOT_EXIST', message);
export const alreadyExists = (message: string) => new MnemoError('RESOURCE_ALREADY_EXISTS', message);
export const invalidState = (message: string) => new MnemoError('INVALID_STATE', message);
export const tooLarge = (message: string) => new MnemoError('RESOURCE_EXHAUSTED', message);
