import { lazy, Suspense } from 'react';

// The Markdown parser and its GFM extensions are fetched the first time a note is shown, not with the app.
const Markdown = lazy(async () => ({ default: (await import('./Markdown.js')).Markdown }));

/** A note's Markdown, rendered once the renderer has loaded; until then the note's text as typed, unformatted. */
export function LazyMarkdown({ source }: { source: string }) {
  return (
    <Suspense fallback={<div className="markdown markdown-loading">{source}</div>}>
      <Markdown source={source} />
    </Suspense>
  );
}
