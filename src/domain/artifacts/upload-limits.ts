/** How much one artifact file, and all of one run's files together, may hold. */
export interface UploadLimits {
  maxFileBytes: number;
  maxRunBytes: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  maxFileBytes: 20 * 1024 ** 3,
  maxRunBytes: 200 * 1024 ** 3,
};

/**
 * The most bytes an upload may send: the file limit, or what is left of the run's allowance (the file being replaced
 * no longer counts), whichever is smaller.
 */
export function uploadAllowance(limits: UploadLimits, runBytes: number, replacedBytes: number): number {
  return Math.max(0, Math.min(limits.maxFileBytes, limits.maxRunBytes - (runBytes - replacedBytes)));
}
