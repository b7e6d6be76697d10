import type { CheckpointService } from './checkpoint-service.js';

/**
 * Signs a checkpoint every `intervalMinutes` when the log grew. Each replica runs one; the head-row lock and the
 * "grew since the latest checkpoint" test make a second replica's tick a no-op rather than a duplicate.
 */
export function startCheckpointTimer(
  checkpoints: CheckpointService,
  intervalMinutes: number,
  onError: (error: unknown) => void,
): { stop(): void } {
  if (!(intervalMinutes > 0)) return { stop() {} };
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await checkpoints.createIfGrown();
    } catch (error) {
      onError(error);
    } finally {
      running = false;
    }
  }, intervalMinutes * 60_000);
  // A pending tick must not keep a finished process alive.
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
