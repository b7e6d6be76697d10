import type { ComponentProps } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';

/**
 * Renders note Markdown (GitHub-flavoured: tables, task lists, strikethrough, autolinks) as React elements only.
 * No rehype-raw: HTML in a note stays the characters it was typed as, never an element, and react-markdown's URL
 * filter drops `javascript:` and other non-web link targets. This module is loaded on demand (see LazyMarkdown) so
 * the parser stays out of the bundle every page needs.
 */
export function Markdown({ source }: { source: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={[remarkGfm]} components={COMPONENTS}>
        {source}
      </ReactMarkdown>
    </div>
  );
}

// A note sits under the page's own h1 and its "Notes" h2, so its headings start one level lower.
const COMPONENTS: Components = {
  h1: ({ node: _, ...props }) => <h2 {...props} />,
  h2: ({ node: _, ...props }) => <h3 {...props} />,
  h3: ({ node: _, ...props }) => <h4 {...props} />,
  h4: ({ node: _, ...props }) => <h5 {...props} />,
  h5: ({ node: _, ...props }) => <h6 {...props} />,
  // A note's links lead away from Mnemo: a new tab, no opener, no referrer. A target the URL filter emptied
  // (javascript:, data:) leaves the link's text alone rather than a link back to this page.
  a: ({ node: _, href, children, ...props }: ComponentProps<'a'> & { node?: unknown }) =>
    href ? (
      <a {...props} href={href} target="_blank" rel="noopener noreferrer nofollow">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  pre: ({ node: _, ...props }) => <pre className="code-block" {...props} />,
  table: ({ node: _, ...props }) => (
    <div className="markdown-table">
      <table {...props} />
    </div>
  ),
};
