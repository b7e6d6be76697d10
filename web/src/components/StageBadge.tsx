import type { Stage } from '../api/types.js';

/** A model version's stage; Production and Staging stand out, None says nothing and is left quiet. */
export function StageBadge({ stage }: { stage: Stage }) {
  return (
    <span className={`badge stage-${stage.toLowerCase()}`} data-testid="stage" title={`Stage: ${stage}`}>
      {stage === 'None' ? 'no stage' : stage}
    </span>
  );
}
