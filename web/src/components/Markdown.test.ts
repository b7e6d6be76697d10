import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Markdown } from './Markdown.js';

const render = (source: string) => renderToStaticMarkup(createElement(Markdown, { source }));

describe('Markdown', () => {
  it('renders GitHub-flavoured tables, nested lists, task lists and fenced code', () => {
    const html = render(
      [
        '| lr | loss |',
        '| --- | ---: |',
        '| 0.1 | 0.25 |',
        '',
        '- outer',
        '  - inner',
        '',
        'Done:',
        '',
        '- [x] tried Adam',
        '- [ ] try SGD',
        '',
        '```py',
        'x = 1',
        '```',
      ].join('\n'),
    );
    expect(html).toContain('<th>lr</th>');
    expect(html).toContain('<td style="text-align:right">0.25</td>');
    expect(html).toMatch(/<li>outer\s*<ul>\s*<li>inner<\/li>/);
    expect(html).toContain(
      '<li class="task-list-item"><input type="checkbox" disabled="" checked=""/> tried Adam</li>',
    );
    expect(html).toContain('<li class="task-list-item"><input type="checkbox" disabled=""/> try SGD</li>');
    expect(html).toContain('<pre class="code-block"><code class="language-py">x = 1\n</code></pre>');
  });

  it('shows HTML as text and drops unsafe link targets', () => {
    const html = render('<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)> [a](javascript:alert(1))');
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('<span>a</span>');
  });

  it('starts headings below the page heading and opens links in a new tab without an opener', () => {
    const html = render('# Findings\n\nsee https://example.org/p');
    expect(html).toContain('<h2>Findings</h2>');
    expect(html).toContain(
      '<a href="https://example.org/p" target="_blank" rel="noopener noreferrer nofollow">https://example.org/p</a>',
    );
  });
});
