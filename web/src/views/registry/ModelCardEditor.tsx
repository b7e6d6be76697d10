import { type FormEvent, useState } from 'react';
import { registryApi, registryKeys } from '../../api/registry-client.js';
import type { ModelCard, RegisteredModel } from '../../api/types.js';
import { useAction } from '../../lib/use-action.js';

type TextField =
  | 'description'
  | 'ownerTeam'
  | 'purpose'
  | 'taskType'
  | 'algorithmFamily'
  | 'intendedUse'
  | 'limitations';

const FIELDS: { key: TextField; label: string; multiline?: boolean }[] = [
  { key: 'description', label: 'Description (Markdown)', multiline: true },
  { key: 'ownerTeam', label: 'Owner team' },
  { key: 'purpose', label: 'Purpose' },
  { key: 'taskType', label: 'Task' },
  { key: 'algorithmFamily', label: 'Algorithm' },
  { key: 'intendedUse', label: 'Intended use (Markdown)', multiline: true },
  { key: 'limitations', label: 'Limitations (Markdown)', multiline: true },
];

/**
 * The model card as a form. Only what changed is sent; the server checks it against the registry's rules
 * (vocabularies, metadata schema) and a refusal is shown as it said it.
 */
export function ModelCardEditor({ model, onDone }: { model: RegisteredModel; onDone: () => void }) {
  const [values, setValues] = useState<Record<TextField, string>>(
    () => Object.fromEntries(FIELDS.map(({ key }) => [key, model[key] ?? ''])) as Record<TextField, string>,
  );
  const [latency, setLatency] = useState(model.latencyBudgetMs === null ? '' : String(model.latencyBudgetMs));
  const [flags, setFlags] = useState(model.regulatoryFlags.join(', '));
  const save = useAction(
    (card: ModelCard) => registryApi.updateCard(model.name, card),
    [registryKeys.model(model.name), ['models']],
  );
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const card: ModelCard = {};
    for (const { key } of FIELDS) {
      const value = values[key].trim();
      if (value !== (model[key] ?? '')) card[key] = value === '' ? null : value;
    }
    const budget = latency.trim() === '' ? null : Number(latency);
    if (budget !== model.latencyBudgetMs) card.latencyBudgetMs = budget;
    const flagList = flags
      .split(',')
      .map((flag) => flag.trim())
      .filter(Boolean);
    if (flagList.join(',') !== model.regulatoryFlags.join(',')) card.regulatoryFlags = flagList;
    if (Object.keys(card).length === 0 || (await save.run(card))) onDone();
  };
  return (
    <form className="model-card card-editor" aria-label="Edit the model card" onSubmit={submit}>
      <h2>Model card</h2>
      {FIELDS.map(({ key, label, multiline }) => (
        <div key={key} className="field">
          <label htmlFor={`card-${key}`}>{label}</label>
          {multiline ? (
            <textarea
              id={`card-${key}`}
              rows={key === 'description' ? 5 : 3}
              value={values[key]}
              onChange={(e) => setValues({ ...values, [key]: e.target.value })}
            />
          ) : (
            <input
              id={`card-${key}`}
              value={values[key]}
              onChange={(e) => setValues({ ...values, [key]: e.target.value })}
            />
          )}
        </div>
      ))}
      <label className="field">
        <span>Latency budget (ms)</span>
        <input inputMode="numeric" value={latency} onChange={(e) => setLatency(e.target.value)} />
      </label>
      <label className="field">
        <span>Regulatory flags (comma-separated)</span>
        <input value={flags} onChange={(e) => setFlags(e.target.value)} />
      </label>
      {save.error && (
        <p className="form-error" role="alert">
          {save.error}
        </p>
      )}
      <div className="toolbar">
        <button type="submit" className="primary" disabled={save.busy}>
          Save card
        </button>
        <button type="button" onClick={onDone} disabled={save.busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
