import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { type SearchRequest, searchApi, searchKeys } from '../../api/search-client.js';
import type { SearchEntityType, SearchFacetValue, SearchHit, SearchResults } from '../../api/types.js';
import { SearchBox } from '../../components/SearchBox.js';
import { Empty, ErrorMessage, Loading } from '../../components/states.js';
import { formatAgo } from '../../lib/format.js';
import { useApiQuery } from '../../lib/use-api-query.js';
import { hitPath } from './hit-path.js';
import { SavedSearchBar, SavedSearchList, SubscribeButton, useSavedListRefresh } from './SavedSearches.js';
import {
  type DateFacetKey,
  dateRangeOf,
  daySpan,
  facetLabel,
  numberFacetKey,
  rangeOf,
  readSavedId,
  readSearch,
  searchHref,
  termFacet,
  toggled,
  withDateRange,
  withRange,
} from './search-url.js';

const TYPE_TITLES: Record<SearchEntityType, string> = {
  model: 'Models',
  model_version: 'Model versions',
  experiment: 'Experiments',
  run: 'Runs',
  dataset: 'Datasets',
  dataset_version: 'Dataset versions',
  feature: 'Features',
  deployment: 'Deployments',
};

const FACET_TITLES: Record<string, string> = {
  stage: 'Stage',
  alias: 'Alias',
  team: 'Team',
  owner: 'Owner',
  framework: 'Framework',
  task_type: 'Task',
  algorithm_family: 'Algorithm',
  regulatory_flag: 'Regulatory',
  dataset: 'Dataset',
  feature: 'Feature',
  tag_key: 'Tag key',
  tag: 'Tags',
};

/**
 * One search over models, versions, experiments, runs, datasets, features and deployments: results grouped by type
 * and highlighted, narrowed by facets (terms, numeric ranges, created and updated dates) whose counts follow the
 * search, paged forward and back. Everything is in the URL, so the browser's Back and Forward step through it.
 */
export function SearchPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const current = readSearch(params);
  const savedId = readSavedId(params);
  const results = useApiQuery(searchKeys.search(current), (signal) => searchApi.search(current, signal), {
    keepPrevious: true,
  });
  // A new search or filter starts again at the first page.
  const go = (change: Partial<typeof current>) => navigate(searchHref({ ...current, pageToken: undefined, ...change }));

  return (
    <div className="page search-page">
      <div className="page-header">
        <h1>Search</h1>
        <SearchBox
          initial={current.q}
          onSearch={(q) => go({ q })}
          label="Search everything"
          className="search-page-box"
          testId="search-page-input"
        />
        <SavedSearchList />
      </div>
      {savedId && <SavedSearchBar key={savedId} id={savedId} />}
      {results.error && <ErrorMessage error={results.error} onRetry={results.reload} />}
      {!results.data && !results.error && <Loading />}
      {results.data && (
        <div className="registry-layout">
          <FacetSidebar results={results.data} types={current.types} facets={current.facets} go={go} />
          <section data-testid="search-results" aria-busy={results.loading}>
            <div className="search-results-header">
              <p className="muted" data-testid="search-total">
                {results.data.total} result{results.data.total === 1 ? '' : 's'}
              </p>
              <SaveSearch current={current} />
              <UsageToggle />
            </div>
            {results.data.groups.length === 0 ? (
              <Empty title="Nothing matches">Try fewer words or facets.</Empty>
            ) : (
              results.data.groups.map((group) => (
                <section key={group.type} className="search-group" data-group={group.type}>
                  <h2>{TYPE_TITLES[group.type]}</h2>
                  <ul className="search-hits">
                    {group.hits.map((hit) => (
                      <HitRow key={`${hit.type}:${hit.id}`} hit={hit} query={current.q} />
                    ))}
                  </ul>
                </section>
              ))
            )}
            <div className="search-paging">
              {current.pageToken && <Link to={searchHref({ ...current, pageToken: undefined })}>First page</Link>}
              {results.data.previousPageToken && (
                <button
                  type="button"
                  data-testid="search-previous"
                  onClick={() => navigate(searchHref({ ...current, pageToken: results.data?.previousPageToken }))}
                >
                  Previous
                </button>
              )}
              {results.data.nextPageToken && (
                <button
                  type="button"
                  data-testid="search-next"
                  onClick={() => navigate(searchHref({ ...current, pageToken: results.data?.nextPageToken }))}
                >
                  Next
                </button>
              )}
            </div>
          </section>
        </div>
      )}
    </div>
  );
}

