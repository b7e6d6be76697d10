import {
  type GateResult,
  governanceApi,
  governanceKeys,
  type Policy,
  type Target,
} from '../../api/governance-client.js';
import { ErrorMessage, Loading } from '../../components/states.js';
import { useApiQuery } from '../../lib/use-api-query.js';

export const targetLabel = (target: { stage?: string; alias?: string }): string =>
  target.stage !== undefined ? `stage ${target.stage}` : `alias @${target.alias}`;

/** One rule's outcome: what the gate said of it, with the values it read when it failed. */
interface RuleOutcome {
  policy: string;
  rule: string;
  expression: string | null;
  passed: boolean;
  error: string | null;
  seen: Record<string, unknown>;
}

/**
 * Every rule of every policy the gate applied, passed or failed. The gate names the failures (with the values read);
 * a policy's other rules passed, and their text comes from the policy itself when the caller may list it.
 */
export function ruleOutcomes(gate: GateResult, policies: readonly Policy[]): RuleOutcome[] {
  const outcomes: RuleOutcome[] = [];
  for (const applied of gate.verdict.policies) {
    const failures = gate.verdict.failures.filter((f) => f.policy === applied.name);
    const rules = policies.find((p) => p.name === applied.name)?.rules ?? [];
    const failedNames = new Set(failures.map((f) => f.rule));
    for (const f of failures) {
      outcomes.push({
        policy: f.policy,
        rule: f.rule,
        expression: f.expression,
        passed: false,
        error: f.error,
        seen: f.seen,
      });
    }
    for (const rule of rules) {
      if (!failedNames.has(rule.name)) {
        outcomes.push({
          policy: applied.name,
          rule: rule.name,
          expression: rule.expression,
          passed: true,
          error: null,
          seen: {},
        });
      }
    }
  }
  return outcomes;
}

const formatSeen = (value: unknown) => (value === undefined ? 'missing' : JSON.stringify(value));

/** Would this version pass onto the target now? Each policy rule pass or fail, the values seen, and the approvals. */
export function PolicyResults({ name, version, target }: { name: string; version: number; target: Target }) {
  const gate = useApiQuery(governanceKeys.gate(name, version, target), (signal) =>
    governanceApi.gate(name, version, target, signal),
  );
  const policies = useApiQuery(governanceKeys.policies(name), (signal) => governanceApi.policies(name, signal));
  if (gate.error) return <ErrorMessage error={gate.error} onRetry={gate.reload} />;
  if (!gate.data || (!policies.data && !policies.error)) return <Loading label="Evaluating policies…" />;
  const outcomes = ruleOutcomes(gate.data, policies.data?.policies ?? []);
  const verdict = gate.data.verdict;
  const approval = gate.data.approval;
  return (
    <div className="policy-results" data-testid="policy-results" data-passed={String(verdict.passed)}>
      <p>
        <strong>{targetLabel(target)}:</strong>{' '}
        <span className={verdict.passed ? 'badge badge-ok' : 'badge badge-failed'} data-testid="policy-verdict">
          {verdict.passed ? 'policies pass' : 'policies fail'}
        </span>{' '}
        {approval?.required && (
          <span className="muted small" data-testid="gate-approvals">
            approvals {approval.approvals}/{approval.needed}
          </span>
        )}
      </p>
      {verdict.policies.length === 0 ? (
        <p className="muted small">No policy applies to {targetLabel(target)}.</p>
      ) : (
        <table className="data-table compact">
          <thead>
            <tr>
              <th>Policy</th>
              <th>Rule</th>
              <th>Result</th>
              <th>Values seen</th>
            </tr>
          </thead>
          <tbody>
            {outcomes.map((o) => (
              <tr key={`${o.policy}/${o.rule}`} data-testid="policy-rule" data-passed={String(o.passed)}>
                <td>{o.policy}</td>
                <td>
                  {o.rule}
                  {o.expression && (
                    <div className="muted small">
                      <code>{o.expression}</code>
                    </div>
                  )}
                </td>
                <td>{o.passed ? '✓ pass' : o.error ? `✗ error: ${o.error}` : '✗ fail'}</td>
                <td className="small">
                  {Object.entries(o.seen).map(([path, value]) => (
                    <div key={path}>
                      <code>{path}</code> = <code>{formatSeen(value)}</code>
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
