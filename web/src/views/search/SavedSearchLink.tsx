import { useEffect } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { searchApi, searchKeys } from '../../api/search-client.js';
import { ErrorMessage, Loading } from '../../components/states.js';
import { useApiQuery } from '../../lib/use-api-query.js';
import { savedSearchHref } from './search-url.js';

/**
 * A shared saved search (`/searches/:id`): opens the search page on its words, types and facets, naming the saved
 * search (to subscribe to it). The search then runs as the reader, so the link shows each reader what they may read.
 */
export function SavedSearchLink() {
  const { savedSearchId = '' } = useParams();
  const navigate = useNavigate();
  const saved = useApiQuery(searchKeys.savedSearch(savedSearchId), (signal) =>
    searchApi.savedSearch(savedSearchId, signal),
  );
  const found = saved.data?.savedSearch;
  useEffect(() => {
    if (found) navigate(savedSearchHref(found), { replace: true });
  }, [found, navigate]);
  if (saved.error) return <ErrorMessage error={saved.error} onRetry={saved.reload} />;
  return <Loading />;
}
