import { Command } from 'commander';
import { DISCOVERY_TYPES } from '../domain/search/discovery-filters.js';
import { SearchClient } from '../sdk/search.js';
import type { SearchEntityType, SearchHit } from '../sdk/wire/search-shapes.js';
import { clientToken, trackingUriOption } from './options.js';
import { formatTime, printTable } from './output.js';

type Options = {
  trackingUri: string;
  type: string[];
  facet: string[];
  maxResults: string;
  pageToken?: string;
  json?: boolean;
};

const collect = (value: string, previous: string[]) => [...previous, value];

/** `mnemo search "fraud" [--type model] [--facet stage=Production] [--json]`: discovery from the shell. */
export function searchCommand(): Command {
  return new Command('search')
    .description('Search models, versions, experiments, runs, datasets, features and deployments by what they are')
    .argument('[query]', 'words to look for (punctuation is ordinary text); none lists the newest', '')
    .addOption(trackingUriOption())
    .option('--type <type>', `only this type (repeatable): ${DISCOVERY_TYPES.join(', ')}`, collect, [])
    .option(
      '--facet <facet>',
      'narrow by a facet (repeatable): stage=Production, team=risk, tag.<key>=<value>, dataset=<name>, ' +
        'metric.auc=0.85..0.95, created=2026-01-01..',
      collect,
      [],
    )
    .option('--max-results <n>', 'results per page (1 to 100)', '20')
    .option('--page-token <token>', 'the next page of an earlier search')
    .option('--json', 'print the server answer as JSON')
    .action(async (query: string, options: Options) => {
      const maxResults = Number(options.maxResults);
      if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
        throw new Error(`--max-results must be between 1 and 100; got '${options.maxResults}'`);
      }
      const client = new SearchClient({ url: options.trackingUri, token: clientToken() });
      const results = await client.search(query, {
        types: options.type as SearchEntityType[],
        facets: options.facet,
        maxResults,
        ...(options.pageToken ? { pageToken: options.pageToken } : {}),
      });
      if (options.json) {
        console.log(JSON.stringify(results, null, 2));
        return;
      }
      console.log(`${results.total} results${query === '' ? '' : ` for "${query}"`}`);
      for (const group of results.groups) {
        console.log(`\n${group.type} (${results.facets.types.find((t) => t.value === group.type)?.count ?? 0})`);
        printTable(
          ['name', 'id', 'stage', 'updated', 'match'],
          group.hits.map((hit) => [hit.name, hit.id, hit.stage ?? '', formatTime(hit.updatedTime), matchOf(hit)]),
        );
      }
      const facets = Object.entries(results.facets.terms);
      if (facets.length > 0) console.log('\nfacets');
      for (const [facet, values] of facets) {
        console.log(`  ${facet}: ${values.map((v) => `${v.value} (${v.count})`).join(', ')}`);
      }
      if (results.nextPageToken) console.log(`\nmore: --page-token ${results.nextPageToken}`);
    });
}

/** The highlighted words of a result's best highlight, as `*word*`, for a terminal. */
function matchOf(hit: SearchHit): string {
  const highlight = hit.highlights.find((h) => h.field !== 'name') ?? hit.highlights[0];
  if (!highlight) return '';
  const text = highlight.segments.map((s) => (s.match ? `*${s.text}*` : s.text)).join('');
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
