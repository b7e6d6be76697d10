import { useEffect, useState } from 'react';
import { api, artifactUrl } from '../api/client.js';
import { queryKeys } from '../api/queries.js';
import type { ArtifactFile } from '../api/types.js';
import { imageType, PREVIEW_LIMIT_BYTES, previewKind } from '../lib/artifact-kind.js';
import { parseCsvHead } from '../lib/csv.js';
import { formatBytes } from '../lib/format.js';
import { useQueryState } from '../lib/url-state.js';
import { useApiQuery } from '../lib/use-api-query.js';
import { useAsync } from '../lib/use-async.js';
import { Empty, ErrorMessage, Loading } from './states.js';

/** A run's artifact tree, one directory at a time, with a preview of the chosen file. Both live in the URL. */
export function ArtifactBrowser({ runId }: { runId: string }) {
  const [dir, setDir] = useQueryState('dir');
  const [file, setFile] = useQueryState('file');
  const listing = useApiQuery(queryKeys.runArtifacts(runId, dir), (signal) => api.artifacts(runId, dir, signal), {
    keepPrevious: true,
  });
  const parts = dir ? dir.split('/') : [];
  return (
    <div className="artifacts">
      <div className="artifact-list">
        <div className="crumbs small">
          <button type="button" className="link-button" onClick={() => setDir('')}>
            artifacts
          </button>
          {parts.map((part, i) => (
            <span key={parts.slice(0, i + 1).join('/')}>
              {' / '}
              <button type="button" className="link-button" onClick={() => setDir(parts.slice(0, i + 1).join('/'))}>
                {part}
              </button>
            </span>
          ))}
        </div>
        {listing.error ? (
          <ErrorMessage error={listing.error} onRetry={listing.reload} />
        ) : !listing.data ? (
          <Loading />
        ) : listing.data.files.length === 0 ? (
          <Empty title="No artifacts">
            <p className="small">
              Upload files with <code>mlflow.log_artifact(path)</code> or{' '}
              <code>PUT /api/v1/runs/{'{run}'}/artifacts/&lt;path&gt;</code>.
            </p>
          </Empty>
        ) : (
          <ul className="file-list">
            {[...listing.data.files]
              .sort((a, b) => Number(b.isDir) - Number(a.isDir) || a.path.localeCompare(b.path))
              .map((f) => (
                <li key={f.path} className={f.path === file ? 'active' : ''}>
                  <button
                    type="button"
                    className="file-button"
                    onClick={() => (f.isDir ? setDir(f.path) : setFile(f.path))}
                  >
                    <FileIcon directory={f.isDir} /> {f.path.split('/').pop()}
                  </button>
                  <span className="muted small">{f.isDir ? '' : formatBytes(f.size)}</span>
                </li>
              ))}
          </ul>
        )}
      </div>
      <div className="artifact-preview">
        {file ? (
          <Preview
            key={file}
            runId={runId}
            file={
              listing.data?.files.find((f) => f.path === file) ?? { path: file, isDir: false, size: null, sha256: null }
            }
          />
        ) : (
          <p className="muted">Choose a file to preview it.</p>
        )}
      </div>
    </div>
  );
}

function Preview({ runId, file }: { runId: string; file: ArtifactFile }) {
  const kind = previewKind(file.path);
  const tooBig = file.size !== null && file.size > PREVIEW_LIMIT_BYTES;
  // Not in the shared cache: an image preview is an object URL owned by this component and revoked when it goes, so
  // a cached one would outlive the file it points to.
  const content = useAsync(
    async (signal) => {
      if (kind === 'none' || tooBig) return null;
      const response = await fetch(artifactUrl(runId, file.path), { signal });
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as { message?: string };
        throw new Error(body.message ?? `Download failed with HTTP ${response.status}`);
      }
      if (kind === 'image') {
        const blob = await response.blob();
        return { image: URL.createObjectURL(new Blob([blob], { type: imageType(file.path) })) };
      }
      return { text: await response.text() };
    },
    [runId, file.path],
  );
  const image = content.data && 'image' in content.data ? content.data.image : undefined;
  useEffect(() => () => (image ? URL.revokeObjectURL(image) : undefined), [image]);

  return (
    <div data-testid="artifact-preview">
      <div className="preview-header">
        <span className="mono">{file.path}</span>
        <span className="muted small">{formatBytes(file.size)}</span>
        {file.sha256 && (
          <span className="muted small mono" title={file.sha256}>
            sha256 {file.sha256.slice(0, 12)}…
          </span>
        )}
        <a href={artifactUrl(runId, file.path)} download className="small">
          Download
        </a>
      </div>
      {kind === 'none' || tooBig ? (
        <p className="muted">{tooBig ? 'This file is too large to preview.' : 'No preview for this file type.'}</p>
      ) : content.error ? (
        <ErrorMessage error={content.error} />
      ) : !content.data ? (
        <Loading />
      ) : image ? (
        <img src={image} alt={file.path} className="preview-image" />
      ) : (
        <TextPreview kind={kind} text={content.data && 'text' in content.data ? (content.data.text ?? '') : ''} />
      )}
    </div>
  );
}

function TextPreview({ kind, text }: { kind: string; text: string }) {
  const [expanded, setExpanded] = useState(false);
  if (kind === 'csv' || kind === 'tsv') {
    const rows = parseCsvHead(text, 51, kind === 'tsv' ? '\t' : ',');
    const [head, ...body] = rows;
    return (
      <div className="csv-preview">
        <table className="data-table compact">
          <thead>
            <tr>
              {head?.map((h, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: header names may repeat; position is their identity
                <th key={i}>{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {body.map((row, r) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows of a static preview have no identity but position
              <tr key={r}>
                {row.map((cell, c) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: as above
                  <td key={c}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted small">First {body.length} rows.</p>
      </div>
    );
  }
  let shown = text;
  if (kind === 'json') {
    try {
      shown = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // JSON lines or invalid JSON: show as written
    }
  }
  const limit = 200_000;
  return (
    <>
      <pre className="code-block preview-text">{expanded ? shown : shown.slice(0, limit)}</pre>
      {shown.length > limit && !expanded && (
        <button type="button" onClick={() => setExpanded(true)}>
          Show all {shown.length.toLocaleString()} characters
        </button>
      )}
    </>
  );
}

/** Drawn rather than an emoji, so it looks the same on machines without an emoji font. */
function FileIcon({ directory }: { directory: boolean }) {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" className="file-icon">
      {directory ? (
        <path d="M1.5 3.5h5l1.5 1.5h6.5v8h-13z" fill="currentColor" opacity="0.35" stroke="currentColor" />
      ) : (
        <path d="M3.5 1.5h6l3 3v10h-9z M9.5 1.5v3h3" fill="none" stroke="currentColor" />
      )}
    </svg>
  );
}
