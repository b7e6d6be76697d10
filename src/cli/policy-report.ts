import type { GateResult, PolicyVerdict, RuleFailure } from '../sdk/policies.js';

/** How a failed rule reads in a terminal: the rule, its expression, why it could not run, and what it saw. */
export function failureLines(failure: RuleFailure): string[] {
  const lines = [`  ✗ ${failure.policy}/${failure.rule}${failure.builtin ? ' (built-in)' : ''}: ${failure.expression}`];
  if (failure.description) lines.push(`      ${failure.description}`);
  if (failure.error) lines.push(`      could not be evaluated: ${failure.error}`);
  for (const [path, value] of Object.entries(failure.seen)) lines.push(`      saw ${path} = ${JSON.stringify(value)}`);
  return lines;
}

export function verdictLines(verdict: PolicyVerdict): string[] {
  const lines: string[] = [];
  for (const policy of verdict.policies) {
    const status = policy.passed ? 'pass' : `FAIL (${policy.failed} of ${policy.rules} rules)`;
    lines.push(`  ${policy.name} v${policy.version}${policy.builtin ? ' (built-in)' : ''}: ${status}`);
  }
  for (const failure of verdict.failures) lines.push(...failureLines(failure));
  return lines;
}

const describeTarget = (target: GateResult['target']) =>
  target.stage !== undefined ? `stage ${target.stage}` : `alias '${target.alias}'`;

/** The gate's answer for people: PASS or FAIL, then every reason. */
export function gateReport(result: GateResult): string {
  const head = `${result.passed ? 'PASS' : 'FAIL'}: ${result.model} version ${result.version} → ${describeTarget(result.target)}`;
  const lines = [head];
  if (result.verdict.policies.length === 0) lines.push('  no policy governs this target');
  lines.push(...verdictLines(result.verdict));
  const approval = result.approval;
  if (approval?.required) {
    const pending = approval.pendingRequestId ? ` (request ${approval.pendingRequestId})` : '';
    lines.push(
      approval.satisfied
        ? `  approvals: ${approval.approvals} of ${approval.needed}`
        : `  ✗ approvals: ${approval.approvals} of ${approval.needed} needed${pending}`,
    );
  }
  return lines.join('\n');
}