/** Saves the search on screen under a name, and shows the link that opens it for anyone and the subscription. */
function SaveSearch({ current }: { current: SearchRequest }) {
  const [name, setName] = useState('');
  const [saved, setSaved] = useState<{ id: string; name: string; path: string }>();
  const refreshList = useSavedListRefresh();
  const [failure, setFailure] = useState<unknown>();
  const save = async () => {
    setFailure(undefined);
    try {
      const { savedSearch } = await searchApi.saveSearch(name, { ...current, pageToken: undefined });
      setSaved({ id: savedSearch.id, name: savedSearch.name, path: savedSearch.path });
      setName('');
      refreshList();
    } catch (error) {
      setFailure(error);
    }
  };
  return (
    <form
      className="search-save small"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <input
        aria-label="Name of the saved search"
        placeholder="Name this search"
        value={name}
        maxLength={200}
        onChange={(event) => setName(event.target.value)}
      />{' '}
      <button type="submit" disabled={name.trim() === ''}>
        Save search
      </button>
      {saved && (
        <span>
          {' '}
          Saved “{saved.name}”:{' '}
          <Link to={saved.path} data-testid="saved-search-link">
            {window.location.origin}
            {saved.path}
          </Link>{' '}
          <SubscribeButton id={saved.id} />
        </span>
      )}
      {failure instanceof Error && <span className="error"> {failure.message}</span>}
    </form>
  );
}

/**
 * Whether what the user opens is recorded, to rank it higher for their teams next time. Off also forgets what was
 * recorded of them.
 */
function UsageToggle() {
  const preference = useApiQuery(searchKeys.usagePreference, () => searchApi.usagePreference());
  // The box follows the click at once; the server's answer then confirms it (or a failure puts it back).
  const [chosen, setChosen] = useState<boolean>();
  const [failure, setFailure] = useState<unknown>();
  if (!preference.data) return null;
  const change = async (recordOpens: boolean) => {
    setChosen(recordOpens);
    setFailure(undefined);
    try {
      await searchApi.setUsagePreference(recordOpens);
      preference.reload();
    } catch (error) {
      setChosen(undefined);
      setFailure(error);
    }
  };
  return (
    <label className="muted small" title="What you open ranks higher for your teams; off forgets what was recorded">
      <input
        type="checkbox"
        data-testid="search-learn"
        checked={chosen ?? preference.data.recordOpens}
        onChange={(event) => void change(event.target.checked)}
      />{' '}
      Learn from what I open
      {failure !== undefined && <span className="error"> (not saved)</span>}
    </label>
  );
}

function HitRow({ hit, query }: { hit: SearchHit; query: string }) {
  const path = hitPath(hit);
  // Usage is a hint for ranking: a failure to record it must not stand between the user and the result.
  const recordOpen = () => void searchApi.recordOpen(query, hit).catch(() => {});
  const name = hit.highlights.find((h) => h.field === 'name');
  const others = hit.highlights.filter((h) => h.field !== 'name');
  const title = name ? <Highlighted segments={name.segments} /> : hit.name;
  return (
    <li className="search-hit" data-hit={`${hit.type}:${hit.id}`}>
      <div>
        {path ? (
          <Link to={path} onClick={recordOpen}>
            {title}
          </Link>
        ) : (
          <strong>{title}</strong>
        )}
        {hit.stage && hit.stage !== 'None' && (
          <span className={`badge stage-${hit.stage.toLowerCase()}`}>{hit.stage}</span>
        )}
        <span className="muted small"> · updated {formatAgo(hit.updatedTime)}</span>
      </div>
      {others.map((h) => (
        <div key={h.field} className="muted small search-snippet">
          <Highlighted segments={h.segments} />
        </div>
      ))}
    </li>
  );
}

function Highlighted({ segments }: { segments: { text: string; match: boolean }[] }) {
  return (
    <>
      {segments.map((segment, i) =>
        segment.match ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments are positional and never reordered
          <mark key={i}>{segment.text}</mark>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments are positional and never reordered
          <span key={i}>{segment.text}</span>
        ),
      )}
    </>
  );
}

interface SidebarProps {
  results: SearchResults;
  types: string[];
  facets: string[];
  go: (change: { types?: string[]; facets?: string[] }) => void;
}

