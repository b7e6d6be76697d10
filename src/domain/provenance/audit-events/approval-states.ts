import type { ProtectionRule } from '../../registry/approvals/protection.js';
import type { RequestActivity, TransitionRequest } from '../../registry/approvals/transition-request.js';

/** A model's protection rule as stored, with its times. */
export type ProtectionRuleState = ProtectionRule & { name: string; creationTime: number; lastUpdatedTime: number };

/**
 * A transition request after the change, without its activity list, and the one activity the event records (with a
 * break-glass, the administrator's mandatory reason is its comment).
 */
export type TransitionRequestState = Omit<TransitionRequest, 'activity'> & { activity: RequestActivity };
