import type { ReactNode } from 'react';
import { type Block, type Inline, parseMarkdown } from '../lib/markdown.js';

/** Renders note Markdown as React elements only: text is never interpreted as HTML. */
export function Markdown({ source }: { source: string }) {
  return <div className="markdown">{parseMarkdown(source).map(renderBlock)}</div>;
}

function renderBlock(block: Block, index: number): ReactNode {
  switch (block.type) {
    case 'heading': {
      const Tag = `h${Math.min(block.level + 1, 6)}` as 'h2';
      return <Tag key={index}>{block.children.map(renderInline)}</Tag>;
    }
    case 'paragraph':
      return <p key={index}>{block.children.map(renderInline)}</p>;
    case 'list': {
      // biome-ignore lint/suspicious/noArrayIndexKey: a rendered note is static; position is an item's identity
      const items = block.items.map((item, i) => <li key={i}>{item.map(renderInline)}</li>);
      return block.ordered ? <ol key={index}>{items}</ol> : <ul key={index}>{items}</ul>;
    }
    case 'quote':
      return <blockquote key={index}>{block.children.map(renderBlock)}</blockquote>;
    case 'code':
      return (
        <pre key={index} className="code-block">
          <code>{block.text}</code>
        </pre>
      );
    case 'rule':
      return <hr key={index} />;
  }
}

function renderInline(inline: Inline, index: number): ReactNode {
  switch (inline.type) {
    case 'text':
      return inline.text;
    case 'code':
      return <code key={index}>{inline.text}</code>;
    case 'strong':
      return <strong key={index}>{inline.children.map(renderInline)}</strong>;
    case 'em':
      return <em key={index}>{inline.children.map(renderInline)}</em>;
    case 'del':
      return <del key={index}>{inline.children.map(renderInline)}</del>;
    case 'link':
      return (
        <a key={index} href={inline.href} target="_blank" rel="noopener noreferrer nofollow">
          {inline.children.map(renderInline)}
        </a>
      );
  }
}