function FacetSidebar({ results, types, facets, go }: SidebarProps) {
  const { facets: counts } = results;
  return (
    <aside className="facets" data-testid="search-facets">
      {facets.length > 0 && (
        // Every facet chosen stays removable here, even one the other choices have left no results for.
        <fieldset className="facet" data-facet="chosen">
          <legend>Filters</legend>
          {facets.map((facet) => (
            <div key={facet} className="facet-value">
              <span>{facetLabel(facet)}</span>
              <button
                type="button"
                className="link-button facet-count"
                aria-label={`Remove ${facet}`}
                onClick={() => go({ facets: facets.filter((f) => f !== facet) })}
              >
                ✕
              </button>
            </div>
          ))}
        </fieldset>
      )}
      <FacetGroup
        title="Type"
        name="type"
        values={counts.types}
        label={(value) => TYPE_TITLES[value as SearchEntityType] ?? value}
        isChecked={(value) => types.includes(value)}
        onToggle={(value) => go({ types: toggled(types, value) })}
      />
      {Object.entries(counts.terms).map(([name, values]) => (
        <FacetGroup
          key={name}
          title={FACET_TITLES[name] ?? name}
          name={name}
          values={values}
          label={(value) => value}
          isChecked={(value) => facets.includes(termFacet(name, value))}
          onToggle={(value) => go({ facets: toggled(facets, termFacet(name, value)) })}
        />
      ))}
      {(['created', 'updated'] as const).map((key) => (
        <DateFacet key={key} facetKey={key} span={counts[key]} facets={facets} go={go} />
      ))}
      {counts.numbers.map((number) => (
        <RangeFacet
          key={number.key}
          facetKey={numberFacetKey(number.key)}
          title={number.key === '@latency_budget_ms' ? 'Latency budget (ms)' : number.key}
          spread={number}
          facets={facets}
          go={go}
        />
      ))}
    </aside>
  );
}

interface FacetGroupProps {
  title: string;
  name: string;
  values: SearchFacetValue[];
  label: (value: string) => string;
  isChecked: (value: string) => boolean;
  onToggle: (value: string) => void;
}

function FacetGroup({ title, name, values, label, isChecked, onToggle }: FacetGroupProps) {
  if (values.length === 0) return null;
  return (
    <fieldset className="facet" data-facet={name}>
      <legend>{title}</legend>
      {values.map(({ value, count }) => (
        <label key={value} className="facet-value" data-value={value}>
          <input type="checkbox" checked={isChecked(value)} onChange={() => onToggle(value)} />
          <span>{label(value)}</span>
          <span className="muted small facet-count">{count}</span>
        </label>
      ))}
    </fieldset>
  );
}

interface RangeFacetProps {
  facetKey: string;
  title: string;
  spread: { min: number; max: number; count: number };
  facets: string[];
  go: (change: { facets: string[] }) => void;
}

/** Min and max of a numeric facet, applied on Enter or when leaving the field; the placeholders show the spread. */
function RangeFacet({ facetKey, title, spread, facets, go }: RangeFacetProps) {
  const set = rangeOf(facets, facetKey);
  const [min, setMin] = useState(set.min);
  const [max, setMax] = useState(set.max);
  useEffect(() => {
    setMin(set.min);
    setMax(set.max);
  }, [set.min, set.max]);
  const apply = () => {
    if (min !== set.min || max !== set.max) go({ facets: withRange(facets, facetKey, min, max) });
  };
  const field = (value: string, setValue: (v: string) => void, bound: 'min' | 'max') => (
    <input
      type="number"
      step="any"
      aria-label={`${title} ${bound}`}
      placeholder={String(spread[bound])}
      value={value}
      onChange={(e) => setValue(e.target.value)}
      onBlur={apply}
      onKeyDown={(e) => e.key === 'Enter' && apply()}
    />
  );
  return (
    <fieldset className="facet range-facet" data-facet={facetKey}>
      <legend>
        {title} <span className="muted small">({spread.count})</span>
      </legend>
      {field(min, setMin, 'min')}
      <span className="muted">–</span>
      {field(max, setMax, 'max')}
    </fieldset>
  );
}

interface DateFacetProps {
  facetKey: DateFacetKey;
  span: { min: number; max: number } | null;
  facets: string[];
  go: (change: { facets: string[] }) => void;
}

const DATE_TITLES: Record<DateFacetKey, string> = { created: 'Created', updated: 'Updated' };

/**
 * From and to days (UTC, both included) of the created or updated time; a day is applied once it is complete. The
 * legend shows the days the results span. Hidden when nothing matches and no range is set.
 */
function DateFacet({ facetKey, span, facets, go }: DateFacetProps) {
  const set = dateRangeOf(facets, facetKey);
  if (!span && set.from === '' && set.to === '') return null;
  const title = DATE_TITLES[facetKey];
  const change = (from: string, to: string) => {
    const next = withDateRange(facets, facetKey, from, to);
    if (next.join('\n') !== facets.join('\n')) go({ facets: next });
  };
  return (
    <fieldset className="facet date-facet" data-facet={facetKey}>
      <legend>
        {title} <span className="muted small">(UTC{span ? `, ${daySpan(span)}` : ''})</span>
      </legend>
      <input
        type="date"
        aria-label={`${title} from`}
        value={set.from}
        max={set.to || undefined}
        onChange={(e) => change(e.target.value, set.to)}
      />
      <span className="muted">–</span>
      <input
        type="date"
        aria-label={`${title} to`}
        value={set.to}
        min={set.from || undefined}
        onChange={(e) => change(set.from, e.target.value)}
      />
    </fieldset>
  );
}
